/*
 * SPDX-License-Identifier: Apache-2.0
 */
package io.github.deadrelu.benchmarks;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.Warmup;

/**
 * <b>A lower bound, not what training pays:</b> {@code onForwardPass} and {@code iterationDone} of
 * {@code DeadReluListener} (monitor only) called again and again on <em>one cached list</em> of activations of a real
 * forward pass, outside training ({@link CachedCallbacks}), next to the naive counting listener's
 * {@code onForwardPass} and to the training step itself ({@code step}, no listener), for the MLP and the CNN. The
 * arrays stay in the CPU caches and the JIT compiles the listener at once, so this measures the callbacks' cost on
 * cached arrays. What a user pays is measured inside real training by {@link InTrainingBenchmark} (the callbacks
 * timed around the step's own arrays, and the end-to-end ratio): use those figures; these only bound them from below.
 *
 * <p>Run: {@code java -jar benchmarks/target/benchmarks.jar CallbackCostBenchmark -f 1}
 */
@Warmup(iterations = 5, time = 2)
@Measurement(iterations = 8, time = 2)
public class CallbackCostBenchmark extends CachedCallbacks {

    /** The network. */
    @Param
    public Architecture model;

    private NaiveCountListener naive;

    /** Builds the network and its batch, and the cached activations. */
    @Setup(Level.Trial)
    public void setUp() {
        prepare(Networks.build(model), Networks.batch(Networks.batch(model)));
        naive = new NaiveCountListener();
    }

    /**
     * The naive listener's {@code onForwardPass}.
     *
     * @return its running sum of counts
     */
    @Benchmark
    public long naive() {
        naive.onForwardPass(net, activations);
        return naive.sink();
    }
}
