/*
 * SPDX-License-Identifier: Apache-2.0
 */
package io.github.deadrelu.internal;

import static io.github.deadrelu.testutil.Texts.assertContains;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Level;
import io.github.deadrelu.listeners.DeadReluListener;
import io.github.deadrelu.testutil.LogCapture;
import io.github.deadrelu.testutil.Nets;
import java.util.List;
import java.util.stream.Collectors;
import org.deeplearning4j.nn.conf.CNN2DFormat;
import org.deeplearning4j.nn.conf.RNNFormat;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.ActivationLayer;
import org.deeplearning4j.nn.conf.layers.BatchNormalization;
import org.deeplearning4j.nn.conf.layers.Convolution1DLayer;
import org.deeplearning4j.nn.conf.layers.Convolution3D;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.Deconvolution3D;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.GlobalPoolingLayer;
import org.deeplearning4j.nn.conf.layers.GravesLSTM;
import org.deeplearning4j.nn.conf.layers.LSTM;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.conf.layers.PoolingType;
import org.deeplearning4j.nn.conf.layers.RnnOutputLayer;
import org.deeplearning4j.nn.conf.layers.Subsampling1DLayer;
import org.deeplearning4j.nn.conf.layers.misc.FrozenLayer;
import org.deeplearning4j.nn.conf.layers.recurrent.Bidirectional;
import org.deeplearning4j.nn.conf.layers.recurrent.SimpleRnn;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.activations.impl.ActivationReLU;
import org.nd4j.linalg.lossfunctions.LossFunctions;

class NetworkInspectorTest {

    @Test
    void discover_outputLayerNeverMonitored() {
        MultiLayerNetwork net = Nets.mln(1, InputType.feedForward(4),
                new DenseLayer.Builder().nOut(5).activation(Activation.RELU).build(),
                new OutputLayer.Builder(LossFunctions.LossFunction.MSE).nOut(3).activation(Activation.RELU).build());
        List<LayerSpec> specs = NetworkInspector.discover(net);
        assertEquals(List.of("layer0"), specs.stream().map(LayerSpec::name).collect(Collectors.toList()));
        assertEquals(5, specs.get(0).units());
        assertEquals(Layout.FF, specs.get(0).layout());
        assertEquals("layer0", specs.get(0).ownerName());
        assertEquals(List.of("layer1"), specs.get(0).consumers());
    }

    @Test
    void discover_batchNormWithReluActivationNotGated() {
        // BatchNormalization inherits a global ReLU activation but DL4J never applies it: not a gated layer.
        MultiLayerNetwork net = Nets.mln(3, InputType.feedForward(4),
                new DenseLayer.Builder().nOut(6).activation(Activation.IDENTITY).build(),
                new BatchNormalization.Builder().activation(Activation.RELU).build(),
                Nets.softmaxOut());
        assertTrue(NetworkInspector.discover(net).isEmpty());
    }

    @Test
    void discover_activationLayerOwnerThroughBatchNorm() {
        MultiLayerNetwork net = Nets.mln(2, InputType.feedForward(4),
                new DenseLayer.Builder().nOut(6).activation(Activation.IDENTITY).build(),
                new BatchNormalization.Builder().build(),
                new ActivationLayer.Builder().activation(Activation.RELU).build(),
                new DenseLayer.Builder().nOut(5).activation(Activation.RELU).build(),
                Nets.softmaxOut());
        List<LayerSpec> specs = NetworkInspector.discover(net);
        assertEquals(2, specs.size());
        LayerSpec act = specs.get(0);
        assertEquals("layer2", act.name());
        assertEquals("layer0", act.ownerName());
        assertEquals(0, act.ownerMlnIndex());
        assertEquals("layer1", act.batchNormName());
        assertEquals(6, act.units());
        assertFalse(act.recoverable());
        assertTrue(specs.get(1).recoverable());
        assertNull(specs.get(1).batchNormName());
    }

    @Test
    void discover_layoutFromBuiltConfiguration() {
        // The builder asks for NHWC, the NCHW input type wins when nIn is inferred: the built conf says NCHW.
        MultiLayerNetwork net = Nets.mln(3, InputType.convolutional(5, 5, 2, CNN2DFormat.NCHW),
                new ConvolutionLayer.Builder(3, 3).nOut(4).dataFormat(CNN2DFormat.NHWC).activation(Activation.RELU)
                        .build(),
                Nets.softmaxOut());
        assertEquals(Layout.NCHW, NetworkInspector.discover(net).get(0).layout());
        MultiLayerNetwork nhwc = Nets.mln(3, InputType.convolutional(5, 5, 2, CNN2DFormat.NHWC),
                new ConvolutionLayer.Builder(3, 3).nOut(4).dataFormat(CNN2DFormat.NHWC).activation(Activation.RELU)
                        .build(),
                Nets.softmaxOut());
        assertEquals(Layout.NHWC, NetworkInspector.discover(nhwc).get(0).layout());
    }

