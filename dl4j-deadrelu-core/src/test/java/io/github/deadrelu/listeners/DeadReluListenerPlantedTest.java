/*
 * SPDX-License-Identifier: Apache-2.0
 */
package io.github.deadrelu.listeners;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.deadrelu.stats.GateSnapshot;
import io.github.deadrelu.stats.LayerGates;
import io.github.deadrelu.testutil.Nets;
import io.github.deadrelu.testutil.Planted;
import java.util.List;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.nn.conf.CNN2DFormat;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.ConvolutionMode;
import org.deeplearning4j.nn.conf.RNNFormat;
import org.deeplearning4j.nn.conf.graph.ElementWiseVertex;
import org.deeplearning4j.nn.conf.graph.MergeVertex;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.ActivationLayer;
import org.deeplearning4j.nn.conf.layers.BatchNormalization;
import org.deeplearning4j.nn.conf.layers.Convolution1DLayer;
import org.deeplearning4j.nn.conf.layers.Convolution3D;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.DepthwiseConvolution2D;
import org.deeplearning4j.nn.conf.layers.GlobalPoolingLayer;
import org.deeplearning4j.nn.conf.layers.PoolingType;
import org.deeplearning4j.nn.conf.layers.RnnOutputLayer;
import org.deeplearning4j.nn.conf.layers.SeparableConvolution2D;
import org.deeplearning4j.nn.conf.layers.misc.FrozenLayer;
import org.deeplearning4j.nn.conf.layers.misc.FrozenLayerWithBackprop;
import org.deeplearning4j.nn.conf.layers.recurrent.SimpleRnn;
import org.deeplearning4j.nn.conf.layers.recurrent.TimeDistributed;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.activations.IActivation;
import org.nd4j.linalg.activations.impl.ActivationReLU;
import org.nd4j.linalg.activations.impl.ActivationThresholdedReLU;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.dataset.MultiDataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Sgd;
import org.nd4j.linalg.lossfunctions.LossFunctions;

/**
 * Planted networks whose dead units are known by construction (non-negative inputs; dead units have non-positive
 * incoming weights and a negative bias, live ones positive weights and a positive bias): the listener must report the
 * exact closed share and the exact dead units, on a MultiLayerNetwork and on the equivalent ComputationGraph.
 *
 * <p>Every test trains one mini-batch of {@value #MB} examples with {@code deadAfterExamples(MB)}, so planted units are
 * dead after the first step, and an updater that moves nothing ({@code Sgd(0.0)}).
 */
@Timeout(60)
class DeadReluListenerPlantedTest {
    private static final int MB = 32;

    private static DeadReluListener listener() {
        return DeadReluListener.builder().deadAfterExamples(MB).frequency(0).build();
    }

    /** A {@link #listener()} on the network (as an MLN, or converted to a CG), after one fit on {@code ds}. */
    private static DeadReluListener fitOnce(MultiLayerNetwork net, boolean graph, DataSet ds) {
        DeadReluListener l = listener();
        Nets.fit(Nets.listened(net, graph, l), ds);
        return l;
    }

    static LayerGates gates(DeadReluListener l, String name) {
        GateSnapshot s = l.snapshot();
        return s.layer(name).orElseThrow(() -> new AssertionError("no layer " + name + " in " + s));
    }

    /** Exact closed share (dead / units, every dead unit closed on all entries, every live one on none). */
    static void assertPlanted(LayerGates g, int units, int... dead) {
        assertEquals(units, g.units(), "units of " + g.name());
        assertArrayEquals(dead, g.deadUnits(), "dead units of " + g.name());
        assertEquals((double) dead.length / units, g.closedShare(), 1e-12, "closed share of " + g.name());
        assertEquals((double) dead.length / units, g.deadFraction(), 1e-12, "dead fraction of " + g.name());
        assertEquals(dead.length, g.newlyDead(), "newly dead of " + g.name());
        assertEquals(0, g.nonFinite());
        assertEquals(0, g.revived());
        assertEquals(0, g.reinitialized());
        assertFalse(g.estimated(), "estimated");
        assertFalse(g.blockedGradientShare().isPresent());
        double[] fractions = g.unitClosedFractions();
        assertEquals(units, fractions.length);
        for (int u = 0; u < units; u++) {
            assertEquals(Planted.contains(dead, u) ? 1.0 : 0.0, fractions[u], 1e-12, "unit " + u);
        }
    }

