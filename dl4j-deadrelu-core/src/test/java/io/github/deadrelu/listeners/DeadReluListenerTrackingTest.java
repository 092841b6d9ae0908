/*
 * SPDX-License-Identifier: Apache-2.0
 */
package io.github.deadrelu.listeners;

import static io.github.deadrelu.listeners.DeadReluListenerPlantedTest.gates;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Level;
import io.github.deadrelu.stats.GateSnapshot;
import io.github.deadrelu.stats.LayerGates;
import io.github.deadrelu.testutil.LogCapture;
import io.github.deadrelu.testutil.Nets;
import io.github.deadrelu.testutil.Planted;
import java.util.List;
import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.nn.conf.CNN2DFormat;
import org.deeplearning4j.nn.conf.ConvolutionMode;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.ActivationLayer;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.DropoutLayer;
import org.deeplearning4j.nn.conf.layers.RnnOutputLayer;
import org.deeplearning4j.nn.conf.layers.recurrent.SimpleRnn;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.lossfunctions.LossFunctions;

/**
 * Dead streaks in examples, revival, dropout on the following layer and non-finite entries.
 */
@Timeout(60)
class DeadReluListenerTrackingTest {

    @ParameterizedTest(name = "batch={0}, graph={2}")
    @CsvSource({"16,6,false", "50,1,false", "30,3,false", "16,6,true", "50,1,true"})
    void streak_deadExactlyWhenCumulativeExamplesReachDeadAfterExamples(int batch, int firstDeadIteration,
                                                                        boolean graph) {
        // deadAfterExamples 100: with batch b the planted units are dead at the first iteration k (0-based) with
        // (k + 1) * b >= 100, and not one iteration earlier: 16 -> 6 (112), 50 -> 1 (100), 30 -> 3 (120).
        DeadReluListener l = DeadReluListener.builder().deadAfterExamples(100).frequency(0).build();
        Model m = Nets.listened(Nets.plantedMlp(31), graph, l);
        String l0 = Nets.layerName(0, graph);
        for (int k = 0; k <= firstDeadIteration + 2; k++) {
            Nets.fit(m, Nets.mlpData(batch, 100 + k));
            LayerGates g = gates(l, l0);
            assertEquals(k, l.snapshot().iteration());
            assertEquals(2.0 / 6, g.closedShare(), 1e-12, "closed share at iteration " + k);
            if (k < firstDeadIteration) {
                assertArrayEquals(new int[0], g.deadUnits(), "nothing dead at iteration " + k);
                assertEquals(0, g.newlyDead());
            } else {
                assertArrayEquals(new int[]{0, 2}, g.deadUnits(), "dead at iteration " + k);
                assertEquals(k == firstDeadIteration ? 2 : 0, g.newlyDead(), "newly dead at iteration " + k);
                assertArrayEquals(new int[]{1}, gates(l, Nets.layerName(1, graph)).deadUnits());
            }
        }
    }

    @Test
    void streak_openEntryResetsStreak() {
        // deadAfterExamples 100, batch 40: two batch-dead batches (80), then unit 0 opens (streak 0), then three more
        // batch-dead batches: dead only at the third (120), not at the second (80) as without the reset.
        DeadReluListener l = DeadReluListener.builder().deadAfterExamples(100).frequency(0).build();
        MultiLayerNetwork net = Nets.plantedMlp(33);
        net.setListeners(l);
        INDArray w = net.getLayer(0).getParam("W").getColumn(0).dup();
        net.fit(Nets.mlpData(40, 1));
        net.fit(Nets.mlpData(40, 2));
        net.getLayer(0).getParam("W").getColumn(0).assign(Transforms.abs(w));
        net.getLayer(0).getParam("b").putScalar(0, Planted.LIVE_BIAS);
        net.fit(Nets.mlpData(40, 3));
        assertArrayEquals(new int[]{2}, gates(l, "layer0").deadUnits(), "unit 2 dead (120), unit 0 open");
        net.getLayer(0).getParam("W").getColumn(0).assign(w);
        net.getLayer(0).getParam("b").putScalar(0, Planted.DEAD_BIAS);
        net.fit(Nets.mlpData(40, 4));
        net.fit(Nets.mlpData(40, 5));
        assertArrayEquals(new int[]{2}, gates(l, "layer0").deadUnits(), "unit 0 not dead yet (80)");
        net.fit(Nets.mlpData(40, 6));
        assertArrayEquals(new int[]{0, 2}, gates(l, "layer0").deadUnits());
        assertEquals(1, gates(l, "layer0").newlyDead());
    }

