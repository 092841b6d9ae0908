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
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Fingerprints of what feeds a unit, to tell a premature dead call (nothing changed, yet the unit opened: reopened)
 * from a revival by training (something changed): per dead unit the sum of its incoming weights
 * (along the fan-in axes of the owner's {@code W}, unit axis from {@link UnitLayouts#inputAxis}) and its bias, from
 * one matrix-vector product of {@code W} with ones ({@link GateCounter#unitSums}: every unit's sum, so a unit's
 * print does not depend on which other units are dead); and per layer the sum of the magnitudes of every trainable
 * parameter upstream of the incoming weights (one BLAS {@code asum} per upstream layer, asked only when a unit is
 * called dead or opens, computed once per layer and iteration). No Java loop over weight elements.
 *
 * <p>Used by dl4j-deadrelu internals, and should not be called by external code.
 */
final class UnitPrints {
    /** Values per unit: weight sum, bias. */
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
        // The sums of every unit (one matrix-vector product over W, no gather or copy of the dead units' slices: the
        // gather and ND4J's sum reduction cost about ten times as much), then the dead units' values picked out.
        double[] all = GateCounter.unitSums(w, axis);
        INDArray b = owner.paramTable().get("b");
        // The bias read once in bulk (a getDouble per dead unit costs a bounds check and a view lookup each).
        double[] bias = b != null && b.length() == units ? b.toDoubleVector() : null;
        double[] out = new double[dead.length * WIDTH];
        for (int i = 0; i < dead.length; i++) {   // one value per dead unit, not per weight
            out[i * WIDTH] = all[dead[i]];
            out[i * WIDTH + 1] = bias != null ? bias[dead[i]] : 0;
        }
        return out;
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
