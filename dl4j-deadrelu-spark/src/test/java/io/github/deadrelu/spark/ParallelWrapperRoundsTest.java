/*
 * SPDX-License-Identifier: Apache-2.0
 */
package io.github.deadrelu.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.github.deadrelu.listeners.DeadReluListener;
import io.github.deadrelu.stats.GateSnapshot;
import io.github.deadrelu.stats.LayerGates;
import io.github.deadrelu.testutil.Planted;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.deeplearning4j.datasets.iterator.utilty.ListDataSetIterator;
import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.parallelism.ParallelWrapper;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.learning.config.Sgd;

/**
 * Issue 10 item 12: one shared {@link DeadReluListener} under ParallelWrapper over 6 consecutive {@code fit} calls.
 * ParallelWrapper builds new replicas for every {@code fit}; a round must never mix the previous fit's last round with
 * the new fit's first batches. A data-dependent planted unit makes that visible: unit 5 of layer0 computes exactly
 * {@code x0} (input 0 reaches no other unit; learning rate 0: parameters never change), closed on the examples with {@code x0 = -1}; worker 0 gets the even batches
 * (none closed) and worker 1 the odd ones (all closed), so every correct round closes unit 5 on exactly half its
 * entries, and a merged or split round does not.
 */
class ParallelWrapperRoundsTest {
    private static final int BATCH = 16;
    private static final int BATCHES = 16;
    private static final int FITS = 6;

    private static List<DataSet> data() {
        List<DataSet> out = new ArrayList<>();
        for (int b = 0; b < BATCHES; b++) {
            DataSet d = Planted.data(BATCH, new long[]{4}, 3, 100 + b);
            INDArray x = d.getFeatures();
            x.getColumn(0).assign(b % 2 == 0 ? 1.0 : -1.0);
            out.add(d);
        }
        return out;
    }

    /** The planted network, as an MLN or as a CG. */
    private static Model model(boolean graph) {
        MultiLayerNetwork mln = net();
        return graph ? mln.toComputationGraph() : mln;
    }

    /** One fit of a wrapper over {@link #data()}, one mini-batch per element; the wrapper is shut down. */
    private static void fitOnce(ParallelWrapper pw) {
        try {
            pw.fit(new ListDataSetIterator<>(data(), 1));
        } finally {
            pw.shutdown();
        }
    }

    private static MultiLayerNetwork net() {
        MultiLayerNetwork net = Nets.planted(new Sgd(0.0), 600);
        INDArray w = net.getLayer(0).getParam("W");
        w.getRow(0).assign(0.0);          // input 0 reaches unit 5 only ...
        w.getColumn(5).assign(0.0);
        w.putScalar(0, 5, 1.0);           // ... which computes exactly x0
        net.getLayer(0).getParam("b").putScalar(5, 0.0);
        return net;
    }

    private static ParallelWrapper wrapper(Model model) {
        return new ParallelWrapper.Builder<>(model).workers(2).prefetchBuffer(4).averagingFrequency(3)
                .trainingMode(ParallelWrapper.TrainingMode.AVERAGING).build();
    }

    private static void assertRounds(List<GateSnapshot> h, String l0) {
        assertEquals(FITS * BATCHES / 2, h.size(), "one snapshot per round");
        for (GateSnapshot s : h) {
            LayerGates g = s.layer(l0).orElseThrow();
            double[] f = g.unitClosedFractions();
            assertEquals(0.5, f[5], 0.0, "round at iteration " + s.iteration() + " merged one batch of each worker");
            assertEquals(1.0, f[0], 0.0);
            assertEquals(0.0, f[1], 0.0);
            assertEquals(1.0, f[2], 0.0);
            assertEquals((2.0 + 0.5) / 6, g.closedShare(), 1e-12);
        }
    }

    @ParameterizedTest(name = "graph={0}")
    @ValueSource(booleans = {false, true})
    @Timeout(value = 240, unit = TimeUnit.SECONDS)
    void aggregator_sixConsecutiveFits_everyRoundClosedShareExact(boolean graph) {
        Model model = model(graph);
        ParallelWrapper pw = wrapper(model);
        DeadReluAggregator agg = DeadReluAggregator.builder().deadAfterExamples(2 * BATCH).frequency(0).build()
                .attach(pw, model);
        List<DataSet> data = data();
        try {
            for (int f = 0; f < FITS; f++) {
                pw.fit(new ListDataSetIterator<>(data, 1));   // the same wrapper for every fit
            }
        } finally {
            pw.shutdown();
        }
        assertRounds(agg.history(), graph ? "0" : "layer0");
    }

    @ParameterizedTest(name = "graph={0}")
    @ValueSource(booleans = {false, true})
    @Timeout(value = 240, unit = TimeUnit.SECONDS)
    void sixConsecutiveFits_everyRoundClosedShareExact(boolean graph) {
        Model model = model(graph);
        DeadReluListener listener = DeadReluListener.builder().deadAfterExamples(2 * BATCH).frequency(0).build();
        io.github.deadrelu.testutil.Nets.listen(model, listener);
        for (int f = 0; f < FITS; f++) {
            // one wrapper per fit, as a training loop with checkpoints between fits builds them: new replicas each time
            fitOnce(wrapper(model));
        }
        assertRounds(listener.history(), graph ? "0" : "layer0");
    }
}
