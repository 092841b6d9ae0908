/*
 * SPDX-License-Identifier: Apache-2.0
 */
package io.github.deadrelu.conf.layers;

import io.github.deadrelu.internal.GateMonitorCounts;
import io.github.deadrelu.internal.LayerSpec;
import io.github.deadrelu.internal.NetworkInspector;
import io.github.deadrelu.internal.Reinitializer;
import io.github.deadrelu.internal.UnitCounts;
import io.github.deadrelu.layers.GateMonitorLayerImpl;
import io.github.deadrelu.listeners.DeadReluListener;
import io.github.deadrelu.reinit.ReinitPolicy;
import io.github.deadrelu.stats.DeadReluAnalysis;
import io.github.deadrelu.stats.GateSnapshot;
import io.github.deadrelu.stats.LayerGates;
import io.github.deadrelu.testutil.Nets;
import io.github.deadrelu.testutil.Planted;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.deeplearning4j.datasets.iterator.utilty.ListDataSetIterator;
import org.deeplearning4j.nn.conf.CNN2DFormat;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.RNNFormat;
import org.deeplearning4j.nn.conf.graph.LayerVertex;
import org.deeplearning4j.nn.conf.graph.MergeVertex;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.ActivationLayer;
import org.deeplearning4j.nn.conf.layers.BaseLayer;
import org.deeplearning4j.nn.conf.layers.BatchNormalization;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.Layer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.conf.layers.RnnOutputLayer;
import org.deeplearning4j.nn.conf.layers.SubsamplingLayer;
import org.deeplearning4j.nn.conf.layers.misc.FrozenLayer;
import org.deeplearning4j.nn.conf.layers.recurrent.SimpleRnn;
import org.deeplearning4j.nn.conf.layers.recurrent.TimeDistributed;
import org.deeplearning4j.nn.conf.preprocessor.CnnToFeedForwardPreProcessor;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.activations.impl.ActivationIdentity;
import org.nd4j.linalg.activations.impl.ActivationReLU;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.learning.config.IUpdater;
import org.nd4j.linalg.learning.config.Sgd;
import org.nd4j.linalg.lossfunctions.LossFunctions;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@link GateMonitors#instrument}: structure, equivalence with the original network (outputs, parameter order,
 * training trajectory), and exact counts where the listener alone can only estimate.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class GateMonitorsTest {

    // ------------------------------------------------------------------------------------------ structure

    @Test
    void instrument_mlnStructure() {
        MultiLayerConfiguration conf = plantedConf(new Adam(1e-2));
        String before = conf.toJson();
        MultiLayerConfiguration inst = GateMonitors.instrument(conf);
        assertEquals(before, conf.toJson(), "the argument is not modified");
        assertEquals(5, inst.getConfs().size());
        String[] names = new String[5];
        for (int i = 0; i < 5; i++) {
            names[i] = inst.getConf(i).getLayer().getLayerName();
        }
        assertArrayEquals(new String[]{"layer0", "layer0_gate", "layer1", "layer1_gate", "layer2"}, names);
        assertEquals(new ActivationIdentity(), ((BaseLayer) inst.getConf(0).getLayer()).getActivationFn());
        assertEquals(new ActivationIdentity(), ((BaseLayer) inst.getConf(2).getLayer()).getActivationFn());
        GateMonitorLayer g0 = (GateMonitorLayer) inst.getConf(1).getLayer();
        assertEquals(new ActivationReLU(), g0.getActivationFn());
        assertNull(g0.getDataFormat());
        assertNull(g0.getIDropout(), "the monitor applies no dropout");
        assertTrue(inst.getConf(1).variables().isEmpty());
        assertTrue(inst.getConf(2).getLayer().getIDropout() != null, "dropout stays on the layer it was set on");
        assertEquals(conf.getConf(2).getLayer(), inst.getConf(4).getLayer(), "output layer untouched");
        assertEquals(inst, MultiLayerConfiguration.fromJson(inst.toJson()));
        assertEquals(inst, MultiLayerConfiguration.fromYaml(inst.toYaml()));
        assertEquals(inst, GateMonitors.instrument(inst), "idempotent");
    }

    @Test
    void instrument_cnnPreprocessorsShift() {
        for (CNN2DFormat format : CNN2DFormat.values()) {
            MultiLayerConfiguration conf = cnnConf(format);
            assertInstanceOf(CnnToFeedForwardPreProcessor.class, conf.getInputPreProcess(2));
            MultiLayerConfiguration inst = GateMonitors.instrument(conf);
            assertEquals(6, inst.getConfs().size());
            assertNull(inst.getInputPreProcess(1));
            assertNull(inst.getInputPreProcess(2));
            assertInstanceOf(CnnToFeedForwardPreProcessor.class, inst.getInputPreProcess(3),
                    "the dense layer, now at index 3, keeps its preprocessor");
            assertEquals(format, ((GateMonitorLayer) inst.getConf(1).getLayer()).getDataFormat());
            assertNull(((GateMonitorLayer) inst.getConf(4).getLayer()).getDataFormat());

            MultiLayerNetwork plain = net(conf);
            Planted.conv(plain.getLayer(0), 1);
            MultiLayerNetwork mon = GateMonitors.instrument(plain);
            long[] shape = format == CNN2DFormat.NCHW ? new long[]{3, 6, 6} : new long[]{6, 6, 3};
            DataSet ds = Planted.data(16, shape, 3, 5);
            assertEquals(0.0, maxAbsDiff(plain.output(ds.getFeatures()), mon.output(ds.getFeatures())), format
                    + ": identical outputs");
            mon.fit(ds);
            UnitCounts c = GateMonitorCounts.take(mon.getLayer(1));
            assertEquals(4, c.units(), format + ": one unit per channel");
            for (int u = 0; u < 4; u++) {
                assertEquals(u == 1 ? c.entries(u) : 0, c.closed(u), format + ": channel " + u);
            }
        }
    }

    @Test
    void instrument_activationLayerAfterBatchNorm() {
        MultiLayerConfiguration conf = new NeuralNetConfiguration.Builder().seed(3).updater(new Adam(1e-2))
                .activation(Activation.RELU) // reaches the BatchNormalization too, which ignores it
                .list()
                .layer(new ConvolutionLayer.Builder(2, 2).nOut(4).activation(Activation.IDENTITY).build())
                .layer(new BatchNormalization.Builder().build())
                .layer(new ActivationLayer.Builder().activation(Activation.RELU).build())
                .layer(Nets.softmaxOut())
                .setInputType(InputType.convolutional(5, 5, 2, CNN2DFormat.NHWC))
                .build();
        MultiLayerConfiguration inst = GateMonitors.instrument(conf);
        assertEquals(4, inst.getConfs().size(), "the activation layer is replaced, nothing inserted");
        assertInstanceOf(BatchNormalization.class, inst.getConf(1).getLayer(), "BatchNormalization left alone");
        GateMonitorLayer g = (GateMonitorLayer) inst.getConf(2).getLayer();
        assertEquals("layer2", g.getLayerName());
        assertEquals(CNN2DFormat.NHWC, g.getDataFormat(), "layout read through the BatchNormalization");

        MultiLayerNetwork plain = net(conf);
        MultiLayerNetwork mon = GateMonitors.instrument(plain);
        DataSet ds = Planted.data(8, new long[]{5, 5, 2}, 3, 2);
        assertEquals(0.0, maxAbsDiff(plain.output(ds.getFeatures()), mon.output(ds.getFeatures())));
    }

    @Test
    void instrument_leavesRecurrentAndOutputLayers() {
        MultiLayerConfiguration conf = new NeuralNetConfiguration.Builder().list()
                .layer(new SimpleRnn.Builder().nOut(3).activation(Activation.RELU).build())
                .layer(new RnnOutputLayer.Builder(LossFunctions.LossFunction.MSE).nOut(2)
                        .activation(Activation.RELU).build())
                .setInputType(InputType.recurrent(2, 4, RNNFormat.NWC))
                .build();
        MultiLayerConfiguration inst = GateMonitors.instrument(conf);
        assertEquals(conf.getConfs().size(), inst.getConfs().size());
        assertEquals(conf, inst);
    }

    @Test
    void instrument_leavesReluWithInvalidSettings() {
        MultiLayerConfiguration conf = new NeuralNetConfiguration.Builder().list()
                .layer(new DenseLayer.Builder().nOut(3).activation(new ActivationReLU(-1.0, null, null)).build())
                .layer(new DenseLayer.Builder().nOut(3).activation(Activation.RELU).build())
                .layer(new OutputLayer.Builder(LossFunctions.LossFunction.MSE).nOut(2)
                        .activation(Activation.IDENTITY).build())
                .setInputType(InputType.feedForward(2))
                .build();
        MultiLayerConfiguration inst = GateMonitors.instrument(conf);
        assertEquals(4, inst.getConfs().size(), "only layer1 gets a monitor");
        assertEquals("layer1_gate", inst.getConf(2).getLayer().getLayerName());
        assertEquals(new ActivationReLU(-1.0, null, null),
                ((BaseLayer) inst.getConf(0).getLayer()).getActivationFn());
    }

    @Test
    void instrument_activationLayerAfterNwcSubsampling1d() {
        // Subsampling1DLayer fed NWC arrays writes [mb, T, C]: the monitor replacing the ActivationLayer counts
        // along the last axis.
        MultiLayerConfiguration conf = new NeuralNetConfiguration.Builder().list()
                .layer(new org.deeplearning4j.nn.conf.layers.Convolution1DLayer.Builder().kernelSize(1).nOut(4)
                        .rnnDataFormat(RNNFormat.NWC).activation(Activation.IDENTITY).build())
                .layer(new org.deeplearning4j.nn.conf.layers.Subsampling1DLayer.Builder().kernelSize(2).stride(2)
                        .build())
                .layer(new ActivationLayer.Builder().activation(Activation.RELU).build())
                .layer(new RnnOutputLayer.Builder(LossFunctions.LossFunction.MSE).nOut(2).dataFormat(RNNFormat.NWC)
                        .activation(Activation.IDENTITY).build())
                .setInputType(InputType.recurrent(3, 6, RNNFormat.NWC))
                .build();
        MultiLayerConfiguration inst = GateMonitors.instrument(conf);
        GateMonitorLayer m = (GateMonitorLayer) inst.getConf(2).getLayer();
        assertEquals(RNNFormat.NWC, m.getDataFormat());
        assertEquals(2, m.unitAxis(3));
    }

    @Test
    void instrument_frozenLayer() {
        MultiLayerConfiguration conf = new NeuralNetConfiguration.Builder().seed(4).list()
                .layer(new FrozenLayer(new DenseLayer.Builder().nIn(4).nOut(5).activation(Activation.RELU).build()))
                .layer(new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nIn(5).nOut(3)
                        .activation(Activation.SOFTMAX).build())
                .build();
        MultiLayerConfiguration inst = GateMonitors.instrument(conf);
        Layer inner = ((FrozenLayer) inst.getConf(0).getLayer()).getLayer();
        assertEquals(new ActivationIdentity(), ((BaseLayer) inner).getActivationFn());
        assertEquals(new ActivationReLU(), ((BaseLayer) ((FrozenLayer) conf.getConf(0).getLayer()).getLayer())
                .getActivationFn(), "the argument is not modified");
        assertInstanceOf(GateMonitorLayer.class, inst.getConf(1).getLayer());
        MultiLayerNetwork plain = net(conf);
        DataSet ds = Planted.data(8, new long[]{4}, 3, 1);
        assertEquals(0.0, maxAbsDiff(plain.output(ds.getFeatures()),
                GateMonitors.instrument(plain).output(ds.getFeatures())));
    }

    @Test
    void instrument_timeDistributed() {
        MultiLayerConfiguration conf = new NeuralNetConfiguration.Builder().seed(6).list()
                .layer(new TimeDistributed(new DenseLayer.Builder().nOut(4).activation(Activation.RELU).build(),
                        RNNFormat.NWC))
                .layer(new RnnOutputLayer.Builder(LossFunctions.LossFunction.MSE).nOut(2)
                        .activation(Activation.IDENTITY).build())
                .setInputType(InputType.recurrent(3, 5, RNNFormat.NWC))
                .build();
        MultiLayerConfiguration inst = GateMonitors.instrument(conf);
        assertEquals(RNNFormat.NWC, ((GateMonitorLayer) inst.getConf(1).getLayer()).getDataFormat());
        assertEquals(new ActivationReLU(), ((BaseLayer) ((TimeDistributed) conf.getConf(0).getLayer())
                .getUnderlying()).getActivationFn(), "the argument is not modified (TimeDistributed clones shallowly)");
        MultiLayerNetwork plain = net(conf);
        MultiLayerNetwork mon = GateMonitors.instrument(plain);
        INDArray f = Nd4j.randn(org.nd4j.linalg.api.buffer.DataType.FLOAT, 2, 5, 3);
        assertEquals(0.0, maxAbsDiff(plain.output(f), mon.output(f)));
        mon.feedForward(f, true);
        assertEquals(4, GateMonitorCounts.take(mon.getLayer(1)).units(), "units on the last axis");
    }

    @Test
    void instrument_rejectsNullAndUninitialised() {
        assertThrows(NullPointerException.class, () -> GateMonitors.instrument((MultiLayerConfiguration) null));
        var e = assertThrows(IllegalArgumentException.class,
                () -> GateMonitors.instrument(new MultiLayerNetwork(plantedConf(new Sgd(0.1)))));
        assertTrue(e.getMessage().startsWith("net must be initialised"), e.getMessage());
    }

    // ------------------------------------------------------------------------------------------ ComputationGraph

    @Test
    void instrument_graphKeepsParameterOrder() {
        ComputationGraphConfiguration conf = branchConf();
        ComputationGraphConfiguration inst = GateMonitors.instrument(conf);
        assertTrue(inst.getVertices().containsKey("a_gate") && inst.getVertices().containsKey("c_gate")
                && inst.getVertices().containsKey("d_gate") && !inst.getVertices().containsKey("b_gate"));
        assertEquals(List.of("c_gate", "d_gate"), inst.getVertexInputs().get("merge"));
        assertEquals(List.of("a_gate"), inst.getVertexInputs().get("c"));
        assertEquals(List.of("in", "a", "a_gate", "b", "c", "c_gate", "d", "d_gate", "merge", "out"),
                inst.getTopologicalOrderStr());

        // DL4J's own sort of the instrumented graph would put d before c: the stored order is what keeps the
        // parameters where they were.
        ComputationGraphConfiguration unsorted = inst.clone();
        unsorted.setTopologicalOrder(null);
        unsorted.setTopologicalOrderStr(null);
        ComputationGraph naive = Nets.init(unsorted);
        List<String> naiveOrder = new ArrayList<>();
        for (int i : naive.topologicalSortOrder()) {
            naiveOrder.add(naive.getVertices()[i].getVertexName());
        }
        assertTrue(naiveOrder.indexOf("d") < naiveOrder.indexOf("c"), naiveOrder.toString());

        ComputationGraph plain = graph(conf);
        ComputationGraph mon = GateMonitors.instrument(plain);
        for (String key : plain.paramTable().keySet()) {
            assertEquals(plain.getParam(key), mon.getParam(key), key);
        }
        DataSet ds = Planted.data(8, new long[]{4}, 3, 9);
        assertEquals(0.0, maxAbsDiff(plain.outputSingle(ds.getFeatures()), mon.outputSingle(ds.getFeatures())));
        assertEquals(inst, ComputationGraphConfiguration.fromJson(inst.toJson()));
        assertEquals(inst.getTopologicalOrderStr(),
                ComputationGraphConfiguration.fromJson(inst.toJson()).getTopologicalOrderStr());
        assertEquals(inst, ComputationGraphConfiguration.fromYaml(inst.toYaml()));
        ComputationGraphConfiguration again = GateMonitors.instrument(inst);
        assertEquals(inst, again, "idempotent");
        assertEquals(inst.getTopologicalOrderStr(), again.getTopologicalOrderStr());
    }

    @Test
    void instrument_graphOutputsUntouched() {
        ComputationGraphConfiguration conf = new NeuralNetConfiguration.Builder().graphBuilder()
                .addInputs("in")
                .addLayer("d", new DenseLayer.Builder().nIn(3).nOut(4).activation(Activation.RELU).build(), "in")
                .addLayer("out", new OutputLayer.Builder(LossFunctions.LossFunction.MSE).nIn(4).nOut(2)
                        .activation(Activation.RELU).build(), "d")
                .addLayer("side", new DenseLayer.Builder().nIn(4).nOut(2).activation(Activation.RELU).build(), "d")
                .setOutputs("out", "side")
                .build();
        ComputationGraphConfiguration inst = GateMonitors.instrument(conf);
        assertEquals(List.of("d_gate"), inst.getVertexInputs().get("out"));
        assertEquals(List.of("d_gate"), inst.getVertexInputs().get("side"));
        assertEquals(new ActivationReLU(), ((BaseLayer) ((LayerVertex) inst.getVertices().get("side"))
                .getLayerConf().getLayer()).getActivationFn(), "a network output keeps its activation");
    }

    // ------------------------------------------------------------------------------------------ trajectories

    @Test
    void trajectory_mlnAdamWithDropout() {
        MultiLayerNetwork plain = net(plantedConf(new Adam(0.05)));
        MultiLayerNetwork mon = GateMonitors.instrument(plain);
        DataSet ds = Planted.data(32, new long[]{4}, 3, 11);
        for (int i = 0; i < 5; i++) {
            Nd4j.getRandom().setSeed(100 + i);
            plain.fit(ds);
            Nd4j.getRandom().setSeed(100 + i);
            mon.fit(ds);
        }
        assertNotEquals(0.0, maxAbsDiff(plain.params(), net(plantedConf(new Adam(0.05))).params()), "trained");
        assertTrue(maxAbsDiff(plain.params(), mon.params()) <= 1e-6, "parameters after 5 Adam steps with dropout");
        assertEquals(0.0, maxAbsDiff(plain.output(ds.getFeatures()), mon.output(ds.getFeatures())), 1e-6);
    }

    @Test
    void trajectory_trainedNetworksContinue() {
        DataSet ds = Planted.data(16, new long[]{4}, 3, 12);
        MultiLayerNetwork plain = net(plantedConf(new Adam(0.05)));
        for (int i = 0; i < 3; i++) {
            Nd4j.getRandom().setSeed(200 + i);
            plain.fit(ds);
        }
        MultiLayerNetwork mon = GateMonitors.instrument(plain);
        assertEquals(plain.getUpdater().getStateViewArray(), mon.getUpdater().getStateViewArray());
        assertEquals(plain.getIterationCount(), mon.getIterationCount());
        for (int i = 3; i < 6; i++) {
            Nd4j.getRandom().setSeed(200 + i);
            plain.fit(ds);
            Nd4j.getRandom().setSeed(200 + i);
            mon.fit(ds);
        }
        assertTrue(maxAbsDiff(plain.params(), mon.params()) <= 1e-6);

        ComputationGraph cg = graph(branchConf());
        for (int i = 0; i < 3; i++) {
            cg.fit(ds);
        }
        ComputationGraph cgMon = GateMonitors.instrument(cg);
        assertEquals(cg.getConfiguration().getIterationCount(), cgMon.getConfiguration().getIterationCount());
        for (int i = 0; i < 3; i++) {
            cg.fit(ds);
            cgMon.fit(ds);
        }
        assertTrue(maxAbsDiff(cg.params(), cgMon.params()) <= 1e-6);
    }

    // ------------------------------------------------------------------------------------------ exact counts

    @Test
    void counts_plantedWithDropoutMln() {
        MultiLayerNetwork plain = plantedNet();
        MultiLayerNetwork mon = GateMonitors.instrument(plain);
        DataSet ds = Planted.data(32, new long[]{4}, 3, 21);

        // exact per-unit counts, even though layer1's dropout rewrites layer0's activations in place
        MultiLayerNetwork probe = GateMonitors.instrument(plain);
        probe.fit(ds);
        GateMonitorLayerImpl g0 = (GateMonitorLayerImpl) probe.getLayer(1);
        assertArrayEquals(new double[]{1, 0, 1, 0, 0, 0}, g0.unitBlockedGradientShares(), 0.0,
                "dead units block all of their gradient, live ones none");
        UnitCounts c0 = GateMonitorCounts.take(g0);
        UnitCounts c1 = GateMonitorCounts.take(probe.getLayer(3));
        for (int u = 0; u < 6; u++) {
            assertEquals(32, c0.entries(u));
            assertEquals(u == 0 || u == 2 ? 32 : 0, c0.closed(u), "layer0 unit " + u);
            assertEquals(c0.closed(u), c0.negative(u));
        }
        for (int u = 0; u < 5; u++) {
            assertEquals(u == 1 ? 32 : 0, c1.closed(u), "layer1 unit " + u);
        }
        assertFalse(c0.estimated());

        DeadReluListener[] listeners = fitTwiceAlongside(plain, mon, ds);
        DeadReluListener plainListener = listeners[0];
        DeadReluListener monListener = listeners[1];
        GateSnapshot p = plainListener.snapshot();
        GateSnapshot m = monListener.snapshot();
        LayerGates p0 = p.layer("layer0").orElseThrow();
        LayerGates m0 = m.layer("layer0_gate").orElseThrow();
        LayerGates m1 = m.layer("layer1_gate").orElseThrow();
        assertTrue(p0.estimated(), "the listener alone can only estimate layer0 under layer1's dropout");
        assertFalse(m0.estimated());
        assertEquals(1.0 / 3, m0.closedShare(), 0.0, "exactly 2 of 6 units closed on every entry");
        assertEquals(0.2, m1.closedShare(), 0.0);
        assertTrue(m0.blockedGradientShare().isPresent() && m1.blockedGradientShare().isPresent());
        assertFalse(p0.blockedGradientShare().isPresent());
        assertEquals(2, m.layers().size(), "only the monitors are reported; the IDENTITY weight layers are not");
        assertArrayEquals(p0.deadUnits(), m0.deadUnits());
        assertArrayEquals(new int[]{0, 2}, m0.deadUnits());
        assertArrayEquals(p.layer("layer1").orElseThrow().deadUnits(), m1.deadUnits());
        assertArrayEquals(new int[]{1}, m1.deadUnits());
        assertFalse(m0.recoverable());
        assertTrue(m1.recoverable());
    }

    @Test
    void counts_plantedWithDropoutGraph() {
        MultiLayerNetwork plantedMln = plantedNet();
        ComputationGraph plain = plantedMln.toComputationGraph();
        ComputationGraph mon = GateMonitors.instrument(plain);
        DataSet ds = Planted.data(32, new long[]{4}, 3, 22);
        DeadReluListener[] listeners = fitTwiceAlongside(plain, mon, ds);
        DeadReluListener plainListener = listeners[0];
        DeadReluListener monListener = listeners[1];
        LayerGates m0 = monListener.snapshot().layer("0_gate").orElseThrow();
        LayerGates m1 = monListener.snapshot().layer("1_gate").orElseThrow();
        assertEquals(1.0 / 3, m0.closedShare(), 0.0);
        assertEquals(0.2, m1.closedShare(), 0.0);
        assertFalse(m0.estimated());
        assertArrayEquals(new int[]{0, 2}, m0.deadUnits());
        assertArrayEquals(plainListener.snapshot().layer("0").orElseThrow().deadUnits(), m0.deadUnits());
        assertArrayEquals(plainListener.snapshot().layer("1").orElseThrow().deadUnits(), m1.deadUnits());
    }

    @Test
    void reinit_throughMonitors() {
        // Discovery hands the re-initialiser the IDENTITY weight layer before the monitor (incoming weights) and the
        // layer after it (outgoing weights). Called directly on an untrained network, as the listener would.
        MultiLayerNetwork mon = GateMonitors.instrument(plantedNet());
        LayerSpec spec = NetworkInspector.discover(mon).stream().filter(s -> s.name().equals("layer0_gate"))
                .findFirst().orElseThrow();
        assertTrue(spec.monitorLayer());
        assertEquals("layer0", spec.ownerName());
        assertEquals(List.of("layer1"), spec.consumers());
        INDArray w0 = mon.getLayer(0).getParam("W").dup();
        INDArray w2 = mon.getLayer(2).getParam("W").dup();
        Reinitializer.reinitialize(mon, spec, new int[]{0, 2}, 6, ReinitPolicy.builder().seed(3).build(), 0);
        INDArray b0 = mon.getLayer(0).getParam("b");
        assertEquals(0.0, b0.getDouble(0), 0.0, "bias back to biasInit");
        assertEquals(0.0, b0.getDouble(2), 0.0);
        assertEquals(Planted.LIVE_BIAS, b0.getDouble(1), 1e-7);
        assertNotEquals(0.0, maxAbsDiff(w0.getColumn(0), mon.getLayer(0).getParam("W").getColumn(0)));
        assertEquals(0.0, maxAbsDiff(w0.getColumn(1), mon.getLayer(0).getParam("W").getColumn(1)));
        INDArray w2After = mon.getLayer(2).getParam("W");
        assertEquals(0.0, w2After.getRow(0).amaxNumber().doubleValue(), 0.0, "outgoing weights zeroed");
        assertEquals(0.0, w2After.getRow(2).amaxNumber().doubleValue(), 0.0);
        assertEquals(0.0, maxAbsDiff(w2.getRow(1), w2After.getRow(1)));
    }

    @Test
    void analysis_sameDeadUnits() {
        MultiLayerNetwork plain = plantedNet();
        MultiLayerNetwork mon = GateMonitors.instrument(plain);
        List<DataSet> batches = List.of(Planted.data(16, new long[]{4}, 3, 31), Planted.data(16, new long[]{4}, 3, 32));
        DeadReluAnalysis a = DeadReluAnalysis.of(plain, new ListDataSetIterator<>(batches));
        DeadReluAnalysis b = DeadReluAnalysis.of(mon, new ListDataSetIterator<>(batches));
        assertArrayEquals(a.layer("layer0").orElseThrow().deadUnits(), b.layer("layer0_gate").orElseThrow().deadUnits());
        assertArrayEquals(a.layer("layer1").orElseThrow().deadUnits(), b.layer("layer1_gate").orElseThrow().deadUnits());
        assertEquals(1.0 / 3, b.layer("layer0_gate").orElseThrow().closedShare(), 0.0);
    }

    @Test
    void analysis_monitorAfterChannelsLastInput() {
        // The monitor is the first layer: nothing before it tells discovery the layout but the monitor itself.
        MultiLayerNetwork net = net(new NeuralNetConfiguration.Builder().list()
                .layer(new GateMonitorLayer.Builder().build())
                .layer(Nets.softmaxOut())
                .setInputType(InputType.convolutional(3, 3, 2, CNN2DFormat.NHWC))
                .build());
        INDArray f = Nd4j.rand(org.nd4j.linalg.api.buffer.DataType.FLOAT, 4, 3, 3, 2);
        f.get(org.nd4j.linalg.indexing.NDArrayIndex.all(), org.nd4j.linalg.indexing.NDArrayIndex.all(),
                org.nd4j.linalg.indexing.NDArrayIndex.all(), org.nd4j.linalg.indexing.NDArrayIndex.point(1))
                .assign(-1);
        DataSet ds = new DataSet(f, Planted.data(4, new long[]{1}, 3, 1).getLabels());
        LayerGates g = DeadReluAnalysis.of(net, new ListDataSetIterator<>(List.of(ds))).layer("layer0")
                .orElseThrow();
        assertEquals(2, g.units());
        assertArrayEquals(new int[]{1}, g.deadUnits());
    }

    // ------------------------------------------------------------------------------------------ fixtures

    private static DeadReluListener listener() {
        return DeadReluListener.builder().deadAfterExamples(32).frequency(0).build();
    }

    /** MLN 4-6-5-3, ReLU, dropout 0.5 on layer1 (so on layer0's activations). */
    private static MultiLayerConfiguration plantedConf(IUpdater updater) {
        return new NeuralNetConfiguration.Builder().seed(7).updater(updater).list()
                .layer(new DenseLayer.Builder().nOut(6).activation(Activation.RELU).build())
                .layer(new DenseLayer.Builder().nOut(5).activation(Activation.RELU).dropOut(0.5).build())
                .layer(Nets.softmaxOut())
                .setInputType(InputType.feedForward(4))
                .build();
    }

    /** Units 0 and 2 of layer0 and unit 1 of layer1 dead by construction. */
    private static MultiLayerNetwork plantedNet() {
        MultiLayerNetwork net = net(plantedConf(new Sgd(0.01)));
        Planted.dense(net.getLayer(0), 0, 2);
        Planted.dense(net.getLayer(1), 1);
        return net;
    }

    private static MultiLayerConfiguration cnnConf(CNN2DFormat format) {
        return new NeuralNetConfiguration.Builder().seed(5).updater(new Adam(1e-2)).list()
                .layer(new ConvolutionLayer.Builder(2, 2).nOut(4).activation(Activation.RELU).build())
                .layer(new SubsamplingLayer.Builder(2, 2).build())
                .layer(new DenseLayer.Builder().nOut(5).activation(Activation.RELU).build())
                .layer(Nets.softmaxOut())
                .setInputType(InputType.convolutional(6, 6, 3, format))
                .build();
    }

    /** in -> a(relu) -> c(relu); in -> b(identity) -> d(relu); merge(c, d) -> out. */
    private static ComputationGraphConfiguration branchConf() {
        return new NeuralNetConfiguration.Builder().seed(8).updater(new Adam(0.05)).graphBuilder()
                .addInputs("in")
                .addLayer("a", new DenseLayer.Builder().nOut(5).activation(Activation.RELU).build(), "in")
                .addLayer("b", new DenseLayer.Builder().nOut(5).activation(Activation.IDENTITY).build(), "in")
                .addLayer("c", new DenseLayer.Builder().nOut(5).activation(Activation.RELU).build(), "a")
                .addLayer("d", new DenseLayer.Builder().nOut(5).activation(Activation.RELU).build(), "b")
                .addVertex("merge", new MergeVertex(), "c", "d")
                .addLayer("out", Nets.softmaxOut(), "merge")
                .setOutputs("out")
                .setInputTypes(InputType.feedForward(4))
                .build();
    }

    private static MultiLayerNetwork net(MultiLayerConfiguration conf) {
        return Nets.init(conf);
    }

    private static ComputationGraph graph(ComputationGraphConfiguration conf) {
        return Nets.init(conf);
    }

    private static double maxAbsDiff(INDArray a, INDArray b) {
        assertArrayEquals(a.shape(), b.shape());
        return a.castTo(org.nd4j.linalg.api.buffer.DataType.DOUBLE)
                .sub(b.castTo(org.nd4j.linalg.api.buffer.DataType.DOUBLE)).amaxNumber().doubleValue();
    }

    /** Fits {@code plain} and {@code mon} twice on {@code ds}, alternately, each with its own fresh listener. */
    private static DeadReluListener[] fitTwiceAlongside(org.deeplearning4j.nn.api.Model plain,
                                                        org.deeplearning4j.nn.api.Model mon, DataSet ds) {
        DeadReluListener[] listeners = {listener(), listener()};
        io.github.deadrelu.testutil.Nets.listen(plain, listeners[0]);
        io.github.deadrelu.testutil.Nets.listen(mon, listeners[1]);
        for (int i = 0; i < 2; i++) {
            io.github.deadrelu.testutil.Nets.fit(plain, ds);
            io.github.deadrelu.testutil.Nets.fit(mon, ds);
        }
        return listeners;
    }
}
