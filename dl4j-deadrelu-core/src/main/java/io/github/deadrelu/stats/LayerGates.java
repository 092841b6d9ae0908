/*
 * SPDX-License-Identifier: Apache-2.0
 */
package io.github.deadrelu.stats;

import java.util.Arrays;
import java.util.Locale;
import java.util.Objects;
import java.util.OptionalDouble;
import org.nd4j.common.base.Preconditions;

/**
 * The gates of one monitored layer at one iteration (or, from {@link DeadReluAnalysis}, over a whole data set).
 *
 * <p>Vocabulary (see the project README): an <em>entry</em> is one activation value (example x unit x position or
 * time step; masked ones excluded); it is <em>closed</em> when its gate passes no gradient; a unit is <em>dead</em>
 * when it has been closed on every entry for at least {@code deadAfterExamples} consecutive training examples;
 * <em>revived</em> when a dead unit opened again by training; <em>reopened</em> when a unit called dead opened again
 * although nothing feeding it changed (the dead call was premature); <em>re-initialised</em> when the library re-drew its
 * incoming weights. Non-finite entries (NaN, infinity) are counted apart and are never closed.
 *
 * <p>Immutable: arrays are copied in and out.
 */
public final class LayerGates {
    private final String name;
    private final int index;
    private final int units;
    private final double closedShare;
    private final double negativeShare;
    private final int[] deadUnits;
    private final int newlyDead;
    private final int revived;
    private final int reopened;
    private final int reinitialized;
    private final long nonFinite;
    private final boolean recoverable;
    private final OptionalDouble blockedGradientShare;
    private final double[] unitClosedFractions;
    private final boolean estimated;
    private final double[] dormancyScores;
    private final int[] dormantUnits;
    private final double[] gradientScores;
    private final double[] utilityScores;

    /**
     * Creates the record with no reopened unit. Used by dl4j-deadrelu internals, and should not be called by external
     * code.
     *
     * @param name                 DL4J layer name
     * @param index                MLN layer index, or CG topological position
     * @param units                number of units
     * @param closedShare          closed entries / finite entries
     * @param negativeShare        negative entries / finite entries
     * @param deadUnits            indices of dead units (copied, then sorted)
     * @param newlyDead            units that became dead in this iteration
     * @param revived              dead units that opened again by training in this iteration
     * @param reinitialized        units re-initialised in this iteration
     * @param nonFinite            non-finite entries
     * @param recoverable          whether trainable parameters exist upstream of the incoming weights
     * @param blockedGradientShare share of |dL/da| blocked by closed gates (GateMonitorLayer only), or empty
     * @param unitClosedFractions  per-unit closed / finite entries (copied)
     * @param estimated            whether the closed counts are an estimate (dropout or noise downstream)
     * @throws IllegalArgumentException when a value is out of range
     */
    public LayerGates(String name, int index, int units, double closedShare, double negativeShare, int[] deadUnits,
                      int newlyDead, int revived, int reinitialized, long nonFinite, boolean recoverable,
                      OptionalDouble blockedGradientShare, double[] unitClosedFractions, boolean estimated) {
        this(name, index, units, closedShare, negativeShare, deadUnits, newlyDead, revived, 0, reinitialized,
                nonFinite, recoverable, blockedGradientShare, unitClosedFractions, estimated);
    }

    /**
     * Creates the record. Used by dl4j-deadrelu internals, and should not be called by external code.
     *
     * @param name                 DL4J layer name
     * @param index                MLN layer index, or CG topological position
     * @param units                number of units
     * @param closedShare          closed entries / finite entries
     * @param negativeShare        negative entries / finite entries
     * @param deadUnits            indices of dead units (copied, then sorted)
     * @param newlyDead            units that became dead in this iteration
     * @param revived              dead units that opened again by training in this iteration
     * @param reopened             units called dead that opened again although nothing feeding them changed (or in
     *                             a layer that is not recoverable) in this iteration: premature dead calls
     * @param reinitialized        units re-initialised in this iteration
     * @param nonFinite            non-finite entries
     * @param recoverable          whether trainable parameters exist upstream of the incoming weights
     * @param blockedGradientShare share of |dL/da| blocked by closed gates (GateMonitorLayer only), or empty
     * @param unitClosedFractions  per-unit closed / finite entries (copied)
     * @param estimated            whether the closed counts are an estimate (dropout or noise downstream)
     * @throws IllegalArgumentException when a value is out of range
     */
    public LayerGates(String name, int index, int units, double closedShare, double negativeShare, int[] deadUnits,
                      int newlyDead, int revived, int reopened, int reinitialized, long nonFinite,
                      boolean recoverable, OptionalDouble blockedGradientShare, double[] unitClosedFractions,
                      boolean estimated) {
        this(name, index, units, closedShare, negativeShare, deadUnits, newlyDead, revived, reopened, reinitialized,
                nonFinite, recoverable, blockedGradientShare, unitClosedFractions, estimated, new double[0],
                new int[0], new double[0]);
    }

