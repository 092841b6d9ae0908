/*
 * SPDX-License-Identifier: Apache-2.0
 */
package io.github.deadrelu.conf.layers;

import static io.github.deadrelu.testutil.Texts.assertContains;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.deadrelu.internal.Layout;
import io.github.deadrelu.testutil.Nets;
import org.deeplearning4j.nn.conf.CNN2DFormat;
import org.deeplearning4j.nn.conf.CacheMode;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.DataFormat;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.RNNFormat;
import org.deeplearning4j.nn.conf.dropout.Dropout;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.Convolution3D;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.conf.layers.RnnOutputLayer;
import org.deeplearning4j.nn.conf.layers.recurrent.SimpleRnn;
import org.deeplearning4j.nn.conf.memory.LayerMemoryReport;
import org.deeplearning4j.nn.conf.memory.MemoryType;
import org.deeplearning4j.nn.conf.memory.MemoryUseMode;
import org.deeplearning4j.nn.conf.memory.NetworkMemoryReport;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.activations.impl.ActivationLReLU;
import org.nd4j.linalg.activations.impl.ActivationReLU6;
import org.nd4j.linalg.activations.impl.ActivationReLU;
import org.nd4j.linalg.activations.impl.ActivationTanH;
import org.nd4j.linalg.activations.impl.ActivationThresholdedReLU;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.lossfunctions.LossFunctions;

/** Configuration side of {@link GateMonitorLayer}: builder, validation, input-type inference, serde, memory. */
class GateMonitorLayerTest {

    @Test
    void builder_defaults() {
        GateMonitorLayer l = new GateMonitorLayer.Builder().name("g").build();
        assertEquals(new ActivationReLU(), l.getActivationFn());
        assertFalse(l.isCountInInference());
        assertNull(l.getDataFormat());
        assertNull(l.getIDropout());
        assertEquals("g", l.getLayerName());
        assertEquals(1, l.unitAxis(2));
        assertEquals(1, l.unitAxis(4));
        assertEquals(Layout.FF, Layout.of(l.getDataFormat()));
        assertEquals("GateMonitorLayer(name=g, activation=relu, countInInference=false, dataFormat=null)",
                l.toString());
    }

    @Test
    void builder_reusable() {
        GateMonitorLayer.Builder b = new GateMonitorLayer.Builder().activation(Activation.RELU6);
        GateMonitorLayer first = b.build();
        GateMonitorLayer second = b.countInInference(true).build();
        assertFalse(first.isCountInInference());
        assertTrue(second.isCountInInference());
        assertEquals(new ActivationReLU6(), first.getActivationFn());
    }

    @Test
    void activation_accepted() {
        new GateMonitorLayer.Builder().activation(Activation.RELU).build();
        new GateMonitorLayer.Builder().activation(Activation.RELU6).build();
        new GateMonitorLayer.Builder().activation(Activation.THRESHOLDEDRELU).build();
        new GateMonitorLayer.Builder().activation(new ActivationThresholdedReLU(0.5)).build();
        new GateMonitorLayer.Builder().activation(new ActivationReLU(6.0, 0.5, null)).build();
        new GateMonitorLayer.Builder().activation(new ActivationReLU(null, null, 0.0)).build();
        assertEquals(new ActivationReLU6(), new GateMonitorLayer(Activation.RELU6).getActivationFn());
    }

    @Test
    void activation_tanh() {
        var e = assertThrows(IllegalArgumentException.class,
                () -> new GateMonitorLayer.Builder().activation(Activation.TANH));
        assertTrue(e.getMessage().startsWith("activation must be a ReLU-family activation"), e.getMessage());
        assertTrue(e.getMessage().contains("RELU6") && e.getMessage().contains("THRESHOLDEDRELU"), e.getMessage());
        assertTrue(e.getMessage().endsWith("got: tanh"), e.getMessage());
    }

    @Test
    void activation_leaky() {
        var e = assertThrows(IllegalArgumentException.class,
                () -> new GateMonitorLayer.Builder().activation(new ActivationLReLU(0.01)));
        assertContains(e.getMessage(), "activation must be");
        var e2 = assertThrows(IllegalArgumentException.class,
                () -> new GateMonitorLayer.Builder().activation(new ActivationReLU(6.0, null, 0.1)));
        assertContains(e2.getMessage(), "no negative slope");
        assertThrows(IllegalArgumentException.class, () -> new GateMonitorLayer(Activation.ELU));
        assertThrows(NullPointerException.class,
                () -> new GateMonitorLayer.Builder().activation((Activation) null));
    }

