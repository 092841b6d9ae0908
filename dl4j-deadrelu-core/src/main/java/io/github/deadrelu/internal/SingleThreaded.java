/*
 * SPDX-License-Identifier: Apache-2.0
 */
package io.github.deadrelu.internal;

import java.util.function.Supplier;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Runs the monitor's own small ND4J ops on the calling thread only: libnd4j's thread counts
 * ({@code Environment.setMaxMasterThreads}/{@code setMaxThreads}) and OpenBLAS's ({@code blas().setMaxThreads}) are
 * set to 1 for the duration and restored after.
 *
 * <p>Why: at ND4J's default thread count on a small machine, the training step's OpenBLAS calls leave OpenBLAS's
 * worker threads spinning and libnd4j's OpenMP ops leave OpenMP's spinning; every switch between a BLAS call and an
 * OpenMP op then waits for a core the other pool holds (measured on 2 cores: one dense layer's count 100 us at one
 * thread, 240 us to several ms after a gemm at two). The listener's ops are memory-bound and small, so one thread
 * loses nothing and skips every such wait.
 *
 * <p>These settings are process-wide in ND4J 1.0.0-M2.1 (there is no per-op or per-thread count): while a monitor
 * counts, ND4J ops that OTHER threads start (ParallelWrapper workers, a second model) run single-threaded too. Their
 * results do not change beyond floating-point summation order; they may run slower for that window (tens to hundreds
 * of microseconds per step). Nested and concurrent sections are counted: the first in sets, the last out restores
 * the values the first saw. Nothing is changed when every count is already 1, or when the system property
 * {@code deadrelu.singleThreaded} is {@code false}.
 */
public final class SingleThreaded {

    private static final boolean ENABLED =
            !"false".equalsIgnoreCase(System.getProperty("deadrelu.singleThreaded", "true"));
    private static final Object LOCK = new Object();
    private static int depth;
    private static int savedMaster;
    private static int savedMax;
    private static int savedBlas;
    private static boolean changed;

    private SingleThreaded() {
    }

    /**
     * Runs {@code work} with every ND4J/BLAS thread count at 1, restoring the counts after (also when it throws).
     *
     * @param work the monitor's ops
     * @param <T>  the result type
     * @return what {@code work} returns
     */
    public static <T> T call(Supplier<T> work) {
        enter();
        try {
            return work.get();
        } finally {
            exit();
        }
    }

    /**
     * {@link #call} for work without a result.
     *
     * @param work the monitor's ops
     */
    public static void run(Runnable work) {
        enter();
        try {
            work.run();
        } finally {
            exit();
        }
    }

    private static void enter() {
        if (!ENABLED) {
            return;
        }
        synchronized (LOCK) {
            if (depth++ > 0) {
                return;
            }
            try {
                savedMaster = Nd4j.getEnvironment().maxMasterThreads();
                savedMax = Nd4j.getEnvironment().maxThreads();
                savedBlas = Nd4j.factory().blas().getMaxThreads();
                changed = savedMaster > 1 || savedMax > 1 || savedBlas > 1;
                if (changed) {
                    Nd4j.getEnvironment().setMaxMasterThreads(1);
                    Nd4j.getEnvironment().setMaxThreads(1);
                    Nd4j.factory().blas().setMaxThreads(1);
                }
            } catch (RuntimeException | LinkageError e) {
                changed = false; // a backend without these settings: run as is
            }
        }
    }

    private static void exit() {
        if (!ENABLED) {
            return;
        }
        synchronized (LOCK) {
            if (--depth > 0 || !changed) {
                return;
            }
            changed = false;
            try {
                // the pool size first: libnd4j clamps maxMasterThreads to maxThreads
                Nd4j.getEnvironment().setMaxThreads(savedMax);
                Nd4j.getEnvironment().setMaxMasterThreads(savedMaster);
                Nd4j.factory().blas().setMaxThreads(savedBlas);
            } catch (RuntimeException | LinkageError e) {
                // nothing to restore on such a backend
            }
        }
    }
}
