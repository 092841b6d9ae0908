/*
 * SPDX-License-Identifier: Apache-2.0
 */
package io.github.deadrelu.internal;

import java.util.Objects;
import org.deeplearning4j.nn.conf.CNN2DFormat;
import org.deeplearning4j.nn.conf.InputPreProcessor;
import org.deeplearning4j.nn.conf.RNNFormat;
import org.deeplearning4j.nn.conf.graph.ElementWiseVertex;
import org.deeplearning4j.nn.conf.graph.GraphVertex;
import org.deeplearning4j.nn.conf.graph.MergeVertex;
import org.deeplearning4j.nn.conf.graph.PreprocessorVertex;
import org.deeplearning4j.nn.conf.graph.ScaleVertex;
import org.deeplearning4j.nn.conf.graph.ShiftVertex;
import org.deeplearning4j.nn.conf.graph.rnn.DuplicateToTimeSeriesVertex;
import org.deeplearning4j.nn.conf.graph.rnn.LastTimeStepVertex;
import org.deeplearning4j.nn.conf.layers.ActivationLayer;
import org.deeplearning4j.nn.conf.layers.BaseOutputLayer;
import org.deeplearning4j.nn.conf.layers.BaseRecurrentLayer;
import org.deeplearning4j.nn.conf.layers.BatchNormalization;
import org.deeplearning4j.nn.conf.layers.Convolution1DLayer;
import org.deeplearning4j.nn.conf.layers.Convolution3D;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.Deconvolution2D;
import org.deeplearning4j.nn.conf.layers.Deconvolution3D;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.DepthwiseConvolution2D;
import org.deeplearning4j.nn.conf.layers.DropoutLayer;
import org.deeplearning4j.nn.conf.layers.EmbeddingLayer;
import org.deeplearning4j.nn.conf.layers.EmbeddingSequenceLayer;
import org.deeplearning4j.nn.conf.layers.GlobalPoolingLayer;
import org.deeplearning4j.nn.conf.layers.GravesLSTM;
import org.deeplearning4j.nn.conf.layers.LSTM;
import org.deeplearning4j.nn.conf.layers.Layer;
import org.deeplearning4j.nn.conf.layers.LocalResponseNormalization;
import org.deeplearning4j.nn.conf.layers.PReLULayer;
import org.deeplearning4j.nn.conf.layers.Subsampling1DLayer;
import org.deeplearning4j.nn.conf.layers.Subsampling3DLayer;
import org.deeplearning4j.nn.conf.layers.SubsamplingLayer;
import org.deeplearning4j.nn.conf.layers.Upsampling1D;
import org.deeplearning4j.nn.conf.layers.Upsampling2D;
import org.deeplearning4j.nn.conf.layers.Upsampling3D;
import org.deeplearning4j.nn.conf.layers.ZeroPadding1DLayer;
import org.deeplearning4j.nn.conf.layers.ZeroPadding3DLayer;
import org.deeplearning4j.nn.conf.layers.ZeroPaddingLayer;
import org.deeplearning4j.nn.conf.layers.convolutional.Cropping1D;
import org.deeplearning4j.nn.conf.layers.convolutional.Cropping2D;
import org.deeplearning4j.nn.conf.layers.convolutional.Cropping3D;
import org.deeplearning4j.nn.conf.layers.misc.ElementWiseMultiplicationLayer;
import org.deeplearning4j.nn.conf.layers.misc.FrozenLayer;
import org.deeplearning4j.nn.conf.layers.recurrent.SimpleRnn;
import org.deeplearning4j.nn.conf.layers.recurrent.TimeDistributed;
import org.deeplearning4j.nn.conf.layers.util.MaskLayer;
import org.deeplearning4j.nn.conf.layers.wrapper.BaseWrapperLayer;
import org.deeplearning4j.nn.conf.preprocessor.Cnn3DToFeedForwardPreProcessor;
import org.deeplearning4j.nn.conf.preprocessor.CnnToFeedForwardPreProcessor;
import org.deeplearning4j.nn.conf.preprocessor.CnnToRnnPreProcessor;
import org.deeplearning4j.nn.conf.preprocessor.FeedForwardToCnn3DPreProcessor;
import org.deeplearning4j.nn.conf.preprocessor.FeedForwardToCnnPreProcessor;
import org.deeplearning4j.nn.conf.preprocessor.FeedForwardToRnnPreProcessor;
import org.deeplearning4j.nn.conf.preprocessor.RnnToCnnPreProcessor;
import org.deeplearning4j.nn.conf.preprocessor.RnnToFeedForwardPreProcessor;