    private static List<String> names(GateSnapshot s) {
        return s.layers().stream().map(LayerGates::name).collect(Collectors.toList());
    }

    @ParameterizedTest(name = "graph={0}")
    @ValueSource(booleans = {false, true})
    void dense_planted(boolean graph) {
        DeadReluListener l = listener();
        Model m = Nets.listened(Nets.plantedMlp(1), graph, l);
        Nets.fit(m, Nets.mlpData(MB, 2));

        GateSnapshot s = l.snapshot();
        assertEquals(0, s.iteration());
        assertEquals(0, s.epoch());
        assertEquals(List.of(Nets.layerName(0, graph), Nets.layerName(1, graph)), names(s));
        LayerGates l0 = gates(l, Nets.layerName(0, graph));
        LayerGates l1 = gates(l, Nets.layerName(1, graph));
        assertPlanted(l0, Nets.H0, 0, 2);
        assertPlanted(l1, Nets.H1, 1);
        assertEquals(graph ? 1 : 0, l0.index());
        assertEquals(graph ? 2 : 1, l1.index());
        assertFalse(l0.recoverable(), "nothing trainable upstream of the first layer");
        assertTrue(l1.recoverable(), "layer0 is trainable upstream of layer1");
        assertEquals(0.0, l0.negativeShare() - l0.closedShare(), 1e-12, "plain ReLU: negative = closed");
    }

    @ParameterizedTest(name = "graph={0}, format={1}")
    @CsvSource({"false,NCHW", "true,NCHW", "false,NHWC", "true,NHWC"})
    void conv2d_planted(boolean graph, CNN2DFormat format) {
        // 5x5 images with 2 channels, 4 output channels: a wrong unit axis would find 5 units, not 4.
        MultiLayerNetwork net = Nets.mln(3, InputType.convolutional(5, 5, 2, format),
                new ConvolutionLayer.Builder(3, 3).nOut(4).dataFormat(format).convolutionMode(ConvolutionMode.Same)
                        .activation(Activation.RELU).build(),
                Nets.softmaxOut());
        Nd4j.getRandom().setSeed(7);
        Planted.conv(net.getLayer(0), 1, 3);
        DeadReluListener l = listener();
        Model m = Nets.listened(net, graph, l);
        long[] shape = format == CNN2DFormat.NCHW ? new long[]{2, 5, 5} : new long[]{5, 5, 2};
        Nets.fit(m, Planted.data(MB, shape, 3, 4));

        assertPlanted(gates(l, Nets.layerName(0, graph)), 4, 1, 3);
    }

    @ParameterizedTest(name = "graph={0}")
    @ValueSource(booleans = {false, true})
    void conv1d_planted(boolean graph) {
        MultiLayerNetwork net = Nets.mln(5, InputType.recurrent(2, 7),
                new Convolution1DLayer.Builder().kernelSize(2).nOut(3).convolutionMode(ConvolutionMode.Same)
                        .activation(Activation.RELU).build(),
                new GlobalPoolingLayer.Builder(PoolingType.AVG).build(),
                Nets.softmaxOut());
        Nd4j.getRandom().setSeed(7);
        Planted.conv1d(net.getLayer(0), 2);
        DeadReluListener l = fitOnce(net, graph, Planted.data(MB, new long[]{2, 7}, 3, 6));

        assertPlanted(gates(l, Nets.layerName(0, graph)), 3, 2);
    }

    /**
     * A convolution kind whose units are planted dead by bias: the layer (built fresh for each network), the input
     * type, the seed (the data's seed is the next one), the example shape, its units and the dead ones.
     */
    private record ConvCase(String kind, Supplier<org.deeplearning4j.nn.conf.layers.Layer> layer, InputType input,
                            long seed, long[] shape, int units, int... dead) {
        @Override
        public String toString() {
            return kind;
        }
    }