    @Test
    void reopened_deadUnitOfANotRecoverableLayerThatOpens() {
        // Issue 14 item 4: layer0 is the first hidden layer (not recoverable): a unit called dead there that opens
        // again was not dead (training cannot have reopened it), so it is reopened, never revived. The revived case
        // (a recoverable layer whose upstream weights moved) is DeadReluListenerTrustTest.revived_*.
        DeadReluListener l = DeadReluListener.builder().deadAfterExamples(32).frequency(0).build();
        MultiLayerNetwork net = Nets.plantedMlp(35);
        net.setListeners(l);
        net.fit(Nets.mlpData(32, 1));
        assertArrayEquals(new int[]{0, 2}, gates(l, "layer0").deadUnits());
        // Open unit 2 by hand (what training upstream would do).
        INDArray col = net.getLayer(0).getParam("W").getColumn(2);
        col.assign(Transforms.abs(col));
        net.getLayer(0).getParam("b").putScalar(2, Planted.LIVE_BIAS);
        net.fit(Nets.mlpData(32, 2));
        LayerGates g = gates(l, "layer0");
        assertArrayEquals(new int[]{0}, g.deadUnits());
        assertEquals(1, g.reopened());
        assertEquals(0, g.revived());
        assertEquals(0, g.newlyDead());
        assertEquals(1.0 / 6, g.closedShare(), 1e-12);
        net.fit(Nets.mlpData(32, 3));
        assertEquals(0, gates(l, "layer0").reopened(), "reopened counts the latest iteration only");
    }

    @ParameterizedTest(name = "graph={0}")
    @ValueSource(booleans = {false, true})
    void dropoutOnNextLayer_closedShareWithinToleranceDeadUnitsExact(boolean graph) {
        // Dropout (retain q = 0.5) on layer1 rewrites layer0's activations in place: dropped entries become 0. A
        // naive zero count gives 1/3 + 2/3 * 0.5 = 2/3 instead of the true 1/3. Counting only kept entries gives
        // p = K_dead / K with K ~ Bin(n, q) kept of n = 6 * mb entries; conditional on K the kept dead entries are
        // hypergeometric, so sd(p) ~= sqrt(f (1 - f) (1 - q) / (q n)) with f = 1/3: for mb = 1000, n = 6000,
        // sd = 0.0061. Tolerance 5 sd = 0.031.
        int mb = 1000;
        double f = 1.0 / 3;
        double q = 0.5;
        double tolerance = 5 * Math.sqrt(f * (1 - f) * (1 - q) / (q * 6 * mb));
        MultiLayerNetwork net = Nets.mlp(37, Activation.RELU, q);
        Nets.plantMlp(net);
        DeadReluListener l = DeadReluListener.builder().deadAfterExamples(mb).frequency(0).build();
        Model m = Nets.listened(net, graph, l);
        for (int k = 0; k < 3; k++) {
            Nets.fit(m, Nets.mlpData(mb, 40 + k));
            LayerGates l0 = gates(l, Nets.layerName(0, graph));
            assertEquals(1.0 / 3, l0.closedShare(), tolerance, "closed share of layer0 at iteration " + k);
            assertTrue(l0.estimated(), "counted among kept entries only: an estimate");
            assertArrayEquals(new int[]{0, 2}, l0.deadUnits());
            // layer1's consumer is the output layer, whose dropout (none here) would come after the callback.
            LayerGates l1 = gates(l, Nets.layerName(1, graph));
            assertEquals(1.0 / 5, l1.closedShare(), 1e-12);
            assertFalse(l1.estimated());
            assertArrayEquals(new int[]{1}, l1.deadUnits());
        }
    }

