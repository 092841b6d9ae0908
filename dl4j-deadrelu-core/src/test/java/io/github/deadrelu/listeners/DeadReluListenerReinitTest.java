/*
 * SPDX-License-Identifier: Apache-2.0
 */
package io.github.deadrelu.listeners;

import io.github.deadrelu.reinit.OutgoingWeights;
import io.github.deadrelu.reinit.ReinitPolicy;
import io.github.deadrelu.stats.GateSnapshot;
import io.github.deadrelu.stats.LayerGates;
import io.github.deadrelu.testutil.ModelState;
import io.github.deadrelu.testutil.Nets;
import io.github.deadrelu.testutil.Planted;
import java.io.File;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.nn.conf.CNN2DFormat;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.graph.ElementWiseVertex;
import org.deeplearning4j.nn.conf.graph.MergeVertex;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.conf.layers.misc.FrozenLayer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.weights.WeightInit;
import org.deeplearning4j.util.ModelSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.AMSGrad;
import org.nd4j.linalg.learning.config.AdaDelta;
import org.nd4j.linalg.learning.config.AdaGrad;
import org.nd4j.linalg.learning.config.AdaMax;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.learning.config.IUpdater;
import org.nd4j.linalg.learning.config.Nadam;
import org.nd4j.linalg.learning.config.Nesterovs;
import org.nd4j.linalg.learning.config.NoOp;
import org.nd4j.linalg.learning.config.RmsProp;
import org.nd4j.linalg.learning.config.Sgd;
import org.nd4j.linalg.lossfunctions.LossFunctions;
import static io.github.deadrelu.listeners.DeadReluListenerPlantedTest.gates;
import static io.github.deadrelu.listeners.ReinitNets.BATCH;
import static io.github.deadrelu.listeners.ReinitNets.BIAS_INIT;
import static io.github.deadrelu.testutil.Nets.fit;
import static io.github.deadrelu.testutil.Nets.listen;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Re-initialisation driven by {@link DeadReluListener}: planted dead units on networks trained with {@code Adam(0.0)}
 * (so nothing moves but what re-initialisation writes; the optimizer state is filled with positive values first so
 * that zeroing it is visible), compared entry by entry with the state captured in the same {@code iterationDone}
 * just before the listener ran.
 */
@Timeout(60)
class DeadReluListenerReinitTest {

    enum Net { MLP, CNN_NCHW, CNN_NHWC, BATCH_NORM }

    static Stream<Arguments> plantedCases() {
        List<Arguments> a = new ArrayList<>();
        for (Net n : Net.values()) {
            for (boolean graph : new boolean[]{false, true}) {
                for (OutgoingWeights o : OutgoingWeights.values()) {
                    a.add(Arguments.of(n, graph, o));
                }
            }
        }
        return a.stream();
    }

    private static MultiLayerNetwork build(Net n, IUpdater u) {
        switch (n) {
            case MLP:
                return ReinitNets.mlp(u);
            case CNN_NCHW:
                return ReinitNets.cnn(CNN2DFormat.NCHW, u);
            case CNN_NHWC:
                return ReinitNets.cnn(CNN2DFormat.NHWC, u);
            default:
                return ReinitNets.bn(u);
        }
    }

    private static DataSet data(Net n) {
        switch (n) {
            case MLP:
            case BATCH_NORM:
                return ReinitNets.mlpData();
            case CNN_NCHW:
                return ReinitNets.cnnData(CNN2DFormat.NCHW);
            default:
                return ReinitNets.cnnData(CNN2DFormat.NHWC);
        }
    }

    private static ModelState.Expect expect(Net n, Model m, OutgoingWeights o) {
        switch (n) {
            case MLP:
                return ReinitNets.mlpExpect(m, o);
            case CNN_NCHW:
                return ReinitNets.cnnExpect(m, CNN2DFormat.NCHW, o);
            case CNN_NHWC:
                return ReinitNets.cnnExpect(m, CNN2DFormat.NHWC, o);
            default:
                return ReinitNets.bnExpect(m, o);
        }
    }