    /**
     * Creates the record with dormancy and gradient scores. Used by dl4j-deadrelu internals, and should not be
     * called by external code.
     *
     * @param name                 DL4J layer name
     * @param index                MLN layer index, or CG topological position
     * @param units                number of units
     * @param closedShare          closed entries / finite entries
     * @param negativeShare        negative entries / finite entries
     * @param deadUnits            indices of dead units (copied, then sorted)
     * @param newlyDead            units that became dead in this iteration
     * @param revived              dead units that opened again by training in this iteration
     * @param reopened             premature dead calls in this iteration
     * @param reinitialized        units re-initialised in this iteration
     * @param nonFinite            non-finite entries
     * @param recoverable          whether trainable parameters exist upstream of the incoming weights
     * @param blockedGradientShare share of |dL/da| blocked by closed gates (GateMonitorLayer only), or empty
     * @param unitClosedFractions  per-unit closed / finite entries (copied)
     * @param estimated            whether the closed counts are an estimate (dropout or noise downstream)
     * @param dormancyScores       ReDo's s_j per unit, or empty (copied)
     * @param dormantUnits         the units with s_j at most the dormancy threshold (copied, then sorted)
     * @param gradientScores       GraMa's g_j per unit, or empty (copied)
     * @throws IllegalArgumentException when a value is out of range
     */
    public LayerGates(String name, int index, int units, double closedShare, double negativeShare, int[] deadUnits,
                      int newlyDead, int revived, int reopened, int reinitialized, long nonFinite,
                      boolean recoverable, OptionalDouble blockedGradientShare, double[] unitClosedFractions,
                      boolean estimated, double[] dormancyScores, int[] dormantUnits, double[] gradientScores) {
        this.dormancyScores = Objects.requireNonNull(dormancyScores, "dormancyScores").clone();
        this.dormantUnits = Objects.requireNonNull(dormantUnits, "dormantUnits").clone();
        Arrays.sort(this.dormantUnits);
        this.gradientScores = Objects.requireNonNull(gradientScores, "gradientScores").clone();
        this.utilityScores = new double[0];
        Preconditions.checkArgument(this.dormancyScores.length == 0 || this.dormancyScores.length == units,
                "dormancyScores must be empty or have %s entries, got: %s", units, this.dormancyScores.length);
        Preconditions.checkArgument(this.gradientScores.length == 0 || this.gradientScores.length == units,
                "gradientScores must be empty or have %s entries, got: %s", units, this.gradientScores.length);
        Preconditions.checkArgument(reopened >= 0, "reopened must be >= 0, got: %s", reopened);
        this.name = Objects.requireNonNull(name, "name");
        Preconditions.checkArgument(units >= 0, "units must be >= 0, got: %s", units);
        Preconditions.checkArgument(closedShare >= 0 && closedShare <= 1, "closedShare must be in [0, 1], got: %s",
                closedShare);
        Preconditions.checkArgument(negativeShare >= 0 && negativeShare <= 1,
                "negativeShare must be in [0, 1], got: %s", negativeShare);
        this.index = index;
        this.units = units;
        this.closedShare = closedShare;
        this.negativeShare = negativeShare;
        this.deadUnits = Objects.requireNonNull(deadUnits, "deadUnits").clone();
        Arrays.sort(this.deadUnits);
        Preconditions.checkArgument(this.deadUnits.length <= units, "deadUnits must have at most %s entries, got: %s",
                units, this.deadUnits.length);
        this.newlyDead = newlyDead;
        this.revived = revived;
        this.reopened = reopened;
        this.reinitialized = reinitialized;
        this.nonFinite = nonFinite;
        this.recoverable = recoverable;
        this.blockedGradientShare = Objects.requireNonNull(blockedGradientShare, "blockedGradientShare");
        this.unitClosedFractions = Objects.requireNonNull(unitClosedFractions, "unitClosedFractions").clone();
        this.estimated = estimated;
    }

