/*
 * SPDX-License-Identifier: Apache-2.0
 */
package io.github.deadrelu.stats;

import static io.github.deadrelu.testutil.Texts.assertContains;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Level;
import io.github.deadrelu.listeners.DeadReluListener;
import io.github.deadrelu.testutil.LogCapture;
import io.github.deadrelu.testutil.Nets;
import io.github.deadrelu.testutil.Planted;
import java.util.ArrayList;
import java.util.List;
import org.deeplearning4j.datasets.iterator.utilty.ListDataSetIterator;
import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.RNNFormat;
import org.deeplearning4j.nn.conf.graph.MergeVertex;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.ActivationLayer;
import org.deeplearning4j.nn.conf.layers.Cnn3DLossLayer;
import org.deeplearning4j.nn.conf.layers.Convolution1DLayer;
import org.deeplearning4j.nn.conf.layers.Convolution3D;
import org.deeplearning4j.nn.conf.layers.Deconvolution3D;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.RnnOutputLayer;
import org.deeplearning4j.nn.conf.layers.Subsampling1DLayer;
import org.deeplearning4j.nn.conf.layers.recurrent.SimpleRnn;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.dataset.adapter.SingletonDataSetIterator;
import org.nd4j.linalg.dataset.api.MultiDataSetPreProcessor;
import org.nd4j.linalg.dataset.api.iterator.DataSetIterator;
import org.nd4j.linalg.dataset.api.iterator.MultiDataSetIterator;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Sgd;
import org.nd4j.linalg.lossfunctions.LossFunctions;

/**
 * {@link DeadReluAnalysis}: dead units and closed shares over a whole data set, without training.
 */
@Timeout(60)
class DeadReluAnalysisTest {

    /** Batches of 20, 20 and 7 examples. */
    private static DataSetIterator batches(long seed) {
        List<DataSet> list = new ArrayList<>();
        list.add(Nets.mlpData(20, seed));
        list.add(Nets.mlpData(20, seed + 1));
        list.add(Nets.mlpData(7, seed + 2));
        return new ListDataSetIterator<>(list, 1);
    }

    private static Model model(MultiLayerNetwork net, boolean graph) {
        return graph ? net.toComputationGraph() : net;
    }

    private static LayerGates layer(DeadReluAnalysis a, String name) {
        return a.layer(name).orElseThrow(() -> new AssertionError("no layer " + name + " in " + a));
    }

    @ParameterizedTest(name = "graph={0}")
    @ValueSource(booleans = {false, true})
    void planted_exactDeadUnitsAndClosedShare(boolean graph) {
        MultiLayerNetwork net = Nets.plantedMlp(101);
        Model m = model(net, graph);
        INDArray before = m.params().dup();
        DeadReluAnalysis a = DeadReluAnalysis.of(m, batches(1));

        assertEquals(47, a.examples());
        assertEquals(2, a.layers().size());
        LayerGates l0 = layer(a, graph ? "0" : "layer0");
        LayerGates l1 = layer(a, graph ? "1" : "layer1");
        assertArrayEquals(new int[]{0, 2}, l0.deadUnits());
        assertArrayEquals(new int[]{1}, l1.deadUnits());
        assertEquals(2.0 / 6, l0.closedShare(), 1e-12);
        assertEquals(1.0 / 5, l1.closedShare(), 1e-12);
        assertArrayEquals(new double[]{1, 0, 1, 0, 0, 0}, l0.unitClosedFractions(), 1e-12);
        assertEquals(0, l0.newlyDead());
        assertEquals(0, l0.revived());
        assertEquals(0, l0.reinitialized());
        assertEquals(0, l0.nonFinite());
        assertFalse(l0.recoverable());
        assertTrue(l1.recoverable());
        assertFalse(l0.estimated());
        assertEquals(before, m.params(), "no training");
    }

