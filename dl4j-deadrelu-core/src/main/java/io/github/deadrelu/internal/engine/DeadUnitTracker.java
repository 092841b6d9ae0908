/*
 * SPDX-License-Identifier: Apache-2.0
 */
package io.github.deadrelu.internal.engine;

import io.github.deadrelu.internal.UnitCounts;
import io.github.deadrelu.stats.LayerGates;
import java.io.Serializable;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.OptionalDouble;
import org.nd4j.common.base.Preconditions;

/**
 * Tracks dead units from merged per-batch counts: the only stateful part of the pipeline, O(units) per layer.
 *
 * <p>A unit's dead streak grows by the mini-batch's example count when it is batch-dead, resets to 0 when it has an
 * open entry, and is left unchanged when its entries are all masked or any is non-finite (a non-finite entry neither
 * starts nor extends a streak). A unit is dead while its streak is at least {@code deadAfterExamples}. A dead unit
 * that opens again is <em>revived</em>; one the library re-drew is <em>re-initialised</em> (its streak restarts and it
 * is not counted as revived).
 *
 * <p>Not thread-safe: the caller serialises access. Used by dl4j-deadrelu internals, and should not be called by
 * external code.
 */
public final class DeadUnitTracker implements Serializable {
    private static final long serialVersionUID = 1L;

    /** Consecutive batch-dead examples after which a unit is dead. */
    private final long deadAfterExamples;
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
        int reinitialized;
        long totalRevived;
        long totalReinitialized;
        UnitCounts last;

        State(int units, long iteration) {
            streak = new long[units];
            dead = new boolean[units];
            bornAt = new long[units];
            Arrays.fill(bornAt, iteration);
        }
    }

    /**
     * Creates a tracker.
     *
     * @param deadAfterExamples consecutive batch-dead examples after which a unit is dead, >= 1
     * @throws IllegalArgumentException when {@code deadAfterExamples < 1}
     */
    public DeadUnitTracker(long deadAfterExamples) {
        Preconditions.checkArgument(deadAfterExamples >= 1, "deadAfterExamples must be >= 1, got: %s",
                deadAfterExamples);
        this.deadAfterExamples = deadAfterExamples;
    }

    /** @return the streak length (in examples) after which a unit is dead */
    public long deadAfterExamples() {
        return deadAfterExamples;
    }

    /**
     * Consumes one iteration's (merged) counts of a layer.
     *
     * @param layer     the layer name
     * @param counts    its counts for the iteration
     * @param iteration the iteration
     * @throws IllegalArgumentException when the unit count changed since the last call
     */
    public void update(String layer, UnitCounts counts, long iteration) {
        Objects.requireNonNull(layer, "layer");
        Objects.requireNonNull(counts, "counts");
        State s = layers.computeIfAbsent(layer, k -> new State(counts.units(), iteration));
        Preconditions.checkArgument(s.streak.length == counts.units(),
                "counts of layer %s must have %s units, got: %s", layer, s.streak.length, counts.units());
        s.newlyDead = 0;
        s.revived = 0;
        s.reinitialized = 0;
        s.last = counts;
        long ex = counts.examples();
        for (int u = 0; u < s.streak.length; u++) {
            if (counts.open(u) > 0) {
                if (s.dead[u]) {
                    s.revived++;
                    s.totalRevived++;
                }
                s.streak[u] = 0;
                s.dead[u] = false;
            } else if (counts.batchDead(u)) {
                s.streak[u] += ex;
                if (!s.dead[u] && s.streak[u] >= deadAfterExamples) {
                    s.dead[u] = true;
                    s.newlyDead++;
                }
            }
            // else: all entries masked, or some non-finite: the streak is left as it is
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
        }
        s.reinitialized += units.length;
        s.totalReinitialized += units.length;
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
     * The public record of a layer after the latest update (and re-initialisation, if any).
     *
     * @param layer                the layer name
     * @param index                the layer index to report
     * @param recoverable          whether the layer is recoverable
     * @param blockedGradientShare the blocked-gradient share, or empty
     * @return the record
     * @throws IllegalArgumentException for an unknown layer
     */
    public LayerGates gates(String layer, int index, boolean recoverable, OptionalDouble blockedGradientShare) {
        State s = layers.get(layer);
        Preconditions.checkArgument(s != null, "layer must have been updated before, got: %s", layer);
        UnitCounts c = s.last;
        double[] fractions = new double[c.units()];
        for (int u = 0; u < fractions.length; u++) {
            fractions[u] = c.unitClosedFraction(u);
        }
        return new LayerGates(layer, index, c.units(), c.closedShare(), c.negativeShare(), deadUnits(layer),
                s.newlyDead, s.revived, s.reinitialized, c.totalNonFinite(), recoverable, blockedGradientShare,
                fractions, c.estimated());
    }
}
