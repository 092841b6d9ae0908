/*
 * SPDX-License-Identifier: Apache-2.0
 */
package io.github.deadrelu.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.deadrelu.conf.layers.GateMonitorLayer;
import java.util.Optional;
import org.deeplearning4j.nn.conf.CNN2DFormat;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.RNNFormat;
import org.deeplearning4j.nn.conf.graph.ElementWiseVertex;
import org.deeplearning4j.nn.conf.graph.L2Vertex;
import org.deeplearning4j.nn.conf.graph.MergeVertex;
import org.deeplearning4j.nn.conf.graph.rnn.LastTimeStepVertex;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.ActivationLayer;
import org.deeplearning4j.nn.conf.layers.BatchNormalization;
import org.deeplearning4j.nn.conf.layers.Convolution3D;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.Deconvolution3D;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.DropoutLayer;
import org.deeplearning4j.nn.conf.layers.GlobalPoolingLayer;
import org.deeplearning4j.nn.conf.layers.LocalResponseNormalization;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.conf.layers.Subsampling1DLayer;
import org.deeplearning4j.nn.conf.layers.recurrent.SimpleRnn;
import org.deeplearning4j.nn.conf.layers.recurrent.TimeDistributed;
import org.deeplearning4j.nn.conf.layers.misc.FrozenLayer;
import org.deeplearning4j.nn.conf.preprocessor.CnnToFeedForwardPreProcessor;
import org.deeplearning4j.nn.conf.preprocessor.FeedForwardToCnn3DPreProcessor;
import org.deeplearning4j.nn.conf.preprocessor.FeedForwardToRnnPreProcessor;
import org.deeplearning4j.nn.conf.preprocessor.ComposableInputPreProcessor;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.lossfunctions.LossFunctions;

/** {@link UnitLayouts} and {@link Layout}: the one place that says which layout an element produces. */
class UnitLayoutsTest {

    @Test
    void step_threeExplicitAnswers() {
        UnitLayouts.Step fixed = UnitLayouts.Step.fixed(Layout.NHWC);
        assertTrue(fixed.isFixed());
        assertEquals(Layout.NHWC, fixed.layout());
        assertEquals(Layout.NHWC, fixed.applyTo(Layout.NCW, Layout.FF));
        assertEquals(Layout.NCW, UnitLayouts.Step.passes().applyTo(Layout.NCW, Layout.FF));
        assertEquals(Layout.FF, UnitLayouts.Step.unknown().applyTo(Layout.NCW, Layout.FF));
        var e = assertThrows(IllegalStateException.class, () -> UnitLayouts.Step.passes().layout());
        assertEquals("layout is only defined for a FIXED step, got: PASSES", e.getMessage());
        assertEquals("FIXED(NHWC)", fixed.toString());
    }

    @Test
    void layers_fixOrPassTheirLayout() {
        assertEquals(UnitLayouts.Step.fixed(Layout.FF).toString(),
                UnitLayouts.of(new DenseLayer.Builder().nOut(2).build()).toString());
        assertEquals(Layout.NHWC, UnitLayouts.of(new ConvolutionLayer.Builder(2, 2).nOut(2)
                .dataFormat(CNN2DFormat.NHWC).build()).layout());
        // Deconvolution3D extends ConvolutionLayer but keeps a 3D format of its own.
        assertEquals(Layout.NDHWC, UnitLayouts.of(new Deconvolution3D.Builder().kernelSize(2, 2, 2).nOut(2)
                .dataFormat(Convolution3D.DataFormat.NDHWC).build()).layout());
        assertEquals(Layout.NCDHW, UnitLayouts.of(new Deconvolution3D.Builder().kernelSize(2, 2, 2).nOut(2)
                .build()).layout());
        // Subsampling1DLayer in NHWC (set from an NWC input type) reads and writes [mb, T, C].
        assertEquals(Layout.NWC, UnitLayouts.of(new Subsampling1DLayer.Builder().kernelSize(2)
                .dataFormat(CNN2DFormat.NHWC).build()).layout());
        assertEquals(Layout.NCW, UnitLayouts.of(new Subsampling1DLayer.Builder().kernelSize(2).build()).layout());
        assertEquals(Layout.NWC, UnitLayouts.of(new TimeDistributed(new DenseLayer.Builder().nOut(2).build(),
                RNNFormat.NWC)).layout());
        assertEquals(Layout.NWC, UnitLayouts.of(new FrozenLayer(new SimpleRnn.Builder().nOut(2)
                .dataFormat(RNNFormat.NWC).build())).layout());
        assertEquals(Layout.NWC, UnitLayouts.of(new GateMonitorLayer.Builder().dataFormat(RNNFormat.NWC).build())
                .layout());
        assertEquals(Layout.FF, UnitLayouts.of(new GateMonitorLayer.Builder().build()).layout());
        assertEquals(Layout.FF, UnitLayouts.of(new GlobalPoolingLayer.Builder().build()).layout());
        for (org.deeplearning4j.nn.conf.layers.Layer l : new org.deeplearning4j.nn.conf.layers.Layer[]{
                new ActivationLayer.Builder().activation(Activation.RELU).build(), new DropoutLayer(0.5),
                new BatchNormalization.Builder().build(), new LocalResponseNormalization.Builder().build(),
                new GlobalPoolingLayer.Builder().collapseDimensions(false).build()}) {
            assertTrue(UnitLayouts.of(l).isPassThrough(), l.getClass().getSimpleName());
        }
        assertTrue(UnitLayouts.of(new BatchNormalization.Builder().dataFormat(CNN2DFormat.NHWC).build())
                .isFixed());
    }