    @Test
    void discover_frozenAndLstmSkipped() {
        MultiLayerNetwork net = Nets.mln(4, InputType.recurrent(3, 4),
                new FrozenLayer.Builder().layer(new LSTM.Builder().nIn(3).nOut(4).activation(Activation.RELU)
                        .build()).build(),
                new RnnOutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nOut(2).activation(Activation.SOFTMAX)
                        .build());
        LayerSpec lstm = NetworkInspector.discover(net).get(0);
        assertEquals("LSTM", lstm.layerType());
        assertTrue(lstm.frozen(), "a frozen LSTM with a plain ReLU is monitored, never re-initialised");
        MultiLayerNetwork frozen = Nets.mln(5, InputType.feedForward(4),
                new FrozenLayer.Builder().layer(new DenseLayer.Builder().nIn(4).nOut(5).activation(Activation.RELU)
                        .build()).build(),
                Nets.softmaxOut());
        LayerSpec s = NetworkInspector.discover(frozen).get(0);
        assertTrue(s.frozen());
        assertEquals("DenseLayer", s.layerType());
    }

    @Test
    void discover_unsupportedModel() {
        MultiLayerNetwork net = Nets.plantedMlp(6);
        var e = assertThrows(IllegalArgumentException.class, () -> NetworkInspector.discover(net.getLayer(0)));
        assertTrue(e.getMessage().startsWith("Unsupported model type: org.deeplearning4j"), e.getMessage());
        assertTrue(e.getMessage().endsWith("(expected MultiLayerNetwork or ComputationGraph)"), e.getMessage());
    }

    @Test
    @Timeout(60)
    void duplicateActivationLayerNames_discoveredByIndexAndTrainingEnds() {
        // Two ActivationLayers named "act": keyed by name, the second became its own input and the walk never ended.
        MultiLayerNetwork net = Nets.duplicateActivationNames(7);
        List<LayerSpec> specs = NetworkInspector.discover(net);
        assertEquals(2, specs.size());
        assertEquals(1, specs.get(0).mlnIndex());
        assertEquals(3, specs.get(1).mlnIndex());
        assertEquals("layer0", specs.get(0).ownerName());
        assertEquals(0, specs.get(0).ownerMlnIndex());
        assertEquals("layer2", specs.get(1).ownerName());
        assertEquals(2, specs.get(1).ownerMlnIndex());
        assertEquals(6, specs.get(0).units());
        assertEquals(5, specs.get(1).units());
        assertFalse(specs.get(0).recoverable());
        assertTrue(specs.get(1).recoverable());
        assertEquals(List.of("layer2"), specs.get(0).consumers());
        net.setListeners(DeadReluListener.builder().frequency(0).build());
        for (int i = 0; i < 3; i++) {
            net.fit(Nets.mlpData(8, i));
        }
        assertEquals(3, net.getIterationCount());
    }

    @Test
    void deconvolution3dNdhwc_unitAxisIsLast() {
        // Deconvolution3D extends ConvolutionLayer but lays its arrays out by its own 3D format.
        MultiLayerNetwork net = Nets.mln(8, InputType.convolutional3D(Convolution3D.DataFormat.NDHWC, 3, 3, 3, 2),
                new Deconvolution3D.Builder().kernelSize(2, 2, 2).nOut(4)
                        .dataFormat(Convolution3D.DataFormat.NDHWC).activation(Activation.RELU).build(),
                new GlobalPoolingLayer.Builder(PoolingType.AVG).build(),
                Nets.softmaxOut());
        LayerSpec s = NetworkInspector.discover(net).get(0);
        assertEquals(Layout.NDHWC, s.layout());
        assertEquals(4, s.layout().unitAxis(5));
        assertEquals(4, s.units());
    }

    @Test
    void subsampling1dAfterNwcInput_keepsNwc() {
        // Subsampling1DLayer works in NHWC when its input is NWC (DL4J M2.1 setNIn), reading and writing [mb, T, C].
        MultiLayerNetwork net = Nets.mln(9, InputType.recurrent(3, 6, RNNFormat.NWC),
                new Convolution1DLayer.Builder().kernelSize(1).nOut(4).rnnDataFormat(RNNFormat.NWC)
                        .activation(Activation.IDENTITY).build(),
                new Subsampling1DLayer.Builder().kernelSize(2).stride(2).build(),
                new ActivationLayer.Builder().activation(Activation.RELU).build(),
                new GlobalPoolingLayer.Builder(PoolingType.AVG).build(),
                Nets.softmaxOut());
        LayerSpec s = NetworkInspector.discover(net).get(0);
        assertEquals("layer2", s.name());
        assertEquals(Layout.NWC, s.layout());
        assertEquals(4, s.units());
    }

