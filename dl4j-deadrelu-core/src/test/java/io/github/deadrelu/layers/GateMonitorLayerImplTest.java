/*
 * SPDX-License-Identifier: Apache-2.0
 */
package io.github.deadrelu.layers;

import io.github.deadrelu.conf.layers.GateMonitorLayer;
import io.github.deadrelu.internal.GateMonitorCounts;
import io.github.deadrelu.internal.UnitCounts;
import io.github.deadrelu.listeners.DeadReluListener;
import io.github.deadrelu.stats.LayerGates;
import io.github.deadrelu.testutil.Nets;
import java.io.File;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.deeplearning4j.gradientcheck.GradientCheckUtil;
import org.deeplearning4j.nn.conf.CNN2DFormat;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.RNNFormat;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.conf.layers.RnnOutputLayer;
import org.deeplearning4j.nn.conf.layers.recurrent.TimeDistributed;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.weights.WeightInit;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.deeplearning4j.util.ModelSerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.learning.config.NoOp;
import org.nd4j.linalg.learning.config.Sgd;
import org.nd4j.linalg.lossfunctions.LossFunctions;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Runtime side of the GateMonitorLayer: gradients, exact gate counts, blocked gradient, serialisation. Double
 * precision throughout (restored after each test).
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class GateMonitorLayerImplTest {
    /** Parameters checked per parameter array: every gradient reaching them flows through the monitor layer. */
    private static final int MAX_PER_PARAM = 6;

    private DataType prevDefault;
    private DataType prevFloat;

    @BeforeEach
    void doublePrecision() {
        prevDefault = Nd4j.dataType();
        prevFloat = Nd4j.defaultFloatingPointType();
        Nd4j.setDefaultDataTypes(DataType.DOUBLE, DataType.DOUBLE);
    }

    @AfterEach
    void restorePrecision() {
        Nd4j.setDefaultDataTypes(prevDefault, prevFloat);
    }

    // ------------------------------------------------------------------------------------------ gradient checks

    @Test
    void gradientCheck_dense() {
        MultiLayerNetwork net = net(new NeuralNetConfiguration.Builder().dataType(DataType.DOUBLE).seed(12345)
                .updater(new NoOp()).weightInit(WeightInit.XAVIER).list()
                .layer(new DenseLayer.Builder().nOut(6).activation(Activation.IDENTITY).build())
                .layer(new GateMonitorLayer.Builder().build())
                .layer(Nets.softmaxOut())
                .setInputType(InputType.feedForward(4)).build());
        INDArray f = Nd4j.randn(DataType.DOUBLE, 8, 4);
        INDArray l = oneHot(8, 3);
        assertTrue(GradientCheckUtil.checkGradients(new GradientCheckUtil.MLNConfig().subset(true).maxPerParam(MAX_PER_PARAM).net(net).input(f).labels(l)));
        assertBothRegimes(net.getLayer(1));

        ComputationGraph cg = net.toComputationGraph();
        assertTrue(GradientCheckUtil.checkGradients(new GradientCheckUtil.GraphConfig().subset(true).maxPerParam(MAX_PER_PARAM).net(cg)
                .inputs(new INDArray[]{f}).labels(new INDArray[]{l})));
        assertBothRegimes(cg.getLayer("1"));
    }

    @Test
    void gradientCheck_nchw() {
        gradientCheckCnn(CNN2DFormat.NCHW);
    }

    @Test
    void gradientCheck_nhwc() {
        gradientCheckCnn(CNN2DFormat.NHWC);
    }

    private void gradientCheckCnn(CNN2DFormat format) {
        MultiLayerNetwork net = net(new NeuralNetConfiguration.Builder().dataType(DataType.DOUBLE).seed(12345)
                .updater(new NoOp()).weightInit(WeightInit.XAVIER).list()
                .layer(new ConvolutionLayer.Builder(2, 2).nOut(3).activation(Activation.IDENTITY).build())
                .layer(new GateMonitorLayer.Builder().build())
                .layer(new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nOut(2)
                        .activation(Activation.SOFTMAX).build())
                .setInputType(InputType.convolutional(4, 4, 2, format)).build());
        long[] shape = format == CNN2DFormat.NCHW ? new long[]{3, 2, 4, 4} : new long[]{3, 4, 4, 2};
        INDArray f = Nd4j.randn(DataType.DOUBLE, shape);
        INDArray l = oneHot(3, 2);
        assertTrue(GradientCheckUtil.checkGradients(new GradientCheckUtil.MLNConfig().subset(true).maxPerParam(MAX_PER_PARAM).net(net).input(f).labels(l)));
        UnitCounts c = assertBothRegimes(net.getLayer(1));
        assertEquals(3, c.units(), "one unit per channel, on axis " + (format == CNN2DFormat.NCHW ? 1 : 3));
        assertEquals(9, c.entries(0) / c.examples(), "3x3 positions per channel per example");
    }

    @Test
    void gradientCheck_rnnNcw() {
        gradientCheckRnn(RNNFormat.NCW);
    }

    @Test
    void gradientCheck_rnnNwc() {
        gradientCheckRnn(RNNFormat.NWC);
    }

    private void gradientCheckRnn(RNNFormat format) {
        int mb = 3;
        int t = 5;
        MultiLayerNetwork net = net(new NeuralNetConfiguration.Builder().dataType(DataType.DOUBLE).seed(12345)
                .updater(new NoOp()).weightInit(WeightInit.XAVIER).list()
                .layer(new TimeDistributed(new DenseLayer.Builder().nOut(4).activation(Activation.IDENTITY).build(),
                        format))
                .layer(new GateMonitorLayer.Builder().build())
                .layer(new RnnOutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nOut(2)
                        .activation(Activation.SOFTMAX).build())
                .setInputType(InputType.recurrent(2, t, format)).build());
        assertEquals(format, ((GateMonitorLayer) net.getLayerWiseConfigurations().getConf(1).getLayer())
                .getDataFormat());
        INDArray f = Nd4j.randn(DataType.DOUBLE, format == RNNFormat.NCW ? new long[]{mb, 2, t} : new long[]{mb, t, 2});
        INDArray labels = Nd4j.zeros(DataType.DOUBLE, format == RNNFormat.NCW ? new long[]{mb, 2, t}
                : new long[]{mb, t, 2});
        for (int i = 0; i < mb; i++) {
            for (int s = 0; s < t; s++) {
                int cls = (i + s) % 2;
                if (format == RNNFormat.NCW) {
                    labels.putScalar(new long[]{i, cls, s}, 1.0);
                } else {
                    labels.putScalar(new long[]{i, s, cls}, 1.0);
                }
            }
        }
        // example 0: all 5 steps; example 1: first 3; example 2: first 2 -> 10 entries per unit
        INDArray mask = Nd4j.createFromArray(new double[][]{{1, 1, 1, 1, 1}, {1, 1, 1, 0, 0}, {1, 1, 0, 0, 0}});
        assertTrue(GradientCheckUtil.checkGradients(new GradientCheckUtil.MLNConfig().subset(true).maxPerParam(MAX_PER_PARAM).net(net).input(f)
                .labels(labels).inputMask(mask).labelMask(mask)));
        UnitCounts c = assertBothRegimes(net.getLayer(1));
        assertEquals(4, c.units());
        assertEquals(10 * c.examples() / mb, c.entries(0), "masked steps are not entries");
    }

    /** Takes the counts of a monitor layer and asserts that the gradient check went through both gate regimes. */
    private static UnitCounts assertBothRegimes(org.deeplearning4j.nn.api.Layer layer) {
        UnitCounts c = GateMonitorCounts.take(layer);
        assertNotNull(c);
        assertTrue(c.totalClosed() > 0 && c.totalClosed() < c.totalEntries(), c.toString());
        return c;
    }

    // ------------------------------------------------------------------------------------------ exact counts

    @Test
    void counts_rnnMaskNcwAndNwc() {
        // 2 examples, 2 units, 3 steps; masked steps hold negative values that would be counted as closed
        double[][][] ncw = {
                {{1, -1, -5}, {-2, 3, -5}},   // example 0, step 2 masked
                {{-1, -1, 2}, {4, 5, 6}}};     // example 1, all steps
        INDArray mask = Nd4j.createFromArray(new double[][]{{1, 1, 0}, {1, 1, 1}});
        for (RNNFormat format : RNNFormat.values()) {
            MultiLayerNetwork net = net(new NeuralNetConfiguration.Builder().dataType(DataType.DOUBLE).list()
                    .layer(new GateMonitorLayer.Builder().build())
                    .layer(new RnnOutputLayer.Builder(LossFunctions.LossFunction.MSE).nOut(1)
                            .activation(Activation.IDENTITY).build())
                    .setInputType(InputType.recurrent(2, 3, format)).build());
            INDArray f = Nd4j.createFromArray(ncw);
            INDArray labels = Nd4j.zeros(DataType.DOUBLE, 2, 1, 3);
            if (format == RNNFormat.NWC) {
                f = f.permute(0, 2, 1).dup();
                labels = labels.permute(0, 2, 1).dup();
            }
            DataSet ds = new DataSet(f, labels, mask, mask);
            net.fit(ds);
            UnitCounts c = GateMonitorCounts.take(net.getLayer(0));
            assertEquals(2, c.units(), format.toString());
            assertEquals(2, c.examples());
            assertEquals(5, c.entries(0));
            assertEquals(5, c.entries(1));
            assertEquals(3, c.closed(0), format + ": -1, -1, -1 unmasked; the masked -5 is not counted");
            assertEquals(1, c.closed(1), format + ": -2 only");
            assertEquals(0, c.totalNonFinite());
            assertArrayEquals(new double[]{1 + 2, 3 + 4 + 5 + 6}, c.absSums(), 0.0, format
                    + ": sums of |a| over unmasked entries");
        }
    }

    @Test
    void counts_nonFiniteInput() {
        // ReLU6 maps NaN to a finite value; the input tells the truth
        MultiLayerNetwork net = net(new NeuralNetConfiguration.Builder().dataType(DataType.DOUBLE).list()
                .layer(new GateMonitorLayer.Builder().activation(Activation.RELU6).build())
                .layer(new OutputLayer.Builder(LossFunctions.LossFunction.MSE).nOut(1)
                        .activation(Activation.IDENTITY).build())
                .setInputType(InputType.feedForward(3)).build());
        INDArray f = Nd4j.createFromArray(new double[][]{{Double.NaN, -1, 7}, {2, Double.POSITIVE_INFINITY, 3}});
        net.output(f); // inference: not counted by default
        GateMonitorLayerImpl g = (GateMonitorLayerImpl) net.getLayer(0);
        assertNull(GateMonitorCounts.take(g));
        net.feedForward(f, true);
        UnitCounts c = GateMonitorCounts.take(g);
        assertArrayEquals(new long[]{1, 1, 0}, new long[]{c.nonFinite(0), c.nonFinite(1), c.nonFinite(2)});
        // closed: -1 (low side), 7 (at or above the cap of 6); the NaN and the infinity are not closed
        assertArrayEquals(new long[]{0, 1, 1}, new long[]{c.closed(0), c.closed(1), c.closed(2)});
        assertArrayEquals(new double[]{2, 0, 6 + 3}, c.absSums(), 0.0, "the outputs of non-finite inputs left out");
        assertEquals(2, c.entries(0));
        assertFalse(c.estimated());
    }

    @Test
    void counts_accumulateUntilTaken() {
        // The counts through the GateMonitorCounts registry, the shares through the layer's own accessors.
        MultiLayerNetwork net = hand();
        GateMonitorLayerImpl g = (GateMonitorLayerImpl) net.getLayer(1);
        assertNull(GateMonitorCounts.take(g));
        assertFalse(g.blockedGradientShare().isPresent());
        assertEquals(0, g.unitBlockedGradientShares().length);
        net.fit(handData());
        net.fit(handData());
        UnitCounts c = GateMonitorCounts.take(g);
        assertEquals(6, c.examples(), "two forward passes of 3 examples");
        assertEquals(4, c.closed(0));
        assertEquals(2, c.closed(1));
        assertNull(GateMonitorCounts.take(g), "taking forgets");
        assertFalse(g.blockedGradientShare().isPresent(), "taking forgets the blocked gradient too");
    }

    @Test
    void counts_inference() {
        MultiLayerNetwork net = net(new NeuralNetConfiguration.Builder().dataType(DataType.DOUBLE).list()
                .layer(new GateMonitorLayer.Builder().countInInference(true).build())
                .layer(new OutputLayer.Builder(LossFunctions.LossFunction.MSE).nOut(1)
                        .activation(Activation.IDENTITY).build())
                .setInputType(InputType.feedForward(2)).build());
        INDArray f = Nd4j.createFromArray(new double[][]{{1, -2}, {-1, 3}, {0, 0.5}});
        INDArray before = f.dup();
        INDArray out = net.feedForward(f, false).get(1);
        assertEquals(Nd4j.createFromArray(new double[][]{{1, 0}, {0, 3}, {0, 0.5}}), out);
        assertEquals(before, f, "the input is never modified");
        UnitCounts c = GateMonitorCounts.take(net.getLayer(0));
        assertEquals(3, c.examples());
        assertEquals(2, c.closed(0));
        assertEquals(1, c.closed(1));
    }

    @Test
    void counts_clonesIndependent() {
        MultiLayerNetwork net = hand();
        MultiLayerNetwork replica = net.clone();
        replica.fit(handData());
        assertNull(GateMonitorCounts.take(net.getLayer(1)));
        assertNotNull(GateMonitorCounts.take(replica.getLayer(1)));
    }

    // ------------------------------------------------------------------------------------------ blocked gradient

    @Test
    void blocked_handComputedLayer() {
        MultiLayerNetwork net = hand();
        GateMonitorLayerImpl g = (GateMonitorLayerImpl) net.getLayer(1);
        INDArray z = Nd4j.createFromArray(new double[][]{{1, -2}, {-1, 3}, {0, 0.5}});
        INDArray eps = Nd4j.createFromArray(new double[][]{{0.5, -1}, {2, 1}, {-3, 4}});
        LayerWorkspaceMgr mgr = LayerWorkspaceMgr.noWorkspaces();
        g.setInput(z, mgr);
        INDArray a = g.activate(true, mgr);
        assertEquals(Nd4j.createFromArray(new double[][]{{1, 0}, {0, 3}, {0, 0.5}}), a);
        INDArray delta = g.backpropGradient(eps, mgr).getSecond();
        // the gradient passes where z > 0 only
        assertEquals(Nd4j.createFromArray(new double[][]{{0.5, 0}, {0, 1}, {0, 4}}), delta);
        // unit 0: blocked |2| + |-3| of 0.5 + 2 + 3; unit 1: blocked |-1| of 1 + 1 + 4; total 6 of 11.5
        assertArrayEquals(new double[]{5 / 5.5, 1 / 6.0}, g.unitBlockedGradientShares(), 1e-12);
        assertEquals(6 / 11.5, g.blockedGradientShare().getAsDouble(), 1e-12);
        UnitCounts c = GateMonitorCounts.take(g);
        assertEquals(2, c.closed(0));
        assertEquals(1, c.closed(1));
    }

    @Test
    void blocked_nonFiniteGradientEntriesLeftOut() {
        MultiLayerNetwork net = hand();
        GateMonitorLayerImpl g = (GateMonitorLayerImpl) net.getLayer(1);
        INDArray z = Nd4j.createFromArray(new double[][]{{1, -2}, {-1, 3}, {0, 0.5}});
        INDArray eps = Nd4j.createFromArray(new double[][]{{0.5, -1}, {2, 1}, {Double.NaN, 4}});
        LayerWorkspaceMgr mgr = LayerWorkspaceMgr.noWorkspaces();
        g.setInput(z, mgr);
        g.activate(true, mgr);
        g.backpropGradient(eps, mgr);
        // unit 0: the NaN entry is left out, |2| of 0.5 + 2 blocked; unit 1 as in blocked_handComputedLayer
        assertArrayEquals(new double[]{2 / 2.5, 1 / 6.0}, g.unitBlockedGradientShares(), 1e-12);
        assertEquals(3 / 8.5, g.blockedGradientShare().getAsDouble(), 1e-12);
    }

    @Test
    void plainRelu_sameOutputAndGradientAsActivationLayer() {
        // The plain-ReLU path writes max(z, 0) and its derivative straight into new arrays; DL4J's ActivationLayer
        // is the reference, entries at exactly 0 included.
        INDArray z = Nd4j.createFromArray(new double[][]{{1, -2, 0}, {-0.0, 3, -1e-300}});
        INDArray eps = Nd4j.createFromArray(new double[][]{{0.5, -1, 2}, {3, -4, 5}});
        MultiLayerNetwork mon = net(new NeuralNetConfiguration.Builder().dataType(DataType.DOUBLE).list()
                .layer(new GateMonitorLayer.Builder().build())
                .layer(new OutputLayer.Builder(LossFunctions.LossFunction.MSE).nIn(3).nOut(1)
                        .activation(Activation.IDENTITY).build())
                .setInputType(InputType.feedForward(3)).build());
        MultiLayerNetwork ref = net(new NeuralNetConfiguration.Builder().dataType(DataType.DOUBLE).list()
                .layer(new org.deeplearning4j.nn.conf.layers.ActivationLayer.Builder().activation(Activation.RELU)
                        .build())
                .layer(new OutputLayer.Builder(LossFunctions.LossFunction.MSE).nIn(3).nOut(1)
                        .activation(Activation.IDENTITY).build())
                .setInputType(InputType.feedForward(3)).build());
        LayerWorkspaceMgr mgr = LayerWorkspaceMgr.noWorkspaces();
        mon.getLayer(0).setInput(z, mgr);
        ref.getLayer(0).setInput(z, mgr);
        INDArray before = z.dup();
        assertEquals(ref.getLayer(0).activate(true, mgr), mon.getLayer(0).activate(true, mgr));
        assertEquals(ref.getLayer(0).backpropGradient(eps, mgr).getSecond(),
                mon.getLayer(0).backpropGradient(eps, mgr).getSecond());
        assertEquals(before, z, "the input is never modified");
    }

    @Test
    void blocked_handComputedNetwork() {
        // Dense(W = I, b = 0, identity) -> monitor(relu) -> Output(W = [1, 1], b = 0, identity, MSE), labels 0:
        // yhat = [1, 3, 0.5], dL/dyhat = 2 yhat = [2, 6, 1], so dL/da = [[2, 2], [6, 6], [1, 1]]
        MultiLayerNetwork net = hand();
        DeadReluListener listener = DeadReluListener.builder().frequency(0).build();
        net.setListeners(listener);
        net.fit(handData());
        LayerGates g = listener.snapshot().layer("gate").orElseThrow();
        // blocked: unit 0 rows 1, 2 (6 + 1), unit 1 row 0 (2): 9 of 18
        assertEquals(0.5, g.blockedGradientShare().getAsDouble(), 1e-12);
        assertEquals(0.5, g.closedShare(), 0.0, "3 of 6 entries closed (z <= 0)");
        assertFalse(g.estimated());

        MultiLayerNetwork plain = hand();
        plain.fit(handData());
        assertArrayEquals(new double[]{7 / 9.0, 2 / 9.0},
                ((GateMonitorLayerImpl) plain.getLayer(1)).unitBlockedGradientShares(), 1e-12);
    }

    @Test
    void blocked_graph() {
        ComputationGraph cg = hand().toComputationGraph();
        DeadReluListener listener = DeadReluListener.builder().frequency(0).build();
        cg.setListeners(listener);
        cg.fit(handData());
        // NetworkUtils.toComputationGraph names the vertices "0", "1", "2"
        assertEquals(0.5, listener.snapshot().layer("1").orElseThrow().blockedGradientShare().getAsDouble(),
                1e-12);
    }

    private static MultiLayerNetwork hand() {
        // Sgd(0): the parameters never move (NoOp would apply the raw gradient)
        MultiLayerNetwork net = net(new NeuralNetConfiguration.Builder().dataType(DataType.DOUBLE)
                .updater(new Sgd(0.0)).list()
                .layer(new DenseLayer.Builder().nIn(2).nOut(2).activation(Activation.IDENTITY).build())
                .layer(new GateMonitorLayer.Builder().name("gate").build())
                .layer(new OutputLayer.Builder(LossFunctions.LossFunction.MSE).nIn(2).nOut(1)
                        .activation(Activation.IDENTITY).build())
                .build());
        net.getLayer(0).getParam("W").assign(Nd4j.eye(2));
        net.getLayer(0).getParam("b").assign(0);
        net.getLayer(2).getParam("W").assign(1);
        net.getLayer(2).getParam("b").assign(0);
        return net;
    }

    private static DataSet handData() {
        return new DataSet(Nd4j.createFromArray(new double[][]{{1, -2}, {-1, 3}, {0, 0.5}}),
                Nd4j.zeros(DataType.DOUBLE, 3, 1));
    }

    // ------------------------------------------------------------------------------------------ serialisation

    @Test
    void modelSerializer_mln(@TempDir Path dir) throws Exception {
        MultiLayerNetwork net = net(new NeuralNetConfiguration.Builder().dataType(DataType.DOUBLE).seed(3)
                .updater(new Adam(1e-2)).list()
                .layer(new DenseLayer.Builder().nOut(5).activation(Activation.IDENTITY).build())
                .layer(new GateMonitorLayer.Builder().activation(Activation.RELU6).countInInference(true).build())
                .layer(Nets.softmaxOut())
                .setInputType(InputType.feedForward(4)).build());
        DataSet ds = new DataSet(Nd4j.randn(DataType.DOUBLE, 6, 4), oneHot(6, 3));
        net.fit(ds);
        net.fit(ds);
        File file = dir.resolve("mln.zip").toFile();
        ModelSerializer.writeModel(net, file, true);
        MultiLayerNetwork back = ModelSerializer.restoreMultiLayerNetwork(file, true);
        assertInstanceOf(GateMonitorLayerImpl.class, back.getLayer(1));
        assertEquals(net.getLayerWiseConfigurations(), back.getLayerWiseConfigurations());
        assertEquals(net.params(), back.params());
        assertEquals(net.getUpdater().getStateViewArray(), back.getUpdater().getStateViewArray());
        assertEquals(net.output(ds.getFeatures()), back.output(ds.getFeatures()));
        back.fit(ds);
        net.fit(ds);
        assertEquals(net.params(), back.params(), "training continues identically");
    }

    @Test
    void modelSerializer_graph(@TempDir Path dir) throws Exception {
        ComputationGraph cg = net(new NeuralNetConfiguration.Builder().dataType(DataType.DOUBLE).seed(3)
                .updater(new Adam(1e-2)).list()
                .layer(new ConvolutionLayer.Builder(2, 2).nOut(3).activation(Activation.IDENTITY).build())
                .layer(new GateMonitorLayer.Builder().build())
                .layer(new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nOut(2)
                        .activation(Activation.SOFTMAX).build())
                .setInputType(InputType.convolutional(4, 4, 2, CNN2DFormat.NHWC)).build()).toComputationGraph();
        DataSet ds = new DataSet(Nd4j.randn(DataType.DOUBLE, 3, 4, 4, 2), oneHot(3, 2));
        cg.fit(ds);
        File file = dir.resolve("cg.zip").toFile();
        ModelSerializer.writeModel(cg, file, true);
        ComputationGraph back = ModelSerializer.restoreComputationGraph(file.getPath(), true);
        assertInstanceOf(GateMonitorLayerImpl.class, back.getLayer("1"));
        assertEquals(cg.getConfiguration(), back.getConfiguration());
        assertEquals(cg.params(), back.params());
        assertEquals(cg.getUpdater().getStateViewArray(), back.getUpdater().getStateViewArray());
        assertEquals(cg.outputSingle(ds.getFeatures()), back.outputSingle(ds.getFeatures()));
    }

    // ------------------------------------------------------------------------------------------ helpers

    private static MultiLayerNetwork net(MultiLayerConfiguration conf) {
        return Nets.init(conf);
    }

    private static INDArray oneHot(int n, int classes) {
        INDArray l = Nd4j.zeros(DataType.DOUBLE, n, classes);
        for (int i = 0; i < n; i++) {
            l.putScalar(i, (i * 7 + 1) % classes, 1.0);
        }
        return l;
    }
}
