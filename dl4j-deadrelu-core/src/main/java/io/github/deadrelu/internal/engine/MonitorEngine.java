/*
 * SPDX-License-Identifier: Apache-2.0
 */
package io.github.deadrelu.internal.engine;

import io.github.deadrelu.internal.LayerSpec;
import io.github.deadrelu.internal.SingleThreaded;
import io.github.deadrelu.internal.UnitCounts;
import io.github.deadrelu.reinit.ReinitPolicy;
import io.github.deadrelu.stats.GateSnapshot;
import io.github.deadrelu.stats.LayerGates;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.Set;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.deeplearning4j.nn.api.Model;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.impl.reduce.longer.MatchCondition;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.conditions.Conditions;

/**
 * The tracking and reporting half of the one monitor engine: the tracking step
 * {@code (layers, merged counts, blocked gradient, iteration, epoch) -> GateSnapshot}, the bounded history, the report
 * (summary line, dead-unit WARN, CSV rows) and the {@link EngineEvents} hook. Every front end feeds it merged counts:
 * {@code DeadReluListener} per iteration or per replica round, {@code DeadReluAggregator} per worker round.
 *
 * <p>A failure in one layer's tracking drops that layer with one WARN; the snapshot and the CSV rows of the other
 * layers still happen. Not thread-safe: the caller serialises access (the front end's lock), except {@link #latest()}.
 * Used by dl4j-deadrelu internals, and should not be called by external code.
 *
 * <p>Why over 400 lines: the tracking step is one loop over the layers with its stages (tracker update, utility,
 * re-initialisation, the two fingerprint stages, snapshot, report, CSV), each a few dozen lines with its own failure
 * handling; the stages' work lives in the classes they call.
 */
