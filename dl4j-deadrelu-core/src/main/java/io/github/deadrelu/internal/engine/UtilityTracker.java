/*
 * SPDX-License-Identifier: Apache-2.0
 */
package io.github.deadrelu.internal.engine;

import java.io.Serializable;
import io.github.deadrelu.internal.DormancyScores;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.function.IntPredicate;
import org.nd4j.common.base.Preconditions;

/**
 * Continual Backprop's running contribution utility and fractional replacement (Dohare et al., "Loss of plasticity
 * in deep continual learning", Nature 632, 2024, Methods Eq. 1; {@code cbp_linear} in shibhansh/loss-of-plasticity),
 * per gated layer:
 * <pre>
 * every step:  u_j   = decay * u_j + (1 - decay) * mean|a_j| * sum_k |w_out[j, k]|      (decay 0.99)
 *              acc  += rho * (number of mature units)
 * at a check:  n     = floor(acc); acc -= n
 *              replace the n mature units of lowest u_j (ties: lowest index), at most the policy's cap
 * replaced:    u_j   = 0 (its age restarts in the DeadUnitTracker)
 * </pre>
 * Maturity is the re-initialiser's own (iterations since monitoring started or since the unit's last
 * re-initialisation, at least {@code ReinitPolicy.maturity()}; cbp_linear counts {@code age > maturity}), passed in
 * as the count and the predicate, so one definition of age serves every selection. A step whose layer had
 * non-finite activations (no mean |a|) leaves that layer's utilities and accumulator unchanged. No bias correction
 * (the DESIGN formula; gnt.py divides by {@code 1 - decay^age}, cbp_linear does not). O(units) per layer.
 *
 * <p>Not thread-safe: the engine serialises calls.
 *
 * <p>Used by dl4j-deadrelu internals, and should not be called by external code.
 */
public final class UtilityTracker implements Serializable {
    private static final long serialVersionUID = 1L;

    /** Continual Backprop's utility decay, "0.99 in all experiments". */
    public static final double DECAY = 0.99;

    private static final class State implements Serializable {
        private static final long serialVersionUID = 1L;
        final double[] utility;
        double accumulated;

        State(int units) {
            utility = new double[units];
        }
    }

    /** The running average's decay (Continual Backprop's 0.99). */
    private final double decay;
    /** Units replaced per mature unit per step; 0 for a track-only tracker. */
    private final double replacementRate;
    /** Each layer's utility state, by layer key. */
    private final Map<String, State> layers = new HashMap<>();

    /**
     * Creates a tracker.
     *
     * @param decay           the running-average decay, in [0, 1)
     * @param replacementRate units replaced per mature unit per step, in (0, 1)
     * @throws IllegalArgumentException when a value is out of range
     */
    public UtilityTracker(double decay, double replacementRate) {
        Preconditions.checkArgument(decay >= 0 && decay < 1, "decay must be in [0, 1), got: %s", decay);
        Preconditions.checkArgument(replacementRate > 0 && replacementRate < 1,
                "replacementRate must be in (0, 1), got: %s", replacementRate);
        this.decay = decay;
        this.replacementRate = replacementRate;
    }

    /**
     * Creates a tracker that only tracks the utility (for {@code LayerGates.utilityScores()} without a
     * {@code LOW_UTILITY} policy): its accumulator never grows, so {@link #select} never returns a unit.
     *
     * @param decay the running-average decay, in [0, 1)
     * @throws IllegalArgumentException when {@code decay} is not in [0, 1)
     */
    public UtilityTracker(double decay) {
        Preconditions.checkArgument(decay >= 0 && decay < 1, "decay must be in [0, 1), got: %s", decay);
        this.decay = decay;
        this.replacementRate = 0;
    }

