/*
 * SPDX-License-Identifier: Apache-2.0
 */
package io.github.deadrelu.internal;

import java.io.Serializable;
import java.util.Arrays;
import java.util.Objects;
import org.nd4j.common.base.Preconditions;

/**
 * Per-unit gate counts of one gated layer over one or more mini-batches: a mergeable value.
 *
 * <p>For every unit: closed entries, negative entries, non-finite entries and entries (non-finite ones included,
 * masked ones excluded), plus the number of training examples the counts cover. Counts made by {@link GateCounter}
 * also carry, per unit, the sum of {@code |a|} over the unit's finite entries that count (unmasked, kept by dropout,
 * with the dropout scale taken back out): the numerator of ReDo's mean {@code |a_j|}; a non-finite entry is left out
 * of it, so it is never NaN. Two counts of the same layer add up with {@link #plus(UnitCounts)}, so per-worker counts
 * can be merged before anything is called dead.
 *
 * <p>Immutable (the arrays are never exposed). Used by dl4j-deadrelu internals, and should not be called by external
 * code.
 */
public final class UnitCounts implements Serializable {
    private static final long serialVersionUID = 1L;

    /** Closed entries per unit. */
    private final long[] closed;
    /** Negative entries per unit. */
    private final long[] negative;
    /** NaN or infinite entries per unit. */
    private final long[] nonFinite;
    /** Counted entries per unit, non-finite included. */
    private final long[] entries;
    /** Per-unit sums of |a| over finite counted entries; null when not measured. */
    private final double[] absSums;
    /** The number of examples the counts cover. */
    private final long examples;
    /** Whether the counts are an estimate (dropout downstream without a mask to read). */
    private final boolean estimated;

    /**
     * Creates counts without sums of {@code |a|} ({@link #hasAbsSums()} is false); the arrays are copied.
     *
     * @param closed    closed entries per unit
     * @param negative  negative entries per unit
     * @param nonFinite NaN or infinite entries per unit
     * @param entries   entries per unit (masked entries excluded, non-finite ones included)
     * @param examples  training examples covered
     * @param estimated true when the closed counts are estimated (dropout without a usable mask, noise layers)
     * @throws IllegalArgumentException when the arrays differ in length or a count is out of range
     */
    public UnitCounts(long[] closed, long[] negative, long[] nonFinite, long[] entries, long examples,
                      boolean estimated) {
        this(closed, negative, nonFinite, entries, null, examples, estimated, true);
    }

    /**
     * Creates counts with per-unit sums of {@code |a|}; the arrays are copied.
     *
     * @param closed    closed entries per unit
     * @param negative  negative entries per unit
     * @param nonFinite NaN or infinite entries per unit
     * @param entries   entries per unit (masked entries excluded, non-finite ones included)
     * @param absSums   per unit, the sum of {@code |a|} over its finite counted entries: finite and {@code >= 0}
     * @param examples  training examples covered
     * @param estimated true when the closed counts are estimated (dropout without a usable mask, noise layers)
     * @throws IllegalArgumentException when the arrays differ in length, a count is out of range or a sum is
     *                                  negative or not finite
     */
    public UnitCounts(long[] closed, long[] negative, long[] nonFinite, long[] entries, double[] absSums,
                      long examples, boolean estimated) {
        this(closed, negative, nonFinite, entries, Objects.requireNonNull(absSums, "absSums"), examples, estimated,
                true);
    }

    private UnitCounts(long[] closed, long[] negative, long[] nonFinite, long[] entries, double[] absSums,
                       long examples, boolean estimated, boolean copy) {
        Objects.requireNonNull(closed, "closed");
        Objects.requireNonNull(negative, "negative");
        Objects.requireNonNull(nonFinite, "nonFinite");
        Objects.requireNonNull(entries, "entries");
        int u = closed.length;
        Preconditions.checkArgument(negative.length == u && nonFinite.length == u && entries.length == u,
                "count arrays must have equal lengths, got: closed=%s, negative=%s, nonFinite=%s, entries=%s",
                u, negative.length, nonFinite.length, entries.length);
        Preconditions.checkArgument(absSums == null || absSums.length == u,
                "absSums must have one sum per unit (%s), got: %s", u, absSums == null ? 0 : absSums.length);
        Preconditions.checkArgument(examples >= 0, "examples must be >= 0, got: %s", examples);
        for (int i = 0; i < u; i++) {
            if (closed[i] < 0 || nonFinite[i] < 0 || closed[i] + nonFinite[i] > entries[i]) {
                throw new IllegalArgumentException("closed + nonFinite must be in [0, entries] for unit " + i
                        + ", got: closed=" + closed[i] + ", nonFinite=" + nonFinite[i] + ", entries=" + entries[i]);
            }
            if (absSums != null && !(absSums[i] >= 0 && absSums[i] < Double.POSITIVE_INFINITY)) {
                throw new IllegalArgumentException("absSums must be finite and >= 0 for unit " + i + ", got: "
                        + absSums[i]);
            }
        }
        this.closed = copy ? closed.clone() : closed;
        this.negative = copy ? negative.clone() : negative;
        this.nonFinite = copy ? nonFinite.clone() : nonFinite;
        this.entries = copy ? entries.clone() : entries;
        this.absSums = absSums == null ? null : copy ? absSums.clone() : absSums;
        this.examples = examples;
        this.estimated = estimated;
    }