    @ParameterizedTest(name = "graph={0}, format={1}")
    @CsvSource({"false,NCHW", "true,NCHW", "false,NHWC", "true,NHWC"})
    void dropoutAfterConvolution_keptEntriesCounted(boolean graph, CNN2DFormat format) {
        // conv (4 channels, 2 dead) -> CnnToFeedForward -> Dense with dropout 0.5: the flattening is a view, so the
        // dense layer's dropout may rewrite the convolution's activations in place (when the activations are
        // c-contiguous: NHWC here; NCHW ones are copied by the flattening). n = 4 * 5 * 5 * mb entries, f = 1/2:
        // sd = sqrt(f (1 - f) (1 - q) / (q n)) = 0.0050 for mb = 100; tolerance 5 sd = 0.025 (naive count: 0.75).
        int mb = 100;
        double tolerance = 5 * Math.sqrt(0.25 / (4 * 25 * mb));
        MultiLayerNetwork net = Nets.mln(47, InputType.convolutional(5, 5, 2, format),
                new ConvolutionLayer.Builder(3, 3).nOut(4).dataFormat(format).convolutionMode(ConvolutionMode.Same)
                        .activation(Activation.RELU).build(),
                new DenseLayer.Builder().nOut(3).activation(Activation.RELU).dropOut(0.5).build(),
                Nets.softmaxOut());
        Nd4j.getRandom().setSeed(7);
        Planted.conv(net.getLayer(0), 0, 3);
        DeadReluListener l = DeadReluListener.builder().deadAfterExamples(mb).frequency(0).build();
        Model m = Nets.listened(net, graph, l);
        long[] shape = format == CNN2DFormat.NCHW ? new long[]{2, 5, 5} : new long[]{5, 5, 2};
        Nets.fit(m, Planted.data(mb, shape, 3, 48));
        LayerGates g = gates(l, Nets.layerName(0, graph));
        assertEquals(0.5, g.closedShare(), tolerance);
        assertArrayEquals(new int[]{0, 3}, g.deadUnits());
    }

    @ParameterizedTest(name = "graph={0}")
    @ValueSource(booleans = {false, true})
    void dropoutLayerAfterGatedLayer_keptEntriesCounted(boolean graph) {
        // A DropoutLayer (retain 0.5) between layer0 and the output: same in-place rewrite, same tolerance as
        // above with n = 6 * mb entries, f = 1/3, mb = 1000.
        int mb = 1000;
        double tolerance = 5 * Math.sqrt((1.0 / 3) * (2.0 / 3) / (6 * mb));
        MultiLayerNetwork net = Nets.mln(51, InputType.feedForward(4),
                new DenseLayer.Builder().nOut(6).activation(Activation.RELU).build(),
                new DropoutLayer.Builder(0.5).build(),
                Nets.softmaxOut());
        Nd4j.getRandom().setSeed(7);
        Planted.dense(net.getLayer(0), 0, 2);
        DeadReluListener l = DeadReluListener.builder().deadAfterExamples(mb).frequency(0).build();
        Model m = Nets.listened(net, graph, l);
        Nets.fit(m, Nets.mlpData(mb, 52));
        LayerGates g = gates(l, Nets.layerName(0, graph));
        assertEquals(1.0 / 3, g.closedShare(), tolerance);
        assertArrayEquals(new int[]{0, 2}, g.deadUnits());
    }