    /**
     * One step of {@code m} on {@code d} with {@code cap} (which keeps the state before the first event) and an
     * eager listener of {@code policy}.
     */
    private static DeadReluListener fitOnce(Model m, ModelState.Capture cap, ReinitPolicy policy, DataSet d) {
        DeadReluListener l = ReinitNets.listener(policy);
        listen(m, cap, l);
        fit(m, d);
        return l;
    }

    static INDArray output(Model m, INDArray x) {
        return m instanceof MultiLayerNetwork ? ((MultiLayerNetwork) m).output(x)
                : ((ComputationGraph) m).outputSingle(x);
    }

    static double[] flat(INDArray a) {
        return a.dup().reshape(a.length()).toDoubleVector();
    }

    static Model copyWithParams(Model m, double[] params) {
        Model c = m instanceof MultiLayerNetwork ? ((MultiLayerNetwork) m).clone() : ((ComputationGraph) m).clone();
        c.setParams(Nd4j.createFromArray(params).castTo(m.params().dataType()));
        return c;
    }

    /** Every parameter and state entry: written as expected, or bit-identical. */
    /**
     * HALF, FLOAT and DOUBLE, MLN and CG: only the dead units' entries are written, every other entry keeps its bits
     * (in HALF the old NaN-sentinel patches turned kept entries into NaN).
     */
    @ParameterizedTest(name = "{0} graph={1}")
    @MethodSource("dataTypes")
    void dataTypes_writeExactlyTheDeadUnitsEntries(DataType type, boolean graph) {
        MultiLayerNetwork mln = ReinitNets.mlp(ReinitNets.frozenAdam(), type);
        Model m = graph ? ReinitNets.graph(mln) : mln;
        ModelState.fillState(m, 11);
        DataSet d = ReinitNets.mlpData();
        d = new DataSet(d.getFeatures().castTo(type), d.getLabels().castTo(type));
        ModelState.Capture cap = new ModelState.Capture(0);
        DeadReluListener l = fitOnce(m, cap, ReinitNets.eager(OutgoingWeights.ZERO).build(), d);
        assertNotNull(cap.captured);
        ModelState after = ModelState.of(m);
        for (double v : after.params) {
            assertTrue(Double.isFinite(v), "a parameter became " + v);
        }
        assertWrites(cap.captured, after, ReinitNets.mlpExpect(m, OutgoingWeights.ZERO), type);
        assertEquals(3, l.snapshot().layers().stream().mapToInt(LayerGates::reinitialized).sum());
    }

    static Stream<Arguments> dataTypes() {
        List<Arguments> a = new ArrayList<>();
        for (DataType t : new DataType[]{DataType.HALF, DataType.FLOAT, DataType.DOUBLE}) {
            a.add(Arguments.of(t, false));
            a.add(Arguments.of(t, true));
        }
        return a.stream();
    }

    static void assertWrites(ModelState before, ModelState after, ModelState.Expect e) {
        assertWrites(before, after, e, DataType.FLOAT);
    }

