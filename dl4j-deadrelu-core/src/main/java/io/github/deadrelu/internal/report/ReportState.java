/*
 * SPDX-License-Identifier: Apache-2.0
 */
package io.github.deadrelu.internal.report;

import io.github.deadrelu.stats.GateSnapshot;
import io.github.deadrelu.stats.LayerGates;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.slf4j.helpers.MessageFormatter;

/**
 * What the HTML report shows, kept in bounded memory over any run length: per gated layer a downsampled series of
 * closed share and dead fraction (at most {@code seriesPoints} points; when full, neighbouring points merge and the
 * stride doubles; each point keeps its mean, minimum and maximum and the count of non-finite and re-initialisation
 * iterations, so a single flagged iteration survives any downsampling), a units x time map of dead units (at most
 * {@code heatColumns} x {@code heatRows} cells), the exact first 10% dead crossing and non-finite iterations, the
 * first re-initialisation events, the WARN lines logged (the first {@code maxWarnings}) and the latest snapshot.
 *
 * <p>Thread-safe. Used by {@code DeadReluListener}, and should not be called by external code.
 */
public final class ReportState {
    /** Default maximal points per series. */
    public static final int SERIES_POINTS = 512;
    /** Default maximal time columns of a heat map. */
    public static final int HEAT_COLUMNS = 120;
    /** Default maximal unit rows of a heat map. */
    public static final int HEAT_ROWS = 32;
    /** Default maximal WARN lines kept. */
    public static final int MAX_WARNINGS = 100;
    /** Re-initialisation events kept exactly per layer (the count covers all of them). */
    static final int MAX_EVENTS = 200;

    private final int seriesPoints;
    private final int heatColumns;
    private final int heatRows;
    private final int maxWarnings;
    private final Map<String, LayerTrack> layers = new LinkedHashMap<>();
    private final List<String> warnings = new ArrayList<>();
    private long droppedWarnings;
    private ReportHeader header = ReportHeader.unknown();
    private GateSnapshot latest = GateSnapshot.empty();
    private int firstIteration = -1;
    private long snapshots;

    /** A state with the default bounds. */
    public ReportState() {
        this(SERIES_POINTS, HEAT_COLUMNS, HEAT_ROWS, MAX_WARNINGS);
    }

    /**
     * A state with the given bounds.
     *
     * @param seriesPoints maximal points per series, even and >= 2
     * @param heatColumns  maximal time columns of a heat map, even and >= 2
     * @param heatRows     maximal unit rows of a heat map, >= 1
     * @param maxWarnings  maximal WARN lines kept, >= 0
     * @throws IllegalArgumentException when a bound is out of range
     */
    public ReportState(int seriesPoints, int heatColumns, int heatRows, int maxWarnings) {
        checkEven("seriesPoints", seriesPoints);
        checkEven("heatColumns", heatColumns);
        if (heatRows < 1) {
            throw new IllegalArgumentException("heatRows must be >= 1, got: " + heatRows);
        }
        if (maxWarnings < 0) {
            throw new IllegalArgumentException("maxWarnings must be >= 0, got: " + maxWarnings);
        }
        this.seriesPoints = seriesPoints;
        this.heatColumns = heatColumns;
        this.heatRows = heatRows;
        this.maxWarnings = maxWarnings;
    }

    private static void checkEven(String param, int value) {
        if (value < 2 || value % 2 != 0) {
            throw new IllegalArgumentException(param + " must be even and >= 2, got: " + value);
        }
    }

    /**
     * Sets what the header says (model, configuration, policy).
     *
     * @param header the header
     */
    public synchronized void header(ReportHeader header) {
        this.header = Objects.requireNonNull(header, "header");
    }

    /**
     * Records one snapshot (call once per iteration). Costs O(layers + dead units); keeps no reference to it except
     * as the latest snapshot.
     *
     * @param snapshot the snapshot; the empty snapshot is ignored
     */
    public synchronized void record(GateSnapshot snapshot) {
        Objects.requireNonNull(snapshot, "snapshot");
        if (snapshot.isEmpty()) {
            return;
        }
        if (firstIteration < 0) {
            firstIteration = snapshot.iteration();
        }
        snapshots++;
        latest = snapshot;
        for (LayerGates g : snapshot.layers()) {
            layers.computeIfAbsent(g.name(),
                    n -> new LayerTrack(g, seriesPoints, heatColumns, heatRows, MAX_EVENTS)).record(snapshot.iteration(), g);
        }
    }

    /**
     * Keeps a WARN line for the report (the first {@code maxWarnings}; later ones are only counted).
     *
     * @param line the message as logged
     */
    public synchronized void warn(String line) {
        Objects.requireNonNull(line, "line");
        if (warnings.size() < maxWarnings) {
            warnings.add(line);
        } else {
            droppedWarnings++;
        }
    }

    /**
     * Keeps a WARN line given as an SLF4J format and its arguments, formatted as SLF4J formats it.
     *
     * @param format the SLF4J format ({@code {}} placeholders)
     * @param args   the arguments
     */
    public void warn(String format, Object... args) {
        warn(MessageFormatter.arrayFormat(format, args).getMessage());
    }

    /** @return the header */
    public synchronized ReportHeader header() {
        return header;
    }

    /** @return the latest recorded snapshot, or the empty snapshot */
    public synchronized GateSnapshot latest() {
        return latest;
    }

    /** @return the snapshots recorded */
    public synchronized long snapshots() {
        return snapshots;
    }

    /** @return the WARN lines kept, in order */
    public synchronized List<String> warnings() {
        return List.copyOf(warnings);
    }

    synchronized long droppedWarnings() {
        return droppedWarnings;
    }

    synchronized int firstIteration() {
        return firstIteration;
    }

    /** The tracks, in order of first appearance; read them only while holding this state's monitor. */
    synchronized List<LayerTrack> tracks() {
        return Collections.unmodifiableList(new ArrayList<>(layers.values()));
    }

    synchronized LayerTrack track(String layer) {
        return layers.get(layer);
    }
}
