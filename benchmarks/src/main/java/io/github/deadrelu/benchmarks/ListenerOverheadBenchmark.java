/*
 * SPDX-License-Identifier: Apache-2.0
 */
package io.github.deadrelu.benchmarks;

import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.Warmup;

/**
 * One training step, {@code net.fit(DataSet)}, of the MLP 784-1024-1024-10 (batch 128, Adam) and of a LeNet-sized CNN
 * (batch 64, Adam) with each {@link Variant} of listener ({@link ListenerSteps}): none (the baseline),
 * {@code DeadReluListener} monitor-only, {@code DeadReluListener} with a re-initialisation policy that runs every
 * step, the {@code GateMonitorLayer}-instrumented network, a naive counting listener, and DL4J's
 * {@code StatsListener} reporting every iteration and every 10.
 *
 * <p>The figure of merit is each variant's time divided by the {@code NONE} time of the same model in the same run
 * ({@code benchmarks/ratios.py} computes it from the JSON output, with the propagated JMH error).
 *
 * <p>Run: {@code java -jar benchmarks/target/benchmarks.jar ListenerOverheadBenchmark -f 1}
 */
@Warmup(iterations = 5, time = 2)
@Measurement(iterations = 8, time = 2)
public class ListenerOverheadBenchmark extends ListenerSteps {

    /** The network. */
    @Param
    public Architecture model;

    /** The listener. */
    @Param({"NONE", "DEAD_RELU", "DEAD_RELU_REINIT", "GATE_MONITOR", "NAIVE_COUNT", "STATS_EVERY_1", "STATS_EVERY_10"})
    public Variant listener;

    /** Builds the network, its mini-batches and the listener. */
    @Setup(Level.Trial)
    public void setUp() {
        prepare(Networks.build(model), Networks.batch(model), listener);
    }
}
