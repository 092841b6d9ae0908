/*
 * SPDX-License-Identifier: Apache-2.0
 */
package io.github.deadrelu.internal;

import java.util.Objects;
import java.util.function.BiConsumer;
import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.nn.conf.dropout.Dropout;
import org.deeplearning4j.nn.conf.dropout.IDropout;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.graph.vertex.GraphVertex;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.api.buffer.DataBuffer;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.memory.MemoryWorkspace;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.impl.reduce.longer.MatchCondition;
import org.nd4j.linalg.api.ops.impl.transforms.bool.MatchConditionTransform;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.conditions.Conditions;

/**
 * Counts the gates of one monitored layer from the activation array a training callback hands over, correcting for
 * what DL4J did to that array or around it:
 * <ul>
 *   <li><b>masks</b>: entries masked out (RNN time steps) are not entries; the layer's own mask array is used;</li>
 *   <li><b>dropout downstream</b>: DL4J applies the next layer's dropout in place to this very array (dropped entries
 *       become 0, kept ones are scaled by 1/p). When the consumer's input shares this array's buffer and its
 *       {@link Dropout} mask is available, only the kept entries are counted (exact among kept, an unbiased estimate
 *       of the closed share); other noise types make the counts an estimate, reported as such;</li>
 *   <li><b>non-finite input</b>: ReLU6 and ThresholdedReLU map NaN to a finite output in libnd4j, so for them the
 *       layer's input is checked, and entries fed by a non-finite input are counted as non-finite.</li>
 * </ul>
 * Call only inside the callback; nothing is kept. Used by dl4j-deadrelu internals, and should not be called by
 * external code.
 */
public final class ActivationCounter {

    private ActivationCounter() {
    }

    /**
     * Counts one layer.
     *
     * @param model    the model the callback was given (an MLN or CG, possibly a worker's replica)
     * @param spec     the layer
     * @param act      its activation array in this callback
     * @param examples the mini-batch's example count
     * @param warn     receives (layer name, message) for conditions worth one WARN
     * @return the counts
     */
    public static UnitCounts count(Model model, LayerSpec spec, INDArray act, long examples,
                                   BiConsumer<String, String> warn) {
        Objects.requireNonNull(act, "act");
        // One thread for the monitor's small ops: see SingleThreaded (OpenBLAS and OpenMP pools spinning).
        return SingleThreaded.call(() -> countOnThisThread(model, spec, act, examples, warn));
    }

    private static UnitCounts countOnThisThread(Model model, LayerSpec spec, INDArray act, long examples,
                                                BiConsumer<String, String> warn) {
        int unitAxis = spec.layout().unitAxis(act.rank());
        try (MemoryWorkspace ignored = Nd4j.getWorkspaceManager().scopeOutOfWorkspaces()) {
            Layer layer = layerOf(model, spec.name(), spec.mlnIndex());
            INDArray weights = maskWeights(layer, act, unitAxis, spec, warn);
            double scale = 1.0;
            boolean estimated = false;
            // Dropout (or noise) of a consumer applied in place to this array.
            for (Layer consumer : consumers(model, spec)) {
                IDropout d = consumer.conf().getLayer().getIDropout();
                INDArray cin = consumer.input();
                if (d == null || cin == null || !sameBuffer(cin, act)) {
                    continue;
                }
                if (d instanceof Dropout && ((Dropout) d).getMask() == null && ((Dropout) d).getHelper() == null) {
                    // Never applied (DL4J's ActivationLayer ignores its dropout): the array is untouched.
                    continue;
                }
                if (d instanceof Dropout && ((Dropout) d).getMask() != null
                        && ((Dropout) d).getMask().length() == act.length()) {
                    INDArray mask = ((Dropout) d).getMask();
                    INDArray m = java.util.Arrays.equals(mask.shape(), act.shape()) ? mask : mask.reshape('c', act.shape());
                    INDArray kept = Nd4j.getExecutioner()
                            .exec(new MatchConditionTransform(m, Conditions.notEquals(0.0))).castTo(DataType.DOUBLE);
                    double max = m.maxNumber().doubleValue();
                    scale = max > 0 ? max : 1.0;
                    weights = weights == null ? kept : weights.castTo(DataType.DOUBLE).muli(kept);
                    estimated = true;
                } else {
                    estimated = true;
                    warn.accept(spec.name(), "the activations of layer " + spec.name() + " are rewritten in place by "
                            + d.getClass().getSimpleName() + " on layer " + consumer.conf().getLayer().getLayerName()
                            + " before the listener sees them, so its closed counts are estimates; put a "
                            + "GateMonitorLayer after it for exact counts");
                }
            }
            INDArray forced = spec.gate().swallowsNaN() ? nonFiniteInputs(layer, act, warn, spec) : null;
            if (weights == null && forced == null && !estimated) {
                return GateCounter.count(spec.gate(), act, unitAxis, examples);
            }
            if (weights == null && forced == null) {
                UnitCounts c = GateCounter.count(spec.gate(), act, unitAxis, examples);
                return c.asEstimated();
            }
            return GateCounter.countWeighted(spec.gate(), act, unitAxis, examples, weights, forced, scale, estimated);
        }
    }