    @ParameterizedTest(name = "graph={0}")
    @ValueSource(booleans = {false, true})
    void dropoutAndMaskTogether_rnn(boolean graph) {
        // SimpleRnn (5 units, 2 dead) -> SimpleRnn with dropout 0.5 -> output, sequences with masked steps: only
        // unmasked, kept entries count. n = 5 * (unmasked steps) entries, f = 2/5.
        int mb = 400;
        int t = 6;
        DataSet ds = Nets.sequenceData(mb, 3, t, 2, org.deeplearning4j.nn.conf.RNNFormat.NCW, 54);
        double n = 5 * ds.getFeaturesMaskArray().sumNumber().doubleValue();
        double tolerance = 5 * Math.sqrt(0.4 * 0.6 / n);
        MultiLayerNetwork net = Nets.mln(53, InputType.recurrent(3, t),
                new SimpleRnn.Builder().nOut(5).activation(Activation.RELU).build(),
                new SimpleRnn.Builder().nOut(4).activation(Activation.TANH).dropOut(0.5).build(),
                new RnnOutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nOut(2)
                        .activation(Activation.SOFTMAX).build());
        Nd4j.getRandom().setSeed(7);
        Planted.rnn(net.getLayer(0), 1, 4);
        DeadReluListener l = DeadReluListener.builder().deadAfterExamples(mb).frequency(0).build();
        Model m = Nets.listened(net, graph, l);
        Nets.fit(m, ds);
        LayerGates g = gates(l, Nets.layerName(0, graph));
        assertEquals(0.4, g.closedShare(), tolerance);
        assertArrayEquals(new int[]{1, 4}, g.deadUnits());
        assertTrue(g.estimated());
    }

    @Test
    void replicas_concurrentWorkersShareOneListener() throws Exception {
        // What ParallelWrapper does: one listener, several model replicas trained from several threads. Each
        // replica's counts are tracked whole; the streak adds up the examples of all replicas.
        DeadReluListener l = DeadReluListener.builder().deadAfterExamples(100).frequency(0).build();
        MultiLayerNetwork a = Nets.plantedMlp(55);
        MultiLayerNetwork b = a.clone();
        a.setListeners(l);
        b.setListeners(l);
        // Named as ParallelWrapper names its workers, so the listener knows from the first callback that it runs on
        // replicas (free-running threads without that name are indistinguishable from two networks fitted one after
        // the other until their calls overlap, and two networks are tracked each on its own).
        java.util.concurrent.atomic.AtomicInteger threads = new java.util.concurrent.atomic.AtomicInteger();
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(2,
                r -> new Thread(r, "ParallelWrapper training thread " + threads.getAndIncrement()));
        try {
            List<java.util.concurrent.Future<?>> done = new java.util.ArrayList<>();
            for (MultiLayerNetwork net : List.of(a, b)) {
                done.add(pool.submit(() -> {
                    for (int k = 0; k < 5; k++) {
                        net.fit(Nets.mlpData(20, k));
                    }
                }));
            }
            for (java.util.concurrent.Future<?> f : done) {
                f.get();
            }
        } finally {
            pool.shutdownNow();
        }
        // Free-running threads: the listener sums the replicas' counts per round (one mini-batch per replica when
        // they run in step, as under ParallelWrapper), so there are between 5 and 10 snapshots; whatever the
        // grouping, every snapshot is exact and the planted units die exactly once.
        int n = l.history().size();
        assertTrue(n >= 5 && n <= 10, "5 to 10 rounds, got: " + n);
        for (GateSnapshot s : l.history()) {
            assertEquals(2.0 / 6, s.layer("layer0").orElseThrow().closedShare(), 1e-12);
            assertEquals(1.0 / 5, s.layer("layer1").orElseThrow().closedShare(), 1e-12);
        }
        assertArrayEquals(new int[]{0, 2}, gates(l, "layer0").deadUnits());
        assertArrayEquals(new int[]{1}, gates(l, "layer1").deadUnits());
        assertEquals(2, l.history().stream().mapToInt(s -> s.layer("layer0").orElseThrow().newlyDead()).sum(),
                "units 0 and 2 of layer0 die exactly once");
        assertEquals(1, l.history().stream().mapToInt(s -> s.layer("layer1").orElseThrow().newlyDead()).sum());
    }

