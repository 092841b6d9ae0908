/*
 * SPDX-License-Identifier: Apache-2.0
 */
package io.github.deadrelu.internal;

import static io.github.deadrelu.internal.LayerKinds.ownsWeights;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.deeplearning4j.nn.conf.layers.BaseOutputLayer;
import org.deeplearning4j.nn.conf.layers.BatchNormalization;
import org.deeplearning4j.nn.conf.layers.FeedForwardLayer;
import org.deeplearning4j.nn.conf.preprocessor.FeedForwardToRnnPreProcessor;
import org.deeplearning4j.nn.conf.preprocessor.RnnToFeedForwardPreProcessor;

/**
 * Plans one layer of an event: checks the units, walks back from the gate to the layer owning the incoming weights
 * (through unit-preserving layers only), checks every layer the event would touch, then plans the outgoing zeroing
 * (first, so the incoming writes win where both touch one entry), the incoming re-draw and the BatchNormalization
 * reset. Writes only into its own {@link Writes}; throws {@link PlanResult.Refusal} for an unsupported network.
 *
 * <p>Used by dl4j-deadrelu internals, and should not be called by external code.
 */
final class LayerPlan {

    private LayerPlan() {
    }

    static void plan(ModelTopology topo, LayerSpec spec, int[] sortedUnits, int layerUnits, boolean zeroOutgoing,
                     Writes out) {
        int[] units = sortedUnits;
        for (int i = 0; i < units.length; i++) {
            if (units[i] < 0 || units[i] >= layerUnits) {
                throw PlanResult.refuse("unit must be in [0, " + layerUnits + ") for layer " + spec.name()
                        + ", got: " + units[i]);
            }
            if (i > 0 && units[i] == units[i - 1]) {
                throw PlanResult.refuse("units must be distinct for layer " + spec.name() + ", got: " + units[i]
                        + " twice");
            }
        }
        if (spec.frozen()) {
            throw PlanResult.refuse("layer " + spec.name() + " is frozen; frozen layers are never re-initialised");
        }
        ModelTopology.Node gate = topo.node(spec.name());
        List<ModelTopology.Node> between = new ArrayList<>();   // gate-side layers without weights, gate first
        ModelTopology.Node cur = gate;
        while (!ownsWeights(cur)) {
            if (!UnitLayouts.keepsUnits(cur.conf)) {
                throw PlanResult.refuse("layer " + cur.describe() + " between the weights and the gate of layer "
                        + spec.name() + " does not keep units apart; re-initialisation is not supported there");
            }
            checkIdentityPreprocessor(cur, "between the weights and the gate of layer " + spec.name());
            between.add(cur);
            if (cur.inputs.size() != 1 || !topo.node(cur.inputs.get(0)).isLayer()) {
                throw PlanResult.refuse("layer " + spec.name() + " has no single layer owning its incoming weights "
                        + "(its input comes from " + (cur.inputs.size() == 1
                        ? topo.node(cur.inputs.get(0)).describe() : cur.inputs.size() + " vertices")
                        + "); re-initialisation is not supported there");
            }
            cur = topo.node(cur.inputs.get(0));
        }
        ModelTopology.Node owner = cur;
        if (owner.conf instanceof FeedForwardLayer && ((FeedForwardLayer) owner.conf).getNOut() > 0
                && ((FeedForwardLayer) owner.conf).getNOut() != layerUnits) {
            throw PlanResult.refuse("units of layer " + owner.describe() + " must match the " + layerUnits
                    + " units of layer " + spec.name() + ", got: " + ((FeedForwardLayer) owner.conf).getNOut());
        }
        if (owner.networkOutput || owner.conf instanceof BaseOutputLayer) {
            throw PlanResult.refuse("layer " + owner.describe() + " is an output layer; output layers are never "
                    + "re-initialised");
        }
        if (owner.frozen()) {
            throw PlanResult.refuse("layer " + owner.describe() + " owning the incoming weights of layer "
                    + spec.name() + " is frozen; frozen layers are never re-initialised");
        }
        for (ModelTopology.Node n : between) {
            if (n.frozen() && n.conf instanceof BatchNormalization) {
                throw PlanResult.refuse("BatchNormalization " + n.name + " between the weights and the gate of "
                        + "layer " + spec.name() + " is frozen; it cannot be reset");
            }
        }
        if (zeroOutgoing) {
            // The pre-gate values must reach nothing but the gate, or re-drawing changes the function.
            List<ModelTopology.Node> chain = new ArrayList<>(between);
            chain.remove(gate);
            chain.add(owner);
            for (ModelTopology.Node n : chain) {
                if (n.consumers.size() != 1 || n.networkOutput) {
                    throw PlanResult.refuse("the output of layer " + n.describe() + " is also read by "
                            + n.consumers + " without passing the gate of layer " + spec.name() + "; zeroing "
                            + "outgoing weights cannot keep the function; use OutgoingWeights.KEEP");
                }
            }
            new OutgoingZeroing(topo, spec.name(), out).forward(gate,
                    new OutgoingZeroing.Positions(layerUnits, units.clone()), spec.layout());
        }
        IncomingDraw incoming = new IncomingDraw(spec.name(), units, layerUnits, zeroOutgoing, out);
        incoming.plan(owner);
        for (ModelTopology.Node n : between) {
            if (n.conf instanceof BatchNormalization) {
                incoming.planBatchNorm(n);
            }
        }
    }

    /** @return the units sorted (a copy) */
    static int[] sorted(int[] units) {
        int[] u = units.clone();
        Arrays.sort(u);
        return u;
    }

    private static void checkIdentityPreprocessor(ModelTopology.Node n, String where) {
        if (n.pre != null && !(n.pre instanceof RnnToFeedForwardPreProcessor)
                && !(n.pre instanceof FeedForwardToRnnPreProcessor)) {
            throw PlanResult.refuse("the preprocessor " + n.pre.getClass().getSimpleName() + " of " + n.describe()
                    + " " + where + " changes the unit layout; re-initialisation is not supported there");
        }
    }
}
