/*
 * SPDX-License-Identifier: Apache-2.0
 */
package io.github.deadrelu.internal.engine;

import io.github.deadrelu.internal.DormancyScores;
import io.github.deadrelu.internal.UnitCounts;
import io.github.deadrelu.stats.LayerGates;
import java.io.Serializable;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.OptionalDouble;
import java.util.function.Supplier;
import org.nd4j.common.base.Preconditions;

/**
 * Tracks dead units from merged per-batch counts: the only stateful part of the pipeline, O(units) per layer.
 *
 * <p>A unit's dead streak grows by the mini-batch's example count when it is batch-dead, resets to 0 when it has an
 * open entry, and is left unchanged when its entries are all masked or any is non-finite (a non-finite entry neither
 * starts nor extends a streak). A unit is dead while its streak is at least {@code deadAfterExamples} (or, with a
 * calibrated threshold, at least its own threshold). A dead unit
 * that opens again is <em>revived</em> when something feeding it changed since it was called dead, else
 * <em>reopened</em> (the dead call was premature): always in a layer that is not recoverable, and in a recoverable
 * layer when neither its incoming weights and bias ({@link #observe}: a fingerprint per dead unit when it is called
 * dead, and again before the counts in which it opens are consumed, or after every update where no such forward-pass
 * print is taken) nor the trainable parameters upstream (a fingerprint taken when it was called dead and when it opens) changed. One
 * the library re-drew is <em>re-initialised</em> (its streak restarts and it is counted as neither).
 *
 * <p>Not thread-safe: the caller serialises access. Used by dl4j-deadrelu internals, and should not be called by
 * external code.
 *
 * <p>Why over 400 lines: one state machine per unit (streak, dead call, the revived/reopened verdict with its
 * fingerprints, re-initialised, calibrated thresholds) and the views the snapshot reads; split, one unit's state would
 * be spread over several classes that must change together.
 */
public final class DeadUnitTracker implements Serializable {
    private static final long serialVersionUID = 1L;

    /** Consecutive batch-dead examples after which a unit is dead. */
    private final long deadAfterExamples;
    /** SNR's largest calibrated threshold in examples, or 0 for the fixed {@link #deadAfterExamples}. */
    private final long calibratedMax;
    /** Per-layer state, in the order the layers were first seen. */
    private final Map<String, State> layers = new LinkedHashMap<>();

    /** Per-layer state. */
    private static final class State implements Serializable {
        private static final long serialVersionUID = 1L;
        final long[] streak;
        final boolean[] dead;
        final long[] bornAt;
        int newlyDead;
        int revived;
        int reopened;
        int reinitialized;
        long totalRevived;
        long totalReopened;
        /** Per dead unit: whether its incoming-weight fingerprint is still to be taken (called dead this update). */
        final boolean[] unprinted;
        /** Per dead unit: whether its incoming weights or bias changed since it was called dead. */
        final boolean[] moved;
        /** Per dead unit: its incoming-weight fingerprint at the dead call, {@code width} values; null until needed. */
        double[] prints;
        int width;
        /** Per dead unit: the upstream fingerprint at the dead call, null when unknown. */
        final double[][] upstream;
        long totalReinitialized;
        UnitCounts last;
        /** Each unit's own threshold (SNR), or null for the fixed one. */
        CalibratedThreshold calibrated;

        State(int units, long iteration) {
            streak = new long[units];
            dead = new boolean[units];
            bornAt = new long[units];
            Arrays.fill(bornAt, iteration);
            unprinted = new boolean[units];
            moved = new boolean[units];
            upstream = new double[units][];
        }
    }

    /**
     * Creates a tracker.
     *
     * @param deadAfterExamples consecutive batch-dead examples after which a unit is dead, >= 1
     * @throws IllegalArgumentException when {@code deadAfterExamples < 1}
     */
    public DeadUnitTracker(long deadAfterExamples) {
        this(deadAfterExamples, 0);
    }