    @Test
    void setActivationFn_rejected() {
        GateMonitorLayer l = new GateMonitorLayer.Builder().build();
        var e = assertThrows(IllegalArgumentException.class, () -> l.setActivationFn(new ActivationTanH()));
        assertContains(e.getMessage(), "activation must be");
        assertEquals(new ActivationReLU(), l.getActivationFn());
    }

    @Test
    void reluSettings_thatCannotTrain_rejectedWhenBuilt() {
        // DL4J 1.0.0-M2.1 outputs min(relu(x), max); these settings crashed the first fit in UnitCounts.
        var e = assertThrows(IllegalArgumentException.class,
                () -> new GateMonitorLayer.Builder().activation(new ActivationReLU(-1.0, null, null)));
        assertTrue(e.getMessage().startsWith("activation max must be >= 0, got: -1.0"), e.getMessage());
        var e2 = assertThrows(IllegalArgumentException.class,
                () -> new GateMonitorLayer.Builder().activation(new ActivationReLU(2.0, 3.0, null)));
        assertTrue(e2.getMessage().startsWith("activation max must be > threshold (3.0), got: 2.0"),
                e2.getMessage());
        var e3 = assertThrows(IllegalArgumentException.class,
                () -> new GateMonitorLayer.Builder().build().setActivationFn(new ActivationReLU(0.0, null, null)));
        assertTrue(e3.getMessage().startsWith("activation max must be > threshold (0.0), got: 0.0"),
                e3.getMessage());
        GateMonitorLayer ok = new GateMonitorLayer.Builder().activation(new ActivationReLU(6.0, 0.5, null)).build();
        assertEquals(new ActivationReLU(6.0, 0.5, null), ok.getActivationFn());
    }

    @Test
    void fromJson_badActivation() {
        MultiLayerConfiguration conf = denseConf();
        String json = conf.toJson().replace("org.nd4j.linalg.activations.impl.ActivationReLU6",
                "org.nd4j.linalg.activations.impl.ActivationTanH");
        var e = assertThrows(RuntimeException.class, () -> MultiLayerConfiguration.fromJson(json));
        Throwable t = e;
        boolean found = false;
        while (t != null) {
            found |= t.getMessage() != null && t.getMessage().contains("activation must be");
            t = t.getCause();
        }
        assertTrue(found, "cause chain should name the rejected activation: " + e);
    }

    @Test
    void dropOut_rejected() {
        var e = assertThrows(IllegalArgumentException.class, () -> new GateMonitorLayer.Builder().dropOut(0.5));
        assertTrue(e.getMessage().startsWith("dropOut must be unset"), e.getMessage());
        assertTrue(e.getMessage().endsWith("got: 0.5"), e.getMessage());
        assertThrows(IllegalArgumentException.class,
                () -> new GateMonitorLayer.Builder().dropOut(new Dropout(0.5)));
    }

    @Test
    void dataFormat_invalid() {
        DataFormat other = new DataFormat() {
        };
        var e = assertThrows(IllegalArgumentException.class,
                () -> new GateMonitorLayer.Builder().dataFormat(other));
        assertTrue(e.getMessage().startsWith("dataFormat must be null, a CNN2DFormat"), e.getMessage());
    }

    @Test
    void dataFormat_unitAxis() {
        assertEquals(3, new GateMonitorLayer.Builder().dataFormat(CNN2DFormat.NHWC).build().unitAxis(4));
        assertEquals(1, new GateMonitorLayer.Builder().dataFormat(CNN2DFormat.NCHW).build().unitAxis(4));
        assertEquals(2, new GateMonitorLayer.Builder().dataFormat(RNNFormat.NWC).build().unitAxis(3));
        assertEquals(1, new GateMonitorLayer.Builder().dataFormat(RNNFormat.NCW).build().unitAxis(3));
        assertEquals(Layout.NWC,
                Layout.of(new GateMonitorLayer.Builder().dataFormat(RNNFormat.NWC).build().getDataFormat()));
        var e = assertThrows(IllegalArgumentException.class,
                () -> new GateMonitorLayer.Builder().build().unitAxis(1));
        assertEquals("rank must be >= 2, got: 1", e.getMessage());
    }

    @Test
    void setInputType_feedForward() {
        GateMonitorLayer l = (GateMonitorLayer) denseConf().getConf(1).getLayer();
        assertNull(l.getDataFormat());
    }

