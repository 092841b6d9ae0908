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
 * masked ones excluded), plus the number of training examples the counts cover. Two counts of the same layer add up
 * with {@link #plus(UnitCounts)}, so per-worker counts can be merged before anything is called dead.
 *
 * <p>Immutable (the arrays are never exposed). Used by dl4j-deadrelu internals, and should not be called by external
 * code.
 */
public final class UnitCounts implements Serializable {
    private static final long serialVersionUID = 1L;

    private final long[] closed;
    private final long[] negative;
    private final long[] nonFinite;
    private final long[] entries;
    private final long examples;
    private final boolean estimated;

    /**
     * Creates counts; the arrays are copied.
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
        Objects.requireNonNull(closed, "closed");
        Objects.requireNonNull(negative, "negative");
        Objects.requireNonNull(nonFinite, "nonFinite");
        Objects.requireNonNull(entries, "entries");
        int u = closed.length;
        Preconditions.checkArgument(negative.length == u && nonFinite.length == u && entries.length == u,
                "count arrays must have equal lengths, got: closed=%s, negative=%s, nonFinite=%s, entries=%s",
                u, negative.length, nonFinite.length, entries.length);
        Preconditions.checkArgument(examples >= 0, "examples must be >= 0, got: %s", examples);
        for (int i = 0; i < u; i++) {
            if (closed[i] < 0 || nonFinite[i] < 0 || closed[i] + nonFinite[i] > entries[i]) {
                throw new IllegalArgumentException("closed + nonFinite must be in [0, entries] for unit " + i
                        + ", got: closed=" + closed[i] + ", nonFinite=" + nonFinite[i] + ", entries=" + entries[i]);
            }
        }
        this.closed = closed.clone();
        this.negative = negative.clone();
        this.nonFinite = nonFinite.clone();
        this.entries = entries.clone();
        this.examples = examples;
        this.estimated = estimated;
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

    /** @return the same counts flagged as an estimate */
    public UnitCounts asEstimated() {
        return estimated ? this : new UnitCounts(closed, negative, nonFinite, entries, examples, true);
    }

    /** @param u unit index @return closed entries of unit u */
    public long closed(int u) {
        return closed[u];
    }

    /** @param u unit index @return negative entries of unit u */
    public long negative(int u) {
        return negative[u];
    }

    /** @param u unit index @return non-finite entries of unit u */
    public long nonFinite(int u) {
        return nonFinite[u];
    }

    /** @param u unit index @return entries of unit u, non-finite included */
    public long entries(int u) {
        return entries[u];
    }

    /** @param u unit index @return finite entries that are not closed */
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

    /** @param u unit index @return closed / finite entries of unit u (0 when none) */
    public double unitClosedFraction(int u) {
        long finite = entries[u] - nonFinite[u];
        return finite == 0 ? 0.0 : (double) closed[u] / finite;
    }

    /**
     * Adds two counts of the same layer (different mini-batches or different workers).
     *
     * @param other counts of the same layer
     * @return the element-wise sum
     * @throws IllegalArgumentException when the unit counts differ
     */
    public UnitCounts plus(UnitCounts other) {
        Objects.requireNonNull(other, "other");
        Preconditions.checkArgument(other.units() == units(),
                "other must have the same number of units, got: %s (expected %s)", other.units(), units());
        return new UnitCounts(add(closed, other.closed), add(negative, other.negative),
                add(nonFinite, other.nonFinite), add(entries, other.entries), examples + other.examples,
                estimated || other.estimated);
    }

    private static long[] add(long[] a, long[] b) {
        long[] r = new long[a.length];
        for (int i = 0; i < a.length; i++) {
            r[i] = a[i] + b[i];
        }
        return r;
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
                && Arrays.equals(entries, c.entries);
    }

    @Override
    public int hashCode() {
        int h = Objects.hash(examples, estimated);
        h = 31 * h + Arrays.hashCode(closed);
        h = 31 * h + Arrays.hashCode(negative);
        h = 31 * h + Arrays.hashCode(nonFinite);
        return 31 * h + Arrays.hashCode(entries);
    }

    @Override
    public String toString() {
        return "UnitCounts(units=" + units() + ", examples=" + examples + ", closed=" + totalClosed()
                + ", entries=" + totalEntries() + ", nonFinite=" + totalNonFinite() + ", estimated=" + estimated + ")";
    }
}