    @Test
    void deadOnDataSet_strict_oneOpenEntryKeepsUnitAlive() {
        // Unit 4 of layer0 computes z = x3 - 0.5: open only on the one example with x3 = 1. Every batch without that
        // example sees it batch-dead; over the data set it is open on 1 of 47 entries, hence not dead.
        MultiLayerNetwork net = Nets.plantedMlp(103);
        Planted.denseWeights(net.getLayer(0), 0.0, 4);
        net.getLayer(0).getParam("W").putScalar(3, 4, 1.0);
        Planted.bias(net.getLayer(0), -0.5, 4);
        List<DataSet> list = new ArrayList<>();
        for (int k = 0; k < 3; k++) {
            DataSet ds = Nets.mlpData(k == 2 ? 7 : 20, 10 + k);
            ds.getFeatures().getColumn(3).muli(0.4); // x3 < 0.4 < 0.5
            list.add(ds);
        }
        list.get(1).getFeatures().putScalar(13, 3, 1.0);
        DeadReluAnalysis a = DeadReluAnalysis.of(net, new ListDataSetIterator<>(list, 1));

        LayerGates l0 = layer(a, "layer0");
        assertArrayEquals(new int[]{0, 2}, l0.deadUnits());
        assertEquals(46.0 / 47, l0.unitClosedFractions()[4], 1e-12);
        assertEquals((2 * 47 + 46) / (6.0 * 47), l0.closedShare(), 1e-12);
    }

    @Test
    void afterTrainingWithDropout_inferenceHasNoDropout() {
        // Train with dropout (retain 0.5) on layer1 with the batch size of the analysis, so that layer1's dropout
        // mask of the last training step has exactly the shape of layer0's activations: it must not be applied.
        MultiLayerNetwork net = Nets.mlp(105, Activation.RELU, 0.5);
        Nets.plantMlp(net);
        net.setListeners(DeadReluListener.builder().frequency(0).build());
        net.fit(Nets.mlpData(20, 1));
        for (boolean graph : new boolean[]{false, true}) {
            Model m = graph ? net.toComputationGraph() : net;
            if (graph) {
                ((ComputationGraph) m).fit(Nets.mlpData(20, 2));
            }
            DeadReluAnalysis a = DeadReluAnalysis.of(m, batches(3));
            LayerGates l0 = layer(a, graph ? "0" : "layer0");
            assertEquals(2.0 / 6, l0.closedShare(), 1e-12, "graph=" + graph);
            assertFalse(l0.estimated(), "graph=" + graph);
            assertArrayEquals(new int[]{0, 2}, l0.deadUnits());
        }
    }

    @ParameterizedTest(name = "graph={0}")
    @ValueSource(booleans = {false, true})
    void rnnWithMask_maskedStepsAreNotEntries(boolean graph) {
        int t = 6;
        MultiLayerNetwork net = Nets.mln(107, InputType.recurrent(3, t),
                new SimpleRnn.Builder().nOut(5).activation(Activation.RELU).build(),
                new RnnOutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nOut(2)
                        .activation(Activation.SOFTMAX).build());
        Nd4j.getRandom().setSeed(7);
        Planted.rnn(net.getLayer(0), 0, 3);
        List<DataSet> list = List.of(Nets.sequenceData(16, 3, t, 2, RNNFormat.NCW, 1),
                Nets.sequenceData(9, 3, t, 2, RNNFormat.NCW, 2));
        DeadReluAnalysis a = DeadReluAnalysis.of(model(net, graph), new ListDataSetIterator<>(list, 1));
        LayerGates g = layer(a, graph ? "0" : "layer0");
        assertArrayEquals(new int[]{0, 3}, g.deadUnits());
        assertEquals(2.0 / 5, g.closedShare(), 1e-12);
        assertArrayEquals(new double[]{1, 0, 0, 1, 0}, g.unitClosedFractions(), 1e-12);
    }