    /** {@link #assertWrites(ModelState, ModelState, ModelState.Expect)} with values rounded to {@code type}. */
    static void assertWrites(ModelState before, ModelState after, ModelState.Expect e, DataType type) {
        Map<Integer, ModelState.Expect.Kind> kinds = e.kinds();
        for (int i = 0; i < before.params.length; i++) {
            ModelState.Expect.Kind k = kinds.get(i);
            double b = before.params[i];
            double a = after.params[i];
            if (k == null) {
                assertEquals(Double.doubleToRawLongBits(b), Double.doubleToRawLongBits(a),
                        "untouched parameter " + i + " changed: " + b + " -> " + a);
            } else if (k == ModelState.Expect.Kind.FRESH) {
                assertNotEquals(b, a, "re-drawn parameter " + i + " kept its value " + b);
            } else if (k == ModelState.Expect.Kind.VALUE) {
                assertEquals(Nd4j.scalar(type, e.values().get(i)).getDouble(0), a, "parameter " + i);
            } else {
                assertEquals(0L, Double.doubleToRawLongBits(a), "outgoing parameter " + i + " not +0: " + a);
            }
        }
        boolean sawState = false;
        for (Map.Entry<String, double[]> s : before.state.entrySet()) {
            double[] b = s.getValue();
            double[] a = after.state.get(s.getKey());
            for (int i = 0; i < b.length; i++) {
                if (Double.isNaN(b[i])) {
                    continue;
                }
                if (kinds.containsKey(i)) {
                    assertEquals(0L, Double.doubleToRawLongBits(a[i]), "state " + s.getKey() + " of written "
                            + "parameter " + i + " not +0: " + a[i]);
                    sawState |= b[i] != 0;
                } else {
                    assertEquals(Double.doubleToRawLongBits(b[i]), Double.doubleToRawLongBits(a[i]),
                            "state " + s.getKey() + " of untouched parameter " + i + " changed");
                }
            }
        }
        if (!before.state.isEmpty() && !kinds.isEmpty()) {
            assertTrue(sawState, "no written entry had non-zero state before: the test could not fail");
        }
    }

    private static Model prepare(Net n, boolean graph, IUpdater u) {
        MultiLayerNetwork mln = build(n, u);
        Model m = graph ? ReinitNets.graph(mln) : mln;
        ModelState.fillState(m, 11);
        return m;
    }

    @ParameterizedTest(name = "{0} graph={1} {2}")
    @MethodSource("plantedCases")
    void planted_writesExactlyTheDeadUnitsEntries(Net n, boolean graph, OutgoingWeights o) {
        Model m = prepare(n, graph, ReinitNets.frozenAdam());
        DataSet d = data(n);
        ModelState.Capture cap = new ModelState.Capture(0);
        DeadReluListener l = fitOnce(m, cap, ReinitNets.eager(o).build(), d);
        assertNotNull(cap.captured);
        assertWrites(cap.captured, ModelState.of(m), expect(n, m, o));

        GateSnapshot s = l.snapshot();
        int total = s.layers().stream().mapToInt(LayerGates::reinitialized).sum();
        assertEquals(n == Net.CNN_NCHW || n == Net.CNN_NHWC ? 3 : n == Net.MLP ? 3 : 2, total);
        for (LayerGates g : s.layers()) {
            assertEquals(0, g.deadUnits().length, g.name() + " still reports dead units");
        }
        if (o == OutgoingWeights.ZERO) {
            // Function-preserving: the network computes what it computed just before the event.
            Model before = copyWithParams(m, cap.captured.params);
            INDArray x = d.getFeatures();
            assertArrayEquals(flat(output(before, x)), flat(output(m, x)), 1e-6);
        }
    }

    static Stream<IUpdater> updaters() {
        return Stream.of(new Adam(0.0), new AMSGrad(0.0), new Nadam(0.0), new AdaMax(0.0), new Nesterovs(0.0, 0.9),
                new RmsProp(0.0), new AdaGrad(0.0), new AdaDelta());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("updaters")
    void updaterState_zeroedForEveryUpdaterAndBlockLayout(IUpdater updater) {
        // Per-layer updaters and a separate bias updater give several updater blocks, some without state.
        MultiLayerConfiguration conf = new NeuralNetConfiguration.Builder().seed(12).weightInit(WeightInit.XAVIER)
                .biasInit(BIAS_INIT).updater(new Adam(0.0)).list()
                .layer(new DenseLayer.Builder().name("d0").nIn(4).nOut(6).activation(Activation.RELU)
                        .updater(updater).biasUpdater(new Sgd(0.0)).build())
                .layer(new DenseLayer.Builder().name("d1").nIn(6).nOut(5).activation(Activation.RELU)
                        .updater(new Nesterovs(0.0, 0.9)).build())
                .layer(new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).name("out").nIn(5).nOut(3)
                        .activation(Activation.SOFTMAX).updater(updater).build())
                .build();
        for (boolean graph : new boolean[]{false, true}) {
            MultiLayerNetwork net = new MultiLayerNetwork(conf.clone());
            net.init();
            Planted.dense(net.getLayer(0), 0, 2);
            Planted.dense(net.getLayer(1), 1);
            Planted.dense(net.getLayer(2));
            Model m = graph ? ReinitNets.graph(net) : net;
            ModelState.fillState(m, 5);
            ModelState.Capture cap = new ModelState.Capture(0);
            listen(m, cap, ReinitNets.listener(ReinitNets.eager(OutgoingWeights.ZERO).build()));
            fit(m, ReinitNets.mlpData());
            assertWrites(cap.captured, ModelState.of(m), ReinitNets.mlpExpect(m, OutgoingWeights.ZERO));
        }
    }

