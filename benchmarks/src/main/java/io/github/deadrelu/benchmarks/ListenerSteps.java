/*
 * SPDX-License-Identifier: Apache-2.0
 */
package io.github.deadrelu.benchmarks;

import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.optimize.api.TrainingListener;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.openjdk.jmh.annotations.Benchmark;

/**
 * One training step, {@code net.fit(DataSet)}, on the next of {@link #BATCHES} random mini-batches, with the
 * listener of a {@link Variant}; the subclasses choose the networks and the variants. The figure of merit is each
 * variant's time divided by the {@code NONE} time of the same network in the same run ({@code benchmarks/ratios.py}).
 */
public abstract class ListenerSteps extends BenchmarkDefaults {

    /** Mini-batches the step cycles through (a power of 2). */
    static final int BATCHES = 8;

    private MultiLayerNetwork net;
    private DataSet[] data;
    private int next;

    /** For subclasses. */
    protected ListenerSteps() {
    }

    /**
     * Prepares the network for the variant, attaches its listener and makes the mini-batches; call from the trial
     * setup.
     *
     * @param network  the network
     * @param batch    examples per mini-batch
     * @param listener the variant
     */
    protected void prepare(MultiLayerNetwork network, int batch, Variant listener) {
        net = listener.prepare(network);
        data = Networks.batches(batch, BATCHES);
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