    @Test
    void nanRow_nonFiniteCountedNotDead() {
        MultiLayerNetwork net = Nets.plantedMlp(109);
        DataSet ds = Nets.mlpData(20, 1);
        ds.getFeatures().putScalar(3, 0, Double.NaN);
        DeadReluAnalysis a = DeadReluAnalysis.of(net, new ListDataSetIterator<>(List.of(ds), 1));
        LayerGates l0 = layer(a, "layer0");
        assertEquals(6, l0.nonFinite());
        assertEquals(2.0 / 6, l0.closedShare(), 1e-12);
        assertArrayEquals(new int[0], l0.deadUnits(), "closed on every entry is not true of a NaN entry");
    }

    @Test
    void iterator_resetBeforeUse() {
        MultiLayerNetwork net = Nets.plantedMlp(111);
        DataSetIterator it = batches(5);
        DeadReluAnalysis a = DeadReluAnalysis.of(net, it);
        assertFalse(it.hasNext());
        DeadReluAnalysis b = DeadReluAnalysis.of(net, it);
        assertEquals(a.examples(), b.examples());
        assertEquals(a.layers(), b.layers());
    }

    @Test
    void noGatedLayer_noLayers() {
        DeadReluAnalysis a = DeadReluAnalysis.of(Nets.mlp(113, Activation.TANH, 0), batches(1));
        assertTrue(a.layers().isEmpty());
        assertEquals(47, a.examples());
    }

    @Test
    void multiInputGraph_rejected() {
        ComputationGraph cg = twoInputGraph();
        var e = assertThrows(IllegalArgumentException.class, () -> DeadReluAnalysis.of((Model) cg, batches(1)));
        assertTrue(e.getMessage().contains("1 input") && e.getMessage().contains("got: 2"), e.getMessage());
    }

    @Test
    void unsupportedModel_rejected() {
        MultiLayerNetwork net = Nets.plantedMlp(117);
        var e = assertThrows(IllegalArgumentException.class, () -> DeadReluAnalysis.of(net.getLayer(0),
                batches(1)));
        assertTrue(e.getMessage().startsWith("Unsupported model type: "), e.getMessage());
    }

    @Test
    void nullArguments_rejected() {
        assertThrows(NullPointerException.class, () -> DeadReluAnalysis.of(null, batches(1)));
        assertThrows(NullPointerException.class, () -> DeadReluAnalysis.of(Nets.plantedMlp(119), null));
    }

    @Test
    void doubleNetwork_sameNumbers() {
        MultiLayerNetwork net = Nets.plantedMlp(121).convertDataType(DataType.DOUBLE);
        DeadReluAnalysis a = DeadReluAnalysis.of(net, batches(1));
        assertArrayEquals(new int[]{0, 2}, layer(a, "layer0").deadUnits());
    }

    /** A MultiDataSetIterator over a fixed list, resettable. */
    private static MultiDataSetIterator multi(List<org.nd4j.linalg.dataset.api.MultiDataSet> list) {
        return new MultiDataSetIterator() {
            private int next;

            @Override
            public org.nd4j.linalg.dataset.api.MultiDataSet next(int num) {
                return next();
            }

            @Override
            public void setPreProcessor(MultiDataSetPreProcessor preProcessor) {
                throw new UnsupportedOperationException();
            }

            @Override
            public MultiDataSetPreProcessor getPreProcessor() {
                return null;
            }

            @Override
            public boolean resetSupported() {
                return true;
            }

            @Override
            public boolean asyncSupported() {
                return false;
            }

            @Override
            public void reset() {
                next = 0;
            }

            @Override
            public boolean hasNext() {
                return next < list.size();
            }

            @Override
            public org.nd4j.linalg.dataset.api.MultiDataSet next() {
                return list.get(next++);
            }
        };
    }