    static Stream<Arguments> convolutionKinds() {
        List<ConvCase> cases = List.of(
                // 2 input channels x depth multiplier 2 = 4 output channels
                new ConvCase("depthwise2d", () -> new DepthwiseConvolution2D.Builder(3, 3).depthMultiplier(2)
                        .convolutionMode(ConvolutionMode.Same).activation(Activation.RELU).build(),
                        InputType.convolutional(5, 5, 2), 25, new long[]{2, 5, 5}, 4, 0, 3),
                new ConvCase("separable2d", () -> new SeparableConvolution2D.Builder(3, 3).nOut(3)
                        .convolutionMode(ConvolutionMode.Same).activation(Activation.RELU).build(),
                        InputType.convolutional(5, 5, 2), 27, new long[]{2, 5, 5}, 3, 1),
                // [mb, C=2, D=3, H=4, W=4] in, 5 channels out
                new ConvCase("convolution3d", () -> new Convolution3D.Builder(2, 2, 2).nOut(5)
                        .convolutionMode(ConvolutionMode.Same).activation(Activation.RELU).build(),
                        InputType.convolutional3D(Convolution3D.DataFormat.NCDHW, 3, 4, 4, 2), 29,
                        new long[]{2, 3, 4, 4}, 5, 0, 2, 4));
        return cases.stream().flatMap(c -> Stream.of(Arguments.of(c, false), Arguments.of(c, true)));
    }

    @ParameterizedTest(name = "{0}, graph={1}")
    @MethodSource("convolutionKinds")
    void convolutionKind_plantedByBias(ConvCase c, boolean graph) {
        MultiLayerNetwork net = Nets.mln(c.seed(), c.input(), c.layer().get(), Nets.softmaxOut());
        Planted.byBias(net.getLayer(0), c.dead());
        DeadReluListener l = fitOnce(net, graph, Planted.data(MB, c.shape(), 3, c.seed() + 1));

        assertPlanted(gates(l, Nets.layerName(0, graph)), c.units(), c.dead());
    }


    @ParameterizedTest(name = "graph={0}")
    @ValueSource(booleans = {false, true})
    void timeDistributedDenseWithMask_planted(boolean graph) {
        // DL4J 1.0.0-M2.1's TimeDistributed flattens the activations in 'c' order but the mask in 'f' order, so it
        // zeroes entries other than the masked steps (when mb > 1 and T > 1). The listener leaves out exactly the
        // entries DL4J's mask zeroed: the closed share is then dead / units (counting them: 0.475 here).
        int t = 5;
        MultiLayerNetwork net = Nets.mln(31, InputType.recurrent(3, t),
                new TimeDistributed(new DenseLayer.Builder().nOut(4).activation(Activation.RELU).build()),
                new RnnOutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nOut(2)
                        .activation(Activation.SOFTMAX).build());
        Nd4j.getRandom().setSeed(7);
        Planted.dense(net.getLayer(0), 2);
        DeadReluListener l = fitOnce(net, graph, Nets.sequenceData(MB, 3, t, 2, RNNFormat.NCW, 32));

        assertPlanted(gates(l, Nets.layerName(0, graph)), 4, 2);
    }