public final class MonitorEngine {
    private final MonitorConfig config;
    private final FailureGuard guard;
    private final CsvLog csv;
    private final ArrayDeque<GateSnapshot> history = new ArrayDeque<>();
    private final Set<String> warnedDead = new HashSet<>();
    private final Set<String> warnedNonFinite = new HashSet<>();
    /** The HTML report, or null. */
    private final HtmlReportHook report;
    /** Whether the policy runs periodically (the listener) rather than on {@code reinitialize()} (the aggregator). */
    private boolean periodic = true;
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
        this.report = config.report() == null ? null : new HtmlReportHook(config.report());
        if (report != null) {
            guard.warningSink(report::warn);
        }
    }

    /**
     * Sets whether the policy runs every {@code policy.every()} iterations (the listener, the default) or on
     * {@code reinitialize()} calls (the aggregator): the attach line and the dead-unit WARN say which.
     *
     * @param periodic true for periodic checks
     */
    public void periodic(boolean periodic) {
        this.periodic = periodic;
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
     * Announces a network the front end was just attached to (its layers discovered): one INFO line naming the
     * monitored layers, the layers with a ReLU-family activation that are not monitored and why, the policy and the
     * first iteration at which a unit can be re-initialised; and the HTML report's header.
     *
     * @param model         the network
     * @param state         its state
     * @param configuration the front end's configuration ({@code toString()}), for the report header
     * @param periodic      true when the policy runs every {@code policy.every()} iterations (the listener), false
     *                      when it runs on {@code reinitialize()} calls (the aggregator)
     */
    public void attached(Model model, ModelState state, String configuration, boolean periodic) {
        guard.callback("attach line", () -> guard.log().info("{}",
                Schedule.attachLine(guard.who(), model, state, config.policy(), periodic)));
        if (report != null) {
            guard.callback("report header", () -> report.header(model, configuration, config.policy()));
        }
    }

    /**
     * The tracking step: updates the tracker with each layer's counts (network order), warns once per layer at its
     * first non-finite activations, lets {@code afterUpdate} re-initialise, fingerprints the dead units' incoming
     * weights (to name premature dead calls), builds the snapshot, keeps it in the history and reports it.
     *
     * @param state       the network's state
     * @param model       the network whose parameters to fingerprint, or null (then a dead unit that opens again in
     *                    a recoverable layer is revived, in a layer that is not recoverable reopened)
     * @param counts      the merged counts per layer key ({@link ModelState#key})
     * @param blocked     blocked-gradient shares per monitor layer key
     * @param iteration   the iteration
     * @param epoch       the epoch
     * @param afterUpdate called with the layers tracked now, before the snapshot (re-initialisation); may be null
     * @return the snapshot
     */
    public GateSnapshot track(ModelState state, Model model, Map<String, UnitCounts> counts,
                              Map<String, OptionalDouble> blocked, int iteration, int epoch,
                              Consumer<List<LayerSpec>> afterUpdate) {
        return track(state, model, counts, blocked, Map.of(), iteration, epoch, afterUpdate);
    }

    /**
     * The tracking step with the gradient scores measured in the iteration's backward pass (see the other form).
     *
     * @param state       the network's state
     * @param model       the network whose parameters to fingerprint, or null
     * @param counts      the merged counts per layer key ({@link ModelState#key})
     * @param blocked     blocked-gradient shares per monitor layer key
     * @param gradients   GraMa's gradient scores per layer key (a layer missing: empty scores)
     * @param iteration   the iteration
     * @param epoch       the epoch
     * @param afterUpdate called with the layers tracked now, before the snapshot (re-initialisation); may be null
     * @return the snapshot
     */
    public GateSnapshot track(ModelState state, Model model, Map<String, UnitCounts> counts,
                              Map<String, OptionalDouble> blocked, Map<String, double[]> gradients, int iteration,
                              int epoch, Consumer<List<LayerSpec>> afterUpdate) {
        state.gradientScores(gradients);
        List<LayerSpec> seen = new ArrayList<>();
        List<String> order = new ArrayList<>();
        Map<String, Long> nonFinite = new LinkedHashMap<>();
        Map<org.deeplearning4j.nn.api.Layer, Double> upstreamSums = new java.util.IdentityHashMap<>();
        for (LayerSpec s : state.specs()) {
            String key = state.key(s);
            UnitCounts c = counts.get(key);
            // Single-threaded even outside a callback (the aggregator's reinitialize): the upstream print is an asum
            // compared for equality, and its summation order must not depend on the thread count.
            Supplier<double[]> up = model == null ? () -> null
                    : () -> guard.call("fingerprint", () -> SingleThreaded.call(
                            () -> UnitPrints.upstream(model, s, upstreamSums)), null);
            if (update(state, key, c, iteration, s.recoverable(), up)) {
                seen.add(s);
                order.add(key);
                if (c.totalNonFinite() > 0) {
                    nonFinite.put(s.name(), c.totalNonFinite());
                    if (warnedNonFinite.add(key)) {
                        guard.warnOnceFor("non-finite:" + key, guard.who() + ": " + ReportFormat.divergenceWarning(
                                s.name(), s.index(), iteration, c.totalNonFinite()));
                    }
                }
            }
        }
        // Layers the network does not monitor (an aggregator's worker sent them): tracked, never called recoverable.
        for (Map.Entry<String, UnitCounts> e : counts.entrySet()) {
            if (!state.byKey().containsKey(e.getKey())
                    && update(state, e.getKey(), e.getValue(), iteration, false, () -> null)) {
                order.add(e.getKey());
                if (e.getValue().totalNonFinite() > 0) {
                    nonFinite.put(e.getKey(), e.getValue().totalNonFinite());
                }
            }
        }
        state.nonFinite(nonFinite);
        if (state.utility() != null && model != null) {
            for (LayerSpec s : seen) {
                guard.callback("utility", () -> updateUtility(state, model, s, counts.get(state.key(s)), iteration));
            }
        }
        if (afterUpdate != null) {
            guard.callback("re-initialisation", () -> afterUpdate.accept(List.copyOf(seen)));
        }
        if (model != null) {
            for (LayerSpec s : seen) {
                fingerprint(state, model, s);
            }
        }
        state.printedInForward().clear();
        GateSnapshot snap = snapshot(state, order, iteration, epoch, blocked);
        latest = snap;
        history.addLast(snap);
        while (history.size() > config.historySize()) {
            history.removeFirst();
        }
        if (report != null) {
            guard.callback("report", () -> report.record(snap));
        }
        report(snap, state);
        return snap;
    }

    /**
     * Iterations for which the outgoing sums of Continual Backprop's utility are reused: they read every consumer's
     * weights (about 5% of a training step for an MLP 784-1024-1024-10), while outgoing weights change slowly. They
     * are recomputed at least every this many iterations and after every re-initialisation event.
     */
    static final int OUTGOING_REFRESH = 10;

    /** One step of a layer's utility (mean |a| from the counts the snapshot reports, outgoing sums kept). */
    private void updateUtility(ModelState state, Model model, LayerSpec s, UnitCounts c, int iteration) {
        String key = state.key(s);
        if (c == null || state.dropped(key) || s.frozen() || !c.hasAbsSums()) {
            return;
        }
        double[] out = state.outgoing(model, s, c.units(), iteration, OUTGOING_REFRESH);
        if (out == null) {
            guard.warnOnceFor("utility:" + key, guard.who() + ": utility of layer " + s.name() + " unavailable: "
                    + "its outgoing weights cannot be mapped to its units (a consumer mixes units, or it feeds the "
                    + "network output), so it is never replaced by LOW_UTILITY");
            return;
        }
        double[] m = c.totalNonFinite() > 0 ? new double[0] : meanAbs(c);
        int mature = 0;
        for (int u = 0; config.policy() != null && u < c.units(); u++) {
            if (state.tracker().age(key, u, iteration) >= config.policy().maturity()) {
                mature++;
            }
        }
        state.utility().update(s.name(), m, out, mature);
    }

    private static double[] meanAbs(UnitCounts c) {
        double[] m = new double[c.units()];
        for (int u = 0; u < m.length; u++) {
            m[u] = c.unitMeanAbs(u);
        }
        return m;
    }

    /** Fingerprints the incoming weights of a layer's dead units after the update; a failure is logged once. */
    private void fingerprint(ModelState state, Model model, LayerSpec s) {
        String key = state.key(s);
        if (state.dropped(key) || !state.tracker().knows(key)) {
            return;
        }
        if (!s.recoverable()) {
            return;
        }
        // Only the units whose print can still change the verdict: the newly dead ones where the forward pass prints
        // the reopening units (fingerprintReopening), else every dead unit not printed or not moved yet.
        int[] dead = state.printedInForward().contains(key) ? state.tracker().unprintedDeadUnits(key)
                : state.tracker().unsettledDeadUnits(key);
        if (dead.length == 0) {
            return;
        }
        guard.callback("fingerprint", () -> {
            long[] st = state.tracker().streaks(key);
            double[] prints = SingleThreaded.call(() -> UnitPrints.incoming(model, s, st.length, dead));
            if (prints != null) {
                state.tracker().observe(key, dead, prints, UnitPrints.WIDTH);
            }
        });
    }

    /**
     * Fingerprints, in a forward pass and before its counts are consumed, the incoming weights of the dead units that
     * this pass finds open: the weights that produced the pass (the ones after the last update). With these prints
     * the tracking step needs to print only newly dead units: a print reads the fan-in of the units printed, in the
     * iterations where a unit dies or opens, instead of all of the owner's weights after every update while a dead
     * unit has not moved.
     * Call with the front end's lock held, for a model that is not one of several replicas; a failure is logged once
     * and the layer falls back to printing after every update.
     *
     * @param state  the model's state
     * @param model  the model, its parameters as the forward pass used them
     * @param counts the forward pass's counts by layer key
     */
    public void fingerprintReopening(ModelState state, Model model, Map<String, UnitCounts> counts) {
        for (LayerSpec s : state.specs()) {
            String key = state.key(s);
            UnitCounts c = counts.get(key);
            if (c == null || !s.recoverable() || state.dropped(key) || !state.tracker().knows(key)) {
                continue;
            }
            guard.callback("fingerprint", () -> {
                int[] opening = state.tracker().reopening(key, c);
                if (opening.length > 0) {
                    long[] st = state.tracker().streaks(key);
                    double[] prints = SingleThreaded.call(() -> UnitPrints.incoming(model, s, st.length, opening));
                    if (prints == null) {
                        return;
                    }
                    state.tracker().observe(key, opening, prints, UnitPrints.WIDTH);
                }
                state.printedInForward().add(key);
            });
        }
    }

    /** One layer's tracker update; a failure drops the layer with one WARN. */
    private static boolean update(ModelState state, String layer, UnitCounts c, int iteration, boolean recoverable,
                                  Supplier<double[]> upstream) {
        if (c == null || state.dropped(layer)) {
            return false;
        }
        try {
            state.tracker().update(layer, c, iteration, recoverable, upstream);
            return true;
        } catch (RuntimeException e) {
            state.drop(layer, "track", e);
            return false;
        }
    }

    private GateSnapshot snapshot(ModelState state, List<String> layers, int iteration, int epoch,
                                  Map<String, OptionalDouble> blocked) {
        List<LayerGates> gates = new ArrayList<>(layers.size());
        for (String key : layers) {
            LayerSpec s = state.byKey().get(key);
            try {
                LayerGates g = state.tracker().gates(key, s == null ? key : s.name(), s == null ? -1 : s.index(),
                        s != null && s.recoverable(), blocked.getOrDefault(key, OptionalDouble.empty()),
                        config.dormancyThreshold(), state.gradientScores(key));
                gates.add(state.utility() == null || s == null ? g
                        : g.withUtilityScores(state.utility().scores(s.name())));
            } catch (RuntimeException e) {
                state.drop(key, "track", e);
            }
        }
        return new GateSnapshot(iteration, epoch, gates);
    }

    /**
     * The listener's periodic re-initialisation, run as {@code afterUpdate} of {@link #track}: at every multiple of
     * {@code policy.every()}, {@link #reinitialize}.
     *
     * @param model     the network
     * @param state     its state
     * @param layers    the layers tracked in this iteration
     * @param iteration the iteration
     */
    public void periodicReinit(Model model, ModelState state, List<LayerSpec> layers, int iteration) {
        ReinitPolicy policy = config.policy();
        if (policy == null || state.reinit() == null || iteration % policy.every() != 0) {
            return;
        }
        if (iteration >= state.firstCheck(policy.every(), policy.maturity())) {
            state.checkRan();
        }
        reinitialize(model, state, layers, iteration);
    }

    /**
     * The one caller of {@link ReinitStep#run}: skips the whole event (nothing written anywhere, one WARN the first
     * time, INFO later) when a monitored layer had non-finite activations in the latest tracked iteration or the
     * network's parameters are non-finite.
     *
     * @param model     the network to write
     * @param state     its state
     * @param layers    the layers to consider, network order
     * @param iteration the iteration
     * @return the re-initialised units per layer name (empty when nothing was written)
     */
    public Map<String, int[]> reinitialize(Model model, ModelState state, List<LayerSpec> layers, int iteration) {
        if (state.reinit() == null) {
            return Map.of();
        }
        String why = !state.nonFinite().isEmpty()
                ? "layers with non-finite activations: " + state.nonFinite()
                : paramsNonFinite(model) ? "the network's parameters are non-finite (NaN or infinite)" : null;
        if (why != null) {
            String msg = guard.who() + ": re-initialisation at iteration " + iteration + " skipped, nothing was "
                    + "written (" + why + "): training has diverged or is diverging; lower the learning rate";
            if (!guard.warnOnceFor("reinit#diverged", msg)) {
                guard.log().info("{}", msg);
            }
            return Map.of();
        }
        UnitScores scores = UnitScores.empty();
        for (LayerSpec s : layers) {
            String key = state.key(s);
            scores.dormancy(s.name(), state.tracker().dormancyScores(key));
            scores.gradient(s.name(), state.gradientScores(key));
        }
        if (state.utility() != null) {
            scores.utility(state.utility());
        }
        Map<String, int[]> done = state.reinit().run(model, layers, state.tracker(), scores, iteration);
        if (!done.isEmpty()) {
            state.outgoingChanged();
        }
        return done;
    }

    /** Whether any parameter of the network is NaN or infinite: one ND4J reduction over the flattened parameters. */
    static boolean paramsNonFinite(Model model) {
        INDArray p = model == null ? null : model.params();
        if (p == null || p.isEmpty()) {
            return false;
        }
        return Nd4j.getExecutioner().exec(new MatchCondition(p, Conditions.notFinite())).getLong(0) > 0;
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
        Map<String, OptionalDouble> blocked = new java.util.HashMap<>();
        for (LayerGates g : old.layers()) {
            LayerSpec s = state.spec(g.index());
            String key = s == null ? g.name() : state.key(s);
            layers.add(key);
            blocked.put(key, g.blockedGradientShare());
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
            guard.log().info("{}", ReportFormat.summaryLine(snap, state::spec, config.dormancyThreshold()));
        }
        for (LayerGates g : snap.layers()) {
            if (g.deadFraction() > ReportFormat.WARN_DEAD_FRACTION && warnedDead.add(g.index() + ":" + g.name())) {
                LayerSpec s = state.spec(g.index());
                String w = ReportFormat.deadWarning(g, snap.iteration(), s != null && s.frozen(), config.policy(),
                        Schedule.nextCheck(state, config.policy(), periodic, snap.iteration()));
                guard.warnOnce("dead:" + g.index() + ":" + g.name(), w);
            }
        }
        if (csv != null) {
            csv.write(snap, g -> {
                LayerSpec s = state.spec(g.index());
                return s != null && s.frozen();
            }, config.dormancyThreshold());
        }
        if (due) {
            fire(EngineEvents.Moment.SUMMARY);
        }
    }

    private void fire(EngineEvents.Moment moment) {
        List<EngineEvents> hooks = new ArrayList<>(2);
        if (report != null) {
            hooks.add(report);
        }
        if (events != null) {
            hooks.add(events);
        }
        for (EngineEvents e : hooks) {
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

    /**
     * The end of an epoch: the report hook, and one INFO when no re-initialisation check could have run yet.
     *
     * @param state the state of the network that ended its epoch, or null
     */
    public void epochEnd(ModelState state) {
        noCheckYet(state, "at the end of an epoch");
        fire(EngineEvents.Moment.EPOCH_END);
    }

    /**
     * Closes the CSV file (a later row reopens it in append mode), logs one INFO when no re-initialisation check ever
     * ran, and calls the report hook.
     *
     * @param state the state of the network trained last, or null
     */
    public void close(ModelState state) {
        if (csv != null) {
            csv.close();
        }
        noCheckYet(state, "at close()");
        fire(EngineEvents.Moment.CLOSE);
    }

    /** The one INFO of a periodic policy whose check never ran (a run shorter than its schedule). */
    private void noCheckYet(ModelState state, String when) {
        ReinitPolicy p = config.policy();
        if (p == null || !periodic || state == null || state.reinit() == null || latest.isEmpty()
                || !state.noCheckToReport()) {
            return;
        }
        guard.log().info("{}", Schedule.noCheckLine(guard.who(), when, latest.iteration(), state, p));
    }
}