    /**
     * Creates a tracker, with each unit's own dead threshold when {@code calibratedMax > 0}: SNR's
     * {@link CalibratedThreshold} (percentile {@value CalibratedThreshold#PERCENTILE}, expansion factor
     * {@value CalibratedThreshold#EXPANSION_FACTOR}) fed with the firings and the streaks they end, so the streak
     * stays the only age; {@code deadAfterExamples} is then not used.
     *
     * @param deadAfterExamples consecutive batch-dead examples after which a unit is dead, >= 1
     * @param calibratedMax     the largest calibrated threshold in examples, or 0 for the fixed threshold
     * @throws IllegalArgumentException when {@code deadAfterExamples < 1} or {@code calibratedMax < 0}
     */
    public DeadUnitTracker(long deadAfterExamples, long calibratedMax) {
        Preconditions.checkArgument(deadAfterExamples >= 1, "deadAfterExamples must be >= 1, got: %s",
                deadAfterExamples);
        Preconditions.checkArgument(calibratedMax >= 0, "calibratedMax must be >= 0, got: %s", calibratedMax);
        this.deadAfterExamples = deadAfterExamples;
        this.calibratedMax = calibratedMax;
    }

    /**
     * @param layer the layer key
     * @return each unit's calibrated dead threshold in examples (a copy), or null when the fixed threshold is used
     *         or the layer is unknown
     */
    public long[] calibratedThresholds(String layer) {
        State s = layers.get(layer);
        if (s == null || s.calibrated == null) {
            return null;
        }
        long[] t = new long[s.streak.length];
        for (int u = 0; u < t.length; u++) {
            t[u] = s.calibrated.threshold(u);
        }
        return t;
    }

    /** @return the streak length (in examples) after which a unit is dead */
    public long deadAfterExamples() {
        return deadAfterExamples;
    }

    /**
     * Consumes one iteration's (merged) counts of a layer, with nothing known about its weights: a dead unit that
     * opens again is revived.
     *
     * @param layer     the layer name
     * @param counts    its counts for the iteration
     * @param iteration the iteration
     * @throws IllegalArgumentException when the unit count changed since the last call
     */
    public void update(String layer, UnitCounts counts, long iteration) {
        update(layer, counts, iteration, true, () -> null);
    }

    /**
     * Consumes one iteration's (merged) counts of a layer.
     *
     * @param layer       the layer key
     * @param counts      its counts for the iteration
     * @param iteration   the iteration
     * @param recoverable whether the layer is recoverable; in a layer that is not, every dead unit that opens again is
     *                    reopened
     * @param upstream    the fingerprint of the trainable parameters upstream of the layer's incoming weights now
     *                    (asked only when a unit is called dead or opens again; null or a null result: unknown, i.e.
     *                    treated as changed)
     * @throws IllegalArgumentException when the unit count changed since the last call
     */
    public void update(String layer, UnitCounts counts, long iteration, boolean recoverable,
                       Supplier<double[]> upstream) {
        Objects.requireNonNull(layer, "layer");
        Objects.requireNonNull(counts, "counts");
        State s = layers.computeIfAbsent(layer, k -> new State(counts.units(), iteration));
        if (calibratedMax > 0 && s.calibrated == null) {
            s.calibrated = new CalibratedThreshold(CalibratedThreshold.PERCENTILE,
                    CalibratedThreshold.EXPANSION_FACTOR, calibratedMax);
        }
        CalibratedThreshold cal = s.calibrated;
        Preconditions.checkArgument(s.streak.length == counts.units(),
                "counts of layer %s must have %s units, got: %s", layer, s.streak.length, counts.units());
        s.newlyDead = 0;
        s.revived = 0;
        s.reopened = 0;
        s.reinitialized = 0;
        s.last = counts;
        long ex = counts.examples();
        double[] up = null;
        boolean upAsked = false;
        for (int u = 0; u < s.streak.length; u++) {
            if (counts.open(u) > 0) {
                if (s.dead[u]) {
                    boolean premature = !recoverable;
                    if (!premature && !s.moved[u] && !s.unprinted[u] && s.prints != null && s.upstream[u] != null) {
                        if (!upAsked) {
                            up = upstream == null ? null : upstream.get();
                            upAsked = true;
                        }
                        premature = up != null && Arrays.equals(up, s.upstream[u]);
                    }
                    if (premature) {
                        s.reopened++;
                        s.totalReopened++;
                    } else {
                        s.revived++;
                        s.totalRevived++;
                    }
                }
                if (cal != null) {
                    cal.fired(s.streak.length, u, s.streak[u], ex);
                }
                s.streak[u] = 0;
                s.dead[u] = false;
                s.upstream[u] = null;
            } else if (counts.batchDead(u)) {
                s.streak[u] += ex;
                if (!s.dead[u] && s.streak[u] >= (cal == null ? deadAfterExamples : cal.threshold(u))) {
                    s.dead[u] = true;
                    s.newlyDead++;
                    s.unprinted[u] = true;
                    s.moved[u] = false;
                    if (recoverable) {
                        if (!upAsked) {
                            up = upstream == null ? null : upstream.get();
                            upAsked = true;
                        }
                        s.upstream[u] = up;
                    }
                }
            }
            // else: all entries masked, or some non-finite: the streak is left as it is
        }
    }