    @Test
    void graphWithElementWiseAddThenActivationLayer_planted() {
        // ResNet-style: two identity branches added, then ReLU. Weights 0, so z = bias_a + bias_b.
        ComputationGraphConfiguration conf = Nets.base(33, new Sgd(0.0)).graphBuilder()
                .addInputs("in")
                .addLayer("a", new DenseLayer.Builder().nOut(5).activation(Activation.IDENTITY).build(), "in")
                .addLayer("b", new DenseLayer.Builder().nOut(5).activation(Activation.IDENTITY).build(), "in")
                .addVertex("add", new ElementWiseVertex(ElementWiseVertex.Op.Add), "a", "b")
                .addLayer("relu", new ActivationLayer.Builder().activation(Activation.RELU).build(), "add")
                .addLayer("out", Nets.softmaxOut(), "relu")
                .setOutputs("out")
                .setInputTypes(InputType.feedForward(4))
                .build();
        ComputationGraph cg = Nets.init(conf);
        Planted.byBias(cg.getLayer("a"), 1, 2);           // a: -0.5 for 1, 2; +0.5 else
        Planted.byBias(cg.getLayer("b"), 2);              // b: -0.5 for 2; +0.5 else
        Planted.bias(cg.getLayer("b"), 0.25, 1);          // unit 1: -0.5 + 0.25 < 0; unit 2: -1; others +1
        DeadReluListener l = listener();
        cg.setListeners(l);
        cg.fit(Nets.mlpData(MB, 34));

        assertEquals(List.of("relu"), names(l.snapshot()));
        LayerGates g = gates(l, "relu");
        assertPlanted(g, 5, 1, 2);
        assertFalse(g.recoverable(), "nothing trainable upstream of a and b");
    }

    @ParameterizedTest(name = "graph={0}")
    @ValueSource(booleans = {false, true})
    void activationLayerAfterBatchNorm_planted(boolean graph) {
        // Dense(identity) -> BatchNormalization -> ActivationLayer(ReLU): gamma 0 makes the BN output its beta, so
        // beta -1 plants a dead unit and beta +1 a live one.
        MultiLayerNetwork net = Nets.mln(7, InputType.feedForward(4),
                new DenseLayer.Builder().nOut(6).activation(Activation.IDENTITY).build(),
                new BatchNormalization.Builder().build(),
                new ActivationLayer.Builder().activation(Activation.RELU).build(),
                Nets.softmaxOut());
        Layer bn = net.getLayer(1);
        bn.getParam("gamma").assign(0.0);
        bn.getParam("beta").assign(1.0);
        bn.getParam("beta").putScalar(1, -1.0);
        bn.getParam("beta").putScalar(4, -1.0);
        DeadReluListener l = fitOnce(net, graph, Planted.data(MB, new long[]{4}, 3, 8));

        GateSnapshot s = l.snapshot();
        assertEquals(List.of(Nets.layerName(2, graph)), names(s), "only the ActivationLayer is gated");
        LayerGates g = gates(l, Nets.layerName(2, graph));
        assertPlanted(g, 6, 1, 4);
        assertFalse(g.recoverable(), "the incoming weights (layer0) have nothing trainable upstream");
    }

    @ParameterizedTest(name = "graph={0}, format={1}")
    @CsvSource({"false,NCW", "true,NCW", "false,NWC", "true,NWC"})
    void simpleRnnWithMask_planted(boolean graph, RNNFormat format) {
        // Masked steps come out of the layer as 0 for every unit: counted as closed they would add
        // (masked / all) * live units to the closed share and make no unit die that is not planted.
        int t = 6;
        MultiLayerNetwork net = Nets.mln(9, InputType.recurrent(3, t, format),
                new SimpleRnn.Builder().nOut(5).activation(Activation.RELU).dataFormat(format).build(),
                new RnnOutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nOut(2).dataFormat(format)
                        .activation(Activation.SOFTMAX).build());
        Nd4j.getRandom().setSeed(7);
        Planted.rnn(net.getLayer(0), 0, 3);
        DeadReluListener l = listener();
        Model m = Nets.listened(net, graph, l);
        DataSet ds = Nets.sequenceData(MB, 3, t, 2, format, 10);
        assertTrue(ds.getFeaturesMaskArray().sumNumber().doubleValue() < MB * t, "some steps are masked");
        Nets.fit(m, ds);

        assertPlanted(gates(l, Nets.layerName(0, graph)), 5, 0, 3);
    }

