/*
 * SPDX-License-Identifier: Apache-2.0
 */
package io.github.deadrelu.internal.engine;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.deadrelu.internal.LayerSpec;
import io.github.deadrelu.internal.NetworkInspector;
import io.github.deadrelu.internal.UnitCounts;
import io.github.deadrelu.reinit.ReinitPolicy;
import io.github.deadrelu.reinit.UnitSelection;
import io.github.deadrelu.testutil.ModelState;
import io.github.deadrelu.testutil.Nets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.conf.layers.misc.FrozenLayer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.lossfunctions.LossFunctions;

/**
 * {@link ReinitStep#run(org.deeplearning4j.nn.api.Model, List, DeadUnitTracker, UnitScores, int)} selecting by
 * criterion on a planted 3-4-3-2 network: the units the planted scores pick (and no others) get new incoming weights
 * and zeroed outgoing weights; maturity, the cap and determinism hold for every criterion.
 */
@Timeout(60)
class ReinitStepSelectionTest {

    private static final String L0 = "layer0";
    private static final double[] SCORES = {1.5, 0.01, 1.2, 0.0};

    private static MultiLayerNetwork net() {
        return Nets.mln(7, InputType.feedForward(3),
                new DenseLayer.Builder().nOut(4).activation(Activation.RELU).build(),
                new DenseLayer.Builder().nOut(3).activation(Activation.RELU).build(),
                new OutputLayer.Builder(LossFunctions.LossFunction.MSE).nOut(2).activation(Activation.IDENTITY)
                        .build());
    }

    private static UnitCounts allOpen(int units) {
        return new UnitCounts(new long[units], new long[units], new long[units], filled(units, 8), 8, false);
    }

    private static long[] filled(int n, long v) {
        long[] a = new long[n];
        java.util.Arrays.fill(a, v);
        return a;
    }

    private static DeadUnitTracker tracker(List<LayerSpec> specs) {
        DeadUnitTracker t = new DeadUnitTracker(1000);
        t.update(specs.get(0).name(), allOpen(4), 0);
        t.update(specs.get(1).name(), allOpen(3), 0);
        return t;
    }

    private static final class Run {
        final Map<String, int[]> done;
        final INDArray w0Before;
        final INDArray w0After;
        final INDArray w1After;
        final DeadUnitTracker tracker;

        Run(Map<String, int[]> done, INDArray w0Before, INDArray w0After, INDArray w1After, DeadUnitTracker tracker) {
            this.done = done;
            this.w0Before = w0Before;
            this.w0After = w0After;
            this.w1After = w1After;
            this.tracker = tracker;
        }
    }

    private static Run run(ReinitPolicy policy, UnitScores scores, int iteration) {
        MultiLayerNetwork net = net();
        List<LayerSpec> specs = NetworkInspector.discover(net);
        assertEquals(L0, specs.get(0).name());
        DeadUnitTracker t = tracker(specs);
        INDArray before = net.getLayer(0).getParam("W").dup();
        List<String> warns = new ArrayList<>();
        Map<String, int[]> done = new ReinitStep(policy, (k, m) -> warns.add(m)).run(net, specs, t, scores,
                iteration);
        assertTrue(warns.isEmpty(), warns.toString());
        return new Run(done, before, net.getLayer(0).getParam("W").dup(), net.getLayer(1).getParam("W").dup(), t);
    }

    /** Columns of W0 that changed and rows of W1 that are all zero are exactly {@code units}. */
    private static void assertRedrawn(Run r, int... units) {
        for (int u = 0; u < 4; u++) {
            boolean sel = java.util.Arrays.binarySearch(units, u) >= 0;
            boolean changed = !r.w0Before.getColumn(u).equals(r.w0After.getColumn(u));
            assertEquals(sel, changed, "incoming weights of unit " + u);
            assertEquals(sel, r.w1After.getRow(u).sumNumber().doubleValue() == 0.0
                    && r.w1After.getRow(u).amaxNumber().doubleValue() == 0.0, "outgoing weights of unit " + u);
        }
    }

    private static ReinitPolicy.Builder base() {
        return ReinitPolicy.builder().every(100).maturity(100).seed(3);
    }

    @Test
    void dormant_unitsAtOrBelowThreshold() {
        Run r = run(base().select(UnitSelection.DORMANT).threshold(0.05).build(),
                UnitScores.empty().dormancy(L0, SCORES), 100);
        assertArrayEquals(new int[]{1, 3}, r.done.get(L0));
        assertEquals(1, r.done.size());
        assertRedrawn(r, 1, 3);
        assertEquals(0, r.tracker.age(L0, 1, 100));
        assertEquals(100, r.tracker.age(L0, 0, 100));
    }

