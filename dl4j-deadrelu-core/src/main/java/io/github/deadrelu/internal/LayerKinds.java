/*
 * SPDX-License-Identifier: Apache-2.0
 */
package io.github.deadrelu.internal;

import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.conf.InputPreProcessor;
import org.deeplearning4j.nn.conf.RNNFormat;
import org.deeplearning4j.nn.conf.graph.MergeVertex;
import org.deeplearning4j.nn.conf.graph.ScaleVertex;
import org.deeplearning4j.nn.conf.graph.ShiftVertex;
import org.deeplearning4j.nn.conf.layers.ActivationLayer;
import org.deeplearning4j.nn.conf.layers.BaseOutputLayer;
import org.deeplearning4j.nn.conf.layers.BatchNormalization;
import org.deeplearning4j.nn.conf.layers.Convolution1DLayer;
import org.deeplearning4j.nn.conf.layers.Convolution3D;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.Deconvolution2D;
import org.deeplearning4j.nn.conf.layers.Deconvolution3D;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.DepthwiseConvolution2D;
import org.deeplearning4j.nn.conf.layers.DropoutLayer;
import org.deeplearning4j.nn.conf.layers.FeedForwardLayer;
import org.deeplearning4j.nn.conf.layers.GlobalPoolingLayer;
import org.deeplearning4j.nn.conf.layers.GravesLSTM;
import org.deeplearning4j.nn.conf.layers.LSTM;
import org.deeplearning4j.nn.conf.layers.PReLULayer;
import org.deeplearning4j.nn.conf.layers.SeparableConvolution2D;
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
import org.deeplearning4j.nn.conf.layers.recurrent.SimpleRnn;
import org.deeplearning4j.nn.conf.layers.util.MaskLayer;
import org.deeplearning4j.nn.conf.preprocessor.CnnToFeedForwardPreProcessor;
import org.deeplearning4j.nn.conf.preprocessor.FeedForwardToRnnPreProcessor;
import org.deeplearning4j.nn.conf.preprocessor.RnnToFeedForwardPreProcessor;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * What the re-initialiser needs to know about layer kinds and their unit layout: which layers keep units apart
 * (pass-through), which own incoming weights, the axis along which a consumer's weights read their input units, the
 * channel axis of a layout and the layout after a layer or preprocessor, a node's output width, and the frame in
 * which a parameter's unit axis is a plain axis ({@code Convolution1DLayer}'s reshaped weights, depthwise channels).
 *
 * <p>These layout rules are the re-initialiser's own, grouped here unchanged so that the project's single layout
 * authority can replace them in one place.
 *
 * <p>Used by dl4j-deadrelu internals, and should not be called by external code.
 */
final class LayerKinds {

    private LayerKinds() {
    }

    /** A parameter of a layer, or null (also for layers without parameters, whose getParam throws). */
    static INDArray paramOf(Layer layer, String key) {
        Map<String, INDArray> table = layer.paramTable();
        return table == null ? null : table.get(key);
    }

    /** The key of an owner's weights that carry its output units: {@code pW} for separable, else {@code W}. */
    static String firstWeightKey(ModelTopology.Node owner) {
        return owner.conf instanceof SeparableConvolution2D ? "pW" : "W";
    }

    /** @return true when the node is a layer that owns incoming weights (stops the backward walk) */
    static boolean ownsWeights(ModelTopology.Node n) {
        if (!n.isLayer() || n.layer == null || passThrough(n.conf)) {
            return false;
        }
        return paramOf(n.layer, "W") != null;
    }

    /**
     * Layers that keep each unit on its own index and have no weights reading several units: safe to walk through
     * between weights and gate, and after a gate when zeroing outgoing weights.
     */
    static boolean passThrough(org.deeplearning4j.nn.conf.layers.Layer conf) {
        return conf instanceof ActivationLayer || conf instanceof DropoutLayer || conf instanceof BatchNormalization
                || conf instanceof PReLULayer || conf instanceof SubsamplingLayer
                || conf instanceof Subsampling3DLayer || conf instanceof GlobalPoolingLayer
                || conf instanceof Upsampling1D || conf instanceof Upsampling2D || conf instanceof Upsampling3D
                || conf instanceof ZeroPaddingLayer || conf instanceof ZeroPadding1DLayer
                || conf instanceof ZeroPadding3DLayer || conf instanceof Cropping1D || conf instanceof Cropping2D
                || conf instanceof Cropping3D || conf instanceof MaskLayer
                || (conf instanceof GatedLayerConf && conf.initializer() != null
                && conf.initializer().numParams(conf) == 0);
    }