    /** A copy of {@code g} with other utility scores (validated by {@link #withUtilityScores}). */
    private LayerGates(LayerGates g, double[] utilityScores) {
        this.name = g.name;
        this.index = g.index;
        this.units = g.units;
        this.closedShare = g.closedShare;
        this.negativeShare = g.negativeShare;
        this.deadUnits = g.deadUnits;
        this.newlyDead = g.newlyDead;
        this.revived = g.revived;
        this.reopened = g.reopened;
        this.reinitialized = g.reinitialized;
        this.nonFinite = g.nonFinite;
        this.recoverable = g.recoverable;
        this.blockedGradientShare = g.blockedGradientShare;
        this.unitClosedFractions = g.unitClosedFractions;
        this.estimated = g.estimated;
        this.dormancyScores = g.dormancyScores;
        this.dormantUnits = g.dormantUnits;
        this.gradientScores = g.gradientScores;
        this.utilityScores = utilityScores;
    }

    /**
     * This record with Continual Backprop's utility scores. Used by dl4j-deadrelu internals, and should not be called
     * by external code.
     *
     * @param utilityScores the normalised utility per unit, or empty (copied)
     * @return a copy of this record that differs only in {@link #utilityScores()}
     * @throws IllegalArgumentException when {@code utilityScores} is neither empty nor one entry per unit
     */
    public LayerGates withUtilityScores(double[] utilityScores) {
        double[] u = Objects.requireNonNull(utilityScores, "utilityScores").clone();
        Preconditions.checkArgument(u.length == 0 || u.length == units,
                "utilityScores must be empty or have %s entries, got: %s", units, u.length);
        return new LayerGates(this, u);
    }

    /** @return the DL4J layer name: the CG vertex name, or the MLN configured name (DL4J default "layer&lt;i&gt;") */
    public String name() {
        return name;
    }

    /** @return the MLN layer index, or the position of the vertex in the CG topological order */
    public int index() {
        return index;
    }

    /** @return the number of units (dense outputs, convolution channels, recurrent channels) */
    public int units() {
        return units;
    }

    /** @return closed entries / finite entries in the latest mini-batch, corrected for dropout and masks */
    public double closedShare() {
        return closedShare;
    }

    /** @return negative entries / finite entries in the latest mini-batch (for any activation) */
    public double negativeShare() {
        return negativeShare;
    }

    /** @return sorted indices of the units that are dead now (a copy) */
    public int[] deadUnits() {
        return deadUnits.clone();
    }

    /** @return dead units / units (0 for a layer with no unit) */
    public double deadFraction() {
        return units == 0 ? 0.0 : (double) deadUnits.length / units;
    }

    /** @return units that became dead in the latest iteration */
    public int newlyDead() {
        return newlyDead;
    }

    /** @return dead units that opened again by training (not by re-initialisation) in the latest iteration */
    public int revived() {
        return revived;
    }

    /**
     * Units called dead that opened again in the latest iteration although the dead call was premature: the layer is
     * not recoverable (nothing upstream is trainable, so a unit that was really dead could not open by training), or
     * neither the unit's incoming weights and bias nor any trainable parameter upstream changed since it was called
     * dead. Never counted in {@link #revived()}.
     *
     * @return the reopened units in the latest iteration
     */
    public int reopened() {
        return reopened;
    }

    /** @return units whose incoming weights were re-initialised in the latest iteration */
    public int reinitialized() {
        return reinitialized;
    }

    /** @return NaN or infinite entries in the latest mini-batch */
    public long nonFinite() {
        return nonFinite;
    }

    /**
     * Whether a dead unit of this layer can come back by training: false when no trainable parameter lies upstream of
     * its incoming weights (the first hidden layer of an MLP), so only re-initialisation revives it.
     *
     * @return true when recoverable
     */
    public boolean recoverable() {
        return recoverable;
    }

    /**
     * The share of the incoming gradient |dL/da| that closed gates blocked in the latest backward pass.
     *
     * @return the share, present only for a {@code GateMonitorLayer}
     */
    public OptionalDouble blockedGradientShare() {
        return blockedGradientShare;
    }

    /** @return per-unit closed / finite entries in the latest mini-batch (a copy) */
    public double[] unitClosedFractions() {
        return unitClosedFractions.clone();
    }