    /**
     * Records the incoming-weight fingerprints of a layer's dead units after this iteration's parameter update (the
     * weights the next forward pass uses): the first one after a unit was called dead is kept, a later one that
     * differs marks the unit's incoming weights as moved.
     *
     * @param layer  the layer key
     * @param units  the dead units fingerprinted, as {@link #deadUnits} returned them
     * @param prints {@code width} values per unit, in the order of {@code units}
     * @param width  values per unit, >= 1
     * @throws IllegalArgumentException when the layer is unknown or the sizes do not match
     */
    public void observe(String layer, int[] units, double[] prints, int width) {
        State s = layers.get(layer);
        Preconditions.checkArgument(s != null, "layer must have been updated before, got: %s", layer);
        Preconditions.checkArgument(width >= 1 && prints.length == (long) units.length * width,
                "prints must have %s values per unit, got: %s for %s units", width, prints.length, units.length);
        if (s.prints == null || s.width != width) {
            s.prints = new double[s.streak.length * width];
            s.width = width;
            Arrays.fill(s.unprinted, true);
        }
        for (int i = 0; i < units.length; i++) {
            int u = units[i];
            if (!s.dead[u]) {
                continue;
            }
            if (s.unprinted[u]) {
                System.arraycopy(prints, i * width, s.prints, u * width, width);
                s.unprinted[u] = false;
            } else if (!Arrays.equals(prints, i * width, i * width + width, s.prints, u * width, u * width + width)) {
                s.moved[u] = true;
            }
        }
    }

    /**
     * Records that the library re-initialised some units of a layer in this iteration.
     *
     * @param layer     the layer name
     * @param units     the re-initialised units
     * @param iteration the iteration
     * @throws IllegalArgumentException when the layer is unknown or a unit is out of range
     */
    public void markReinitialized(String layer, int[] units, long iteration) {
        State s = layers.get(layer);
        Preconditions.checkArgument(s != null, "layer must have been updated before, got: %s", layer);
        for (int u : units) {
            Preconditions.checkArgument(u >= 0 && u < s.streak.length, "unit must be in [0, %s), got: %s",
                    s.streak.length, u);
        }
        for (int u : units) {
            s.streak[u] = 0;
            s.dead[u] = false;
            s.bornAt[u] = iteration;
            s.upstream[u] = null;
        }
        if (s.calibrated != null) {
            s.calibrated.markReinitialized(units);
        }
        s.reinitialized += units.length;
        s.totalReinitialized += units.length;
    }