    /**
     * Counts that take ownership of the arrays (no copies; the caller must not keep or change them): for the
     * counters of this package, which build fresh arrays for every call.
     */
    static UnitCounts owning(long[] closed, long[] negative, long[] nonFinite, long[] entries, double[] absSums,
                             long examples, boolean estimated) {
        return new UnitCounts(closed, negative, nonFinite, entries, absSums, examples, estimated, false);
    }

    /** @return the number of units */
    public int units() {
        return closed.length;
    }

    /** @return training examples covered by these counts */
    public long examples() {
        return examples;
    }

    /** @return true when closed counts are an estimate rather than exact */
    public boolean estimated() {
        return estimated;
    }

    /** @return closed entries per unit (a copy) */
    public long[] closedCounts() {
        return closed.clone();
    }

    /** @return negative entries per unit (a copy) */
    public long[] negativeCounts() {
        return negative.clone();
    }

    /** @return non-finite entries per unit (a copy) */
    public long[] nonFiniteCounts() {
        return nonFinite.clone();
    }

    /** @return entries per unit, non-finite included (a copy) */
    public long[] entryCounts() {
        return entries.clone();
    }

    /**
     * Whether these counts carry per-unit sums of {@code |a|} (every count made by {@link GateCounter} does; counts
     * built with the constructor without them, and their sums with {@link #plus(UnitCounts)}, do not).
     *
     * @return true when {@link #absSums()} and {@link #absSum(int)} can be called
     */
    public boolean hasAbsSums() {
        return absSums != null;
    }

    /**
     * Per unit, the sum of {@code |a|} over the unit's finite entries that count (masked entries and entries dropped
     * by dropout left out, the dropout scale taken back out; NaN and infinite entries left out, so the sum is
     * finite): divided by {@code entries(u) - nonFinite(u)} it is the unit's mean {@code |a|} (ReDo's score before
     * normalisation by the layer).
     *
     * @return the sums (a copy)
     * @throws IllegalStateException when {@link #hasAbsSums()} is false
     */
    public double[] absSums() {
        return requireAbsSums().clone();
    }

    /**
     * One unit's sum of {@code |a|}, see {@link #absSums()}.
     *
     * @param u unit index
     * @return the sum of {@code |a|} over the finite counted entries of unit u
     * @throws IllegalStateException when {@link #hasAbsSums()} is false
     */
    public double absSum(int u) {
        return requireAbsSums()[u];
    }

    /**
     * One unit's mean {@code |a|} over its finite counted entries.
     *
     * @param u unit index
     * @return {@code absSum(u) / (entries(u) - nonFinite(u))}, 0 when the unit has no finite entry
     * @throws IllegalStateException when {@link #hasAbsSums()} is false
     */
    public double unitMeanAbs(int u) {
        long finite = entries[u] - nonFinite[u];
        return finite == 0 ? 0.0 : requireAbsSums()[u] / finite;
    }

    private double[] requireAbsSums() {
        if (absSums == null) {
            throw new IllegalStateException("these counts carry no sums of |a| (hasAbsSums() is false)");
        }
        return absSums;
    }

    /** @return the same counts flagged as an estimate */
    public UnitCounts asEstimated() {
        return estimated ? this : owning(closed, negative, nonFinite, entries, absSums, examples, true);
    }

    /**
     * @param u unit index
     * @return closed entries of unit u
     */
    public long closed(int u) {
        return closed[u];
    }

    /**
     * @param u unit index
     * @return negative entries of unit u
     */
    public long negative(int u) {
        return negative[u];
    }

    /**
     * @param u unit index
     * @return non-finite entries of unit u
     */
    public long nonFinite(int u) {
        return nonFinite[u];
    }

    /**
     * @param u unit index
     * @return entries of unit u, non-finite included
     */
    public long entries(int u) {
        return entries[u];
    }

