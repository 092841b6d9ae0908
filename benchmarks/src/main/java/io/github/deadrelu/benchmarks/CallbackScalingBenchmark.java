/*
 * SPDX-License-Identifier: Apache-2.0
 */
package io.github.deadrelu.benchmarks;

import io.github.deadrelu.listeners.DeadReluListener;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
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
 * {@link ListenerScalingBenchmark} measured the precise way of {@link CallbackCostBenchmark}: the monitor-only
 * callbacks of {@code DeadReluListener} ({@code onForwardPass} + {@code iterationDone}) on the activations of one real
 * forward pass of an MLP 784-w-w-10, next to one training step of the same network ({@code step}, no listener), for
 * width 256 to 4096 at batch 128 and batch 32 to 512 at width 1024. {@code deadRelu / step} is the overhead on cached
 * arrays, a lower bound of what training pays (see {@link CallbackCostBenchmark}; {@link InTrainingBenchmark}
 * measures inside training).
 *
 * <p>Run: {@code java -jar benchmarks/target/benchmarks.jar CallbackScalingBenchmark -f 1}
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(value = 1, jvmArgsAppend = {"-Xmx2g"})
@Warmup(iterations = 4, time = 2)
@Measurement(iterations = 6, time = 2)
public class CallbackScalingBenchmark {

    /** Hidden width and batch size, {@code w<width>_b<batch>}. */
    @Param({"w256_b128", "w1024_b128", "w4096_b128", "w1024_b32", "w1024_b512"})
    public String size;

    private MultiLayerNetwork net;
    private DataSet data;
    private List<INDArray> activations;
    private DeadReluListener deadRelu;
    private int iteration;

    @Setup(Level.Trial)
    public void setUp() {
        String[] p = size.split("_");
        int width = Integer.parseInt(p[0].substring(1));
        int batch = Integer.parseInt(p[1].substring(1));
        net = Networks.mlp(width);
        data = Networks.batch(batch);
        List<INDArray> all = net.feedForward(data.getFeatures(), true);
        activations = new ArrayList<>(all.subList(0, net.getnLayers()));
        deadRelu = DeadReluListener.builder().build();
    }

    /**
     * The reference: one training step without listener.
     *
     * @return the parameters
     */
    @Benchmark
    public INDArray step() {
        net.fit(data);
        return net.params();
    }

    /**
     * {@code DeadReluListener} monitor-only callbacks.
     *
     * @return the latest snapshot
     */
    @Benchmark
    public Object deadRelu() {
        deadRelu.onForwardPass(net, activations);
        deadRelu.iterationDone(net, iteration++, 0);
        return deadRelu.snapshot();
    }
}