    @ParameterizedTest(name = "graph={0}")
    @ValueSource(booleans = {false, true})
    void dropoutOnActivationLayer_notAppliedSoCountsExact(boolean graph) {
        // DL4J 1.0.0-M2.1's ActivationLayer ignores its dropout: the measured array is untouched, the counts are
        // exact and there is nothing to warn about.
        MultiLayerNetwork net = Nets.mln(49, InputType.feedForward(4),
                new DenseLayer.Builder().nOut(6).activation(Activation.RELU).build(),
                new ActivationLayer.Builder().activation(Activation.TANH).dropOut(0.5).build(),
                Nets.softmaxOut());
        Nd4j.getRandom().setSeed(7);
        Planted.dense(net.getLayer(0), 0, 2);
        DeadReluListener l = DeadReluListener.builder().deadAfterExamples(32).frequency(0).build();
        Model m = Nets.listened(net, graph, l);
        try (LogCapture logs = LogCapture.of(DeadReluListener.class)) {
            Nets.fit(m, Nets.mlpData(32, 50));
            assertTrue(logs.messages(Level.WARN).stream().noneMatch(w -> w.contains("rewritten in place")),
                    logs.messages(Level.WARN).toString());
        }
        LayerGates g = gates(l, Nets.layerName(0, graph));
        assertEquals(2.0 / 6, g.closedShare(), 1e-12);
        assertFalse(g.estimated());
        assertArrayEquals(new int[]{0, 2}, g.deadUnits());
    }

    @ParameterizedTest(name = "graph={0}")
    @ValueSource(booleans = {false, true})
    void nanFeatureRow_nonFiniteCountedNeitherClosedNorStreak(boolean graph) {
        // deadAfterExamples 100, batch 40: clean (streak 40), clean (80), one NaN row (streak must stay 80: a unit
        // with non-finite entries neither extends nor resets it), clean (120: dead). Extending would make the
        // planted units dead at the NaN batch, resetting would delay death past the last batch.
        DeadReluListener l = DeadReluListener.builder().deadAfterExamples(100).frequency(0).build();
        MultiLayerNetwork net = Nets.plantedMlp(39);
        Model m = Nets.listened(net, graph, l);
        INDArray params = m.params().dup();
        Nets.fit(m, Nets.mlpData(40, 1));
        Nets.fit(m, Nets.mlpData(40, 2));
        DataSet nan = Nets.mlpData(40, 3);
        nan.getFeatures().getRow(7).putScalar(1, Double.NaN);
        Nets.fit(m, nan);

        LayerGates l0 = gates(l, Nets.layerName(0, graph));
        LayerGates l1 = gates(l, Nets.layerName(1, graph));
        assertEquals(6, l0.nonFinite(), "the NaN row reaches every unit of layer0");
        assertEquals(5, l1.nonFinite());
        assertEquals(2.0 / 6, l0.closedShare(), 1e-12, "closed share over finite entries");
        assertEquals(1.0 / 5, l1.closedShare(), 1e-12);
        assertArrayEquals(new int[0], l0.deadUnits(), "NaN entries do not extend the streak");
        assertArrayEquals(new int[0], l1.deadUnits());

        m.setParams(params); // the NaN batch's update made the parameters NaN
        Nets.fit(m, Nets.mlpData(40, 4));
        l0 = gates(l, Nets.layerName(0, graph));
        assertEquals(0, l0.nonFinite());
        assertArrayEquals(new int[]{0, 2}, l0.deadUnits(), "the streak survived the NaN batch: 40 + 40 + 40");
        assertArrayEquals(new int[]{1}, gates(l, Nets.layerName(1, graph)).deadUnits());
    }