    /** The axis of a consumer's W along which it reads its input units, or -1 when unsupported. */
    @SuppressWarnings("deprecation") // GravesLSTM: deprecated in DL4J, still a layer users have
    static int inputAxis(org.deeplearning4j.nn.conf.layers.Layer conf) {
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

    /** The channel (unit) axis of an activation in a layout. */
    static int channelAxis(Layout layout) {
        switch (layout) {
            case NHWC:
                return 3;
            case NWC:
                return 2;
            case NDHWC:
                return 4;
            default:
                return 1;
        }
    }

    /** The layout of a layer's output given its input layout. */
    static Layout layoutAfter(org.deeplearning4j.nn.conf.layers.Layer conf, Layout in) {
        if (conf instanceof GlobalPoolingLayer && ((GlobalPoolingLayer) conf).isCollapseDimensions()) {
            return Layout.FF;
        }
        return in;
    }

    /** The layout after a preprocessor given its input layout. */
    static Layout layoutAfter(InputPreProcessor p, Layout in) {
        if (p instanceof CnnToFeedForwardPreProcessor || p instanceof RnnToFeedForwardPreProcessor) {
            return Layout.FF;
        }
        if (p instanceof FeedForwardToRnnPreProcessor) {
            return Layout.NCW;
        }
        return in;
    }

    /**
     * The frame in which axis {@code axis} of a weight array of nominal shape {@code shape} is a plain axis: null
     * (the nominal shape) except for a {@code Convolution1DLayer} in NCW format, whose M2.1 W is declared
     * {@code [outC, inC, k, 1]} but <em>reshaped</em> (not permuted) to {@code [k, inC, outC]} by its forward pass
     * ({@code Convolution1DUtils.reshapeWeightArrayOrGradientForFormat}), so output channel o and input channel i are
     * the last and middle axes of that real layout.
     *
     * @return {@code {frameShape, frameAxis}} or null for the nominal shape and axis
     */
    static long[][] conv1dFrame(org.deeplearning4j.nn.conf.layers.Layer conf, long[] shape, int axis) {
        if (conf instanceof Convolution1DLayer && !(conf instanceof Convolution3D)
                && ((Convolution1DLayer) conf).getRnnDataFormat() != RNNFormat.NWC && shape.length == 4
                && (axis == 0 || axis == 1)) {
            return new long[][]{{shape[2], shape[1], shape[0]}, {axis == 0 ? 2 : 1}};
        }
        return null;
    }

    /** Output units of a node (features or channels), or -1 when unknown. */
    static long width(ModelTopology topo, ModelTopology.Node n) {
        return width(topo, n, new HashSet<>());
    }

    private static long width(ModelTopology topo, ModelTopology.Node n, Set<String> seen) {
        if (!seen.add(n.name) || n.networkInput) {
            return -1;
        }
        if (n.isLayer()) {
            if (n.conf instanceof FeedForwardLayer && !passThrough(n.conf)
                    && ((FeedForwardLayer) n.conf).getNOut() > 0) {
                return ((FeedForwardLayer) n.conf).getNOut();
            }
            if (passThrough(n.conf) && n.inputs.size() == 1 && n.pre == null) {
                return width(topo, topo.node(n.inputs.get(0)), seen);
            }
            return -1;
        }
        if (n.vertexConf instanceof MergeVertex) {
            long sum = 0;
            for (String in : n.inputs) {
                long wd = width(topo, topo.node(in), new HashSet<>(seen));
                if (wd <= 0) {
                    return -1;
                }
                sum += wd;
            }
            return sum;
        }
        if (n.vertexConf instanceof ScaleVertex || n.vertexConf instanceof ShiftVertex) {
            return n.inputs.size() == 1 ? width(topo, topo.node(n.inputs.get(0)), seen) : -1;
        }
        return -1;
    }
}