    /**
     * Whether the closed counts are an estimate: true when dropout (or a noise layer) downstream rewrote the
     * activation array in place before the listener saw it; a {@code GateMonitorLayer} is exact.
     *
     * @return true when estimated
     */
    public boolean estimated() {
        return estimated;
    }

    /**
     * ReDo's dormancy score of every unit in the latest mini-batch: s_j = m_j / ((1/U) sum_k m_k), with m_j the mean
     * |a_j| over the unit's finite, unmasked, dropout-kept entries (convolutions: over batch and spatial axes).
     * Computed for every monitored layer whether or not a dormancy threshold is set; all 0 when the layer's mean is 0.
     *
     * @return s_j per unit (a copy); empty when the mini-batch held a non-finite entry of the layer
     */
    public double[] dormancyScores() {
        return dormancyScores.clone();
    }

    /**
     * The tau-dormant units: those with {@code s_j <= tau} for the listener's {@code dormancyThreshold(tau)}.
     *
     * @return the sorted units (a copy); empty when no threshold is set or the scores are empty
     */
    public int[] dormantUnits() {
        return dormantUnits.clone();
    }

    /**
     * GraMa's gradient score of every unit in the latest backward pass: G_j = mean |dL/dW| over the unit's incoming
     * weights and bias (before the updater), divided by the layer's mean of those; a unit whose gate blocked every
     * entry scores exactly 0.
     *
     * @return g_j per unit (a copy); empty when gradient scores are off, not measurable for the layer, or not finite
     */
    public double[] gradientScores() {
        return gradientScores.clone();
    }

    /**
     * Continual Backprop's contribution utility of every unit (Dohare et al., Nature 2024, Eq. 1), divided by the
     * layer's mean utility like the dormancy and gradient scores: the running average
     * <pre>
     * u_j = 0.99 u_j + 0.01 * mean|a_j| * sum_k |w_out[j, k]|
     * </pre>
     * updated every iteration from the mini-batch's mean |a_j| (the dormancy scores' m_j) and the unit's outgoing
     * weights in every consumer layer (through flattening and merges); a re-initialised unit restarts at 0. The score
     * is {@code u_j / ((1/U) sum_k u_k)}, all 0 when that mean is 0.
     *
     * @return the normalised utility per unit (a copy); empty when the utility is not tracked (neither
     *         {@code DeadReluListener.Builder.utilityScores(true)} nor a {@code LOW_UTILITY} policy), for a frozen
     *         layer, and for a layer whose outgoing weights cannot be mapped to its units
     */
    public double[] utilityScores() {
        return utilityScores.clone();
    }

    @Override
    public boolean equals(Object o) {
        return this == o || o instanceof LayerGates g
                && index == g.index && units == g.units && Double.compare(closedShare, g.closedShare) == 0
                && Double.compare(negativeShare, g.negativeShare) == 0 && newlyDead == g.newlyDead
                && revived == g.revived && reopened == g.reopened && reinitialized == g.reinitialized && nonFinite == g.nonFinite
                && recoverable == g.recoverable && estimated == g.estimated && name.equals(g.name)
                && Arrays.equals(deadUnits, g.deadUnits) && blockedGradientShare.equals(g.blockedGradientShare)
                && Arrays.equals(unitClosedFractions, g.unitClosedFractions)
                && Arrays.equals(dormancyScores, g.dormancyScores) && Arrays.equals(dormantUnits, g.dormantUnits)
                && Arrays.equals(gradientScores, g.gradientScores) && Arrays.equals(utilityScores, g.utilityScores);
    }

    @Override
    public int hashCode() {
        return Objects.hash(name, index, units, closedShare, Arrays.hashCode(deadUnits), reinitialized, nonFinite);
    }

    @Override
    public String toString() {
        return String.format(Locale.ROOT,
                "LayerGates(name=%s, index=%d, units=%d, closedShare=%.4f, negativeShare=%.4f, dead=%d, "
                        + "newlyDead=%d, revived=%d, reopened=%d, reinitialized=%d, nonFinite=%d, recoverable=%s%s%s)",
                name, index, units, closedShare, negativeShare, deadUnits.length, newlyDead, revived, reopened,
                reinitialized,
                nonFinite, recoverable, blockedGradientShare.isPresent()
                        ? String.format(Locale.ROOT, ", blockedGradientShare=%.4f", blockedGradientShare.getAsDouble())
                        : "", estimated ? ", estimated" : "");
    }
}
