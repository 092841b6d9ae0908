/*
 * SPDX-License-Identifier: Apache-2.0
 */
package io.github.deadrelu.internal.report;

import static io.github.deadrelu.internal.report.Snapshots.gates;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.deadrelu.stats.GateSnapshot;
import io.github.deadrelu.stats.LayerGates;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

class ReportStateTest {

    /** Sum of the records in a series: every record is in exactly one point. */
    private static long recordsIn(List<LayerTrack.Point> points) {
        return points.stream().mapToLong(p -> p.n).sum();
    }

    @Test
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    void record_millionSnapshots_boundedAndKeepsEndsAndEvents() {
        ReportState state = new ReportState();
        LayerGates a = gates("d0", 0, 64, 0.40, 0, 0, 0);
        LayerGates aDead = gates("d0", 0, 64, 0.55, 16, 0, 0);
        LayerGates aReinit = gates("d0", 0, 64, 0.40, 0, 16, 0);
        LayerGates b = gates("d1", 1, 32, 0.30, 1, 0, 0);
        LayerGates bNan = gates("d1", 1, 32, 0.30, 1, 0, 5);
        int n = 1_000_000;
        for (int it = 0; it < n; it++) {
            boolean dead = it >= 300_000 && it < 600_000;
            LayerGates l0 = it == 600_000 ? aReinit : dead ? aDead : a;
            LayerGates l1 = it == 777_777 ? bNan : b;
            state.record(new GateSnapshot(it, it / 1000, List.of(l0, l1)));
        }
        assertEquals(n, state.snapshots());
        for (String layer : List.of("d0", "d1")) {
            LayerTrack t = state.track(layer);
            List<LayerTrack.Point> points = t.points();
            assertTrue(points.size() <= ReportState.SERIES_POINTS, layer + " series: " + points.size());
            assertTrue(points.size() >= ReportState.SERIES_POINTS / 2, layer + " series: " + points.size());
            assertTrue(t.columns().size() <= ReportState.HEAT_COLUMNS, layer + " heat: " + t.columns().size());
            assertTrue(t.rows() <= ReportState.HEAT_ROWS, layer + " rows: " + t.rows());
            assertEquals(0, points.get(0).first);
            assertEquals(n - 1, points.get(points.size() - 1).last);
            assertEquals(n, recordsIn(points));
            assertEquals(n, t.columns().stream().mapToLong(c -> c.n).sum());
        }
        LayerTrack d0 = state.track("d0");
        assertEquals(300_000, d0.crossingIteration());
        assertEquals(List.of(new LayerTrack.Event(600_000, 16)), d0.events());
        List<LayerTrack.Point> reinit = d0.points().stream().filter(p -> p.reinitIterations > 0).toList();
        assertEquals(1, reinit.size());
        assertTrue(reinit.get(0).first <= 600_000 && 600_000 <= reinit.get(0).last);
        assertEquals(16, reinit.get(0).reinitUnits);
        LayerTrack d1 = state.track("d1");
        assertEquals(1, d1.nonFiniteIterations());
        assertEquals(777_777, d1.firstNonFinite());
        List<LayerTrack.Point> nan = d1.points().stream().filter(p -> p.nonFiniteIterations > 0).toList();
        assertEquals(1, nan.size());
        assertTrue(nan.get(0).first <= 777_777 && 777_777 <= nan.get(0).last);
        assertEquals(-1, d1.crossingIteration());
        // the dead block of d0: units 0..15 dead in iterations 300,000..599,999 only, so its share over the run is 0.3
        double dead = d0.columns().stream().mapToDouble(c -> c.deadSums[0]).sum() / ((double) n * d0.rowUnits(0));
        assertEquals(0.3, dead, 1e-12);
    }

    @Test
    void record_minAndMaxSurviveMerging() {
        ReportState state = new ReportState(4, 4, 4, 10);
        for (int it = 0; it < 64; it++) {
            double closed = it == 17 ? 0.9 : it == 40 ? 0.1 : 0.5;
            state.record(new GateSnapshot(it, 0, List.of(gates("d", 0, 4, closed, 0, 0, 0))));
        }
        List<LayerTrack.Point> points = state.track("d").points();
        assertTrue(points.size() <= 4);
        assertEquals(0.9, points.stream().mapToDouble(p -> p.closedMax).max().getAsDouble(), 0.0);
        assertEquals(0.1, points.stream().mapToDouble(p -> p.closedMin).min().getAsDouble(), 0.0);
        double mean = points.stream().mapToDouble(p -> p.closedSum).sum() / 64;
        assertEquals((62 * 0.5 + 0.9 + 0.1) / 64, mean, 1e-12);
    }

    @Test
    void heatMap_wideLayerIsBlocked() {
        ReportState state = new ReportState(512, 120, 32, 10);
        state.record(new GateSnapshot(0, 0, List.of(gates("wide", 0, 100, 0.5, 6, 0, 0))));
        LayerTrack t = state.track("wide");
        assertEquals(4, t.blockSize());
        assertEquals(25, t.rows());
        assertEquals(4, t.columns().get(0).deadSums[0], 0.0);
        assertEquals(2, t.columns().get(0).deadSums[1], 0.0);
        assertEquals(0, t.columns().get(0).deadSums[2], 0.0);
    }

    @Test
    void warn_boundedAndFormatted() {
        ReportState state = new ReportState(4, 4, 4, 2);
        state.warn("layer {} is {}", "d0", "dead");
        state.warn("second");
        state.warn("third");
        assertEquals(List.of("layer d0 is dead", "second"), state.warnings());
        assertEquals(1, state.droppedWarnings());
    }

    @Test
    void record_emptySnapshotIgnored() {
        ReportState state = new ReportState();
        state.record(GateSnapshot.empty());
        assertEquals(0, state.snapshots());
        assertTrue(state.tracks().isEmpty());
    }

    @Test
    void constructor_badBounds() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new ReportState(3, 4, 4, 1));
        assertEquals("seriesPoints must be even and >= 2, got: 3", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> new ReportState(4, 4, 0, 1));
        assertEquals("heatRows must be >= 1, got: 0", e.getMessage());
    }
}