    /** Reinitialized counts of a layer per iteration, from the listener's history. */
    private static List<Integer> reinitHistory(DeadReluListener l, String layer) {
        List<Integer> r = new ArrayList<>();
        for (GateSnapshot s : l.history()) {
            r.add(s.layer(layer).map(LayerGates::reinitialized).orElse(-1));
        }
        return r;
    }

    @Test
    void maxFraction_capsUnitsPerEventLowestIndexFirst() {
        MultiLayerNetwork net = ReinitNets.mlp(ReinitNets.frozenAdam());
        Planted.dense(net.getLayer(0), 0, 1, 2, 4);
        ModelState.fillState(net, 3);
        ModelState.Capture cap = new ModelState.Capture(0);
        DeadReluListener l = fitOnce(net, cap, ReinitNets.eager(OutgoingWeights.ZERO).maxFraction(0.5).build(),
                ReinitNets.mlpData());
        // 6 units * 0.5 = 3 per event: 0, 1, 2; unit 4 waits.
        assertEquals(3, gates(l, "d0").reinitialized());
        assertArrayEquals(new int[]{4}, gates(l, "d0").deadUnits());
        ModelState.Expect e = new ModelState.Expect(net)
                .zero("d1", "W", w -> ReinitNets.rows(w, 0, 1, 2)).zero("out", "W", w -> ReinitNets.rows(w, 1))
                .fresh("d0", "W", w -> ReinitNets.cols(w, 0, 1, 2))
                .value("d0", "b", b -> ReinitNets.pick(b, 0, 1, 2), BIAS_INIT)
                .fresh("d1", "W", w -> ReinitNets.cols(w, 1)).value("d1", "b", b -> ReinitNets.pick(b, 1), BIAS_INIT);
        assertWrites(cap.captured, ModelState.of(net), e);
        // d1 has 5 units: 0.5 * 5 = 2.5 -> 2 allowed, 1 dead: all of it.
        assertEquals(1, gates(l, "d1").reinitialized());
    }

    @Test
    void maxFraction_atLeastOneUnit() {
        MultiLayerNetwork net = ReinitNets.mlp(ReinitNets.frozenAdam());
        DeadReluListener l = ReinitNets.listener(ReinitNets.eager(OutgoingWeights.ZERO).maxFraction(0.01).build());
        listen(net, l);
        net.fit(ReinitNets.mlpData());
        assertEquals(1, gates(l, "d0").reinitialized());
        assertArrayEquals(new int[]{2}, gates(l, "d0").deadUnits());
        assertEquals(1, gates(l, "d1").reinitialized());
    }

    @Test
    void maturity_protectsUnitsUntilOldEnough() {
        MultiLayerNetwork net = ReinitNets.mlp(ReinitNets.frozenAdam());
        DeadReluListener l = ReinitNets.listener(ReinitNets.eager(OutgoingWeights.ZERO).maturity(3).build());
        listen(net, l);
        for (int i = 0; i < 6; i++) {
            net.fit(ReinitNets.mlpData());
        }
        // Units are born at iteration 0; age >= 3 first at iteration 3. Re-drawn units are young again.
        assertEquals(List.of(0, 0, 0, 2, 0, 0), reinitHistory(l, "d0"));
        assertEquals(List.of(0, 0, 0, 1, 0, 0), reinitHistory(l, "d1"));
    }