    /**
     * Finds the layer object of a monitored layer in a model (or replica).
     *
     * @param model    MLN or CG
     * @param name     layer (vertex) name
     * @param mlnIndex MLN index, -1 in a CG
     * @return the layer
     */
    public static Layer layerOf(Model model, String name, int mlnIndex) {
        return Models.layer(model, name, mlnIndex);
    }

    private static java.util.List<Layer> consumers(Model model, LayerSpec spec) {
        java.util.List<Layer> out = new java.util.ArrayList<>(2);
        if (Models.isMultiLayer(model)) {
            MultiLayerNetwork net = (MultiLayerNetwork) model;
            int next = spec.mlnIndex() + 1;
            // The output layer's dropout is applied after the callback: nothing to correct.
            if (next < net.getnLayers() - 1) {
                out.add(net.getLayer(next));
            }
        } else if (Models.isGraph(model)) {
            ComputationGraph cg = (ComputationGraph) model;
            for (String c : spec.consumers()) {
                GraphVertex v = cg.getVertex(c);
                if (v != null && v.hasLayer() && !v.isOutputVertex()
                        && !cg.getConfiguration().getNetworkOutputs().contains(c)) {
                    out.add(v.getLayer());
                }
            }
        }
        return out;
    }

    static boolean sameBuffer(INDArray a, INDArray b) {
        DataBuffer da = a.data();
        DataBuffer db = b.data();
        if (da == db) {
            return true;
        }
        DataBuffer oa = da.originalDataBuffer() == null ? da : da.originalDataBuffer();
        DataBuffer ob = db.originalDataBuffer() == null ? db : db.originalDataBuffer();
        return oa == ob || (oa.address() != 0 && oa.address() == ob.address());
    }