    @Test
    void setNIn_inputTypes() {
        GateMonitorLayer l = new GateMonitorLayer.Builder().dataFormat(CNN2DFormat.NHWC).build();
        l.setNIn(InputType.feedForward(3), false);
        assertNull(l.getDataFormat(), "the input type wins over the builder");
        l.setNIn(InputType.feedForward(3, RNNFormat.NWC), false);
        assertEquals(RNNFormat.NWC, l.getDataFormat());
        l.setNIn(InputType.convolutional3D(Convolution3D.DataFormat.NDHWC, 2, 2, 2, 3), false);
        assertEquals(Convolution3D.DataFormat.NDHWC, l.getDataFormat());
        assertEquals(4, l.unitAxis(5));
        l.setNIn(InputType.convolutionalFlat(2, 2, 3), false);
        assertNull(l.getDataFormat());
    }

    @Test
    void setInputType_cnn() {
        for (CNN2DFormat f : CNN2DFormat.values()) {
            MultiLayerConfiguration conf = new NeuralNetConfiguration.Builder().list()
                    .layer(new ConvolutionLayer.Builder(2, 2).nOut(3).activation(Activation.IDENTITY).build())
                    .layer(new GateMonitorLayer.Builder().build())
                    .layer(new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nOut(2)
                            .activation(Activation.SOFTMAX).build())
                    .setInputType(InputType.convolutional(5, 5, 2, f))
                    .build();
            GateMonitorLayer l = (GateMonitorLayer) conf.getConf(1).getLayer();
            assertEquals(f, l.getDataFormat());
            assertEquals(f == CNN2DFormat.NHWC ? 3 : 1, l.unitAxis(4));
            // the output layer still gets its CnnToFeedForward preprocessor after the monitor
            assertTrue(conf.getInputPreProcess(2) != null);
        }
    }

    @Test
    void setInputType_rnn() {
        for (RNNFormat f : RNNFormat.values()) {
            MultiLayerConfiguration conf = new NeuralNetConfiguration.Builder().list()
                    .layer(new SimpleRnn.Builder().nOut(3).activation(Activation.IDENTITY).build())
                    .layer(new GateMonitorLayer.Builder().build())
                    .layer(new RnnOutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nOut(2)
                            .activation(Activation.SOFTMAX).build())
                    .setInputType(InputType.recurrent(2, 4, f))
                    .build();
            GateMonitorLayer l = (GateMonitorLayer) conf.getConf(1).getLayer();
            assertEquals(f, l.getDataFormat());
            assertEquals(f == RNNFormat.NWC ? 2 : 1, l.unitAxis(3));
        }
    }

    @Test
    void setInputType_graph() {
        ComputationGraphConfiguration conf = cnnGraphConf(CNN2DFormat.NHWC);
        GateMonitorLayer l = (GateMonitorLayer) ((org.deeplearning4j.nn.conf.graph.LayerVertex)
                conf.getVertices().get("gate")).getLayerConf().getLayer();
        assertEquals(CNN2DFormat.NHWC, l.getDataFormat());
    }

    @Test
    void json_roundTripMln() {
        MultiLayerConfiguration conf = denseConf();
        MultiLayerConfiguration back = MultiLayerConfiguration.fromJson(conf.toJson());
        assertEquals(conf, back);
        GateMonitorLayer l = (GateMonitorLayer) back.getConf(1).getLayer();
        assertEquals(new ActivationReLU6(), l.getActivationFn());
        assertTrue(l.isCountInInference());
    }

    @Test
    void yaml_roundTripMln() {
        MultiLayerConfiguration conf = denseConf();
        assertEquals(conf, MultiLayerConfiguration.fromYaml(conf.toYaml()));
    }

    @Test
    void json_roundTripGraph() {
        for (CNN2DFormat f : CNN2DFormat.values()) {
            ComputationGraphConfiguration conf = cnnGraphConf(f);
            ComputationGraphConfiguration back = ComputationGraphConfiguration.fromJson(conf.toJson());
            assertEquals(conf, back);
            GateMonitorLayer l = (GateMonitorLayer) ((org.deeplearning4j.nn.conf.graph.LayerVertex)
                    back.getVertices().get("gate")).getLayerConf().getLayer();
            assertEquals(f, l.getDataFormat());
        }
    }