    /**
     * @param u unit index
     * @return finite entries that are not closed
     */
    public long open(int u) {
        return entries[u] - nonFinite[u] - closed[u];
    }

    /**
     * A unit is batch-dead when it has finite entries, all of them closed, and no non-finite entry.
     *
     * @param u unit index
     * @return true when unit u is closed on every one of its entries
     */
    public boolean batchDead(int u) {
        return nonFinite[u] == 0 && entries[u] > 0 && closed[u] == entries[u];
    }

    /** @return closed entries of all units */
    public long totalClosed() {
        return sum(closed);
    }

    /** @return negative entries of all units */
    public long totalNegative() {
        return sum(negative);
    }

    /** @return non-finite entries of all units */
    public long totalNonFinite() {
        return sum(nonFinite);
    }

    /** @return entries of all units, non-finite included */
    public long totalEntries() {
        return sum(entries);
    }

    /** @return closed entries / finite entries, 0 when there is no finite entry */
    public double closedShare() {
        long finite = totalEntries() - totalNonFinite();
        return finite == 0 ? 0.0 : (double) totalClosed() / finite;
    }

    /** @return negative entries / finite entries, 0 when there is no finite entry */
    public double negativeShare() {
        long finite = totalEntries() - totalNonFinite();
        return finite == 0 ? 0.0 : (double) totalNegative() / finite;
    }

    /**
     * @param u unit index
     * @return closed / finite entries of unit u (0 when none)
     */
    public double unitClosedFraction(int u) {
        long finite = entries[u] - nonFinite[u];
        return finite == 0 ? 0.0 : (double) closed[u] / finite;
    }

    /**
     * Adds two counts of the same layer (different mini-batches or different workers). The sums of {@code |a|} are
     * added when both carry them; otherwise the result carries none.
     *
     * @param other counts of the same layer
     * @return the element-wise sum
     * @throws IllegalArgumentException when the unit counts differ
     */
    public UnitCounts plus(UnitCounts other) {
        Objects.requireNonNull(other, "other");
        Preconditions.checkArgument(other.units() == units(),
                "other must have the same number of units, got: %s (expected %s)", other.units(), units());
        double[] abs = null;
        if (absSums != null && other.absSums != null) {
            abs = new double[absSums.length];
            for (int i = 0; i < abs.length; i++) {
                abs[i] = saturate(absSums[i] + other.absSums[i]);
            }
        }
        // Fresh arrays, each sum validated by the constructor, no second copy.
        return owning(add(closed, other.closed), add(negative, other.negative), add(nonFinite, other.nonFinite),
                add(entries, other.entries), abs, examples + other.examples, estimated || other.estimated);
    }

    private static long[] add(long[] a, long[] b) {
        long[] r = new long[a.length];
        for (int i = 0; i < a.length; i++) {
            r[i] = a[i] + b[i];
        }
        return r;
    }

    /**
     * A sum of magnitudes that overflowed, brought back to the largest double (sums of {@code |a|} saturate there).
     *
     * @param v a non-negative sum
     * @return {@code v}, or {@link Double#MAX_VALUE} when {@code v} is infinite
     */
    static double saturate(double v) {
        return v == Double.POSITIVE_INFINITY ? Double.MAX_VALUE : v;
    }

    private static long sum(long[] a) {
        long s = 0;
        for (long v : a) {
            s += v;
        }
        return s;
    }

    @Override
    public boolean equals(Object o) {
        if (this == o) {
            return true;
        }
        if (!(o instanceof UnitCounts)) {
            return false;
        }
        UnitCounts c = (UnitCounts) o;
        return examples == c.examples && estimated == c.estimated && Arrays.equals(closed, c.closed)
                && Arrays.equals(negative, c.negative) && Arrays.equals(nonFinite, c.nonFinite)
                && Arrays.equals(entries, c.entries) && Arrays.equals(absSums, c.absSums);
    }

    @Override
    public int hashCode() {
        int h = Objects.hash(examples, estimated);
        h = 31 * h + Arrays.hashCode(closed);
        h = 31 * h + Arrays.hashCode(negative);
        h = 31 * h + Arrays.hashCode(nonFinite);
        h = 31 * h + Arrays.hashCode(absSums);
        return 31 * h + Arrays.hashCode(entries);
    }

    @Override
    public String toString() {
        return "UnitCounts(units=" + units() + ", examples=" + examples + ", closed=" + totalClosed()
                + ", entries=" + totalEntries() + ", nonFinite=" + totalNonFinite() + ", estimated=" + estimated
                + (absSums == null ? "" : ", absSums=" + Arrays.toString(absSums)) + ")";
    }
}