    @ParameterizedTest(name = "graph={0}, withBackprop={1}")
    @CsvSource({"false,false", "true,false", "false,true", "true,true"})
    void frozenLayer_planted(boolean graph, boolean withBackprop) {
        DenseLayer inner = new DenseLayer.Builder().nIn(4).nOut(6).activation(Activation.RELU).build();
        org.deeplearning4j.nn.conf.layers.Layer frozen = withBackprop ? new FrozenLayerWithBackprop(inner)
                : new FrozenLayer.Builder().layer(inner).build();
        MultiLayerNetwork net = Nets.mln(11, InputType.feedForward(4), frozen,
                new DenseLayer.Builder().nOut(5).activation(Activation.RELU).build(),
                Nets.softmaxOut());
        Nets.plantMlp(net);
        DeadReluListener l = fitOnce(net, graph, Nets.mlpData(MB, 12));

        assertPlanted(gates(l, Nets.layerName(0, graph)), 6, 0, 2);
        LayerGates l1 = gates(l, Nets.layerName(1, graph));
        assertPlanted(l1, 5, 1);
        assertFalse(l1.recoverable(), "the only layer upstream of layer1 is frozen");
    }

    @ParameterizedTest(name = "graph={0}")
    @ValueSource(booleans = {false, true})
    void relu6_closedAtZeroAndAtCap(boolean graph) {
        MultiLayerNetwork net = Nets.denseSoftmax(13, 4, 5, Activation.RELU6);
        Nd4j.getRandom().setSeed(7);
        Planted.dense(net.getLayer(0), 0);     // unit 0: z < 0 on every input
        Planted.bias(net.getLayer(0), 10.0, 3); // unit 3: z > 10 >= 6 on every input (saturated)
        // live units: z in [0.5, 0.5 + 4 * 0.6] = [0.5, 2.9], strictly inside (0, 6)
        DeadReluListener l = fitOnce(net, graph, Nets.mlpData(MB, 14));

        LayerGates g = gates(l, Nets.layerName(0, graph));
        assertPlanted(g, 5, 0, 3);
        assertEquals(0.2, g.negativeShare(), 1e-12, "only unit 0 is closed on the low side");
    }

    @ParameterizedTest(name = "graph={0}")
    @ValueSource(booleans = {false, true})
    void reluWithThreshold_closedBelowThreshold(boolean graph) {
        // DL4J ReLU with threshold 1: output 0 and no gradient for z < 1.
        assertClosedAtOrBelowOne(new ActivationReLU(null, 1.0, null), 15, graph);
    }

    @ParameterizedTest(name = "graph={0}")
    @ValueSource(booleans = {false, true})
    void thresholdedRelu_closedAtOrBelowTheta(boolean graph) {
        assertClosedAtOrBelowOne(new ActivationThresholdedReLU(1.0), 17, graph);
    }

    /**
     * A 4-unit dense layer of a gate that is closed at or below 1: unit 1 planted at z &lt; 0 and unit 2 at z = 0.5
     * (positive but not above 1) are closed and dead; units 0 and 3 (z &gt;= 1.5) are open.
     */
    private void assertClosedAtOrBelowOne(IActivation gate, long seed, boolean graph) {
        MultiLayerNetwork net = Nets.denseSoftmax(seed, 4, 4, gate);
        Nd4j.getRandom().setSeed(7);
        Layer d = net.getLayer(0);
        Planted.dense(d, 1);                 // unit 1: z < 0
        Planted.denseWeights(d, 0.0, 2);     // unit 2: z = 0.5, positive but not above 1
        Planted.bias(d, 1.5, 0, 3);          // units 0, 3: z >= 1.5
        DeadReluListener l = fitOnce(net, graph, Nets.mlpData(MB, seed + 1));

        assertPlanted(gates(l, Nets.layerName(0, graph)), 4, 1, 2);
    }