    @Test
    void every_runsOnlyOnMultiplesOfEvery() {
        MultiLayerNetwork net = ReinitNets.mlp(ReinitNets.frozenAdam());
        DeadReluListener l = DeadReluListener.builder().deadAfterExamples(2 * BATCH).frequency(0)
                .reinitialize(ReinitNets.eager(OutgoingWeights.ZERO).every(4).build()).build();
        listen(net, l);
        for (int i = 0; i < 6; i++) {
            net.fit(ReinitNets.mlpData());
        }
        // Dead from iteration 1 (two batches of 16); events at iterations 0 (nothing dead yet) and 4.
        assertEquals(List.of(0, 0, 0, 0, 2, 0), reinitHistory(l, "d0"));
        List<Integer> dead = new ArrayList<>();
        for (GateSnapshot s : l.history()) {
            dead.add(s.layer("d0").orElseThrow().deadUnits().length);
        }
        assertEquals(List.of(0, 2, 2, 2, 0), dead.subList(0, 5));
    }

    @Test
    void seed_sameSeedSameDrawsOtherSeedOtherDraws() {
        MultiLayerNetwork template = ReinitNets.mlp(ReinitNets.frozenAdam());
        double[][] results = new double[3][];
        long[] seeds = {7, 7, 8};
        for (int r = 0; r < 3; r++) {
            MultiLayerNetwork net = template.clone();
            listen(net, ReinitNets.listener(ReinitNets.eager(OutgoingWeights.ZERO).seed(seeds[r]).build()));
            net.fit(ReinitNets.mlpData());
            results[r] = net.params().toDoubleVector();
        }
        assertArrayEquals(results[0], results[1]);
        assertFalse(java.util.Arrays.equals(results[0], results[2]));
        assertFalse(java.util.Arrays.equals(template.params().toDoubleVector(), results[0]));
    }

    @Test
    void frozenLayer_neverReinitialised() {
        MultiLayerNetwork net = ReinitNets.mlp(ReinitNets.frozenAdam(), DataType.FLOAT,
                WeightInit.XAVIER.getWeightInitFunction(), FrozenLayer::new);
        ModelState.fillState(net, 2);
        ModelState.Capture cap = new ModelState.Capture(0);
        DeadReluListener l = fitOnce(net, cap, ReinitNets.eager(OutgoingWeights.ZERO).build(), ReinitNets.mlpData());
        String frozen = l.snapshot().layers().get(0).name();
        assertEquals(0, l.snapshot().layers().get(0).reinitialized());
        assertArrayEquals(new int[]{0, 2}, l.snapshot().layers().get(0).deadUnits(), frozen);
        ModelState.Expect e = new ModelState.Expect(net).zero("out", "W", w -> ReinitNets.rows(w, 1))
                .fresh("d1", "W", w -> ReinitNets.cols(w, 1)).value("d1", "b", b -> ReinitNets.pick(b, 1), BIAS_INIT);
        assertWrites(cap.captured, ModelState.of(net), e);
    }