    @ParameterizedTest(name = "activation={0}")
    @ValueSource(strings = {"RELU6", "THRESHOLDEDRELU"})
    void nanFeatureRow_activationThatMapsNaNToFinite(Activation activation) {
        // libnd4j maps NaN to a finite output for ReLU6 (6, the cap) and ThresholdedReLU (0): counted from the
        // output alone, a NaN row would be closed. The listener must still count it as non-finite.
        MultiLayerNetwork net = Nets.denseSoftmax(41, 4, 5, activation);
        Nd4j.getRandom().setSeed(7);
        Planted.dense(net.getLayer(0), 0);
        Planted.bias(net.getLayer(0), 2.0, 1, 2, 3, 4); // z in [2, 4.4]: open for both activations
        DeadReluListener l = DeadReluListener.builder().deadAfterExamples(40).frequency(0).build();
        net.setListeners(l);
        DataSet nan = Nets.mlpData(40, 3);
        nan.getFeatures().getRow(5).putScalar(0, Double.NaN);
        net.fit(nan);

        LayerGates g = gates(l, "layer0");
        assertEquals(5, g.nonFinite());
        assertEquals(39.0 / (39 * 5), g.closedShare(), 1e-12, "unit 0 closed on its 39 finite entries only");
        assertArrayEquals(new int[0], g.deadUnits(), "a unit with a non-finite entry is not batch-dead");
        assertFalse(g.estimated());
    }

    @Test
    void nanFeatureRow_relu6SquareDenseLayer() {
        // nIn == nOut: the layer's input has the shape of its output, yet a NaN input entry reaches every unit of its
        // row through the weights, so the whole row is non-finite, not just the entry at the same position.
        MultiLayerNetwork net = Nets.denseSoftmax(43, 5, 5, Activation.RELU6);
        Nd4j.getRandom().setSeed(7);
        Planted.dense(net.getLayer(0), 0);
        DeadReluListener l = DeadReluListener.builder().deadAfterExamples(40).frequency(0).build();
        net.setListeners(l);
        DataSet nan = Planted.data(40, new long[]{5}, 3, 3);
        nan.getFeatures().putScalar(5, 2, Double.NaN);
        net.fit(nan);

        LayerGates g = gates(l, "layer0");
        assertEquals(5, g.nonFinite());
        assertEquals(39.0 / (39 * 5), g.closedShare(), 1e-12);
        assertArrayEquals(new int[0], g.deadUnits());
    }

    @Test
    void nanWeight_relu6UnitIsNonFiniteNotClosed() {
        // A diverged (NaN) weight makes z NaN on every example; ReLU6 outputs a finite value for it, which must not
        // make the unit look closed (and dead).
        MultiLayerNetwork net = Nets.denseSoftmax(45, 4, 5, Activation.RELU6);
        Nd4j.getRandom().setSeed(7);
        Planted.dense(net.getLayer(0));
        net.getLayer(0).getParam("W").putScalar(1, 2, Double.NaN);
        DeadReluListener l = DeadReluListener.builder().deadAfterExamples(40).frequency(0).build();
        net.setListeners(l);
        net.fit(Nets.mlpData(40, 3));

        LayerGates g = gates(l, "layer0");
        assertTrue(g.nonFinite() >= 40, "unit 2 is non-finite on every example, got: " + g.nonFinite());
        assertArrayEquals(new int[0], g.deadUnits());
        assertEquals(0, g.unitClosedFractions()[2], 0.0);
    }

    /** Element-wise absolute value (a copy). */
    private static final class Transforms {
        static INDArray abs(INDArray a) {
            return org.nd4j.linalg.ops.transforms.Transforms.abs(a, true);
        }
    }
}
