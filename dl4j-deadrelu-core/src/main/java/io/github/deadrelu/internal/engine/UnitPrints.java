/*
 * SPDX-License-Identifier: Apache-2.0
 */
package io.github.deadrelu.internal.engine;

import io.github.deadrelu.internal.ActivationCounter;
import io.github.deadrelu.internal.LayerSpec;
import io.github.deadrelu.internal.ModelTopology;
import io.github.deadrelu.internal.NetworkInspector;
import io.github.deadrelu.internal.UnitLayouts;
import java.util.List;
import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.api.Model;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.indexing.INDArrayIndex;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * Fingerprints of what feeds a unit, to tell a premature dead call (nothing changed, yet the unit opened: reopened)
 * from a revival by training (something changed): per dead unit the sum and the L2 norm of its incoming weights
 * (along the fan-in axes of the owner's {@code W}, unit axis from {@link UnitLayouts#inputAxis}) and its bias, from
 * two ND4J reductions over the dead units' slices only; and per layer the sum and sum of squares of every trainable
 * parameter upstream of the incoming weights (asked only when a unit is called dead or opens). No Java loop over weight
 * elements.
 *
 * <p>Used by dl4j-deadrelu internals, and should not be called by external code.
 */
final class UnitPrints {
    /** Values per unit: weight sum, weight L2 norm, bias. */
    static final int WIDTH = 3;

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
        INDArrayIndex[] at = new INDArrayIndex[w.rank()];
        for (int d = 0; d < at.length; d++) {
            at[d] = d == axis ? NDArrayIndex.indices(longs(dead)) : NDArrayIndex.all();
        }
        INDArray sel = w.get(at);
        if (sel.rank() != w.rank()) {   // one unit: the index may have dropped the axis
            long[] shape = w.shape().clone();
            shape[axis] = dead.length;
            sel = sel.reshape(shape);
        }
        int[] fanIn = new int[w.rank() - 1];
        for (int d = 0, k = 0; d < w.rank(); d++) {
            if (d != axis) {
                fanIn[k++] = d;
            }
        }
        double[] sum = sel.sum(fanIn).toDoubleVector();
        double[] norm = sel.norm2(fanIn).toDoubleVector();
        INDArray b = owner.paramTable().get("b");
        boolean hasBias = b != null && b.length() == units;
        double[] out = new double[dead.length * WIDTH];
        for (int i = 0; i < dead.length; i++) {   // one value per dead unit, not per weight
            out[i * WIDTH] = sum[i];
            out[i * WIDTH + 1] = norm[i];
            out[i * WIDTH + 2] = hasBias ? b.getDouble(dead[i]) : 0;
        }
        return out;
    }

    /**
     * The fingerprint of the trainable parameters upstream of a layer's incoming weights.
     *
     * @param model the model
     * @param spec  the monitored layer
     * @return {sum, sum of squares} over those parameters ({0, 0} when there are none)
     */
    static double[] upstream(Model model, LayerSpec spec) {
        List<Layer> up = ModelTopology.of(model).trainableUpstream(spec.index(), spec.ownerName());
        double sum = 0;
        double sq = 0;
        for (Layer l : up) {
            INDArray p = l.params();
            if (p != null && p.length() > 0) {
                sum += p.sumNumber().doubleValue();
                double n = p.norm2Number().doubleValue();
                sq += n * n;
            }
        }
        return new double[] {sum, sq};
    }

    private static long[] longs(int[] a) {
        long[] r = new long[a.length];
        for (int i = 0; i < a.length; i++) {
            r[i] = a[i];
        }
        return r;
    }
}