    /** in -> d0 (dead 0, 2) -+-> add(d0, dB) -> d2 (dead 1) -> out;  in -> dB -+ */
    private static ComputationGraph addGraph() {
        ComputationGraphConfiguration conf = new NeuralNetConfiguration.Builder().seed(12)
                .updater(ReinitNets.frozenAdam()).weightInit(WeightInit.XAVIER).biasInit(BIAS_INIT).graphBuilder()
                .addInputs("in")
                .addLayer("d0", new DenseLayer.Builder().nIn(4).nOut(6).activation(Activation.RELU).build(), "in")
                .addLayer("dB", new DenseLayer.Builder().nIn(4).nOut(6).activation(Activation.IDENTITY).build(), "in")
                .addVertex("add", new ElementWiseVertex(ElementWiseVertex.Op.Add), "d0", "dB")
                .addLayer("d2", new DenseLayer.Builder().nIn(6).nOut(5).activation(Activation.RELU).build(), "add")
                .addLayer("out", new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nIn(5).nOut(3)
                        .activation(Activation.SOFTMAX).build(), "d2")
                .setOutputs("out").build();
        ComputationGraph cg = Nets.init(conf);
        Planted.dense(cg.getLayer("d0"), 0, 2);
        Planted.dense(cg.getLayer("dB"));
        Planted.dense(cg.getLayer("d2"), 1);
        Planted.dense(cg.getLayer("out"));
        ModelState.fillState(cg, 4);
        return cg;
    }

    @Test
    void unsupportedConsumer_layerUntouchedOthersGoAhead() {
        ComputationGraph cg = addGraph();
        ModelState.Capture cap = new ModelState.Capture(0);
        DeadReluListener l = fitOnce(cg, cap, ReinitNets.eager(OutgoingWeights.ZERO).build(), ReinitNets.mlpData());
        // d0 feeds an element-wise add: its outgoing weights cannot be zeroed, so nothing of it is written.
        assertEquals(0, gates(l, "d0").reinitialized());
        assertArrayEquals(new int[]{0, 2}, gates(l, "d0").deadUnits());
        assertEquals(1, gates(l, "d2").reinitialized());
        ModelState.Expect e = new ModelState.Expect(cg).zero("out", "W", w -> ReinitNets.rows(w, 1))
                .fresh("d2", "W", w -> ReinitNets.cols(w, 1)).value("d2", "b", b -> ReinitNets.pick(b, 1), BIAS_INIT);
        assertWrites(cap.captured, ModelState.of(cg), e);
        // Disabled for d0 from then on: later events leave it alone too.
        INDArray w0 = ModelState.paramOf(cg, "d0", "W").dup();
        INDArray b0 = ModelState.paramOf(cg, "d0", "b").dup();
        cg.fit(ReinitNets.mlpData());
        assertEquals(0, gates(l, "d0").reinitialized());
        assertEquals(w0, ModelState.paramOf(cg, "d0", "W"));
        assertEquals(b0, ModelState.paramOf(cg, "d0", "b"));
    }

    @Test
    void unsupportedConsumer_wholeEventNoOpModelBitIdentical() {
        ComputationGraph cg = addGraph();
        Planted.dense(cg.getLayer("d2"));   // d2 alive: d0 is the only candidate
        ModelState.Capture cap = new ModelState.Capture(0);
        DeadReluListener l = fitOnce(cg, cap, ReinitNets.eager(OutgoingWeights.ZERO).build(), ReinitNets.mlpData());
        assertEquals(0, gates(l, "d0").reinitialized());
        assertWrites(cap.captured, ModelState.of(cg), new ModelState.Expect(cg));
    }

    @Test
    void unsupportedConsumer_keepStillReinitialisesIncoming() {
        ComputationGraph cg = addGraph();
        ModelState.Capture cap = new ModelState.Capture(0);
        DeadReluListener l = fitOnce(cg, cap, ReinitNets.eager(OutgoingWeights.KEEP).build(), ReinitNets.mlpData());
        assertEquals(2, gates(l, "d0").reinitialized());
        ModelState.Expect e = new ModelState.Expect(cg)
                .fresh("d0", "W", w -> ReinitNets.cols(w, 0, 2)).value("d0", "b", b -> ReinitNets.pick(b, 0, 2), BIAS_INIT)
                .fresh("d2", "W", w -> ReinitNets.cols(w, 1)).value("d2", "b", b -> ReinitNets.pick(b, 1), BIAS_INIT);
        assertWrites(cap.captured, ModelState.of(cg), e);
    }