    @Test
    void preprocessorsAndVertices() {
        assertEquals(Layout.FF, UnitLayouts.of(new CnnToFeedForwardPreProcessor(2, 2, 3)).layout());
        assertEquals(Layout.NWC, UnitLayouts.of(new FeedForwardToRnnPreProcessor(RNNFormat.NWC)).layout(),
                "the preprocessor's own format, not always NCW");
        assertEquals(Layout.NDHWC, UnitLayouts.of(new FeedForwardToCnn3DPreProcessor(2, 2, 2, 3, false)).layout());
        assertEquals(UnitLayouts.Step.Kind.UNKNOWN, UnitLayouts.of(new ComposableInputPreProcessor()).kind());
        assertTrue(UnitLayouts.of(new MergeVertex()).isPassThrough());
        assertTrue(UnitLayouts.of(new ElementWiseVertex(ElementWiseVertex.Op.Add)).isPassThrough());
        assertEquals(Layout.FF, UnitLayouts.of(new LastTimeStepVertex("in")).layout());
        assertEquals(UnitLayouts.Step.Kind.UNKNOWN, UnitLayouts.of(new L2Vertex()).kind());
    }

    @Test
    void layout_axesAndFormats() {
        assertArrayEquals(new int[]{0, 2, 3}, Layout.NCHW.reduceDimensions(4));
        assertArrayEquals(new int[]{0, 1, 2}, Layout.NHWC.reduceDimensions(4));
        assertArrayEquals(new int[]{0, 1}, Layout.NWC.reduceDimensions(3));
        assertArrayEquals(new int[]{0}, Layout.FF.reduceDimensions(2));
        assertEquals(4, Layout.NDHWC.channelAxis());
        assertEquals(3, Layout.NHWC.channelAxis());
        assertEquals(2, Layout.NWC.channelAxis());
        assertEquals(1, Layout.NCDHW.channelAxis());
        for (Layout l : Layout.values()) {
            assertSame(l, Layout.of(l.dataFormat()), l.name());
        }
        assertNull(Layout.FF.dataFormat());
        var e = assertThrows(IllegalArgumentException.class, () -> Layout.of(new org.deeplearning4j.nn.conf
                .DataFormat() { }));
        assertTrue(e.getMessage().startsWith("format must be null, a CNN2DFormat, an RNNFormat or a "
                + "Convolution3D.DataFormat, got: "), e.getMessage());
    }

    @Test
    void topology_layoutWalkThroughPassThroughLayersAndMerges() {
        MultiLayerConfiguration mln = new NeuralNetConfiguration.Builder().list()
                .layer(new ConvolutionLayer.Builder(1, 1).nOut(3).activation(Activation.IDENTITY).build())
                .layer(new BatchNormalization.Builder().build())
                .layer(new ActivationLayer.Builder().activation(Activation.RELU).build())
                .layer(new OutputLayer.Builder(LossFunctions.LossFunction.MSE).nOut(2)
                        .activation(Activation.IDENTITY).build())
                .setInputType(InputType.convolutional(4, 4, 2, CNN2DFormat.NHWC))
                .build();
        ModelTopology t = ModelTopology.of(mln);
        assertEquals(Optional.of(Layout.NHWC), t.mlnInputLayout(2), "through BatchNormalization to the conv");
        assertEquals(Optional.of(Layout.FF), t.mlnInputLayout(3), "the flattening preprocessor");
        assertEquals(Optional.empty(), t.mlnInputLayout(0), "a network input's layout is not stored");
        assertThrows(IllegalArgumentException.class, () -> t.mlnInputLayout(4));

        ComputationGraphConfiguration cg = new NeuralNetConfiguration.Builder().graphBuilder()
                .addInputs("in")
                .addLayer("rnn", new SimpleRnn.Builder().nIn(2).nOut(3).dataFormat(RNNFormat.NWC).build(), "in")
                .addLayer("rnn2", new SimpleRnn.Builder().nIn(2).nOut(3).dataFormat(RNNFormat.NWC).build(), "in")
                .addVertex("sum", new ElementWiseVertex(ElementWiseVertex.Op.Add), "rnn", "rnn2")
                .addLayer("act", new ActivationLayer.Builder().activation(Activation.RELU).build(), "sum")
                .addVertex("last", new LastTimeStepVertex("in"), "act")
                .addLayer("out", new OutputLayer.Builder(LossFunctions.LossFunction.MSE).nIn(3).nOut(2)
                        .activation(Activation.IDENTITY).build(), "last")
                .setOutputs("out")
                .build();
        ModelTopology g = ModelTopology.of(cg);
        assertEquals(Optional.of(Layout.NWC), g.inputLayout("act"));
        assertEquals(Optional.of(Layout.FF), g.inputLayout("out"));
        assertFalse(g.inputLayout("rnn").isPresent());
    }
}
