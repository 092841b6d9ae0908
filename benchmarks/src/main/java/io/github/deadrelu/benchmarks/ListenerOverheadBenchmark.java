/*
 * SPDX-License-Identifier: Apache-2.0
 */
package io.github.deadrelu.benchmarks;

import java.util.concurrent.TimeUnit;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.optimize.api.TrainingListener;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * One training step, {@code net.fit(DataSet)}, of the MLP 784-1024-1024-10 (batch 128, Adam) and of a LeNet-sized CNN
 * (batch 64, Adam) with each {@link Variant} of listener: none (the baseline), {@code DeadReluListener} monitor-only,
 * {@code DeadReluListener} with a re-initialisation policy that runs every step, a naive counting listener, and DL4J's
 * {@code StatsListener} reporting every iteration and every 10.
 *
 * <p>The figure of merit is each variant's time divided by the {@code NONE} time of the same model in the same run
 * ({@code benchmarks/ratios.py} computes it from the JSON output, with the propagated JMH error).
 *
 * <p>Run: {@code java -jar benchmarks/target/benchmarks.jar ListenerOverheadBenchmark -f 1}
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Fork(value = 1, jvmArgsAppend = {"-Xmx2g"})
@Warmup(iterations = 5, time = 2)
@Measurement(iterations = 8, time = 2)
public class ListenerOverheadBenchmark {

    /** Mini-batches the step cycles through (a power of 2). */
    static final int BATCHES = 8;

    @Param
    public Architecture model;

    @Param({"NONE", "DEAD_RELU", "DEAD_RELU_REINIT", "GATE_MONITOR", "NAIVE_COUNT", "STATS_EVERY_1", "STATS_EVERY_10"})
    public Variant listener;

    private MultiLayerNetwork net;
    private DataSet[] data;
    private int next;

    @Setup(Level.Trial)
    public void setUp() {
        net = listener.prepare(Networks.build(model));
        data = Networks.batches(Networks.batch(model), BATCHES);
        TrainingListener l = listener.listener();
        if (l != null) {
            net.setListeners(l);
        }
    }

    /**
     * One {@code fit(DataSet)} step on the next of 8 mini-batches with the configured listener.
     *
     * @return the parameters (so the step cannot be optimised away)
     */
    @Benchmark
    public INDArray step() {
        net.fit(data[next++ & (BATCHES - 1)]);
        return net.params();
    }
}
