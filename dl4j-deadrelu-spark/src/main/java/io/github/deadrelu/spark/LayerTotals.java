/*
 * SPDX-License-Identifier: Apache-2.0
 */
package io.github.deadrelu.spark;

import io.github.deadrelu.internal.UnitCounts;
import java.util.Objects;

/**
 * The gate counts of one monitored layer summed over every update {@link DeadReluAggregator} has received: all
 * workers, all iterations. Immutable.
 */
public final class LayerTotals {
    private final String name;
    private final UnitCounts counts;

    LayerTotals(String name, UnitCounts counts) {
        this.name = Objects.requireNonNull(name, "name");
        this.counts = Objects.requireNonNull(counts, "counts");
    }

    /** @return the layer name */
    public String name() {
        return name;
    }

    /** @return the number of units */
    public int units() {
        return counts.units();
    }

    /** @return training examples counted, over all workers */
    public long examples() {
        return counts.examples();
    }

    /**
     * @param unit the unit index
     * @return closed entries of the unit
     * @throws IndexOutOfBoundsException when the unit is out of range
     */
    public long closed(int unit) {
        return counts.closed(unit);
    }

    /**
     * @param unit the unit index
     * @return negative entries of the unit
     * @throws IndexOutOfBoundsException when the unit is out of range
     */
    public long negative(int unit) {
        return counts.negative(unit);
    }

    /**
     * @param unit the unit index
     * @return non-finite entries of the unit
     * @throws IndexOutOfBoundsException when the unit is out of range
     */
    public long nonFinite(int unit) {
        return counts.nonFinite(unit);
    }

    /**
     * @param unit the unit index
     * @return entries of the unit (masked entries excluded, non-finite ones included)
     * @throws IndexOutOfBoundsException when the unit is out of range
     */
    public long entries(int unit) {
        return counts.entries(unit);
    }

    /** @return closed entries / finite entries over the whole layer, 0 when there is none */
    public double closedShare() {
        return counts.closedShare();
    }

    /** @return true when some counts were estimated (dropout without a usable mask, noise layers) */
    public boolean estimated() {
        return counts.estimated();
    }

    @Override
    public String toString() {
        return "LayerTotals(name=" + name + ", " + counts + ")";
    }
}