    private static INDArray maskWeights(Layer layer, INDArray act, int unitAxis, LayerSpec spec,
                                        BiConsumer<String, String> warn) {
        INDArray mask = layer.getMaskArray();
        if (mask == null || mask.minNumber().doubleValue() >= 1.0) {
            return null;
        }
        long[] shape = act.shape();
        INDArray m = mask.castTo(DataType.DOUBLE);
        if (m.length() == act.length()) {
            return m.reshape(shape);
        }
        if (act.rank() == 2 && m.length() == shape[0]) {
            return m.reshape(shape[0], 1).broadcast(shape);
        }
        if (act.rank() == 3 && (unitAxis == 1 || unitAxis == 2)) {
            long t = shape[unitAxis == 1 ? 2 : 1];
            INDArray perStep = null;
            if (m.rank() == 2 && m.size(0) == shape[0] && m.size(1) == t) {
                perStep = m;
            } else if (m.length() == shape[0] * t && (m.rank() == 1 || m.size(1) == 1)) {
                // A TimeDistributed layer hands its underlying layer the [mb, T] mask flattened to a column in 'f'
                // order (row i + t * mb, TimeSeriesUtils.reshapeTimeSeriesMaskToVector) but the activations in 'c'
                // order (row i * T + t, TimeDistributedLayer.reshape): DL4J 1.0.0-M2.1 therefore zeroes entry
                // (i, t) when column row i * T + t is 0. Those are the entries its mask removed, so they are the ones
                // left out here: read the column in 'c' order.
                perStep = m.reshape('c', shape[0], t);
            }
            if (perStep != null) {
                return unitAxis == 1 ? perStep.reshape(shape[0], 1, t).broadcast(shape)
                        : perStep.reshape(shape[0], t, 1).broadcast(shape);
            }
        }
        warn.accept(spec.name(), "the mask of layer " + spec.name() + " has shape "
                + java.util.Arrays.toString(mask.shape()) + ", which does not match its activations "
                + java.util.Arrays.toString(shape) + "; masked entries are counted");
        return null;
    }

    /**
     * Entries of {@code act} whose pre-activation was not finite although the activation made them finite (ReLU6,
     * ThresholdedReLU), as an indicator array of {@code act}'s shape, or null when there is none.
     * <ul>
     *   <li>a non-finite parameter of the layer (a diverged weight or bias) can make every entry non-finite: all
     *       entries are marked (conservative: divergence spreads to the whole layer within a step);</li>
     *   <li>a parameter-free layer (ActivationLayer) applies the activation element-wise to its input, so a
     *       non-finite input entry marks the entry at the same position;</li>
     *   <li>a layer with weights mixes a whole example: a non-finite input entry marks every entry of its example,
     *       even when the input happens to have the output's shape (a square dense layer).</li>
     * </ul>
     */
    private static INDArray nonFiniteInputs(Layer layer, INDArray act, BiConsumer<String, String> warn,
                                            LayerSpec spec) {
        boolean hasParams = layer.numParams() > 0;
        if (hasParams) {
            INDArray p = layer.params();
            // One BLAS sum proves the parameters finite (every iteration, so not a per-element condition scan).
            if (p != null && !p.isEmpty() && !GateCounter.allFiniteFast(p)
                    && Nd4j.getExecutioner().exec(new MatchCondition(p, Conditions.notFinite())).getLong(0) > 0) {
                return Nd4j.ones(DataType.DOUBLE, act.shape());
            }
        }
        INDArray in = layer.input();
        if (in == null || GateCounter.allFiniteFast(in)) {
            return null;
        }
        if (!hasParams && java.util.Arrays.equals(in.shape(), act.shape())) {
            long n = Nd4j.getExecutioner().exec(new MatchCondition(in, Conditions.notFinite())).getLong(0);
            return n == 0 ? null
                    : Nd4j.getExecutioner().exec(new MatchConditionTransform(in, Conditions.notFinite()))
                    .castTo(DataType.DOUBLE);
        }
        if (in.rank() < 2 || in.size(0) != act.size(0)) {
            return null;
        }
        int[] dims = GateCounter.reduceDims(in.rank(), 0);
        INDArray perRow = Nd4j.getExecutioner().exec(new MatchCondition(in, Conditions.notFinite(), dims));
        if (perRow.sumNumber().longValue() == 0) {
            return null;
        }
        INDArray rows = Nd4j.getExecutioner().exec(new MatchConditionTransform(perRow.castTo(DataType.DOUBLE),
                Conditions.greaterThan(0.0))).castTo(DataType.DOUBLE);
        long[] shape = act.shape();
        long[] rowShape = new long[shape.length];
        java.util.Arrays.fill(rowShape, 1);
        rowShape[0] = shape[0];
        return rows.reshape(rowShape).broadcast(shape);
    }}