    @Test
    void gradientDormant_usesGradientScoresOnly() {
        Run r = run(base().select(UnitSelection.GRADIENT_DORMANT).threshold(0.05).build(),
                UnitScores.empty().dormancy(L0, new double[]{0, 0, 0, 0}).gradient(L0, new double[]{0.0, 2, 2, 0}),
                100);
        assertArrayEquals(new int[]{0, 3}, r.done.get(L0));
        assertRedrawn(r, 0, 3);
    }

    @Test
    void lowUtility_dueCountLowestUtilityFirst_utilityRestarts() {
        UtilityTracker u = new UtilityTracker(0.0, 0.5);
        u.update(L0, new double[]{4, 1, 2, 3}, new double[]{1, 1, 1, 1}, 4);   // due: floor(2.0) = 2
        Run r = run(base().select(UnitSelection.LOW_UTILITY).replacementRate(0.5).build(),
                UnitScores.empty().utility(u), 100);
        assertArrayEquals(new int[]{1, 2}, r.done.get(L0));
        assertRedrawn(r, 1, 2);
        assertArrayEquals(new double[]{4, 0, 0, 3}, u.utilities(L0), 1e-12);
    }

    @Test
    void maturity_immatureUnitsKept() {
        Run r = run(base().select(UnitSelection.DORMANT).threshold(0.05).build(),
                UnitScores.empty().dormancy(L0, SCORES), 99);
        assertTrue(r.done.isEmpty());
        assertRedrawn(r);
    }

    @Test
    void maxFraction_lowestScoreFirst() {
        Run r = run(base().maxFraction(0.25).select(UnitSelection.DORMANT).threshold(0.05).build(),
                UnitScores.empty().dormancy(L0, SCORES), 100);
        assertArrayEquals(new int[]{3}, r.done.get(L0));
        assertRedrawn(r, 3);
    }

    @Test
    void missingOrEmptyScores_layerSkipped() {
        ReinitPolicy p = base().select(UnitSelection.DORMANT).threshold(0.05).build();
        assertTrue(run(p, UnitScores.empty(), 100).done.isEmpty());
        assertTrue(run(p, UnitScores.empty().dormancy(L0, new double[0]), 100).done.isEmpty());
    }

    @Test
    void deterministic_sameSeedSameWeights() {
        ReinitPolicy p = base().select(UnitSelection.DORMANT).threshold(0.05).build();
        Run a = run(p, UnitScores.empty().dormancy(L0, SCORES), 100);
        Run b = run(p, UnitScores.empty().dormancy(L0, SCORES), 100);
        assertEquals(a.w0After, b.w0After);
        assertEquals(a.w1After, b.w1After);
    }

    @ParameterizedTest
    @EnumSource(value = UnitSelection.class, names = {"DORMANT", "GRADIENT_DORMANT", "LOW_UTILITY"})
    void optimizerState_zeroedForEveryWrittenEntryOnly(UnitSelection sel) {
        MultiLayerNetwork net = new MultiLayerNetwork(Nets.base(7, new Adam(1e-3)).list()
                .layer(new DenseLayer.Builder().nIn(3).nOut(4).activation(Activation.RELU).build())
                .layer(new DenseLayer.Builder().nOut(3).activation(Activation.RELU).build())
                .layer(new OutputLayer.Builder(LossFunctions.LossFunction.MSE).nOut(2)
                        .activation(Activation.IDENTITY).build())
                .setInputType(InputType.feedForward(3)).build());
        net.init();
        net.fit(Nd4j.rand(DataType.FLOAT, 4, 3), Nd4j.rand(DataType.FLOAT, 4, 2));
        ModelState.fillState(net, 5);
        List<LayerSpec> specs = NetworkInspector.discover(net);
        UnitScores scores = UnitScores.empty().dormancy(L0, SCORES).gradient(L0, SCORES);
        UtilityTracker u = new UtilityTracker(0.0, 0.5);
        u.update(L0, new double[]{4, 0.5, 2, 0}, new double[]{1, 1, 1, 1}, 4);   // due 2: units 1 and 3
        scores.utility(u);
        ReinitPolicy.Builder b = base().select(sel);
        ReinitPolicy p = sel == UnitSelection.LOW_UTILITY ? b.replacementRate(0.5).build() : b.threshold(0.05).build();
        INDArray w0 = ModelState.flatIndex(net, L0, "W");
        INDArray b0 = ModelState.flatIndex(net, L0, "b");
        INDArray w1 = ModelState.flatIndex(net, specs.get(1).name(), "W");
        Map<String, int[]> done = new ReinitStep(p, (k, m) -> { }).run(net, specs, tracker(specs), scores, 100);
        assertArrayEquals(new int[]{1, 3}, done.get(L0));
        java.util.Set<Integer> written = new java.util.HashSet<>();
        for (int unit : new int[]{1, 3}) {
            for (double f : w0.getColumn(unit).toDoubleVector()) {
                written.add((int) Math.round(f));
            }
            written.add((int) Math.round(b0.getDouble(unit)));
            for (double f : w1.getRow(unit).toDoubleVector()) {
                written.add((int) Math.round(f));
            }
        }
        ModelState after = ModelState.of(net);
        for (Map.Entry<String, double[]> e : after.state.entrySet()) {
            for (int i = 0; i < e.getValue().length; i++) {
                assertEquals(written.contains(i), e.getValue()[i] == 0.0, e.getKey() + " entry " + i + " of "
                        + written);
            }
        }
    }

