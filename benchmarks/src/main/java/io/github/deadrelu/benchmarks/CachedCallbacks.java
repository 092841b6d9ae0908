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
import org.openjdk.jmh.annotations.OutputTimeUnit;

/**
 * <b>A lower bound, not what training pays:</b> the monitor-only callbacks of {@code DeadReluListener}
 * ({@code onForwardPass} + {@code iterationDone}) called again and again on <em>one cached list</em> of activations of
 * a real forward pass, outside training, next to one training step of the same network ({@code step}, no listener).
 * The arrays stay in the CPU caches and the JIT compiles the listener at once, so this measures the callbacks' cost on
 * cached arrays; {@link InTrainingBenchmark} measures what a user pays. The subclasses choose the networks.
 */
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public abstract class CachedCallbacks extends BenchmarkDefaults {

    /** The network, trained by {@link #step}. */
    protected MultiLayerNetwork net;
    /** Its mini-batch. */
    protected DataSet data;
    /** What {@code MultiLayerNetwork} hands {@code onForwardPass}: the input and every layer's output but the last. */
    protected List<INDArray> activations;
    private DeadReluListener deadRelu;
    private int iteration;

    /** For subclasses. */
    protected CachedCallbacks() {
    }

    /**
     * Keeps the network and batch, runs one forward pass and keeps its activations; call from the trial setup.
     *
     * @param network the network
     * @param batch   its mini-batch
     */
    protected void prepare(MultiLayerNetwork network, DataSet batch) {
        net = network;
        data = batch;
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
     * {@code DeadReluListener} monitor-only: counting in {@code onForwardPass}, tracking, snapshot and history in
     * {@code iterationDone}.
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