    @Test
    void yaml_roundTripGraph() {
        ComputationGraphConfiguration conf = cnnGraphConf(CNN2DFormat.NHWC);
        assertEquals(conf, ComputationGraphConfiguration.fromYaml(conf.toYaml()));
    }

    @Test
    void equals_fields() {
        GateMonitorLayer a = new GateMonitorLayer.Builder().name("g").build();
        assertEquals(a, new GateMonitorLayer.Builder().name("g").build());
        assertEquals(a.hashCode(), new GateMonitorLayer.Builder().name("g").build().hashCode());
        assertFalse(a.equals(new GateMonitorLayer.Builder().name("g").countInInference(true).build()));
        assertFalse(a.equals(new GateMonitorLayer.Builder().name("g").activation(Activation.RELU6).build()));
        assertFalse(a.equals(new GateMonitorLayer.Builder().name("g").dataFormat(CNN2DFormat.NHWC).build()));
        assertFalse(a.equals(new GateMonitorLayer.Builder().name("h").build()));
        assertEquals(a, a.clone());
    }

    @Test
    void memoryReport_layer() {
        GateMonitorLayer l = new GateMonitorLayer.Builder().name("g").build();
        LayerMemoryReport r = l.getMemoryReport(InputType.convolutional(4, 4, 3));
        assertEquals(0, r.getParameterSize());
        assertEquals(0, r.getUpdaterStateSize());
        assertEquals(GateMonitorLayer.class, r.getLayerType());
        // training duplicates the input (48 elements per example) for the backward pass
        assertEquals(10 * 48 * 4, r.getMemoryBytes(MemoryType.WORKING_MEMORY_VARIABLE, 10, MemoryUseMode.TRAINING,
                CacheMode.NONE, DataType.FLOAT));
        // activations + activation gradients + that copy
        assertEquals(3 * 10 * 48 * 4, r.getTotalMemoryBytes(10, MemoryUseMode.TRAINING, CacheMode.NONE,
                DataType.FLOAT));
        // inference: only the output array
        assertEquals(10 * 48 * 4, r.getTotalMemoryBytes(10, MemoryUseMode.INFERENCE, CacheMode.NONE,
                DataType.FLOAT));
    }

    @Test
    void memoryReport_networks() {
        NetworkMemoryReport mln = denseConf().getMemoryReport(InputType.feedForward(4));
        assertTrue(mln.getTotalMemoryBytes(8, MemoryUseMode.TRAINING, CacheMode.NONE, DataType.FLOAT) > 0);
        assertContains(mln.toString(), "GateMonitorLayer");
        NetworkMemoryReport cg = cnnGraphConf(CNN2DFormat.NCHW).getMemoryReport(InputType.convolutional(5, 5, 2));
        assertTrue(cg.getTotalMemoryBytes(8, MemoryUseMode.INFERENCE, CacheMode.NONE, DataType.FLOAT) > 0);
    }

    @Test
    void init_mlnUsesImpl() {
        MultiLayerNetwork net = new MultiLayerNetwork(denseConf());
        net.init();
        assertInstanceOf(io.github.deadrelu.layers.GateMonitorLayerImpl.class, net.getLayer(1));
        assertEquals(0, net.getLayer(1).numParams());
        assertEquals(4 * 5 + 5 + 5 * 3 + 3, net.numParams());
    }

    private static MultiLayerConfiguration denseConf() {
        return new NeuralNetConfiguration.Builder().seed(1).updater(new Adam(1e-2)).list()
                .layer(new DenseLayer.Builder().nOut(5).activation(Activation.IDENTITY).build())
                .layer(new GateMonitorLayer.Builder().activation(Activation.RELU6).countInInference(true).build())
                .layer(Nets.softmaxOut())
                .setInputType(InputType.feedForward(4))
                .build();
    }

    private static ComputationGraphConfiguration cnnGraphConf(CNN2DFormat f) {
        return new NeuralNetConfiguration.Builder().seed(1).updater(new Adam(1e-2)).graphBuilder()
                .addInputs("in")
                .addLayer("conv", new ConvolutionLayer.Builder(2, 2).nOut(3).activation(Activation.IDENTITY)
                        .build(), "in")
                .addLayer("gate", new GateMonitorLayer.Builder().build(), "conv")
                .addLayer("out", new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nOut(2)
                        .activation(Activation.SOFTMAX).build(), "gate")
                .setOutputs("out")
                .setInputTypes(InputType.convolutional(5, 5, 2, f))
                .build();
    }
}
