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
 * <b>A lower bound, not what training pays:</b> {@code onForwardPass} and {@code iterationDone} of
 * {@code DeadReluListener} (monitor only) called again and again on <em>one cached list</em> of activations of a real
 * forward pass, outside training, next to the naive counting listener's {@code onForwardPass} and to the training
 * step itself ({@code step}, no listener). The arrays stay in the CPU caches and the JIT compiles the listener at
 * once, so this measures the callbacks' cost on cached arrays. What a user pays is measured inside real training by
 * {@link InTrainingBenchmark} (the callbacks timed around the step's own arrays, and the end-to-end ratio): use
 * those figures; these only bound them from below.
 *
 * <p>Run: {@code java -jar benchmarks/target/benchmarks.jar CallbackCostBenchmark -f 1}
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(value = 1, jvmArgsAppend = {"-Xmx2g"})
@Warmup(iterations = 5, time = 2)
@Measurement(iterations = 8, time = 2)
public class CallbackCostBenchmark {

    @Param
    public Architecture model;

    private MultiLayerNetwork net;
    private DataSet data;
    private List<INDArray> activations;
    private DeadReluListener deadRelu;
    private NaiveCountListener naive;
    private int iteration;

    @Setup(Level.Trial)
    public void setUp() {
        net = Networks.build(model);
        data = Networks.batch(Networks.batch(model));
        // What MultiLayerNetwork hands onForwardPass: the input and every layer's output but the output layer's.
        List<INDArray> all = net.feedForward(data.getFeatures(), true);
        activations = new ArrayList<>(all.subList(0, net.getnLayers()));
        deadRelu = DeadReluListener.builder().build();
        naive = new NaiveCountListener();
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
     * {@code DeadReluListener} monitor-only: counting in {@code onForwardPass}, tracking, snapshot and history in
     * {@code iterationDone}.
     *
     * @return the latest snapshot's closed share of the first monitored layer
     */
    @Benchmark
    public Object deadRelu() {
        deadRelu.onForwardPass(net, activations);
        deadRelu.iterationDone(net, iteration++, 0);
        return deadRelu.snapshot();
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