    /**
     * The dead units whose incoming-weight fingerprint can still change what {@link #observe} records: not printed
     * yet, or printed and not moved since. A unit once marked moved stays moved until it opens (then its state is
     * reset), so printing it again would be wasted work: with Adam, whose moments keep moving a dead unit's weights,
     * almost every dead unit is moved within a few steps.
     *
     * @param layer the layer key
     * @return sorted unit indices (empty for an unknown layer)
     */
    public int[] unsettledDeadUnits(String layer) {
        State s = layers.get(layer);
        if (s == null) {
            return new int[0];
        }
        return select(s, u -> unsettled(s, u));
    }

    /**
     * The dead units not fingerprinted since they were called dead (in this iteration's update, as a rule): what
     * {@link #observe} still has to record for layers whose reopening is fingerprinted by
     * {@link #reopening(String, UnitCounts)} before the forward pass's counts are consumed.
     *
     * @param layer the layer key
     * @return sorted unit indices (empty for an unknown layer)
     */
    public int[] unprintedDeadUnits(String layer) {
        State s = layers.get(layer);
        if (s == null) {
            return new int[0];
        }
        return select(s, u -> s.dead[u] && (s.prints == null || s.unprinted[u]));
    }

    /**
     * The printed, not yet moved, dead units that are open in a forward pass's counts, before those counts are
     * consumed: fingerprinting them now reads the weights that produced that forward pass (the weights after the last
     * update), so {@link #observe} decides "moved" exactly for the units whose verdict the next {@link #update}
     * gives. Units already moved need no print (they are revived whatever it says).
     *
     * @param layer  the layer key
     * @param counts the forward pass's counts of the layer
     * @return sorted unit indices (empty for an unknown layer or a unit count that does not match)
     */
    public int[] reopening(String layer, UnitCounts counts) {
        State s = layers.get(layer);
        if (s == null || s.prints == null || counts.units() != s.dead.length) {
            return new int[0];
        }
        return select(s, u -> s.dead[u] && !s.unprinted[u] && !s.moved[u] && counts.open(u) > 0);
    }

    private static int[] select(State s, java.util.function.IntPredicate keep) {
        int n = 0;
        for (int u = 0; u < s.dead.length; u++) {
            if (keep.test(u)) {
                n++;
            }
        }
        int[] r = new int[n];
        int k = 0;
        for (int u = 0; u < s.dead.length && k < n; u++) {
            if (keep.test(u)) {
                r[k++] = u;
            }
        }
        return r;
    }

    private static boolean unsettled(State s, int u) {
        return s.dead[u] && (s.prints == null || s.unprinted[u] || !s.moved[u]);
    }

    /**
     * @param layer the layer name
     * @return sorted indices of the dead units of a layer (empty for an unknown layer)
     */
    public int[] deadUnits(String layer) {
        State s = layers.get(layer);
        if (s == null) {
            return new int[0];
        }
        int n = 0;
        for (boolean d : s.dead) {
            if (d) {
                n++;
            }
        }
        int[] r = new int[n];
        int k = 0;
        for (int u = 0; u < s.dead.length; u++) {
            if (s.dead[u]) {
                r[k++] = u;
            }
        }
        return r;
    }

    /**
     * @param layer     the layer name
     * @param unit      the unit
     * @param iteration the current iteration
     * @return iterations since the unit was born (first seen) or last re-initialised
     */
    public long age(String layer, int unit, long iteration) {
        State s = layers.get(layer);
        Preconditions.checkArgument(s != null, "layer must have been updated before, got: %s", layer);
        return iteration - s.bornAt[unit];
    }

    /**
     * @param layer the layer name
     * @return the current dead streak (in examples) of every unit (a copy), or null for an unknown layer
     */
    public long[] streaks(String layer) {
        State s = layers.get(layer);
        return s == null ? null : s.streak.clone();
    }

    /**
     * @param layer the layer name
     * @return dead units revived by training so far
     */
    public long totalRevived(String layer) {
        State s = layers.get(layer);
        return s == null ? 0 : s.totalRevived;
    }