/**
 * The one authority on unit layouts: which {@link Layout} the output of a layer configuration, an
 * {@link InputPreProcessor} or a non-layer graph vertex has, which layers keep every unit on
 * its own index, and along which axis a consumer's weights read its input units.
 *
 * <p>Every answer about the layout an element produces is a {@link Step}: it fixes a layout, passes its input's
 * layout through, or is unknown; there is no null and no empty-or-null. The walk from a node back to the element that
 * fixes its layout is {@link ModelTopology#outputLayout}.
 *
 * <p>Read against the DL4J 1.0.0-M2.1 sources: {@code Deconvolution3D} extends {@code ConvolutionLayer} but lays out
 * its arrays by its own {@code Convolution3D.DataFormat}; {@code Subsampling1DLayer} works in its
 * {@code cnn2dDataFormat}, which {@code setNIn} sets from an NWC recurrent input type to NHWC, and then reads and
 * writes {@code [mb, T, C]} (NWC).
 *
 * <p>Used by dl4j-deadrelu internals, and should not be called by external code.
 */
public final class UnitLayouts {

    private UnitLayouts() {
    }

    /** What an element does to the layout of the arrays passing it. Immutable. */
    public static final class Step {
        /** The three possible answers. */
        public enum Kind {
            /** The element's output has a layout of its own, {@link Step#layout()}. */
            FIXED,
            /** The element's output has its input's layout. */
            PASSES,
            /** The layout cannot be read from the configuration. */
            UNKNOWN
        }

        private static final Step PASS = new Step(Kind.PASSES, null);
        private static final Step NONE = new Step(Kind.UNKNOWN, null);

        private final Kind kind;
        private final Layout layout;

        private Step(Kind kind, Layout layout) {
            this.kind = kind;
            this.layout = layout;
        }

        /**
         * A step that fixes a layout.
         *
         * @param layout the layout
         * @return the step
         */
        public static Step fixed(Layout layout) {
            return new Step(Kind.FIXED, Objects.requireNonNull(layout, "layout"));
        }

        /** @return the step of an element that keeps its input's layout */
        public static Step passes() {
            return PASS;
        }

        /** @return the step of an element whose output layout is unknown */
        public static Step unknown() {
            return NONE;
        }

        /** @return the kind of answer */
        public Kind kind() {
            return kind;
        }

        /** @return true when the step fixes a layout */
        public boolean isFixed() {
            return kind == Kind.FIXED;
        }

        /** @return true when the step keeps its input's layout */
        public boolean isPassThrough() {
            return kind == Kind.PASSES;
        }

        /**
         * The fixed layout.
         *
         * @return the layout
         * @throws IllegalStateException when the step does not fix one
         */
        public Layout layout() {
            if (kind != Kind.FIXED) {
                throw new IllegalStateException("layout is only defined for a FIXED step, got: " + kind);
            }
            return layout;
        }

        /**
         * The output layout for a known input layout.
         *
         * @param input     the input's layout
         * @param otherwise the answer when the step is unknown
         * @return the fixed layout, {@code input} for a pass-through step, else {@code otherwise}
         */
        public Layout applyTo(Layout input, Layout otherwise) {
            switch (kind) {
                case FIXED:
                    return layout;
                case PASSES:
                    return input;
                default:
                    return otherwise;
            }
        }

        @Override
        public String toString() {
            return kind == Kind.FIXED ? "FIXED(" + layout + ")" : kind.name();
        }
    }

    // ------------------------------------------------------------------------------------------ what each element does