    /**
     * Consumes one step of a layer.
     *
     * @param layer       the layer name
     * @param meanAbs     per unit, mean |a| over the mini-batch's finite, unmasked, kept entries; empty when the
     *                    layer had non-finite entries (then nothing changes)
     * @param outgoingAbs per unit, {@code sum_k |w_out[j, k]|} ({@code io.github.deadrelu.internal.OutgoingSums})
     * @param mature      the number of mature units of the layer at this step
     * @throws IllegalArgumentException when the lengths differ from each other or from earlier steps, or
     *                                  {@code mature} is not in [0, units]
     */
    public void update(String layer, double[] meanAbs, double[] outgoingAbs, int mature) {
        Objects.requireNonNull(layer, "layer");
        Objects.requireNonNull(meanAbs, "meanAbs");
        Objects.requireNonNull(outgoingAbs, "outgoingAbs");
        if (meanAbs.length == 0) {
            return;
        }
        Preconditions.checkArgument(meanAbs.length == outgoingAbs.length,
                "meanAbs and outgoingAbs must have equal lengths, got: %s and %s", meanAbs.length,
                outgoingAbs.length);
        State s = layers.computeIfAbsent(layer, k -> new State(meanAbs.length));
        Preconditions.checkArgument(s.utility.length == meanAbs.length, "layer %s must have %s units, got: %s",
                layer, s.utility.length, meanAbs.length);
        Preconditions.checkArgument(mature >= 0 && mature <= meanAbs.length, "mature must be in [0, %s], got: %s",
                meanAbs.length, mature);
        for (int u = 0; u < s.utility.length; u++) {
            s.utility[u] = decay * s.utility[u] + (1 - decay) * meanAbs[u] * outgoingAbs[u];
        }
        s.accumulated += replacementRate * mature;
    }

    /**
     * The units to replace now, consuming {@code floor(accumulated)} of the layer's accumulator (also when fewer
     * units are mature or the cap is lower: like cbp_linear, the count is spent when it is due).
     *
     * @param layer  the layer name
     * @param mature which units are mature
     * @param cap    the most units to take (the policy's {@code maxUnits}), >= 0
     * @return the units, ascending by index; empty when none is due or the layer is unknown
     */
    public int[] select(String layer, IntPredicate mature, int cap) {
        State s = layers.get(layer);
        if (s == null || s.accumulated < 1) {
            return new int[0];
        }
        int due = (int) Math.floor(s.accumulated);
        s.accumulated -= due;
        return DormancyScores.lowest(s.utility, Double.POSITIVE_INFINITY, mature, Math.min(due, cap));
    }

    /**
     * Records that units were re-initialised: their utility restarts at 0.
     *
     * @param layer the layer name
     * @param units the units
     */
    public void markReplaced(String layer, int[] units) {
        State s = layers.get(layer);
        if (s == null) {
            return;
        }
        for (int u : units) {
            if (u >= 0 && u < s.utility.length) {
                s.utility[u] = 0;
            }
        }
    }

    /**
     * @param layer the layer name
     * @return the utilities (a copy), or an empty array for an unknown layer
     */
    public double[] utilities(String layer) {
        State s = layers.get(layer);
        return s == null ? new double[0] : s.utility.clone();
    }

    /**
     * The utilities of a layer divided by the layer's mean utility, the normalisation of the dormancy and gradient
     * scores ({@code u_j / ((1/U) sum_k u_k)}; all 0 when that mean is 0), as {@code LayerGates.utilityScores()}
     * reports them.
     *
     * @param layer the layer name
     * @return the normalised utilities (a new array), or an empty array for an unknown layer
     */
    public double[] scores(String layer) {
        State s = layers.get(layer);
        return s == null ? new double[0] : DormancyScores.normalised(s.utility.clone());
    }

    /**
     * @param layer the layer name
     * @return the fractional replacement count carried over (0 for an unknown layer)
     */
    public double accumulated(String layer) {
        State s = layers.get(layer);
        return s == null ? 0 : s.accumulated;
    }

    /**
     * The units whose utility is among the lowest {@code share} of the layer (for reporting a low-utility share).
     *
     * @param layer the layer name
     * @param share the share, in [0, 1]
     * @return {@code floor(share * units)} units of lowest utility, ascending by index
     * @throws IllegalArgumentException when {@code share} is not in [0, 1]
     */
    public int[] lowest(String layer, double share) {
        Preconditions.checkArgument(share >= 0 && share <= 1, "share must be in [0, 1], got: %s", share);
        State s = layers.get(layer);
        if (s == null) {
            return new int[0];
        }
        return DormancyScores.lowest(s.utility, Double.POSITIVE_INFINITY, u -> true,
                (int) Math.floor(share * s.utility.length + 1e-9));
    }
}