    @Test
    void discoverAll_recurrentAndOutputLayersListedWithReason() {
        MultiLayerNetwork net = Nets.mln(10, InputType.recurrent(3, 4),
                new LSTM.Builder().nOut(4).activation(Activation.RELU).build(),
                new GravesLSTM.Builder().nOut(4).activation(Activation.RELU).build(),
                new Bidirectional(new LSTM.Builder().nOut(4).activation(Activation.RELU).build()),
                new Bidirectional(Bidirectional.Mode.ADD,
                        new SimpleRnn.Builder().nOut(4).activation(Activation.RELU).build()),
                new SimpleRnn.Builder().nOut(4).activation(Activation.RELU).build(),
                new LSTM.Builder().nOut(4).activation(Activation.TANH).build(),
                new LSTM.Builder().nOut(4).activation(Activation.RELU6).build(),
                new RnnOutputLayer.Builder(LossFunctions.LossFunction.MSE).nOut(2).activation(Activation.RELU)
                        .build());
        Discovery d = NetworkInspector.discoverAll(net);
        assertEquals(List.of("layer0", "layer1", "layer4"),
                d.monitored().stream().map(LayerSpec::name).collect(Collectors.toList()),
                "an LSTM with a plain ReLU is monitored (h = o * relu(c) is 0 exactly when closed)");
        assertEquals(NetworkInspector.discover(net).toString(), d.monitored().toString());
        assertEquals("LSTM", d.monitored().get(0).layerType());
        assertEquals("layer0", d.monitored().get(0).ownerName());
        assertEquals(4, d.monitored().get(0).units());
        assertEquals(Layout.NCW, d.monitored().get(0).layout());
        List<Discovery.NotMonitored> skipped = d.notMonitored();
        assertEquals(List.of("layer2", "layer3", "layer6", "layer7"),
                skipped.stream().map(Discovery.NotMonitored::name).collect(Collectors.toList()),
                "the tanh LSTM has no ReLU-family activation: not listed");
        assertTrue(skipped.get(0).reason().contains("both directions") && skipped.get(0).reason().contains("CONCAT"),
                skipped.get(0).reason());
        assertEquals("Bidirectional", skipped.get(0).layerType());
        assertTrue(skipped.get(1).reason().contains("both directions") && skipped.get(1).reason().contains("ADD"),
                skipped.get(1).reason());
        assertContains(skipped.get(2).reason(), "h = o * act(c)");
        assertTrue(skipped.get(3).reason().startsWith("output layer"), skipped.get(3).reason());
        assertEquals(7, skipped.get(3).index());
    }

    @Test
    @Timeout(60)
    void invalidReluSetting_notMonitoredWithOneWarnAndTrainingGoesOn() {
        MultiLayerNetwork net = Nets.mln(11, InputType.feedForward(4),
                new DenseLayer.Builder().nOut(6).activation(new ActivationReLU(-1.0, null, null)).build(),
                new DenseLayer.Builder().nOut(5).activation(new ActivationReLU(2.0, 3.0, null)).build(),
                new DenseLayer.Builder().nOut(5).activation(Activation.RELU).build(),
                Nets.softmaxOut());
        try (LogCapture logs = LogCapture.of(NetworkInspector.class)) {
            Discovery d = NetworkInspector.discoverAll(net);
            assertEquals(List.of("layer2"), d.monitored().stream().map(LayerSpec::name)
                    .collect(Collectors.toList()));
            assertEquals(2, d.notMonitored().size());
            assertTrue(d.notMonitored().get(0).reason().endsWith("max must be >= 0, got: -1.0"),
                    d.notMonitored().get(0).reason());
            assertTrue(d.notMonitored().get(1).reason().endsWith("max must be > threshold (3.0), got: 2.0"),
                    d.notMonitored().get(1).reason());
            List<String> warns = logs.messages(Level.WARN);
            assertEquals(2, warns.size(), warns.toString());
            assertTrue(warns.get(0).contains("layer0") && warns.get(0).contains("max must be >= 0, got: -1.0"),
                    warns.get(0));
        }
        net.setListeners(DeadReluListener.builder().frequency(0).build());
        net.fit(Nets.mlpData(8, 1));
        net.fit(Nets.mlpData(8, 2));
        assertEquals(2, net.getIterationCount());
    }
}
