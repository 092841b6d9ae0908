/*
 * SPDX-License-Identifier: Apache-2.0
 */
package io.github.deadrelu.layers;

import io.github.deadrelu.conf.layers.GateMonitorLayer;
import io.github.deadrelu.internal.Gate;
import io.github.deadrelu.internal.GateCounter;
import io.github.deadrelu.internal.GateMonitorCounts;
import io.github.deadrelu.internal.UnitCounts;
import java.util.Arrays;
import java.util.OptionalDouble;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.gradient.DefaultGradient;
import org.deeplearning4j.nn.gradient.Gradient;
import org.deeplearning4j.nn.layers.AbstractLayer;
import org.deeplearning4j.nn.workspace.ArrayType;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.nd4j.common.primitives.Pair;
import org.nd4j.common.util.OneTimeLogger;
import org.nd4j.linalg.activations.IActivation;
import org.nd4j.linalg.activations.impl.ActivationReLU;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.memory.MemoryWorkspace;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.impl.reduce.longer.MatchCondition;
import org.nd4j.linalg.api.ops.impl.scalar.RectifiedLinear;
import org.nd4j.linalg.api.ops.impl.scalar.RectifiedLinearDerivative;
import org.nd4j.linalg.api.ops.impl.transforms.bool.MatchConditionTransform;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.conditions.Conditions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The implementation of {@link GateMonitorLayer}: applies the activation and measures its gates.
 *
 * <p><b>Forward</b> (training; inference too with {@code countInInference(true)}): the activation is applied into a
 * new array (the input is never modified; a plain ReLU writes {@code max(z, 0)} straight into it, any other activation
 * works on a copy of the input, as DL4J's {@code ActivationLayer} does), then the output is counted per unit with ND4J
 * ops ({@code GateCounter}): closed, negative and non-finite entries and entries, masked entries (RNN time steps,
 * from the layer's mask array) left out, entries whose input is NaN or infinite counted as non-finite (ReLU6 and
 * ThresholdedReLU map NaN to a finite output; one BLAS sum of the input proves it finite first). The counts are
 * reduced to Java arrays at once, so nothing references a workspace array after the pass, and they accumulate over
 * forward passes until the listener takes them ({@code io.github.deadrelu.internal.GateMonitorCounts}).
 *
 * <p><b>Backward</b>: the gradient is the activation's own {@code backprop}, exactly as DL4J's ReLU computes it (for a
 * plain ReLU the same {@code RectifiedLinearDerivative} op, written straight into the gradient array). The gate
 * blocks {@code |dL/da|} where its derivative is 0; because the accepted activations have derivative 0 or 1, the
 * blocked part per unit is {@code sum|dL/da| - sum|dL/dz|} over the unit's entries: two per-unit sums of magnitudes.
 * Masked entries and entries with a non-finite input or gradient are left out. The per-unit sums accumulate over
 * backward passes until the counts are taken.
 *
 * <p>Thread-safety: one instance belongs to one network (or one ParallelWrapper replica) and is used by one training
 * thread; its counts live in a thread-safe registry keyed by the instance, so a listener may read them from another
 * thread.
 */
public class GateMonitorLayerImpl extends AbstractLayer<GateMonitorLayer> {
    private static final long serialVersionUID = 1L;
    private static final Logger log = LoggerFactory.getLogger(GateMonitorLayerImpl.class);

    private transient Gate gate;
    /** Null until known: whether the activation is DL4J's plain ReLU (no threshold, cap or slope). */
    private transient Boolean plainRelu;

    /**
     * Creates the layer; called by {@link GateMonitorLayer#instantiate}.
     *
     * @param conf     the layer's configuration
     * @param dataType the network data type
     */
    public GateMonitorLayerImpl(NeuralNetConfiguration conf, DataType dataType) {
        super(conf, dataType);
    }

    private Gate gate() {
        Gate g = gate;
        if (g == null) {
            g = Gate.of(layerConf().getActivationFn()).filter(Gate::isGated).orElseThrow(() ->
                    new IllegalStateException("activation must have a zero-gradient regime, got: "
                            + layerConf().getActivationFn()));
            gate = g;
        }
        return g;
    }

    /** Whether the activation is {@code ActivationReLU} with no threshold, cap or negative slope. */
    private boolean plainRelu() {
        Boolean p = plainRelu;
        if (p == null) {
            IActivation fn = layerConf().getActivationFn();
            p = false;
            if (fn instanceof ActivationReLU) {
                ActivationReLU r = (ActivationReLU) fn;
                p = r.getMax() == null && (r.getThreshold() == null || r.getThreshold() == 0.0)
                        && (r.getNegativeSlope() == null || r.getNegativeSlope() == 0.0);
            }
            plainRelu = p;
        }
        return p;
    }

    // ------------------------------------------------------------------------------------------ forward

    @Override
    public INDArray activate(boolean training, LayerWorkspaceMgr workspaceMgr) {
        assertInputSet(false);
        INDArray out;
        if (plainRelu()) {
            // What ActivationReLU does in place, written into the output instead of into a copy of the input.
            out = workspaceMgr.createUninitialized(ArrayType.ACTIVATIONS, input.dataType(), input.shape(),
                    input.ordering());
            Nd4j.getExecutioner().exec(new RectifiedLinear(input, out));
        } else {
            out = workspaceMgr.dup(ArrayType.ACTIVATIONS, input, input.ordering());
            out = layerConf().getActivationFn().getActivation(out, training);
        }
        if (training || layerConf().isCountInInference()) {
            GateMonitorCounts.record(this, count(out), layerConf().getLayerName());
        }
        return out;
    }

    private UnitCounts count(INDArray out) {
        int axis = layerConf().unitAxis(out.rank());
        long examples = out.size(0);
        try (MemoryWorkspace ignored = Nd4j.getWorkspaceManager().scopeOutOfWorkspaces()) {
            INDArray weights = maskWeights(maskArray, out, axis);
            INDArray forced = nonFiniteIndicator(input);
            if (weights == null && forced == null) {
                return GateCounter.count(gate(), out, axis, examples);
            }
            return GateCounter.countWeighted(gate(), out, axis, examples, weights, forced, 1.0, false);
        }
    }

    // ------------------------------------------------------------------------------------------ backward

    @Override
    public Pair<Gradient, INDArray> backpropGradient(INDArray epsilon, LayerWorkspaceMgr workspaceMgr) {
        assertInputSet(true);
        INDArray delta;
        if (plainRelu()) {
            // ActivationReLU.backprop's own op, writing dL/dz straight into the gradient array (it reads z = input
            // and never writes it, so no copy of the input is needed).
            delta = workspaceMgr.createUninitialized(ArrayType.ACTIVATION_GRAD, input.dataType(), input.shape(),
                    input.ordering());
            Nd4j.getExecutioner().exec(new RectifiedLinearDerivative(input, epsilon, delta, 0.0));
        } else {
            INDArray z = workspaceMgr.dup(ArrayType.ACTIVATION_GRAD, input, input.ordering());
            delta = layerConf().getActivationFn().backprop(z, epsilon).getFirst();
            if (delta == epsilon) {
                delta = workspaceMgr.dup(ArrayType.ACTIVATION_GRAD, delta);
            }
            delta = workspaceMgr.leverageTo(ArrayType.ACTIVATION_GRAD, delta);
        }
        measureBlocked(epsilon, delta);
        return new Pair<>(new DefaultGradient(), delta);
    }

    private void measureBlocked(INDArray epsilon, INDArray delta) {
        int axis = layerConf().unitAxis(epsilon.rank());
        int[] dims = GateCounter.reduceDims(epsilon.rank(), axis);
        double[] grad;
        double[] passed;
        try (MemoryWorkspace ignored = Nd4j.getWorkspaceManager().scopeOutOfWorkspaces()) {
            INDArray weights = maskWeights(maskArray, epsilon, axis);
            INDArray badInput = nonFiniteIndicator(input);
            grad = null;
            passed = null;
            if (weights == null && badInput == null) {
                grad = GateCounter.unitAbsSums(epsilon, axis);
                passed = GateCounter.unitAbsSums(delta, axis);
                if (!allFinite(grad) || !allFinite(passed)) {
                    grad = null;
                }
            }
            if (grad == null) {
                // Leave out masked entries, entries with a non-finite input, and non-finite gradients.
                INDArray keep = weights == null ? Nd4j.ones(DataType.DOUBLE, epsilon.shape()) : weights;
                if (badInput != null) {
                    keep = keep.mul(badInput.rsub(1.0));
                }
                grad = GateCounter.finiteAbs(epsilon).muli(keep).sum(dims).toDoubleVector();
                passed = GateCounter.finiteAbs(delta).muli(keep).sum(dims).toDoubleVector();
            }
        }
        double[] blocked = new double[grad.length];
        for (int u = 0; u < grad.length; u++) {
            blocked[u] = Math.max(0.0, grad[u] - passed[u]);
        }
        GateMonitorCounts.recordBlocked(this, grad, blocked);
    }

    private static boolean allFinite(double[] a) {
        for (double v : a) {
            if (!Double.isFinite(v)) {
                return false;
            }
        }
        return true;
    }

    // ------------------------------------------------------------------------------------------ results

    /**
     * The share of the incoming gradient |dL/da| that closed gates blocked, over all units and all backward passes
     * since the last take of the counts: blocked L1 / incoming L1 (0 when the incoming gradient was all zero).
     *
     * @return the share, or empty when no backward pass happened since the last take
     */
    public OptionalDouble blockedGradientShare() {
        return GateMonitorCounts.blockedGradientShare(this);
    }

    /**
     * The per-unit share of the incoming gradient |dL/da| that closed gates blocked, over the backward passes since
     * the last take of the counts (0 for a unit whose incoming gradient was all zero). With a
     * {@code DeadReluListener} attached the listener takes the counts in every {@code iterationDone}; read this from
     * {@code onBackwardPass} or {@code onGradientCalculation}, or from a listener placed before it.
     *
     * @return one share per unit, or an empty array when no backward pass happened since the last take
     */
    public double[] unitBlockedGradientShares() {
        return GateMonitorCounts.unitBlockedGradientShares(this);
    }

    // ------------------------------------------------------------------------------------------ masks, non-finite

    /**
     * A 0/1 weight array of {@code act}'s shape from a layer mask, or null when there is no mask or it keeps every
     * entry. Supported: a mask of the array's own length; a per-example mask {@code [mb, 1]} or {@code [mb]}; a
     * time-step mask {@code [mb, T]} for a rank-3 array (NCW or NWC); a mask of the same rank whose other sizes are 1.
     */
    static INDArray maskWeights(INDArray mask, INDArray act, int unitAxis) {
        if (mask == null || mask.minNumber().doubleValue() >= 1.0) {
            return null;
        }
        long[] shape = act.shape();
        INDArray m = mask.castTo(DataType.DOUBLE);
        if (m.length() == act.length()) {
            return m.reshape(act.ordering(), shape);
        }
        if (m.length() == shape[0] && (m.rank() == 1 || m.rank() == 2)) {
            long[] s = new long[shape.length];
            Arrays.fill(s, 1);
            s[0] = shape[0];
            return m.reshape(s).broadcast(shape);
        }
        if (act.rank() == 3 && m.rank() == 2 && m.size(0) == shape[0]) {
            int timeAxis = unitAxis == 1 ? 2 : 1;
            if (m.size(1) == shape[timeAxis]) {
                long[] s = timeAxis == 2 ? new long[]{shape[0], 1, shape[2]} : new long[]{shape[0], shape[1], 1};
                return m.reshape(s).broadcast(shape);
            }
        }
        if (m.rank() == act.rank()) {
            boolean broadcastable = true;
            for (int d = 0; d < shape.length; d++) {
                broadcastable &= m.size(d) == shape[d] || m.size(d) == 1;
            }
            if (broadcastable) {
                return m.broadcast(shape);
            }
        }
        OneTimeLogger.warn(log, "GateMonitorLayer: a mask of shape {} does not match activations of shape {}; "
                + "masked entries are counted", Arrays.toString(mask.shape()), Arrays.toString(shape));
        return null;
    }

    /**
     * 1 where the array is NaN or infinite, 0 elsewhere (DOUBLE); null when every entry is finite, which one BLAS
     * sum of the array proves in the common case (a sum that overflows takes the exact count).
     */
    private static INDArray nonFiniteIndicator(INDArray a) {
        if (GateCounter.allFiniteFast(a)) {
            return null;
        }
        long bad = Nd4j.getExecutioner().exec(new MatchCondition(a, Conditions.notFinite())).getLong(0);
        if (bad == 0) {
            return null;
        }
        return Nd4j.getExecutioner().exec(new MatchConditionTransform(a, Conditions.notFinite()))
                .castTo(DataType.DOUBLE);
    }

    // ------------------------------------------------------------------------------------------ DL4J contract

    @Override
    public double calcRegularizationScore(boolean backpropParamsOnly) {
        return 0;
    }

    @Override
    public Type type() {
        return Type.FEED_FORWARD;
    }

    @Override
    public boolean isPretrainLayer() {
        return false;
    }

    @Override
    public void clearNoiseWeightParams() {
        // no parameters
    }

    @Override
    public INDArray params() {
        return null;
    }

    @Override
    public String toString() {
        return "GateMonitorLayerImpl(name=" + layerConf().getLayerName() + ", index=" + getIndex() + ", activation="
                + layerConf().getActivationFn() + ")";
    }
}
