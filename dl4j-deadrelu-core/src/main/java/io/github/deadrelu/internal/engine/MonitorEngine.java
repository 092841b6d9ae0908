/*
 * SPDX-License-Identifier: Apache-2.0
 */
package io.github.deadrelu.internal.engine;

import io.github.deadrelu.internal.LayerSpec;
import io.github.deadrelu.internal.UnitCounts;
import io.github.deadrelu.stats.GateSnapshot;
import io.github.deadrelu.stats.LayerGates;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.Set;
import java.util.function.Consumer;

/**
 * The tracking and reporting half of the one monitor engine: the tracking step
 * {@code (layers, merged counts, blocked gradient, iteration, epoch) -> GateSnapshot}, the bounded history, the report
 * (summary line, dead-unit WARN, CSV rows) and the {@link EngineEvents} hook. Every front end feeds it merged counts:
 * {@code DeadReluListener} per iteration or per replica round, {@code DeadReluAggregator} per worker round.
 *
 * <p>A failure in one layer's tracking drops that layer with one WARN; the snapshot and the CSV rows of the other
 * layers still happen. Not thread-safe: the caller serialises access (the front end's lock), except {@link #latest()}.
 * Used by dl4j-deadrelu internals, and should not be called by external code.
 */
public final class MonitorEngine {
    private final MonitorConfig config;
    private final FailureGuard guard;
    private final CsvLog csv;
    private final ArrayDeque<GateSnapshot> history = new ArrayDeque<>();
    private final Set<String> warnedDead = new HashSet<>();
    private volatile GateSnapshot latest = GateSnapshot.empty();
    private EngineEvents events;

    /**
     * An engine.
     *
     * @param config     the options
     * @param guard      the front end's failure guard (its logger and name)
     * @param resumedCsv true for a deserialised copy continuing a run: the CSV file is appended to, no second header
     */
    public MonitorEngine(MonitorConfig config, FailureGuard guard, boolean resumedCsv) {
        this.config = config;
        this.guard = guard;
        this.csv = config.csv() == null ? null : new CsvLog(config.csv(), config.csvAppend(), resumedCsv, guard);
    }

    /** @return the options */
    public MonitorConfig config() {
        return config;
    }

    /** @return the failure guard */
    public FailureGuard guard() {
        return guard;
    }

    /**
     * Sets the report hook (at most one).
     *
     * @param events the hook, or null for none
     */
    public void events(EngineEvents events) {
        this.events = events;
    }

    /**
     * The tracking step: updates the tracker with each layer's counts (network order), lets {@code afterUpdate}
     * re-initialise, builds the snapshot, keeps it in the history and reports it.
     *
     * @param state       the network's state
     * @param counts      the merged counts per layer name
     * @param blocked     blocked-gradient shares per monitor layer
     * @param iteration   the iteration
     * @param epoch       the epoch
     * @param afterUpdate called with the layers tracked now, before the snapshot (re-initialisation); may be null
     * @return the snapshot
     */
    public GateSnapshot track(ModelState state, Map<String, UnitCounts> counts, Map<String, OptionalDouble> blocked,
                              int iteration, int epoch, Consumer<List<LayerSpec>> afterUpdate) {
        List<LayerSpec> seen = new ArrayList<>();
        List<String> order = new ArrayList<>();
        for (LayerSpec s : state.specs()) {
            if (update(state, s.name(), counts.get(s.name()), iteration)) {
                seen.add(s);
                order.add(s.name());
            }
        }
        // Layers the network does not monitor (an aggregator's worker sent them): tracked, never called recoverable.
        for (Map.Entry<String, UnitCounts> e : counts.entrySet()) {
            if (!state.byName().containsKey(e.getKey()) && update(state, e.getKey(), e.getValue(), iteration)) {
                order.add(e.getKey());
            }
        }
        if (afterUpdate != null) {
            guard.callback("re-initialisation", () -> afterUpdate.accept(List.copyOf(seen)));
        }
        GateSnapshot snap = snapshot(state, order, iteration, epoch, blocked);
        latest = snap;
        history.addLast(snap);
        while (history.size() > config.historySize()) {
            history.removeFirst();
        }
        report(snap, state);
        return snap;
    }