    @Test
    void mergeVertex_outgoingRowsAtTheUnitsOffset() {
        ComputationGraphConfiguration conf = new NeuralNetConfiguration.Builder().seed(12)
                .updater(ReinitNets.frozenAdam()).weightInit(WeightInit.XAVIER).biasInit(BIAS_INIT).graphBuilder()
                .addInputs("in")
                .addLayer("dA", new DenseLayer.Builder().nIn(4).nOut(3).activation(Activation.RELU).build(), "in")
                .addLayer("dB", new DenseLayer.Builder().nIn(4).nOut(5).activation(Activation.RELU).build(), "in")
                .addVertex("merge", new MergeVertex(), "dA", "dB")
                .addLayer("d2", new DenseLayer.Builder().nIn(8).nOut(4).activation(Activation.RELU).build(), "merge")
                .addLayer("out", new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nIn(4).nOut(3)
                        .activation(Activation.SOFTMAX).build(), "d2")
                .setOutputs("out").build();
        ComputationGraph cg = Nets.init(conf);
        Planted.dense(cg.getLayer("dA"));
        Planted.dense(cg.getLayer("dB"), 1, 3);
        Planted.dense(cg.getLayer("d2"));
        Planted.dense(cg.getLayer("out"));
        ModelState.fillState(cg, 6);
        ModelState.Capture cap = new ModelState.Capture(0);
        DeadReluListener l = fitOnce(cg, cap, ReinitNets.eager(OutgoingWeights.ZERO).build(), ReinitNets.mlpData());
        ModelState.Expect e = new ModelState.Expect(cg)
                .zero("d2", "W", w -> ReinitNets.rows(w, 3 + 1, 3 + 3))
                .fresh("dB", "W", w -> ReinitNets.cols(w, 1, 3))
                .value("dB", "b", b -> ReinitNets.pick(b, 1, 3), BIAS_INIT);
        assertWrites(cap.captured, ModelState.of(cg), e);
        Model before = copyWithParams(cg, cap.captured.params);
        INDArray x = ReinitNets.mlpData().getFeatures();
        assertArrayEquals(flat(output(before, x)), flat(output(cg, x)), 1e-6);
    }

    @ParameterizedTest
    @EnumSource(Net.class)
    void savedModel_restoresReinitialisedStateExactly(Net n, @TempDir Path dir) throws Exception {
        MultiLayerNetwork net = build(n, new Adam(1e-3));
        ModelState.fillState(net, 9);
        DeadReluListener l = ReinitNets.listener(ReinitNets.eager(OutgoingWeights.ZERO).build());
        listen(net, l);
        net.fit(data(n));
        assertTrue(l.snapshot().layers().stream().mapToInt(LayerGates::reinitialized).sum() > 0);
        File f = dir.resolve("net.zip").toFile();
        ModelSerializer.writeModel(net, f, true);
        MultiLayerNetwork restored = ModelSerializer.restoreMultiLayerNetwork(f, true);
        assertArrayEquals(net.params().toDoubleVector(), restored.params().toDoubleVector());
        assertArrayEquals(net.getUpdater().getStateViewArray().toDoubleVector(),
                restored.getUpdater().getStateViewArray().toDoubleVector());
        ComputationGraph cg = ReinitNets.graph(build(n, new Adam(1e-3)));
        ModelState.fillState(cg, 9);
        listen(cg, ReinitNets.listener(ReinitNets.eager(OutgoingWeights.ZERO).build()));
        cg.fit(data(n));
        File g = dir.resolve("cg.zip").toFile();
        ModelSerializer.writeModel(cg, g, true);
        ComputationGraph cgRestored = ModelSerializer.restoreComputationGraph(g, true);
        assertArrayEquals(cg.params().toDoubleVector(), cgRestored.params().toDoubleVector());
        assertArrayEquals(cg.getUpdater().getStateViewArray().toDoubleVector(),
                cgRestored.getUpdater().getStateViewArray().toDoubleVector());
    }