    /**
     * The layout of a layer's output (wrappers included: {@code TimeDistributed} fixes its RNN format, other
     * wrappers are looked through).
     *
     * @param layer a layer configuration as configured, wrappers included
     * @return the step
     */
    public static Step of(Layer layer) {
        Layer l = layer;
        while (l instanceof BaseWrapperLayer || l instanceof FrozenLayer) {
            if (l instanceof TimeDistributed) {
                return Step.fixed(rnn(((TimeDistributed) l).getRnnDataFormat()));
            }
            l = l instanceof FrozenLayer ? ((FrozenLayer) l).getLayer() : ((BaseWrapperLayer) l).getUnderlying();
        }
        if (GatedLayers.isGated(l)) {
            return Step.fixed(Layout.of(GatedLayers.dataFormat(l)));
        }
        if (l instanceof Convolution3D) {
            return Step.fixed(cnn3d(((Convolution3D) l).getDataFormat()));
        }
        if (l instanceof Deconvolution3D) {   // a ConvolutionLayer with a 3D format of its own
            return Step.fixed(cnn3d(((Deconvolution3D) l).getDataFormat()));
        }
        if (l instanceof Convolution1DLayer) {
            return Step.fixed(rnn(((Convolution1DLayer) l).getRnnDataFormat()));
        }
        if (l instanceof ConvolutionLayer) {
            return Step.fixed(cnn2d(((ConvolutionLayer) l).getCnn2dDataFormat()));
        }
        if (l instanceof Subsampling1DLayer) {  // NHWC in its cnn2dDataFormat means [mb, T, C]
            return Step.fixed(((Subsampling1DLayer) l).getCnn2dDataFormat() == CNN2DFormat.NHWC ? Layout.NWC
                    : Layout.NCW);
        }
        if (l instanceof SubsamplingLayer) {
            return Step.fixed(cnn2d(((SubsamplingLayer) l).getCnn2dDataFormat()));
        }
        if (l instanceof BaseRecurrentLayer) {
            return Step.fixed(rnn(((BaseRecurrentLayer) l).getRnnDataFormat()));
        }
        if (l instanceof org.deeplearning4j.nn.conf.layers.recurrent.Bidirectional) {
            return Step.fixed(rnn(((org.deeplearning4j.nn.conf.layers.recurrent.Bidirectional) l)
                    .getRNNDataFormat()));
        }
        if (l instanceof EmbeddingSequenceLayer) {
            return Step.fixed(rnn(((EmbeddingSequenceLayer) l).getOutputFormat()));
        }
        if (l instanceof BatchNormalization) {
            // Its format field only matters for CNN input; NCHW is also what it says for feed-forward input.
            return ((BatchNormalization) l).getCnn2DFormat() == CNN2DFormat.NHWC ? Step.fixed(Layout.NHWC)
                    : Step.passes();
        }
        if (l instanceof GlobalPoolingLayer) {
            return ((GlobalPoolingLayer) l).isCollapseDimensions() ? Step.fixed(Layout.FF) : Step.passes();
        }
        if (keepsUnits(l) || l instanceof LocalResponseNormalization) {
            return Step.passes();
        }
        if (l instanceof DenseLayer || l instanceof EmbeddingLayer || l instanceof ElementWiseMultiplicationLayer
                || l instanceof BaseOutputLayer) {
            return Step.fixed(Layout.FF);
        }
        return Step.unknown();
    }

    /**
     * The layout of a preprocessor's output (the layer's input).
     *
     * @param preprocessor a preprocessor
     * @return the step; unknown for preprocessors whose output layout is not fixed by their type
     */
    public static Step of(InputPreProcessor preprocessor) {
        InputPreProcessor p = preprocessor;
        if (p instanceof CnnToFeedForwardPreProcessor || p instanceof RnnToFeedForwardPreProcessor
                || p instanceof Cnn3DToFeedForwardPreProcessor) {
            return Step.fixed(Layout.FF);
        }
        if (p instanceof FeedForwardToRnnPreProcessor) {
            return Step.fixed(rnn(((FeedForwardToRnnPreProcessor) p).getRnnDataFormat()));
        }
        if (p instanceof CnnToRnnPreProcessor) {
            return Step.fixed(rnn(((CnnToRnnPreProcessor) p).getRnnDataFormat()));
        }
        if (p instanceof FeedForwardToCnnPreProcessor || p instanceof RnnToCnnPreProcessor) {
            return Step.fixed(Layout.NCHW);
        }
        if (p instanceof FeedForwardToCnn3DPreProcessor) {
            return Step.fixed(((FeedForwardToCnn3DPreProcessor) p).isNCDHW() ? Layout.NCDHW : Layout.NDHWC);
        }
        return Step.unknown();
    }

    /**
     * The layout of a non-layer graph vertex's output.
     *
     * @param vertex a vertex configuration (not a {@code LayerVertex})
     * @return the step: element-wise and merge vertices pass their first input's layout through
     */
    public static Step of(GraphVertex vertex) {
        if (vertex instanceof ElementWiseVertex || vertex instanceof MergeVertex || vertex instanceof ScaleVertex
                || vertex instanceof ShiftVertex) {
            return Step.passes();
        }
        if (vertex instanceof PreprocessorVertex) {
            return of(((PreprocessorVertex) vertex).getPreProcessor());
        }
        if (vertex instanceof LastTimeStepVertex) {
            return Step.fixed(Layout.FF);
        }
        if (vertex instanceof DuplicateToTimeSeriesVertex) {
            return Step.fixed(Layout.NCW);
        }
        return Step.unknown();
    }