    @ParameterizedTest
    @EnumSource(value = UnitSelection.class, names = {"DORMANT", "GRADIENT_DORMANT", "LOW_UTILITY"})
    void frozenLayer_neverReplaced_oneWarn(UnitSelection sel) {
        MultiLayerNetwork net = Nets.mln(7, InputType.feedForward(3),
                new FrozenLayer.Builder().layer(new DenseLayer.Builder().nIn(3).nOut(4).activation(Activation.RELU)
                        .build()).build(),
                new DenseLayer.Builder().nOut(3).activation(Activation.RELU).build(),
                new OutputLayer.Builder(LossFunctions.LossFunction.MSE).nOut(2).activation(Activation.IDENTITY)
                        .build());
        List<LayerSpec> specs = NetworkInspector.discover(net);
        assertTrue(specs.get(0).frozen());
        String name = specs.get(0).name();
        UtilityTracker u = new UtilityTracker(0.0, 0.5);
        u.update(name, new double[]{4, 1, 2, 0}, new double[]{1, 1, 1, 1}, 4);
        UnitScores scores = UnitScores.empty().dormancy(name, SCORES).gradient(name, SCORES).utility(u);
        ReinitPolicy.Builder b = base().select(sel);
        ReinitPolicy p = sel == UnitSelection.LOW_UTILITY ? b.replacementRate(0.5).build() : b.threshold(0.05).build();
        INDArray before = net.params().dup();
        List<String> warns = new ArrayList<>();
        ReinitStep step = new ReinitStep(p, (k, m) -> warns.add(m));
        assertTrue(step.run(net, specs, tracker(specs), scores, 100).isEmpty());
        assertEquals(before, net.params());
        assertEquals(1, warns.size(), warns.toString());
        assertTrue(warns.get(0).contains("frozen"), warns.get(0));
    }

    @Test
    void convGraph_dormantChannels() {
        ComputationGraph cg = new ComputationGraph(Nets.base(8, new org.nd4j.linalg.learning.config.Sgd(0.0))
                .graphBuilder().addInputs("in")
                .setInputTypes(InputType.convolutional(4, 4, 2))
                .addLayer("c", new ConvolutionLayer.Builder(2, 2).nOut(4).activation(Activation.RELU).build(), "in")
                .addLayer("o", new OutputLayer.Builder(LossFunctions.LossFunction.MSE).nOut(2)
                        .activation(Activation.IDENTITY).build(), "c")
                .setOutputs("o").build());
        cg.init();
        List<LayerSpec> specs = NetworkInspector.discover(cg);
        LayerSpec c = specs.stream().filter(x -> x.name().equals("c")).findFirst().orElseThrow();
        DeadUnitTracker t = new DeadUnitTracker(1000);
        t.update("c", allOpen(4), 0);
        INDArray w = cg.getLayer("c").getParam("W").dup();
        INDArray wOut = cg.getLayer("o").getParam("W");   // [4 * 3 * 3, 2], NCHW rows c * 9 + p
        Map<String, int[]> done = new ReinitStep(base().select(UnitSelection.DORMANT).threshold(0.05).build(),
                (k, m) -> { }).run(cg, List.of(c), t, UnitScores.empty().dormancy("c", SCORES), 100);
        assertArrayEquals(new int[]{1, 3}, done.get("c"));
        INDArray after = cg.getLayer("c").getParam("W");
        for (int ch = 0; ch < 4; ch++) {
            boolean sel = ch == 1 || ch == 3;
            assertEquals(sel, !w.get(NDArrayIndex.point(ch)).equals(after.get(NDArrayIndex.point(ch))),
                    "channel " + ch);
            for (int pos = 0; pos < 9; pos++) {
                assertEquals(sel, wOut.getRow(ch * 9 + pos).amaxNumber().doubleValue() == 0.0,
                        "outgoing of channel " + ch + " position " + pos);
            }
        }
    }

    @Test
    void dead_overloadWithoutScoresIsTodaysBehaviour() {
        MultiLayerNetwork net = net();
        List<LayerSpec> specs = NetworkInspector.discover(net);
        DeadUnitTracker t = tracker(specs);
        // units 0 and 2 closed on all 8 examples for 1000 examples -> dead
        UnitCounts dead = new UnitCounts(new long[]{8, 0, 8, 0}, new long[4], new long[4], filled(4, 8), 1000,
                false);
        t.update(L0, dead, 1);
        Map<String, int[]> done = new ReinitStep(base().build(), (k, m) -> { }).run(net, specs, t, 100);
        assertArrayEquals(new int[]{0, 2}, done.get(L0));
    }
}