    private static ComputationGraph twoInputGraph() {
        ComputationGraphConfiguration conf = Nets.base(123, new Sgd(0.0)).graphBuilder()
                .addInputs("in1", "in2")
                .addLayer("a", new DenseLayer.Builder().nOut(4).activation(Activation.RELU).build(), "in1")
                .addLayer("b", new DenseLayer.Builder().nOut(3).activation(Activation.RELU).build(), "in2")
                .addVertex("merge", new MergeVertex(), "a", "b")
                .addLayer("out", Nets.softmaxOut(), "merge")
                .setOutputs("out")
                .setInputTypes(InputType.feedForward(3), InputType.feedForward(2))
                .build();
        ComputationGraph cg = Nets.init(conf);
        Planted.dense(cg.getLayer("a"), 1, 3);
        Planted.dense(cg.getLayer("b"), 0);
        return cg;
    }

    private static org.nd4j.linalg.dataset.MultiDataSet twoInputs(int n, long seed) {
        DataSet one = Planted.data(n, new long[]{3}, 3, seed);
        DataSet two = Planted.data(n, new long[]{2}, 3, seed + 100);
        return new org.nd4j.linalg.dataset.MultiDataSet(new INDArray[]{one.getFeatures(), two.getFeatures()},
                new INDArray[]{one.getLabels()});
    }

    @Test
    void twoInputGraph_plantedDeadUnits() {
        ComputationGraph cg = twoInputGraph();
        INDArray before = cg.params().dup();
        List<org.nd4j.linalg.dataset.api.MultiDataSet> list = List.of(twoInputs(20, 1), twoInputs(9, 2));
        DeadReluAnalysis a = DeadReluAnalysis.of(cg, multi(list));
        assertEquals(29, a.examples());
        assertEquals(2, a.layers().size());
        assertArrayEquals(new int[]{1, 3}, layer(a, "a").deadUnits());
        assertArrayEquals(new int[]{0}, layer(a, "b").deadUnits());
        assertEquals(2.0 / 4, layer(a, "a").closedShare(), 1e-12);
        assertEquals(1.0 / 3, layer(a, "b").closedShare(), 1e-12);
        assertEquals(before, cg.params(), "analysis changes no parameter");
        // Read to its end: a second analysis resets the iterator and gives the same numbers.
        assertEquals(a.layers(), DeadReluAnalysis.of(cg, multi(list)).layers());
    }

    @Test
    void twoInputGraph_wrongFeatureCountRejected() {
        ComputationGraph cg = twoInputGraph();
        DataSet one = Planted.data(4, new long[]{3}, 3, 1);
        var e = assertThrows(IllegalArgumentException.class, () -> DeadReluAnalysis.of(cg, multi(List.of(
                new org.nd4j.linalg.dataset.MultiDataSet(one.getFeatures(), one.getLabels())))));
        assertEquals("features must be 2 arrays (one per network input [in1, in2]), got: 1", e.getMessage());
    }

    @Test
    void deconvolution3dNdhwc_plantedChannels() {
        // Before the layout authority, the NDHWC activations were read along axis 1 (depth): 3 "units".
        MultiLayerNetwork net = Nets.mln(125, InputType.convolutional3D(Convolution3D.DataFormat.NDHWC, 3, 3, 3, 2),
                new Deconvolution3D.Builder().kernelSize(2, 2, 2).nOut(5)
                        .dataFormat(Convolution3D.DataFormat.NDHWC).activation(Activation.RELU).build(),
                new Cnn3DLossLayer.Builder(Convolution3D.DataFormat.NDHWC).lossFunction(LossFunctions.LossFunction.MSE)
                        .activation(Activation.IDENTITY).build());
        Planted.byBias(net.getLayer(0), 1, 4);
        DataSet ds = Planted.data(6, new long[]{3, 3, 3, 2}, 3, 1);
        LayerGates l = layer(DeadReluAnalysis.of(net, new SingletonDataSetIterator(ds)), "layer0");
        assertEquals(5, l.units());
        assertArrayEquals(new int[]{1, 4}, l.deadUnits());
        assertEquals(2.0 / 5, l.closedShare(), 1e-12);
    }

