/*
 * SPDX-License-Identifier: Apache-2.0
 */
package io.github.deadrelu.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.factory.Nd4j;

/** The monitor's single-threaded sections set every ND4J/BLAS thread count to 1 and restore it, nested or not. */
class SingleThreadedTest {

    private int master;
    private int max;

    @BeforeEach
    void twoThreads() {
        master = Nd4j.getEnvironment().maxMasterThreads();
        max = Nd4j.getEnvironment().maxThreads();
        Nd4j.getEnvironment().setMaxMasterThreads(2);
        Nd4j.getEnvironment().setMaxThreads(2);
    }

    @AfterEach
    void restore() {
        Nd4j.getEnvironment().setMaxMasterThreads(master);
        Nd4j.getEnvironment().setMaxThreads(max);
    }

    @Test
    void insideOneThread_afterTheCountsSeenBefore_evenNestedAndThrowing() {
        int blas = Nd4j.factory().blas().getMaxThreads();
        // what the environment took (libnd4j clamps the master threads to its pool: 1 under OMP_NUM_THREADS=1)
        int masterBefore = Nd4j.getEnvironment().maxMasterThreads();
        int maxBefore = Nd4j.getEnvironment().maxThreads();
        int inside = SingleThreaded.call(() -> {
            int nested = SingleThreaded.call(() -> Nd4j.getEnvironment().maxMasterThreads());
            assertEquals(1, nested);
            // still one thread after the nested section ended
            // (libnd4j keeps maxThreads as the pool size; maxMasterThreads is what its parallel loops use)
            return Nd4j.getEnvironment().maxMasterThreads() * 10 + Nd4j.factory().blas().getMaxThreads();
        });
        assertEquals(11, inside);
        assertEquals(masterBefore, Nd4j.getEnvironment().maxMasterThreads());
        assertEquals(maxBefore, Nd4j.getEnvironment().maxThreads());
        assertEquals(blas, Nd4j.factory().blas().getMaxThreads());
        assertThrows(IllegalStateException.class, () -> SingleThreaded.run(() -> {
            throw new IllegalStateException("boom");
        }));
        assertEquals(masterBefore, Nd4j.getEnvironment().maxMasterThreads());
        assertEquals(blas, Nd4j.factory().blas().getMaxThreads());
    }

    @Test
    void openBlasCount_setThroughTheFunctionPointerResolvedOnce() {
        // ND4J's setter looks four symbols up by name on every call (0.4-0.75 ms at two threads); the section must
        // not fall back to it on the CPU backend this project tests with
        assertTrue(SingleThreaded.directBlasSetter(), "the direct openblas_set_num_threads pointer was not resolved");
        int blas = Nd4j.factory().blas().getMaxThreads();
        Nd4j.factory().blas().setMaxThreads(2);
        try {
            assertEquals(1, SingleThreaded.call(() -> Nd4j.factory().blas().getMaxThreads()));
            assertEquals(2, Nd4j.factory().blas().getMaxThreads());
        } finally {
            Nd4j.factory().blas().setMaxThreads(blas);
        }
    }
}
