/*
 * SPDX-License-Identifier: Apache-2.0
 */
package io.github.deadrelu.internal.engine;

import io.github.deadrelu.internal.UnitCounts;
import java.io.Serializable;
import java.util.Objects;
import java.util.stream.IntStream;
import org.nd4j.common.base.Preconditions;

/**
 * SNR's per-unit dead threshold (Farias and Jozefiak, "Self-Normalized Resets for Plasticity in Continual Learning",
 * ICLR 2025; {@code src/algorithms/snr.py} of ajozefiak/SelfNormalizedResets): instead of one fixed
 * {@code deadAfterExamples}, each unit is dead when its age (examples since it last fired, our dead streak) reaches
 * its own threshold, learnt from the gaps between its own firings:
 * <pre>
 * age_j      += batch examples when unit j is closed on every entry of the mini-batch; 0 when it fires
 * on a firing after a gap g = age_j (examples since its previous firing; the first firing has no gap):
 *     record g in the unit's gap histogram
 *     if g &gt;= T_j  (the unit was, or would have been, called dead: the threshold was too short)
 *         T_j = expansionFactor * T_j                                       (grow; SNR: 2.0)
 *     else
 *         T_j = the percentile-th quantile of the unit's recorded gaps      (contract; SNR: 0.9)
 *     T_j clamped to [batch size, tauMax]                                   (SNR: tau_max = 20000)
 * unit j is dead when age_j &gt;= T_j; a unit that never fired keeps T_j = tauMax
 * </pre>
 * SNR keeps an exact histogram of {@code tau_max + 1} bins per neuron; this class keeps {@link #BINS} logarithmic
 * bins per unit between 1 and tauMax (O(units) state), and reads the quantile as the upper edge of the bin in which the
 * cumulative count reaches the percentile, so the threshold is never below the gap it stands for. A unit firing once
 * every few thousand examples gets a threshold just above its gap and is not called dead between its firings; a unit
 * that never fires is dead after tauMax examples. Non-finite or fully masked mini-batches leave a unit's age unchanged.
 *
 * <p>Not thread-safe: the engine serialises calls.
 *
 * <p>Used by dl4j-deadrelu internals, and should not be called by external code.
 */
public final class CalibratedThreshold implements Serializable {
    private static final long serialVersionUID = 1L;

    /** Logarithmic gap bins per unit. */
    public static final int BINS = 64;
    /** SNR's threshold percentile. */
    public static final double PERCENTILE = 0.9;
    /** SNR's threshold expansion factor. */
    public static final double EXPANSION_FACTOR = 2.0;
    /** SNR's largest threshold, in examples. */
    public static final long TAU_MAX = 20_000;

    /** The threshold percentile of a unit's gaps. */
    private final double percentile;
    /** The factor a threshold grows by after a gap at least as long. */
    private final double expansionFactor;
    /** The largest threshold, in examples. */
    private final long tauMax;
    /** The width of one logarithmic gap bin. */
    private final double logStep;
    /** Per unit, examples since it last fired. */
    private long[] age;
    /** Per unit, its dead threshold in examples. */
    private long[] threshold;
    /** Per unit, its gap counts by logarithmic bin. */
    private int[][] gaps;
    /** Per unit, whether it has fired once (only then does a gap end). */
    private boolean[] firedBefore;
    /** The latest mini-batch size (the threshold's lower clamp). */
    private long batch = 1;

    /** Creates SNR's defaults: percentile 0.9, expansion factor 2.0, tauMax 20000. */
    public CalibratedThreshold() {
        this(PERCENTILE, EXPANSION_FACTOR, TAU_MAX);
    }

    /**
     * Creates a calibrated threshold.
     *
     * @param percentile      the gap quantile a threshold contracts to, in (0, 1]
     * @param expansionFactor the factor a threshold grows by after a too-short call, > 1
     * @param tauMax          the largest threshold in examples, >= 1
     * @throws IllegalArgumentException when a value is out of range
     */
    public CalibratedThreshold(double percentile, double expansionFactor, long tauMax) {
        Preconditions.checkArgument(percentile > 0 && percentile <= 1, "percentile must be in (0, 1], got: %s",
                percentile);
        Preconditions.checkArgument(expansionFactor > 1, "expansionFactor must be > 1, got: %s", expansionFactor);
        Preconditions.checkArgument(tauMax >= 1, "tauMax must be >= 1, got: %s", tauMax);
        this.percentile = percentile;
        this.expansionFactor = expansionFactor;
        this.tauMax = tauMax;
        this.logStep = Math.log(Math.max(tauMax, 2)) / BINS;
    }