    @Test
    void subsampling1dNwc_activationAfterItCountsChannels() {
        // The ActivationLayer after a Subsampling1DLayer fed NWC arrays sees [mb, T, C]: its units are the 4
        // channels, not the 3 pooled time steps.
        MultiLayerNetwork net = Nets.mln(127, InputType.recurrent(3, 6, RNNFormat.NWC),
                new Convolution1DLayer.Builder().kernelSize(1).nOut(4).rnnDataFormat(RNNFormat.NWC)
                        .activation(Activation.IDENTITY).build(),
                new Subsampling1DLayer.Builder().kernelSize(2).stride(2).build(),
                new ActivationLayer.Builder().activation(Activation.RELU).build(),
                new RnnOutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nOut(3).dataFormat(RNNFormat.NWC)
                        .activation(Activation.SOFTMAX).build());
        Planted.byBias(net.getLayer(0), 2);
        DataSet ds = Planted.data(5, new long[]{6, 3}, 3, 1);
        LayerGates l = layer(DeadReluAnalysis.of(net, new SingletonDataSetIterator(ds)), "layer2");
        assertEquals(4, l.units());
        assertArrayEquals(new int[]{2}, l.deadUnits());
        assertEquals(1.0 / 4, l.closedShare(), 1e-12);
    }

    /**
     * An LSTM (or GravesLSTM) with a plain ReLU: all weights 0, block-input bias -0.5 for units 1 and 3 and +0.5 for
     * the others. Then c = f * c + i * relu(b) is 0 for units 1 and 3 at every step and positive for the others, and
     * h = o * relu(c) (o = sigmoid(0) = 0.5) is 0 exactly for units 1 and 3.
     */
    private static MultiLayerNetwork plantedLstm(boolean graves) {
        org.deeplearning4j.nn.conf.layers.Layer lstm = graves
                ? new org.deeplearning4j.nn.conf.layers.GravesLSTM.Builder().nOut(5).activation(Activation.RELU)
                        .build()
                : new org.deeplearning4j.nn.conf.layers.LSTM.Builder().nOut(5).activation(Activation.RELU).build();
        MultiLayerNetwork net = Nets.mln(131, InputType.recurrent(3, 4), lstm,
                new RnnOutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nOut(2)
                        .activation(Activation.SOFTMAX).build());
        org.deeplearning4j.nn.api.Layer l = net.getLayer(0);
        l.params().assign(0.0);
        INDArray b = l.getParam("b");
        for (int u = 0; u < 5; u++) {
            b.putScalar(u, u == 1 || u == 3 ? Planted.DEAD_BIAS : Planted.LIVE_BIAS);   // block 0: the block input
        }
        return net;
    }

    @ParameterizedTest(name = "graves={0}")
    @ValueSource(booleans = {false, true})
    void lstmWithRelu_plantedDeadUnits(boolean graves) {
        MultiLayerNetwork net = plantedLstm(graves);
        DataSet ds = Nets.sequenceData(6, 3, 4, 2, RNNFormat.NCW, 1);
        LayerGates l = layer(DeadReluAnalysis.of(net, new SingletonDataSetIterator(ds)), "layer0");
        assertEquals(5, l.units());
        assertArrayEquals(new int[]{1, 3}, l.deadUnits());
        assertEquals(2.0 / 5, l.closedShare(), 1e-12);
        // The listener sees the same h in training.
        DeadReluListener listener = DeadReluListener.builder().deadAfterExamples(1).frequency(0).build();
        net.setListeners(listener);
        net.fit(ds);
        LayerGates t = listener.snapshot().layer("layer0").orElseThrow();
        assertArrayEquals(new int[]{1, 3}, t.deadUnits());
        assertEquals(2.0 / 5, t.closedShare(), 1e-12);
    }

