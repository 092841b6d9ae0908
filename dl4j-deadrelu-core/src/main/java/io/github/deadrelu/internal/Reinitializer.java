/*
 * SPDX-License-Identifier: Apache-2.0
 */
package io.github.deadrelu.internal;

import io.github.deadrelu.reinit.OutgoingWeights;
import io.github.deadrelu.reinit.ReinitPolicy;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.nn.api.Trainable;
import org.deeplearning4j.nn.conf.CNN2DFormat;
import org.deeplearning4j.nn.conf.InputPreProcessor;
import org.deeplearning4j.nn.conf.graph.LayerVertex;
import org.deeplearning4j.nn.conf.layers.BaseLayer;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.preprocessor.CnnToFeedForwardPreProcessor;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.graph.vertex.GraphVertex;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.updater.BaseMultiLayerUpdater;
import org.deeplearning4j.nn.updater.UpdaterBlock;
import org.deeplearning4j.nn.weights.IWeightInit;
import org.nd4j.linalg.api.memory.MemoryWorkspace;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * Re-initialises selected units of a monitored layer: incoming weights re-drawn from the owner layer's own configured
 * {@link IWeightInit} (a full-shape draw with the layer's fan-in and fan-out, then the selected units copied), bias
 * reset to {@code biasInit}, outgoing weights zeroed ({@link OutgoingWeights#ZERO}) or kept, and the optimizer state
 * of every parameter entry written set to zero.
 *
 * <p>Two phases: everything is planned and validated first (new values and 0/1 write masks of each parameter), then
 * written; a failure in planning leaves the model untouched. All work is ND4J ops. Used by dl4j-deadrelu internals,
 * and should not be called by external code.
 */
public final class Reinitializer {

    private Reinitializer() {
    }

    /** One planned write: {@code param <- param * (1 - mask) + values * mask}, and the same entries' state zeroed. */
    static final class Write {
        final Layer layer;
        final String param;
        final INDArray view;
        final INDArray mask;
        final INDArray values;

        Write(Layer layer, String param, INDArray view, INDArray mask, INDArray values) {
            this.layer = layer;
            this.param = param;
            this.view = view;
            this.mask = mask;
            this.values = values;
        }
    }

    /**
     * Re-initialises units of a layer in place.
     *
     * @param model     the model (MLN or CG)
     * @param spec      the monitored layer
     * @param units     the units to re-initialise (distinct, in range)
     * @param policy    the policy (seed, outgoing weights)
     * @param iteration the iteration (part of the deterministic seed)
     * @throws IllegalArgumentException when the layer cannot be re-initialised; nothing was written then
     */
    public static void reinitialize(Model model, LayerSpec spec, int[] units, ReinitPolicy policy, long iteration) {
        Objects.requireNonNull(model, "model");
        Objects.requireNonNull(spec, "spec");
        Objects.requireNonNull(policy, "policy");
        if (units.length == 0) {
            return;
        }
        if (spec.ownerName() == null) {
            throw new IllegalArgumentException("layer " + spec.name() + " has no single layer owning its incoming "
                    + "weights (its input comes from a network input or a merge of several layers)");
        }
        List<Write> writes = new ArrayList<>();
        try (MemoryWorkspace ignored = Nd4j.getWorkspaceManager().scopeOutOfWorkspaces()) {
            long seed = policy.seed() * 1_000_003L + iteration * 8191L + spec.index();
            planIncoming(model, spec, units, seed, writes);
            if (policy.outgoing() == OutgoingWeights.ZERO) {
                planOutgoing(model, spec, units, writes);
            }
            BaseMultiLayerUpdater<?> updater = updaterOf(model);
            for (Write w : writes) {
                w.view.muli(w.mask.rsub(1.0)).addi(w.values.mul(w.mask));
                if (updater != null) {
                    zeroState(updater, w);
                }
            }
        }
    }

    private static void planIncoming(Model model, LayerSpec spec, int[] units, long seed, List<Write> writes) {
        Layer owner = ActivationCounter.layerOf(model, spec.ownerName(), spec.ownerMlnIndex());
        org.deeplearning4j.nn.conf.layers.Layer conf = NetworkInspector.unwrap(owner.conf().getLayer());
        if (!(conf instanceof BaseLayer)) {
            throw new IllegalArgumentException("layer " + spec.ownerName() + " (" + conf.getClass().getSimpleName()
                    + ") owns no re-initialisable weights");
        }
        BaseLayer bl = (BaseLayer) conf;
        INDArray w = owner.getParam("W");
        if (w == null) {
            throw new IllegalArgumentException("layer " + spec.ownerName() + " has no parameter W");
        }
        IWeightInit init = bl.getWeightInitFn();
        long[] shape = w.shape();
        double fanIn;
        double fanOut;
        INDArray mask = Nd4j.zeros(w.dataType(), shape);
        if (w.rank() == 2) {
            fanIn = shape[0];
            fanOut = shape[1];
            for (int u : units) {
                checkUnit(spec, u, shape[1]);
                mask.getColumn(u).assign(1.0);
            }
        } else if (w.rank() == 4 && conf instanceof ConvolutionLayer
                && !(conf instanceof org.deeplearning4j.nn.conf.layers.DepthwiseConvolution2D)
                && !(conf instanceof org.deeplearning4j.nn.conf.layers.SeparableConvolution2D)
                && !(conf instanceof org.deeplearning4j.nn.conf.layers.Deconvolution2D)) {
            ConvolutionLayer cl = (ConvolutionLayer) conf;
            int[] stride = cl.getStride();
            fanIn = (double) shape[1] * shape[2] * shape[3];
            fanOut = (double) shape[0] * shape[2] * shape[3] / ((double) stride[0] * stride[1]);
            for (int u : units) {
                checkUnit(spec, u, shape[0]);
                mask.get(NDArrayIndex.point(u), NDArrayIndex.all(), NDArrayIndex.all(), NDArrayIndex.all())
                        .assign(1.0);
            }
        } else {
            throw new IllegalArgumentException("re-initialisation of " + conf.getClass().getSimpleName()
                    + " layers (weights of shape " + java.util.Arrays.toString(shape) + ") is not supported");
        }
        INDArray fresh;
        long restore = Nd4j.getRandom().nextLong();
        try {
            Nd4j.getRandom().setSeed(seed);
            fresh = init.init(fanIn, fanOut, shape, w.ordering(), Nd4j.createUninitialized(w.dataType(), w.length()));
        } finally {
            Nd4j.getRandom().setSeed(restore);
        }
        writes.add(new Write(owner, "W", w, mask, fresh.reshape(w.ordering(), shape)));
        INDArray b = owner.getParam("b");
        if (b != null) {
            INDArray bm = Nd4j.zeros(b.dataType(), b.shape());
            INDArray flat = bm.reshape(bm.length());
            for (int u : units) {
                flat.putScalar(u, 1.0);
            }
            writes.add(new Write(owner, "b", b, bm, Nd4j.valueArrayOf(b.shape(), bl.getBiasInit(), b.dataType())));
        }
    }

    private static void checkUnit(LayerSpec spec, int u, long units) {
        if (u < 0 || u >= units) {
            throw new IllegalArgumentException("unit must be in [0, " + units + ") for layer " + spec.name()
                    + ", got: " + u);
        }
    }

    private static void planOutgoing(Model model, LayerSpec spec, int[] units, List<Write> writes) {
        for (String consumerName : spec.consumers()) {
            Layer consumer;
            InputPreProcessor pre;
            if (model instanceof MultiLayerNetwork) {
                MultiLayerNetwork net = (MultiLayerNetwork) model;
                int idx = spec.mlnIndex() + 1;
                consumer = net.getLayer(idx);
                pre = net.getLayerWiseConfigurations().getInputPreProcess(idx);
            } else {
                ComputationGraph cg = (ComputationGraph) model;
                GraphVertex v = cg.getVertex(consumerName);
                if (v == null || !v.hasLayer()) {
                    throw new IllegalArgumentException("outgoing weights of layer " + spec.name() + " go through "
                            + "vertex " + consumerName + ", which is not a layer; use OutgoingWeights.KEEP");
                }
                consumer = v.getLayer();
                Object vc = cg.getConfiguration().getVertices().get(consumerName);
                pre = vc instanceof LayerVertex ? ((LayerVertex) vc).getPreProcessor() : null;
            }
            INDArray w = consumer.getParam("W");
            if (w == null) {
                throw new IllegalArgumentException("layer " + consumerName + " consuming layer " + spec.name()
                        + " has no weights W to zero; use OutgoingWeights.KEEP");
            }
            INDArray mask = Nd4j.zeros(w.dataType(), w.shape());
            if (w.rank() == 2) {
                long rows = w.size(0);
                for (int u : units) {
                    for (long r : outgoingRows(pre, u, rows, spec)) {
                        mask.getRow(r).assign(1.0);
                    }
                }
            } else if (w.rank() == 4) {
                for (int u : units) {
                    mask.get(NDArrayIndex.all(), NDArrayIndex.point(u), NDArrayIndex.all(), NDArrayIndex.all())
                            .assign(1.0);
                }
            } else {
                throw new IllegalArgumentException("zeroing outgoing weights into " + consumerName + " (weights of "
                        + "shape " + java.util.Arrays.toString(w.shape()) + ") is not supported; use "
                        + "OutgoingWeights.KEEP");
            }
            writes.add(new Write(consumer, "W", w, mask, Nd4j.zeros(w.dataType(), w.shape())));
            if (model instanceof MultiLayerNetwork) {
                break;
            }
        }
    }

    private static long[] outgoingRows(InputPreProcessor pre, int u, long rows, LayerSpec spec) {
        if (pre instanceof CnnToFeedForwardPreProcessor) {
            CnnToFeedForwardPreProcessor p = (CnnToFeedForwardPreProcessor) pre;
            long h = p.getInputHeight();
            long wd = p.getInputWidth();
            long c = p.getNumChannels();
            long[] r = new long[(int) (h * wd)];
            int k = 0;
            for (long y = 0; y < h; y++) {
                for (long x = 0; x < wd; x++) {
                    r[k++] = p.getFormat() == CNN2DFormat.NHWC ? y * wd * c + x * c + u : u * h * wd + y * wd + x;
                }
            }
            return r;
        }
        if (u >= rows) {
            throw new IllegalArgumentException("unit " + u + " of layer " + spec.name() + " has no row in the "
                    + "consumer's weights (" + rows + " rows)");
        }
        return new long[]{u};
    }

    private static BaseMultiLayerUpdater<?> updaterOf(Model model) {
        if (model instanceof MultiLayerNetwork) {
            return (BaseMultiLayerUpdater<?>) ((MultiLayerNetwork) model).getUpdater(false);
        }
        if (model instanceof ComputationGraph) {
            return ((ComputationGraph) model).getUpdater(false);
        }
        throw NetworkInspector.unsupported(model);
    }

    private static void zeroState(BaseMultiLayerUpdater<?> updater, Write w) {
        // An explicit long[]: reshape(char, long) would bind to reshape(long rows, long columns), the char as a row count.
        INDArray keep = w.mask.rsub(1.0).reshape(w.view.ordering(), new long[]{w.mask.length()});
        for (UpdaterBlock ub : updater.getUpdaterBlocks()) {
            INDArray view = ub.getUpdaterView();
            if (view == null) {
                continue;
            }
            long n = ub.getParamOffsetEnd() - ub.getParamOffsetStart();
            long k = (ub.getUpdaterViewOffsetEnd() - ub.getUpdaterViewOffsetStart()) / n;
            INDArray flat = view.reshape(view.length());
            for (UpdaterBlock.ParamState ps : ub.getLayersAndVariablesInBlock()) {
                if (!ps.getParamName().equals(w.param) || !sameLayer(ps.getLayer(), w.layer)) {
                    continue;
                }
                long o = ps.getParamOffsetStart() - ub.getParamOffsetStart();
                long len = ps.getParamOffsetEnd() - ps.getParamOffsetStart();
                for (long s = 0; s < k; s++) {
                    flat.get(NDArrayIndex.interval(s * n + o, s * n + o + len)).muli(keep);
                }
            }
        }
    }

    private static boolean sameLayer(Trainable t, Layer layer) {
        return t == layer || (t instanceof GraphVertex && ((GraphVertex) t).getLayer() == layer);
    }
}