    /**
     * Consumes one mini-batch of a layer's counts.
     *
     * @param counts the layer's counts
     * @throws IllegalArgumentException when the number of units changed
     */
    public void update(UnitCounts counts) {
        Objects.requireNonNull(counts, "counts");
        int units = counts.units();
        init(units);
        long ex = counts.examples();
        for (int u = 0; u < units; u++) {
            if (counts.open(u) > 0) {
                fired(units, u, age[u], ex);
                age[u] = 0;
            } else if (counts.batchDead(u)) {
                age[u] += ex;
            }
        }
    }

    /**
     * The tracker-driven form: a caller that keeps the ages itself (the dead streaks of {@code DeadUnitTracker})
     * reports each firing with the streak it ended, and compares its streaks with {@link #threshold(int)}.
     *
     * @param units the layer's units (fixed by the first call)
     * @param unit  the unit that fired in this mini-batch
     * @param gap   examples since its previous firing (the streak the firing ended); ignored for its first firing
     * @param batch examples of the mini-batch (the lower clamp of the threshold)
     * @throws IllegalArgumentException when the number of units changed or {@code unit} is out of range
     */
    public void fired(int units, int unit, long gap, long batch) {
        init(units);
        Preconditions.checkArgument(unit >= 0 && unit < units, "unit must be in [0, %s), got: %s", units, unit);
        if (batch > 0) {
            this.batch = batch;
        }
        if (firedBefore[unit]) {
            fired(unit, gap);
        }
        firedBefore[unit] = true;
    }

    /**
     * @param unit the unit
     * @return its threshold in examples (tauMax before the first update)
     */
    public long threshold(int unit) {
        return threshold == null ? tauMax : threshold[unit];
    }

    private void init(int units) {
        if (age == null) {
            age = new long[units];
            threshold = new long[units];
            java.util.Arrays.fill(threshold, tauMax);
            gaps = new int[units][BINS];
            firedBefore = new boolean[units];
        }
        Preconditions.checkArgument(age.length == units, "counts must have %s units, got: %s", age.length, units);
    }

    private void fired(int u, long gap) {
        gaps[u][bin(gap)]++;
        long t;
        if (gap >= threshold[u]) {
            t = (long) Math.min((double) tauMax, Math.ceil(expansionFactor * threshold[u]));
        } else {
            t = quantile(u);
        }
        threshold[u] = Math.max(Math.min(t, tauMax), Math.min(batch, tauMax));
    }

    private int bin(long gap) {
        if (gap <= 1) {
            return 0;
        }
        return (int) Math.min(BINS - 1, Math.floor(Math.log(gap) / logStep));
    }

    /** The upper edge of the bin in which the cumulative gap count reaches the percentile. */
    private long quantile(int u) {
        int[] h = gaps[u];
        long total = 0;
        for (int c : h) {
            total += c;
        }
        double need = percentile * total;
        long cum = 0;
        for (int b = 0; b < BINS; b++) {
            cum += h[b];
            if (cum >= need) {
                return b == BINS - 1 ? tauMax : (long) Math.ceil(Math.exp((b + 1) * logStep));
            }
        }
        return tauMax;
    }

    /** @return each unit's threshold in examples (a copy; empty before the first update) */
    public long[] thresholds() {
        return threshold == null ? new long[0] : threshold.clone();
    }

    /** @return each unit's age in examples (a copy; empty before the first update) */
    public long[] ages() {
        return age == null ? new long[0] : age.clone();
    }

    /** @return the units whose age reached their threshold, ascending */
    public int[] deadUnits() {
        if (age == null) {
            return new int[0];
        }
        return IntStream.range(0, age.length).filter(u -> age[u] >= threshold[u]).toArray();
    }

    /**
     * Records that units were re-initialised: their age and gap history restart (threshold back to tauMax).
     *
     * @param units the units
     */
    public void markReinitialized(int[] units) {
        if (age == null) {
            return;
        }
        for (int u : units) {
            if (u >= 0 && u < age.length) {
                age[u] = 0;
                threshold[u] = tauMax;
                java.util.Arrays.fill(gaps[u], 0);
                firedBefore[u] = false;
            }
        }
    }
}