    /**
     * @param layer the layer name
     * @return units called dead that reopened without anything feeding them changing, so far
     */
    public long totalReopened(String layer) {
        State s = layers.get(layer);
        return s == null ? 0 : s.totalReopened;
    }

    /**
     * @param layer the layer name
     * @return units re-initialised so far
     */
    public long totalReinitialized(String layer) {
        State s = layers.get(layer);
        return s == null ? 0 : s.totalReinitialized;
    }

    /**
     * @param layer the layer name
     * @return true when the tracker has seen counts of that layer
     */
    public boolean knows(String layer) {
        return layers.containsKey(layer);
    }

    /**
     * The public record of a layer after the latest update (and re-initialisation, if any), named by its key.
     *
     * @param layer                the layer name
     * @param index                the layer index to report
     * @param recoverable          whether the layer is recoverable
     * @param blockedGradientShare the blocked-gradient share, or empty
     * @return the record
     * @throws IllegalArgumentException for an unknown layer
     */
    public LayerGates gates(String layer, int index, boolean recoverable, OptionalDouble blockedGradientShare) {
        return gates(layer, layer, index, recoverable, blockedGradientShare);
    }

    /**
     * The public record of a layer after the latest update (and re-initialisation, if any).
     *
     * @param layer                the layer key
     * @param name                 the layer name to report
     * @param index                the layer index to report
     * @param recoverable          whether the layer is recoverable
     * @param blockedGradientShare the blocked-gradient share, or empty
     * @return the record
     * @throws IllegalArgumentException for an unknown layer
     */
    public LayerGates gates(String layer, String name, int index, boolean recoverable,
                            OptionalDouble blockedGradientShare) {
        return gates(layer, name, index, recoverable, blockedGradientShare, Double.NaN, new double[0]);
    }

    /**
     * ReDo's dormancy scores of a layer from its latest counts (the counts the snapshot reports).
     *
     * @param layer the layer key
     * @return s_j per unit; empty for an unknown layer, counts without sums of |a|, or a non-finite entry
     */
    public double[] dormancyScores(String layer) {
        State s = layers.get(layer);
        if (s == null || s.last == null || !s.last.hasAbsSums()) {
            return new double[0];
        }
        return DormancyScores.scores(s.last, s.last.absSums());
    }

    /**
     * The public record of a layer after the latest update (and re-initialisation, if any), with its scores.
     *
     * @param layer                the layer key
     * @param name                 the layer name to report
     * @param index                the layer index to report
     * @param recoverable          whether the layer is recoverable
     * @param blockedGradientShare the blocked-gradient share, or empty
     * @param dormancyThreshold    tau for the dormant set, or NaN for none
     * @param gradientScores       the layer's gradient scores, or empty
     * @return the record
     * @throws IllegalArgumentException for an unknown layer
     */
    public LayerGates gates(String layer, String name, int index, boolean recoverable,
                            OptionalDouble blockedGradientShare, double dormancyThreshold, double[] gradientScores) {
        State s = layers.get(layer);
        Preconditions.checkArgument(s != null, "layer must have been updated before, got: %s", layer);
        UnitCounts c = s.last;
        double[] fractions = new double[c.units()];
        for (int u = 0; u < fractions.length; u++) {
            fractions[u] = c.unitClosedFraction(u);
        }
        double[] scores = dormancyScores(layer);
        int[] dormant = Double.isNaN(dormancyThreshold) ? new int[0]
                : DormancyScores.dormant(scores, dormancyThreshold);
        return new LayerGates(name, index, c.units(), c.closedShare(), c.negativeShare(), deadUnits(layer),
                s.newlyDead, s.revived, s.reopened, s.reinitialized, c.totalNonFinite(), recoverable, blockedGradientShare,
                fractions, c.estimated(), scores, dormant,
                gradientScores.length == c.units() ? gradientScores : new double[0]);
    }
}
