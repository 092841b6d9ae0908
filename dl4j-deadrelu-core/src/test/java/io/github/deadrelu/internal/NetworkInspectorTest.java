/*
 * SPDX-License-Identifier: Apache-2.0
 */
package io.github.deadrelu.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.deadrelu.testutil.Nets;
import java.util.List;
import java.util.stream.Collectors;
import org.deeplearning4j.nn.conf.CNN2DFormat;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.ActivationLayer;
import org.deeplearning4j.nn.conf.layers.BatchNormalization;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.LSTM;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.conf.layers.RnnOutputLayer;
import org.deeplearning4j.nn.conf.layers.misc.FrozenLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.lossfunctions.LossFunctions;

class NetworkInspectorTest {

    private static OutputLayer out() {
        return new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nOut(3).activation(Activation.SOFTMAX)
                .build();
    }

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
                out());
        assertTrue(NetworkInspector.discover(net).isEmpty());
    }

    @Test
    void discover_activationLayerOwnerThroughBatchNorm() {
        MultiLayerNetwork net = Nets.mln(2, InputType.feedForward(4),
                new DenseLayer.Builder().nOut(6).activation(Activation.IDENTITY).build(),
                new BatchNormalization.Builder().build(),
                new ActivationLayer.Builder().activation(Activation.RELU).build(),
                new DenseLayer.Builder().nOut(5).activation(Activation.RELU).build(),
                out());
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
                out());
        assertEquals(Layout.NCHW, NetworkInspector.discover(net).get(0).layout());
        MultiLayerNetwork nhwc = Nets.mln(3, InputType.convolutional(5, 5, 2, CNN2DFormat.NHWC),
                new ConvolutionLayer.Builder(3, 3).nOut(4).dataFormat(CNN2DFormat.NHWC).activation(Activation.RELU)
                        .build(),
                out());
        assertEquals(Layout.NHWC, NetworkInspector.discover(nhwc).get(0).layout());
    }

    @Test
    void discover_frozenAndLstmSkipped() {
        MultiLayerNetwork net = Nets.mln(4, InputType.recurrent(3, 4),
                new FrozenLayer.Builder().layer(new LSTM.Builder().nIn(3).nOut(4).activation(Activation.RELU)
                        .build()).build(),
                new RnnOutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nOut(2).activation(Activation.SOFTMAX)
                        .build());
        assertTrue(NetworkInspector.discover(net).isEmpty(), "LSTM gates are sigmoids; its ReLU is not a gate here");
        MultiLayerNetwork frozen = Nets.mln(5, InputType.feedForward(4),
                new FrozenLayer.Builder().layer(new DenseLayer.Builder().nIn(4).nOut(5).activation(Activation.RELU)
                        .build()).build(),
                out());
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
}
