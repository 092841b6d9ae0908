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
 * How the monitor-only overhead scales: one {@code fit(DataSet)} step of an MLP 784-w-w-10 (Adam) for hidden width
 * {@code w} from 256 to 4096 at batch 128, and batch 32 to 512 at width 1024, with and without
 * {@code DeadReluListener}. Counting reads each activation once (O(batch * w)) while the step multiplies matrices
 * (O(batch * w^2)), so the overhead ratio should stay flat or fall as the step grows.
 *
 * <p>Run: {@code java -jar benchmarks/target/benchmarks.jar ListenerScalingBenchmark -f 1}
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Fork(value = 1, jvmArgsAppend = {"-Xmx2g"})
@Warmup(iterations = 4, time = 2)
@Measurement(iterations = 6, time = 2)
public class ListenerScalingBenchmark {

    /** Mini-batches the step cycles through (a power of 2). */
    static final int BATCHES = 8;

    /** Hidden width and batch size, {@code w<width>_b<batch>}. */
    @Param({"w256_b128", "w1024_b128", "w4096_b128", "w1024_b32", "w1024_b512"})
    public String size;

    @Param({"NONE", "DEAD_RELU"})
    public Variant listener;

    private MultiLayerNetwork net;
    private DataSet[] data;
    private int next;

    @Setup(Level.Trial)
    public void setUp() {
        String[] p = size.split("_");
        int width = Integer.parseInt(p[0].substring(1));
        int batch = Integer.parseInt(p[1].substring(1));
        net = Networks.mlp(width);
        data = Networks.batches(batch, BATCHES);
        TrainingListener l = listener.listener();
        if (l != null) {
            net.setListeners(l);
        }
    }

    /**
     * One {@code fit(DataSet)} step on the next of 8 mini-batches.
     *
     * @return the parameters (so the step cannot be optimised away)
     */
    @Benchmark
    public INDArray step() {
        net.fit(data[next++ & (BATCHES - 1)]);
        return net.params();
    }
}