    /** One layer's tracker update; a failure drops the layer with one WARN. */
    private static boolean update(ModelState state, String layer, UnitCounts c, int iteration) {
        if (c == null || state.dropped(layer)) {
            return false;
        }
        try {
            state.tracker().update(layer, c, iteration);
            return true;
        } catch (RuntimeException e) {
            state.drop(layer, "track", e);
            return false;
        }
    }

    private GateSnapshot snapshot(ModelState state, List<String> layers, int iteration, int epoch,
                                  Map<String, OptionalDouble> blocked) {
        List<LayerGates> gates = new ArrayList<>(layers.size());
        for (String name : layers) {
            LayerSpec s = state.byName().get(name);
            try {
                gates.add(state.tracker().gates(name, s == null ? -1 : s.index(), s != null && s.recoverable(),
                        blocked.getOrDefault(name, OptionalDouble.empty())));
            } catch (RuntimeException e) {
                state.drop(name, "track", e);
            }
        }
        return new GateSnapshot(iteration, epoch, gates);
    }

    /**
     * Rebuilds the latest snapshot from the tracker (after a re-initialisation between {@code fit} calls), replacing
     * it in the history too.
     *
     * @param state the network's state
     * @return the new latest snapshot
     */
    public GateSnapshot refreshLatest(ModelState state) {
        GateSnapshot old = latest;
        if (old.isEmpty()) {
            return old;
        }
        List<String> layers = new ArrayList<>();
        for (LayerGates g : old.layers()) {
            layers.add(g.name());
        }
        Map<String, OptionalDouble> blocked = new java.util.HashMap<>();
        for (LayerGates g : old.layers()) {
            blocked.put(g.name(), g.blockedGradientShare());
        }
        GateSnapshot snap = snapshot(state, layers, old.iteration(), old.epoch(), blocked);
        latest = snap;
        if (!history.isEmpty()) {
            history.pollLast();
        }
        history.addLast(snap);
        return snap;
    }

    private void report(GateSnapshot snap, ModelState state) {
        boolean due = config.frequency() > 0 && snap.iteration() % config.frequency() == 0;
        if (config.summaryDue(snap.iteration()) && !snap.layers().isEmpty()) {
            guard.log().info("{}", ReportFormat.summaryLine(snap, state.byName()));
        }
        for (LayerGates g : snap.layers()) {
            if (g.deadFraction() > ReportFormat.WARN_DEAD_FRACTION && warnedDead.add(g.name())) {
                String w = ReportFormat.deadWarning(g, snap.iteration());
                guard.warnOnce("dead:" + g.name(), w);
            }
        }
        if (csv != null) {
            csv.write(snap);
        }
        if (due) {
            fire(EngineEvents.Moment.SUMMARY);
        }
    }

    private void fire(EngineEvents.Moment moment) {
        EngineEvents e = events;
        if (e != null) {
            guard.callback("report hook", () -> e.report(moment, latest, List.copyOf(history), guard.warnings()));
        }
    }

    /** @return the latest snapshot (any thread) */
    public GateSnapshot latest() {
        return latest;
    }

    /** @return the history, oldest first (a copy) */
    public List<GateSnapshot> history() {
        return List.copyOf(history);
    }

    /** The end of an epoch: the report hook. */
    public void epochEnd() {
        fire(EngineEvents.Moment.EPOCH_END);
    }

    /** Closes the CSV file (a later row reopens it in append mode) and calls the report hook. */
    public void close() {
        if (csv != null) {
            csv.close();
        }
        fire(EngineEvents.Moment.CLOSE);
    }
}
