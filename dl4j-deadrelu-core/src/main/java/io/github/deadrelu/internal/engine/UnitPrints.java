/*
 * SPDX-License-Identifier: Apache-2.0
 */
package io.github.deadrelu.internal.engine;

import io.github.deadrelu.internal.ActivationCounter;
import io.github.deadrelu.internal.GateCounter;
import io.github.deadrelu.internal.LayerSpec;
import io.github.deadrelu.internal.ModelTopology;
import io.github.deadrelu.internal.NetworkInspector;
import io.github.deadrelu.internal.UnitLayouts;
import java.util.List;
import java.util.Map;
import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.api.Model;
import org.nd4j.linalg.api.memory.MemoryWorkspace;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Fingerprints of what feeds a unit, to tell a premature dead call (nothing changed, yet the unit opened: reopened)
 * from a revival by training (something changed): per dead unit a 52-bit hash of the exact bits of its incoming
 * weights (the owner's {@code W} along the fan-in axes, unit axis from {@link UnitLayouts#inputAxis}) and its bias; and
 * per layer the sum of the magnitudes of every trainable parameter upstream of the incoming weights (one BLAS
 * {@code asum} per upstream layer, asked only when a unit is called dead or opens, computed once per layer and
 * iteration).
 *
 * <p>Only the units asked for are read: one ND4J {@code pullRows} gathers their incoming weights (a unit's print
 * then costs its fan-in, not the whole of {@code W}), and the hash reads those values on the host. A hash of the bits,
 * not a sum, because the print is compared for equality: it must not depend on which other units were gathered with
 * it (a sum would, through the summation order of the kernel), and any change of any weight changes it (two different
 * weight vectors collide with probability about 2^-52). The prints are taken only in the iterations where a unit is
 * called dead or a dead unit opens, so the host read is small and rare (the CUDA path is the same).
 *
 * <p>Used by dl4j-deadrelu internals, and should not be called by external code.
 */
final class UnitPrints {
    /** Values per unit: weight hash, bias. */
    static final int WIDTH = 2;

    private UnitPrints() {
    }

    /**
     * The incoming-weight fingerprints of some units.
     *
     * @param model the model whose parameters to read
     * @param spec  the monitored layer
     * @param units the layer's unit count
     * @param dead  the units to fingerprint, non-empty
     * @return {@link #WIDTH} values per unit in the order of {@code dead}, or null when the owner's weights are not
     *         known (no single owner, a layout that is not one unit per slice, a unit count that does not match)
     */
    static double[] incoming(Model model, LayerSpec spec, int units, int[] dead) {
        if (spec.ownerName() == null || dead.length == 0) {
            return null;
        }
        Layer owner = ActivationCounter.layerOf(model, spec.ownerName(), spec.ownerMlnIndex());
        if (owner == null || owner.conf() == null || !owner.paramTable().containsKey("W")) {
            return null;
        }
        INDArray w = owner.getParam("W");
        int in = UnitLayouts.inputAxis(NetworkInspector.unwrap(owner.conf().getLayer()));
        int axis = w.rank() == 2 ? (in == 0 ? 1 : in == 1 ? 0 : -1) : (in == 1 ? 0 : in == 0 ? 1 : -1);
        if (axis < 0 || w.size(axis) != units) {
            return null;
        }
        double[] rows;
        int fanIn = (int) (w.length() / units);
        try (MemoryWorkspace ignored = Nd4j.getWorkspaceManager().scopeOutOfWorkspaces()) {
            rows = unitRows(w, axis, units, fanIn, dead).toDoubleVector();
        }
        INDArray b = owner.paramTable().get("b");
        // The bias read once in bulk (a getDouble per dead unit costs a bounds check and a view lookup each).
        double[] bias = b != null && b.length() == units ? b.toDoubleVector() : null;
        double[] out = new double[dead.length * WIDTH];
        for (int i = 0; i < dead.length; i++) {   // one hash per dead unit over its fan-in
            out[i * WIDTH] = hash(rows, i * fanIn, (i + 1) * fanIn);
            out[i * WIDTH + 1] = bias != null ? bias[dead[i]] : 0;
        }
        return out;
    }

    /**
     * The incoming weights of some units, one unit after the other ({@code fanIn} values each, in the order of the
     * owner's memory for that unit), flat: one {@code pullRows} of the unit's slices, no copy of the rest of W.
     */
    private static INDArray unitRows(INDArray w, int axis, int units, int fanIn, int[] pick) {
        if (w.rank() == 2 && axis == 1) {
            // a unit's slice is a column of [fanIn, units]: pullRows along 0 gives [fanIn, k]; 'f' keeps each
            // column contiguous, so the flat 'f' view runs unit after unit
            return Nd4j.pullRows(w, 0, pick, 'f').reshape('f', new long[]{(long) pick.length * fanIn});
        }
        INDArray m;
        if (w.rank() == 2) {
            m = w;
        } else {
            // unit axis first (a free view when it already is and W is contiguous; a copy otherwise)
            int[] perm = new int[w.rank()];
            perm[0] = axis;
            for (int d = 0, k = 1; d < w.rank(); d++) {
                if (d != axis) {
                    perm[k++] = d;
                }
            }
            m = (axis == 0 ? w : w.permute(perm)).reshape('c', new long[]{units, fanIn});
        }
        // a unit's slice is a row of [units, fanIn]: pullRows along 1 gives [k, fanIn], row after row
        return Nd4j.pullRows(m, 1, pick, 'c').reshape('c', new long[]{(long) pick.length * fanIn});
    }

    /**
     * A 52-bit hash of the exact bits of {@code v[from, to)} (as a double holding an integer below 2^52, so it is
     * finite and compares exactly): any change of any value, even from 0.0 to -0.0, changes it but for collisions.
     * Package-private for tests.
     */
    static double hash(double[] v, int from, int to) {
        long h = 0x9E3779B97F4A7C15L ^ (to - from);
        for (int i = from; i < to; i++) {
            h ^= Double.doubleToRawLongBits(v[i]);
            h *= 0xBF58476D1CE4E5B9L;
            h ^= h >>> 31;
        }
        h *= 0x94D049BB133111EBL;
        h ^= h >>> 29;
        return (double) (h >>> 12);
    }

    /**
     * The fingerprint of the trainable parameters upstream of a layer's incoming weights.
     *
     * @param model the model
     * @param spec  the monitored layer
     * @param sums  each upstream layer's sum of parameter magnitudes, computed once per iteration (the caller clears it)
     * @return one sum of magnitudes per upstream trainable layer, network order (empty when there is none)
     */
    static double[] upstream(Model model, LayerSpec spec, Map<Layer, Double> sums) {
        List<Layer> up = ModelTopology.of(model).trainableUpstream(spec.index(), spec.ownerName());
        double[] out = new double[up.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = sums.computeIfAbsent(up.get(i), l -> {
                INDArray p = l.params();
                // One BLAS asum (ND4J's sumNumber costs about ten times as much on 800k parameters).
                return p == null || p.isEmpty() ? 0.0 : GateCounter.absSum(p);
            });
        }
        return out;
    }
}
