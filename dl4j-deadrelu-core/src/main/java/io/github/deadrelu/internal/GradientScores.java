/*
 * SPDX-License-Identifier: Apache-2.0
 */
package io.github.deadrelu.internal;

import java.util.Map;
import java.util.Objects;
import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.nn.conf.layers.Convolution3D;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.Deconvolution2D;
import org.deeplearning4j.nn.conf.layers.Deconvolution3D;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.DepthwiseConvolution2D;
import org.deeplearning4j.nn.conf.layers.SeparableConvolution2D;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.memory.MemoryWorkspace;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * GraMa's gradient score per unit, on the weight-gradient form DL4J holds in {@code onGradientCalculation} (the raw
 * gradient, before the updater and regularisation): for unit j of a gated layer whose incoming weights are owned by
 * layer L,
 * <pre>
 * G_j = (sum |dL/dW| over unit j's incoming weights + |dL/db_j|) / (fanIn + 1)   (fanIn: W's entries per unit)
 * g_j = G_j / ((1/U) sum_k G_k)                                     (all 0 when that layer mean is 0)
 * </pre>
 * (Liu et al., ReGraMa, NeurIPS 2025, arXiv 2505.24061; a JAX reimplementation scores
 * {@code mean|dL/dW[:, j]| / (layer mean + 1e-8)}; we add the bias entry and divide by the exact mean.) A unit whose
 * gate is closed on every entry of the mini-batch has a zero pre-activation gradient, so every term is exactly 0 and
 * g_j = 0. Dense: W {@code [nIn, nOut]}, unit axis 1; convolution (2D, 1D, 3D): W {@code [outC, inC, k...]}, unit axis
 * 0 (Convolution1DLayer in its real {@code [k, inC, outC]} frame, {@link UnitLayouts#weightFrame}); Deconvolution2D:
 * {@code [inC, outC, kH, kW]}, axis 1; DepthwiseConvolution2D: {@code [kH, kW, inC, dm]}, unit {@code i * dm + m};
 * SeparableConvolution2D: the pointwise {@code pW}, axis 0. These are the unit axes the re-initialiser draws along
 * ({@link IncomingDraw}). One ND4J reduction over the fan-in axes ({@link OutgoingSums#unitAbsSums}); the result is
 * O(units).
 *
 * <p>Used by dl4j-deadrelu internals, and should not be called by external code.
 */
public final class GradientScores {

    private GradientScores() {
    }

    /**
     * The scores of a gated layer from the model's gradient map.
     *
     * @param model     the model (MLN or CG) whose layer owns the incoming weights
     * @param gradients the gradient map, keyed as DL4J keys it ({@code "<mln index>_W"}, {@code "<vertex>_W"}):
     *                  {@code model.gradient().gradientForVariable()} in {@code onGradientCalculation}
     * @param spec      the gated layer
     * @return g_j per unit; empty when the layer has no owner of incoming weights, its type is not supported, its
     *         gradient is absent (frozen) or not finite
     */
    public static double[] of(Model model, Map<String, INDArray> gradients, LayerSpec spec) {
        Objects.requireNonNull(model, "model");
        Objects.requireNonNull(gradients, "gradients");
        Objects.requireNonNull(spec, "spec");
        if (spec.ownerName() == null) {
            return new double[0];
        }
        Layer owner;
        String prefix;
        if (Models.isMultiLayer(model) && spec.ownerMlnIndex() >= 0) {
            owner = ((MultiLayerNetwork) model).getLayer(spec.ownerMlnIndex());
            prefix = spec.ownerMlnIndex() + "_";
        } else if (Models.isGraph(model)) {
            owner = ((ComputationGraph) model).getLayer(spec.ownerName());
            prefix = spec.ownerName() + "_";
        } else {
            return new double[0];
        }
        if (owner == null) {
            return new double[0];
        }
        org.deeplearning4j.nn.conf.layers.Layer conf = NetworkInspector.unwrap(owner.conf().getLayer());
        String wKey = conf instanceof SeparableConvolution2D ? "pW" : "W";
        INDArray gw = gradients.get(prefix + wKey);
        if (gw == null) {
            return new double[0];
        }
        return of(conf, gw, gradients.get(prefix + "b"));
    }

    /**
     * The scores from the owner layer's weight and bias gradients.
     *
     * @param conf the owner layer's configuration, wrappers removed
     * @param gw   the gradient of its weights carrying the units ({@code W}, or {@code pW} for separable)
     * @param gb   the gradient of its bias, or null for a layer without bias
     * @return g_j per unit; empty for an unsupported layer type or a non-finite gradient
     * @throws IllegalArgumentException when the bias gradient does not have one entry per unit
     */
    public static double[] of(org.deeplearning4j.nn.conf.layers.Layer conf, INDArray gw, INDArray gb) {
        Objects.requireNonNull(conf, "conf");
        Objects.requireNonNull(gw, "gw");
        long[] frame;
        int axis;
        if (conf instanceof DenseLayer && gw.rank() == 2) {
            frame = null;
            axis = 1;
        } else if (conf instanceof DepthwiseConvolution2D && gw.rank() == 4) {
            frame = new long[]{gw.size(0), gw.size(1), gw.size(2) * gw.size(3)};
            axis = 2;
        } else if (conf instanceof Deconvolution2D && gw.rank() == 4) {
            frame = null;
            axis = 1;
        } else if (conf instanceof ConvolutionLayer && !(conf instanceof Deconvolution3D)
                && gw.rank() == (conf instanceof Convolution3D ? 5 : 4)) {
            long[][] f = UnitLayouts.weightFrame(conf, gw.shape(), 0);
            frame = f == null ? null : f[0];
            axis = f == null ? 0 : (int) f[1][0];
        } else {
            return new double[0];
        }
        double[] g = OutgoingSums.unitAbsSums(gw, frame, axis);
        long units = g.length;
        long fanIn = gw.length() / units;
        if (gb != null) {
            if (gb.length() != units) {
                throw new IllegalArgumentException("bias gradient must have " + units + " entries, got: "
                        + gb.length());
            }
            double[] b;
            try (MemoryWorkspace ignored = Nd4j.getWorkspaceManager().scopeOutOfWorkspaces()) {
                b = gb.castTo(DataType.DOUBLE).reshape(units).toDoubleVector();
            }
            for (int j = 0; j < units; j++) {
                g[j] += Math.abs(b[j]);
            }
            fanIn++;
        }
        for (int j = 0; j < units; j++) {
            g[j] /= fanIn;
            if (!Double.isFinite(g[j])) {
                return new double[0];
            }
        }
        return DormancyScores.normalised(g);
    }
}