    // ------------------------------------------------------------------------------------------ units and weights

    /**
     * Layers that keep each unit on its own index and have no weights reading several units: safe to walk through
     * between weights and gate, and after a gate when zeroing outgoing weights.
     *
     * @param conf a layer configuration, wrappers removed
     * @return true for such a layer
     */
    public static boolean keepsUnits(Layer conf) {
        return conf instanceof ActivationLayer || conf instanceof DropoutLayer || conf instanceof BatchNormalization
                || conf instanceof PReLULayer || conf instanceof SubsamplingLayer
                || conf instanceof Subsampling3DLayer || conf instanceof GlobalPoolingLayer
                || conf instanceof Upsampling1D || conf instanceof Upsampling2D || conf instanceof Upsampling3D
                || conf instanceof ZeroPaddingLayer || conf instanceof ZeroPadding1DLayer
                || conf instanceof ZeroPadding3DLayer || conf instanceof Cropping1D || conf instanceof Cropping2D
                || conf instanceof Cropping3D || conf instanceof MaskLayer
                || (GatedLayers.isGated(conf) && conf.initializer() != null
                && conf.initializer().numParams(conf) == 0);
    }

    /**
     * The axis of a consumer's {@code W} along which it reads its input units.
     *
     * @param conf a layer configuration, wrappers removed
     * @return the axis, or -1 when the layer's weights are not supported
     */
    @SuppressWarnings("deprecation") // GravesLSTM: deprecated in DL4J, still a layer users have
    public static int inputAxis(Layer conf) {
        if (conf instanceof DenseLayer || conf instanceof BaseOutputLayer || conf instanceof LSTM
                || conf instanceof GravesLSTM || conf instanceof SimpleRnn) {
            return 0;
        }
        if (conf instanceof Deconvolution3D) {
            return -1;
        }
        if (conf instanceof Deconvolution2D) {
            return 0;   // [inC, outC, kH, kW]
        }
        if (conf instanceof DepthwiseConvolution2D) {
            return 2;   // [kH, kW, inC, depthMultiplier]
        }
        if (conf instanceof ConvolutionLayer) {
            return 1;   // [outC, inC, ...]; SeparableConvolution2D's depthwise W is [depthMultiplier, inC, kH, kW]
        }
        return -1;
    }

    /**
     * The frame in which axis {@code axis} of a weight array of nominal shape {@code shape} is a plain axis, in the
     * order DL4J really reads that array: null (the nominal shape and axis) except for a {@code Convolution1DLayer} in
     * NCW format, whose M2.1 W is declared {@code [outC, inC, k, 1]} but <em>reshaped</em> (not permuted) to
     * {@code [k, inC, outC]} by its forward pass ({@code Convolution1DUtils.reshapeWeightArrayOrGradientForFormat}),
     * so output channel o and input channel i are the last and middle axes of that real layout.
     *
     * @param conf  the layer owning the weights, wrappers removed
     * @param shape the nominal weight shape
     * @param axis  the nominal axis of the units
     * @return {@code {frameShape, {frameAxis}}}, or null for the nominal shape and axis
     */
    public static long[][] weightFrame(Layer conf, long[] shape, int axis) {
        if (conf instanceof Convolution1DLayer && !(conf instanceof Convolution3D)
                && ((Convolution1DLayer) conf).getRnnDataFormat() != RNNFormat.NWC && shape.length == 4
                && (axis == 0 || axis == 1)) {
            return new long[][]{{shape[2], shape[1], shape[0]}, {axis == 0 ? 2 : 1}};
        }
        return null;
    }

    // ------------------------------------------------------------------------------------------ formats

    private static Layout rnn(RNNFormat f) {
        return f == RNNFormat.NWC ? Layout.NWC : Layout.NCW;
    }

    private static Layout cnn2d(CNN2DFormat f) {
        return f == CNN2DFormat.NHWC ? Layout.NHWC : Layout.NCHW;
    }

    private static Layout cnn3d(Convolution3D.DataFormat f) {
        return f == Convolution3D.DataFormat.NDHWC ? Layout.NDHWC : Layout.NCDHW;
    }
}