    @Test
    void counterWarnings_loggedOncePerLayerAndMessage() {
        // DL4J hands the ActivationLayer the [mb, 1, H, W] CNN mask of its input; the counter cannot apply it to the
        // [mb, 3, H, W] activations and says so. Three batches, one WARN.
        MultiLayerNetwork net = Nets.mln(133, InputType.convolutional(2, 2, 1),
                new org.deeplearning4j.nn.conf.layers.ConvolutionLayer.Builder(1, 1).nOut(3)
                        .activation(Activation.IDENTITY).build(),
                new ActivationLayer.Builder().activation(Activation.RELU).build(),
                new org.deeplearning4j.nn.conf.layers.CnnLossLayer.Builder(LossFunctions.LossFunction.MSE)
                        .activation(Activation.IDENTITY).build());
        List<DataSet> list = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            DataSet ds = Planted.data(2, new long[]{1, 2, 2}, 3, i);
            INDArray mask = Nd4j.ones(DataType.FLOAT, 2, 1, 2, 2);
            mask.putScalar(new long[]{0, 0, 1, 1}, 0.0);
            list.add(new DataSet(ds.getFeatures(), Nd4j.zeros(DataType.FLOAT, 2, 3, 2, 2), mask, null));
        }
        try (LogCapture logs = LogCapture.of(DeadReluAnalysis.class)) {
            DeadReluAnalysis a = DeadReluAnalysis.of(net, new ListDataSetIterator<>(list, 1));
            assertEquals(6, a.examples());
            List<String> warns = logs.messages(Level.WARN);
            assertEquals(1, warns.size(), warns.toString());
            assertTrue(warns.get(0).startsWith("DeadReluAnalysis: the mask of layer layer1 has shape [2, 1, 2, 2]"),
                    warns.get(0));
        }
    }

    @Test
    void duplicateLayerNames_twoLayers() {
        MultiLayerNetwork net = Nets.duplicateActivationNames(135);
        Planted.dense(net.getLayer(0), 0, 2);
        Planted.dense(net.getLayer(2), 4);
        DeadReluAnalysis a = DeadReluAnalysis.of(net, batches(1));
        assertEquals(2, a.layers().size());
        assertEquals(6, a.layers().get(0).units());
        assertArrayEquals(new int[]{0, 2}, a.layers().get(0).deadUnits());
        assertEquals(5, a.layers().get(1).units());
        assertEquals(3, a.layers().get(1).index());
        assertArrayEquals(new int[]{4}, a.layers().get(1).deadUnits());
    }

    @Test
    void lstmWithRelu_reinitialisationRefusedWithOneWarnTrainingGoesOn() {
        // Re-initialisation does not re-draw LSTM gate blocks: the layer is refused once, nothing is written.
        MultiLayerNetwork net = plantedLstm(false);
        INDArray before = net.params().dup();
        DataSet ds = Nets.sequenceData(6, 3, 4, 2, RNNFormat.NCW, 1);
        DeadReluListener listener = DeadReluListener.builder().deadAfterExamples(1).frequency(0)
                .reinitialize(io.github.deadrelu.reinit.ReinitPolicy.builder().every(1).maturity(0).build()).build();
        net.setListeners(listener);
        try (LogCapture logs = LogCapture.of(DeadReluListener.class)) {
            for (int i = 0; i < 3; i++) {
                net.fit(ds);
            }
            List<String> warns = logs.messages(Level.WARN).stream()
                    .filter(m -> m.contains("cannot be re-initialised")).collect(java.util.stream.Collectors.toList());
            assertEquals(1, warns.size(), logs.messages(Level.WARN).toString());
            assertContains(warns.get(0), "layer0 (LSTM)");
        }
        assertEquals(3, net.getIterationCount());
        assertEquals(before, net.params(), "Sgd(0) and no re-initialisation: nothing moved");
        assertArrayEquals(new int[]{1, 3}, listener.snapshot().layer("layer0").orElseThrow().deadUnits());
    }
}
