/*
 * SPDX-License-Identifier: Apache-2.0
 */
package io.github.deadrelu.internal.report;

import io.github.deadrelu.stats.LayerGates;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * The bounded history of one gated layer: a downsampled series of its gate counts, a downsampled units x time map of
 * dead units, and its events kept exactly (the first 10% dead crossing, the first and latest non-finite iterations,
 * the first re-initialisation events). Not thread-safe: {@link ReportState} guards it.
 */
final class LayerTrack {
    /** The dead fraction whose first crossing the report flags. */
    static final double CROSSING = 0.10;

    private final String name;
    private final int index;
    private final int units;
    private final int blockSize;
    private final int rows;
    private final int maxEvents;
    private final Downsampler<Point> series;
    private final Downsampler<Column> heat;
    private final List<Event> events = new ArrayList<>();
    private long reinitEvents;
    private long reinitUnits;
    private int crossingIteration = -1;
    private double crossingFraction;
    private long nonFiniteIterations;
    private int firstNonFinite = -1;
    private int lastNonFinite = -1;
    private boolean estimated;
    private boolean recoverable;

    LayerTrack(LayerGates first, int seriesCapacity, int heatColumns, int heatRows, int maxEvents) {
        this.name = first.name();
        this.index = first.index();
        this.units = first.units();
        int maxRows = Math.max(1, heatRows);
        this.blockSize = Math.max(1, (units + maxRows - 1) / maxRows);
        this.rows = Math.max(1, (units + blockSize - 1) / blockSize);
        this.maxEvents = maxEvents;
        this.series = new Downsampler<>(seriesCapacity, Point::new);
        this.heat = new Downsampler<>(heatColumns, () -> new Column(rows));
    }

    void record(int iteration, LayerGates g) {
        double dead = g.deadFraction();
        boolean nonFinite = g.nonFinite() > 0;
        int reinit = g.reinitialized();
        series.open().add(iteration, g.closedShare(), dead, reinit, nonFinite, g.newlyDead(), g.revived());
        series.added();
        Column c = heat.open();
        c.add(iteration, g.deadUnits(), blockSize, rows);
        heat.added();
        if (crossingIteration < 0 && dead >= CROSSING) {
            crossingIteration = iteration;
            crossingFraction = dead;
        }
        if (nonFinite) {
            nonFiniteIterations++;
            if (firstNonFinite < 0) {
                firstNonFinite = iteration;
            }
            lastNonFinite = iteration;
        }
        if (reinit > 0) {
            reinitEvents++;
            reinitUnits += reinit;
            if (events.size() < maxEvents) {
                events.add(new Event(iteration, reinit));
            }
        }
        estimated |= g.estimated();
        recoverable = g.recoverable();
    }

    String name() {
        return name;
    }

    int index() {
        return index;
    }

    int units() {
        return units;
    }

    int blockSize() {
        return blockSize;
    }

    int rows() {
        return rows;
    }

    /** @return units in heat-map row {@code row} (the last block may be narrower) */
    int rowUnits(int row) {
        return Math.min(blockSize, units - row * blockSize);
    }

    List<Point> points() {
        return series.bins();
    }

    int seriesStride() {
        return series.stride();
    }

    List<Column> columns() {
        return heat.bins();
    }

    int heatStride() {
        return heat.stride();
    }

    long records() {
        return series.records();
    }

    /** @return the first re-initialisation events (bounded), in time order */
    List<Event> events() {
        return Collections.unmodifiableList(events);
    }

    long reinitEvents() {
        return reinitEvents;
    }

    long reinitUnits() {
        return reinitUnits;
    }

    /** @return the first iteration whose dead fraction reached {@link #CROSSING}, or -1 */
    int crossingIteration() {
        return crossingIteration;
    }

    double crossingFraction() {
        return crossingFraction;
    }

    long nonFiniteIterations() {
        return nonFiniteIterations;
    }

    int firstNonFinite() {
        return firstNonFinite;
    }

    int lastNonFinite() {
        return lastNonFinite;
    }

    boolean estimated() {
        return estimated;
    }

    boolean recoverable() {
        return recoverable;
    }

    /** A re-initialisation event: the iteration and the units re-drawn. */
    record Event(int iteration, int units) {
    }

    /** One bin of the series: means, minima and maxima, and the counts that must survive downsampling. */
    static final class Point extends Downsampler.Bin<Point> {
        double closedSum;
        double closedMin = Double.POSITIVE_INFINITY;
        double closedMax = Double.NEGATIVE_INFINITY;
        double deadSum;
        double deadMin = Double.POSITIVE_INFINITY;
        double deadMax = Double.NEGATIVE_INFINITY;
        double deadLast;
        long reinitUnits;
        int reinitIterations;
        int nonFiniteIterations;
        long newlyDead;
        long revived;

        void add(int iteration, double closed, double dead, int reinit, boolean nonFinite, int newly, int rev) {
            at(iteration);
            closedSum += closed;
            closedMin = Math.min(closedMin, closed);
            closedMax = Math.max(closedMax, closed);
            deadSum += dead;
            deadMin = Math.min(deadMin, dead);
            deadMax = Math.max(deadMax, dead);
            deadLast = dead;
            reinitUnits += reinit;
            reinitIterations += reinit > 0 ? 1 : 0;
            nonFiniteIterations += nonFinite ? 1 : 0;
            newlyDead += newly;
            revived += rev;
        }

        @Override
        void mergeValues(Point next) {
            closedSum += next.closedSum;
            closedMin = Math.min(closedMin, next.closedMin);
            closedMax = Math.max(closedMax, next.closedMax);
            deadSum += next.deadSum;
            deadMin = Math.min(deadMin, next.deadMin);
            deadMax = Math.max(deadMax, next.deadMax);
            deadLast = next.deadLast;
            reinitUnits += next.reinitUnits;
            reinitIterations += next.reinitIterations;
            nonFiniteIterations += next.nonFiniteIterations;
            newlyDead += next.newlyDead;
            revived += next.revived;
        }

        double closedMean() {
            return closedSum / n;
        }

        double deadMean() {
            return deadSum / n;
        }
    }

    /** One column of the heat map: per block of units, the dead units summed over the column's iterations. */
    static final class Column extends Downsampler.Bin<Column> {
        final double[] deadSums;

        Column(int rows) {
            deadSums = new double[rows];
        }

        void add(int iteration, int[] deadUnits, int blockSize, int rows) {
            at(iteration);
            for (int u : deadUnits) {
                int row = u / blockSize;
                if (row >= 0 && row < rows) {
                    deadSums[row]++;
                }
            }
        }

        @Override
        void mergeValues(Column next) {
            for (int r = 0; r < deadSums.length; r++) {
                deadSums[r] += next.deadSums[r];
            }
        }
    }
}