    @ParameterizedTest(name = "graph={0}")
    @ValueSource(booleans = {false, true})
    void leakyRelu_neverClosedNegativeShareExact(boolean graph) {
        MultiLayerNetwork net = Nets.denseSoftmax(19, 4, 5, Activation.LEAKYRELU);
        Nd4j.getRandom().setSeed(7);
        Planted.dense(net.getLayer(0), 1, 4);
        DeadReluListener l = fitOnce(net, graph, Nets.mlpData(MB, 20));

        LayerGates g = gates(l, Nets.layerName(0, graph));
        assertEquals(5, g.units());
        assertEquals(0.0, g.closedShare(), 0.0);
        assertEquals(0.4, g.negativeShare(), 1e-12);
        assertEquals(0, g.deadUnits().length);
        assertEquals(0, g.newlyDead());
    }

    @Test
    void graphWithMergeVertex_planted() {
        ComputationGraphConfiguration conf = Nets.base(21, new Sgd(0.0)).graphBuilder()
                .addInputs("in")
                .addLayer("a", new DenseLayer.Builder().nOut(4).activation(Activation.RELU).build(), "in")
                .addLayer("b", new DenseLayer.Builder().nOut(3).activation(Activation.RELU).build(), "in")
                .addVertex("merge", new MergeVertex(), "a", "b")
                .addLayer("c", new DenseLayer.Builder().nOut(5).activation(Activation.RELU).build(), "merge")
                .addLayer("out", Nets.softmaxOut(), "c")
                .setOutputs("out")
                .setInputTypes(InputType.feedForward(4))
                .build();
        ComputationGraph cg = Nets.init(conf);
        Nd4j.getRandom().setSeed(7);
        Planted.dense(cg.getLayer("a"), 1);
        Planted.dense(cg.getLayer("b"), 0, 2);
        Planted.dense(cg.getLayer("c"), 3);
        DeadReluListener l = listener();
        cg.setListeners(l);
        cg.fit(Nets.mlpData(MB, 22));

        GateSnapshot s = l.snapshot();
        assertEquals(3, s.layers().size());
        assertEquals("c", s.layers().get(2).name(), "topological order");
        assertTrue(s.layers().get(0).index() < s.layers().get(1).index());
        assertTrue(s.layers().get(1).index() < s.layers().get(2).index());
        assertPlanted(gates(l, "a"), 4, 1);
        assertPlanted(gates(l, "b"), 3, 0, 2);
        assertPlanted(gates(l, "c"), 5, 3);
        assertTrue(gates(l, "c").recoverable());
        assertFalse(gates(l, "a").recoverable());
    }

    @Test
    void graphWithTwoInputs_fitMultiDataSet_planted() {
        ComputationGraphConfiguration conf = Nets.base(23, new Sgd(0.0)).graphBuilder()
                .addInputs("in1", "in2")
                .addLayer("a", new DenseLayer.Builder().nOut(4).activation(Activation.RELU).build(), "in1")
                .addLayer("b", new DenseLayer.Builder().nOut(3).activation(Activation.RELU).build(), "in2")
                .addVertex("merge", new MergeVertex(), "a", "b")
                .addLayer("c", new DenseLayer.Builder().nOut(4).activation(Activation.RELU).build(), "merge")
                .addLayer("out", Nets.softmaxOut(), "c")
                .setOutputs("out")
                .setInputTypes(InputType.feedForward(3), InputType.feedForward(2))
                .build();
        ComputationGraph cg = Nets.init(conf);
        Nd4j.getRandom().setSeed(7);
        Planted.dense(cg.getLayer("a"), 0);
        Planted.dense(cg.getLayer("b"), 2);
        Planted.dense(cg.getLayer("c"), 1, 2);
        DeadReluListener l = listener();
        cg.setListeners(l);
        Nd4j.getRandom().setSeed(24);
        INDArray f1 = Nd4j.rand(DataType.FLOAT, MB, 3);
        INDArray f2 = Nd4j.rand(DataType.FLOAT, MB, 2);
        INDArray labels = Planted.data(MB, new long[]{1}, 3, 25).getLabels();
        cg.fit(new MultiDataSet(new INDArray[]{f1, f2}, new INDArray[]{labels}));

        assertPlanted(gates(l, "a"), 4, 0);
        assertPlanted(gates(l, "b"), 3, 2);
        assertPlanted(gates(l, "c"), 4, 1, 2);
    }
}