    @Test
    void noOpUpdater_hasNoStateAndStillReinitialises() {
        MultiLayerNetwork net = ReinitNets.mlp(new NoOp());
        ModelState.Capture cap = new ModelState.Capture(0);
        DeadReluListener l = fitOnce(net, cap, ReinitNets.eager(OutgoingWeights.ZERO).build(), ReinitNets.mlpData());
        assertWrites(cap.captured, ModelState.of(net), ReinitNets.mlpExpect(net, OutgoingWeights.ZERO));
    }

    @Test
    void killedUnit_revivedByReinitialisationAndStaysOpen() {
        MultiLayerConfiguration conf = new NeuralNetConfiguration.Builder().seed(21).updater(new Adam(1e-2))
                .weightInit(WeightInit.XAVIER).list()
                .layer(new DenseLayer.Builder().name("d0").nIn(8).nOut(12).activation(Activation.RELU).build())
                .layer(new DenseLayer.Builder().name("d1").nIn(12).nOut(8).activation(Activation.RELU).build())
                .layer(new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).name("out").nIn(8).nOut(3)
                        .activation(Activation.SOFTMAX).build())
                .build();
        MultiLayerNetwork net = Nets.init(conf);
        DataSet all = Planted.data(64, new long[]{8}, 3, 8);
        org.deeplearning4j.datasets.iterator.utilty.ListDataSetIterator<DataSet> it =
                new org.deeplearning4j.datasets.iterator.utilty.ListDataSetIterator<>(all.asList(), 16);
        DeadReluListener l = DeadReluListener.builder().deadAfterExamples(32).frequency(0)
                .reinitialize(ReinitPolicy.builder().every(4).maturity(0).seed(1).build()).build();
        net.setListeners(l);
        net.fit(it, 2);                                      // iterations 0..7
        final int unit = 5;
        assertFalse(Planted.contains(gates(l, "d0").deadUnits(), unit));
        // Kill it: with non-negative inputs, non-positive weights and a negative bias close the gate everywhere.
        INDArray w = net.getLayer(0).getParam("W");
        w.getColumn(unit).assign(org.nd4j.linalg.ops.transforms.Transforms.abs(w.getColumn(unit)).addi(0.1).negi());
        net.getLayer(0).getParam("b").putScalar(unit, -1.0);
        net.fit(it, 3);                                      // iterations 8..19: dead at 9, event at 12
        List<GateSnapshot> h = l.history();
        int reinitAt = -1;
        boolean deadBefore = false;
        for (GateSnapshot s : h) {
            LayerGates g = s.layer("d0").orElseThrow();
            if (s.iteration() == 9 || s.iteration() == 10 || s.iteration() == 11) {
                assertTrue(Planted.contains(g.deadUnits(), unit), "not dead at " + s.iteration());
            }
            boolean deadNow = Planted.contains(g.deadUnits(), unit);
            if (deadBefore && !deadNow) {
                assertEquals(-1, reinitAt, "killed unit left the dead set twice");
                assertTrue(g.reinitialized() >= 1, "left the dead set without re-initialisation");
                reinitAt = s.iteration();
            }
            deadBefore = deadNow;
        }
        assertEquals(12, reinitAt);
        net.fit(it, 5);                                      // iterations 20..39
        for (GateSnapshot s : l.history()) {
            if (s.iteration() > reinitAt) {
                LayerGates g = s.layer("d0").orElseThrow();
                assertTrue(g.unitClosedFractions()[unit] < 1.0, "closed on every entry at " + s.iteration());
                assertFalse(Planted.contains(g.deadUnits(), unit), "dead again at " + s.iteration());
            }
        }
        it.reset();
        LayerGates probe = io.github.deadrelu.stats.DeadReluAnalysis.of(net, it).layer("d0").orElseThrow();
        assertFalse(Planted.contains(probe.deadUnits(), unit));
        assertTrue(probe.unitClosedFractions()[unit] < 0.9, "open on only "
                + (1 - probe.unitClosedFractions()[unit]) + " of the probe entries");
    }
}
