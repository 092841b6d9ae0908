/*
 * SPDX-License-Identifier: Apache-2.0
 */
package io.github.deadrelu.listeners;

import io.github.deadrelu.internal.GradientScores;
import io.github.deadrelu.internal.LayerSpec;
import io.github.deadrelu.internal.Models;
import io.github.deadrelu.internal.UnitCounts;
import io.github.deadrelu.internal.engine.CsvLog;
import io.github.deadrelu.internal.engine.EngineEvents;
import io.github.deadrelu.internal.engine.FailureGuard;
import io.github.deadrelu.internal.engine.LayerCounting;
import io.github.deadrelu.internal.engine.ModelState;
import io.github.deadrelu.internal.engine.ModelStates;
import io.github.deadrelu.internal.engine.MonitorConfig;
import io.github.deadrelu.internal.engine.MonitorEngine;
import io.github.deadrelu.internal.engine.RoundMerger;
import io.github.deadrelu.reinit.ReinitPolicy;
import io.github.deadrelu.stats.GateSnapshot;
import java.io.Closeable;
import java.io.IOException;
import java.io.ObjectInputStream;
import java.io.Serializable;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.optimize.api.BaseTrainingListener;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A drop-in {@link org.deeplearning4j.optimize.api.TrainingListener} that watches the ReLU gates of a
 * {@link MultiLayerNetwork} or {@link ComputationGraph} while it trains, reports per mini-batch and per layer the share
 * of closed gates and which units are dead, revived or re-initialised, and, when given a {@link ReinitPolicy},
 * re-initialises dead units.
 *
 * <p>Example 1: monitor only, a summary line every 100 iterations and a CSV file:
 * <pre>{@code
 * DeadReluListener dead = DeadReluListener.builder().frequency(100).csv(Paths.get("gates.csv")).build();
 * net.setListeners(dead);
 * net.fit(trainIterator, 5);
 * GateSnapshot s = dead.snapshot();
 * s.layer("layer0").ifPresent(l -> System.out.println(l.deadUnits().length + " dead of " + l.units()));
 * }</pre>
 * Example 2: re-initialise dead units every 100 iterations:
 * <pre>{@code
 * net.setListeners(DeadReluListener.builder()
 *         .reinitialize(ReinitPolicy.builder().every(100).build())
 *         .build());
 * }</pre>
 *
 * <p>Which layers: every non-output layer whose activation has a zero-gradient regime (ReLU and its threshold/cap
 * variants, ReLU6, ThresholdedReLU): dense, convolution (1D, 2D in NCHW and NHWC, 3D, depthwise, separable),
 * {@code ActivationLayer}, {@code SimpleRnn}, wrapped layers ({@code FrozenLayer}, {@code FrozenLayerWithBackprop},
 * {@code TimeDistributed}), and {@code GateMonitorLayer}, whose own exact counts are used. Leaky ReLU and friends are
 * reported with a closed share of 0 and their negative share.
 *
 * <p>How: gates are counted in {@code onForwardPass} with ND4J reduce ops (nothing kept from the workspace, no Java loop
 * over elements), corrected for masks and for dropout on the following layer, which DL4J applies in place to the array
 * a listener sees; counts are merged per model and consumed in {@code iterationDone}, the only callback that runs after
 * the parameter update, where dead units are tracked and re-initialised. A unit is dead once it has been closed on
 * every entry for at least {@code deadAfterExamples} consecutive training examples.
 *
 * <p>What it says: one INFO line when it attaches to a network (the monitored layers, the layers with a ReLU-family
 * activation it does not monitor and why, the policy and the iteration of its first re-initialisation check, the
 * first multiple of {@code every} at or after {@code maturity} iterations of monitoring); a summary line every
 * {@code frequency} iterations; one WARN per layer when more than 10% of its units are dead, with the remedies that
 * fit (a policy already set and its next check, a frozen layer, recoverable or not); one WARN per layer at its first
 * non-finite activations, and no re-initialisation in an iteration with non-finite activations or parameters; one INFO
 * at {@code close()} (or at an epoch end) when no re-initialisation check ran. A unit called dead that opens again
 * without anything feeding it having changed (always in a layer that is not recoverable) is counted as
 * {@code reopened}, not {@code revived}. With {@link MonitorOptions#report(Path)} a self-contained HTML report is rewritten
 * at every summary, every epoch end and {@link #close()}.
 *
 * <p>Never in the way of training: every callback body is guarded, a layer whose activations cannot be counted or
 * tracked is left out from then on with one WARN, and a CSV file that cannot be written disables CSV output with one
 * WARN.
 *
 * <p>Thread-safe, and exact under {@code ParallelWrapper}, which calls one instance from several worker threads at
 * once, each with its own model replica: counts are kept per replica until its {@code iterationDone}, then the counts
 * of all replicas for one round (one mini-batch per worker) are summed before anything is tracked, so a unit is dead
 * only when it is closed on every worker's data. In that mode a round is tracked once every worker has finished it
 * (when the next round starts, or when {@link #snapshot()}, {@link #history()} or {@link #close()} is called after
 * {@code fit} returned), and re-initialisation is refused: it would change one replica only, and parameter averaging
 * would average the re-drawn unit with the dead copies of the other workers. Use the {@code dl4j-deadrelu-spark}
 * module's {@code DeadReluAggregator} to re-initialise between {@code fit} calls instead. A round is also closed when
 * ParallelWrapper's replica set changes (every {@code fit} builds new replicas) and at epoch boundaries.
 *
 * <p>One listener on several networks: each network (by identity; the {@value ModelStates#MAX_NETWORKS} most recently
 * used) is tracked on its own, so two networks fitted alternately each report their own dead units, and going back to
 * an earlier network continues its tracking. {@link #snapshot()} and {@link #history()} show the networks' iterations
 * in the order they were tracked. Callbacks with a single layer (layer-wise pretraining, {@code pretrain()}) are
 * skipped with one INFO line.
 *
 * <p>Serialisable: only the configuration is serialised; a deserialised listener starts its tracking afresh on
 * whatever network it is attached to, and continues the run's CSV file (appends, no second header).
 *
 * <p>This class is configuration, builder and callbacks; the work is done by the engine in
 * {@code io.github.deadrelu.internal.engine} (the same engine as the Spark front end's). It is longer than 400 lines
 * only because of Javadoc: the public builder documents each option, and the callbacks hold no logic beyond
 * dispatching to the engine.
 */
public final class DeadReluListener extends BaseTrainingListener implements Serializable, Closeable {
    private static final long serialVersionUID = 2L;
    private static final Logger log = LoggerFactory.getLogger(DeadReluListener.class);

    /** The CSV header, one row per monitored layer per iteration. */
    public static final String CSV_HEADER = CsvLog.HEADER;

    /** The options (the only serialised state). */
    private final MonitorConfig config;
    /** False in a fresh listener; set in a deserialised copy, which continues the run's CSV file. */
    private transient boolean resumed;

    private transient Object lock;
    private transient FailureGuard guard;
    private transient MonitorEngine engine;
    private transient ModelStates states;
    private transient Map<Model, Map<String, UnitCounts>> pending;
    /** Gradient scores per model measured in {@code onGradientCalculation}, consumed in {@code iterationDone}. */
    private transient Map<Model, Map<String, double[]>> pendingGradients;
    /** Set once the listener is seen on concurrent model replicas (ParallelWrapper workers). */
    private transient volatile boolean replicated;
    private transient RoundMerger rounds;
    /** Replicated mode: the state the open round is tracked into. */
    private transient ModelState roundState;
    private transient boolean replicaReinitRefused;
    /** Model types whose callbacks were skipped (each logged once). */
    private transient Set<String> skippedTypes;
    /** The state of the network tracked last (for the "no check ran" INFO at close()). */
    private transient ModelState lastState;

    private DeadReluListener(Builder b) {
        this.config = b.config();
        initState();
    }

    /**
     * A monitor-only listener with the defaults and a summary line every {@code frequency} iterations.
     *
     * @param frequency summary log cadence in iterations, >= 0 (0 = never)
     * @throws IllegalArgumentException when {@code frequency < 0}
     */
    public DeadReluListener(int frequency) {
        this(builder().frequency(frequency));
    }

    /** @return a builder with the defaults: monitor only, dead after 1024 examples, a summary every 100 iterations */
    public static Builder builder() {
        return new Builder();
    }

    private void initState() {
        lock = new Object();
        guard = new FailureGuard(log, "DeadReluListener");
        engine = new MonitorEngine(config, guard, resumed);
        states = new ModelStates(config, guard, (m, st) -> engine.attached(m, st, toString(), true));
        pending = new IdentityHashMap<>();
        pendingGradients = new IdentityHashMap<>();
        replicated = false;
        rounds = new RoundMerger(true);
        roundState = null;
        replicaReinitRefused = false;
        skippedTypes = ConcurrentHashMap.newKeySet();
        lastState = null;
    }

    /**
     * Restores the configuration; the copy starts its tracking afresh and continues the CSV file.
     *
     * @param in the stream
     * @throws IOException            when reading fails
     * @throws ClassNotFoundException when a class of the serialised form is missing
     */
    private void readObject(ObjectInputStream in) throws IOException, ClassNotFoundException {
        in.defaultReadObject();
        resumed = true;
        initState();
    }

    /**
     * Sets the report hook, called at every summary, every epoch end and {@link #close()} (for a report renderer).
     *
     * @param events the hook, or null for none
     */
    void events(EngineEvents events) {
        synchronized (lock) {
            engine.events(events);
        }
    }

    /**
     * The latest snapshot.
     *
     * @return the gates after the latest iteration; an empty snapshot (iteration -1, no layers) before the first step
     */
    public GateSnapshot snapshot() {
        if (replicated) {
            guard.callback("snapshot", () -> {
                synchronized (lock) {
                    flushRound(true);
                }
            });
        }
        return engine.latest();
    }

    /**
     * The recent snapshots.
     *
     * @return snapshots oldest first, at most {@code historySize} of them (a copy)
     */
    public List<GateSnapshot> history() {
        synchronized (lock) {
            guard.callback("history", () -> flushRound(true));
            return engine.history();
        }
    }

    /** @return the re-initialisation policy, or null when monitoring only */
    public ReinitPolicy reinitPolicy() {
        return config.policy();
    }

    /** @return the WARN texts this listener logged so far, oldest first, bounded (a copy; for reports) */
    List<String> warnings() {
        return guard.warnings();
    }

    // ------------------------------------------------------------------------------------------------ callbacks

    @Override
    public void onForwardPass(Model model, List<INDArray> activations) {
        guard.callback("onForwardPass", () -> {
            if (!Models.isMultiLayer(model) || activations == null || activations.isEmpty()) {
                return;
            }
            Map<String, UnitCounts> counts = new HashMap<>();
            ModelState state = state(model);
            LayerCounting.countMln(counts, state, model, activations, guard);
            addPending(model, state, counts);
        });
    }

    @Override
    public void onForwardPass(Model model, Map<String, INDArray> activations) {
        guard.callback("onForwardPass", () -> {
            if (!Models.isGraph(model) || activations == null) {
                return;
            }
            Map<String, UnitCounts> counts = new HashMap<>();
            ModelState state = state(model);
            LayerCounting.countGraph(counts, state, model, activations, guard);
            addPending(model, state, counts);
        });
    }

    /**
     * With {@code gradientScores(true)}: GraMa's gradient score of every monitored layer's units from the raw gradient
     * DL4J holds now (after backpropagation, before the updater). A failing layer gets empty scores, one WARN.
     */
    @Override
    public void onGradientCalculation(Model model) {
        if (!config.gradientScores()) {
            return;
        }
        guard.callback("onGradientCalculation", () -> {
            if (!Models.isSupported(model) || model.gradient() == null) {
                return;
            }
            ModelState state = state(model);
            Map<String, INDArray> g = model.gradient().gradientForVariable();
            Map<String, double[]> scores = new HashMap<>();
            for (LayerSpec s : state.specs()) {
                String key = state.key(s);
                if (!state.dropped(key)) {
                    scores.put(key, guard.call("gradient scores", () -> GradientScores.of(model, g, s),
                            new double[0]));
                }
            }
            synchronized (lock) {
                pendingGradients.put(model, scores);
            }
        });
    }

    private void addPending(Model model, ModelState state, Map<String, UnitCounts> counts) {
        synchronized (lock) {
            if (!replicated && (onParallelWorkerThread() || (!pending.isEmpty() && !pending.containsKey(model)))) {
                replicated = true;
                log.debug("DeadReluListener: called on concurrent model replicas; merging their counts per iteration");
            }
            pending.computeIfAbsent(model, k -> new HashMap<>());
            Map<String, UnitCounts> p = pending.get(model);
            for (Map.Entry<String, UnitCounts> e : counts.entrySet()) {
                p.merge(e.getKey(), e.getValue(), UnitCounts::plus);
            }
            if (!replicated) {
                // the dead units this pass found open, GateMonitorLayer-counted layers included (their counts of
                // this pass are already gathered; iterationDone takes them)
                Map<String, UnitCounts> seen = counts;
                if (state.hasMonitorLayers()) {
                    seen = new HashMap<>(counts);
                    LayerCounting.peekMonitorCounts(seen, state, model);
                }
                engine.fingerprintReopening(state, model, seen);
            }
        }
    }

    @Override
    public void iterationDone(Model model, int iteration, int epoch) {
        guard.callback("iterationDone", () -> {
            if (!Models.isSupported(model)) {
                String type = model == null ? "null" : model.getClass().getName();
                if (!skippedTypes.add(type)) {
                    return;
                }
                log.info("DeadReluListener: skipping a callback for {} (not a MultiLayerNetwork or ComputationGraph: "
                        + "layer-wise pretraining passes the layer itself); such callbacks are not monitored",
                        type);
                return;
            }
            synchronized (lock) {
                ModelState state = state(model);
                Map<String, UnitCounts> p = pending.remove(model);
                Map<String, UnitCounts> counts = p == null ? new HashMap<>() : p;
                Map<String, double[]> gradients = pendingGradients.remove(model);
                Map<String, OptionalDouble> blocked = new HashMap<>();
                LayerCounting.takeMonitorCounts(counts, blocked, state, model);
                if (!replicated && onParallelWorkerThread()) {
                    replicated = true;
                }
                lastState = state;
                if (!replicated) {
                    if (!counts.isEmpty()) {
                        engine.track(state, model, counts, blocked, gradients == null ? Map.of() : gradients,
                                iteration, epoch, seen -> engine.periodicReinit(model, state, seen, iteration));
                    }
                    return;
                }
                RoundMerger.Round closed = rounds.add(model, counts, blocked, iteration, epoch);
                track(closed);
                roundState = state;
            }
        });
    }

    private void track(RoundMerger.Round r) {
        if (r != null && roundState != null && !r.counts().isEmpty()) {
            engine.track(roundState, null, r.counts(), r.blocked(), r.iteration(), r.epoch(), seen -> refuseReinit());
        }
    }

    /**
     * Replicated mode: tracks the open round; with {@code onlyWhenIdle}, only when no replica is between its forward
     * pass and its {@code iterationDone} (as after {@code fit} returned). Call with the lock held.
     */
    private void flushRound(boolean onlyWhenIdle) {
        if (onlyWhenIdle && !pending.isEmpty()) {
            return;
        }
        track(rounds.close());
    }

    private void refuseReinit() {
        if (config.policy() != null && !replicaReinitRefused) {
            replicaReinitRefused = true;
            log.error("DeadReluListener: re-initialisation refused: the listener is called on several model "
                    + "replicas at once (ParallelWrapper), and re-drawing units in one replica would be undone by "
                    + "parameter averaging with the dead copies on the other workers. Monitoring goes on with "
                    + "counts merged over all workers. To re-initialise, train with "
                    + "io.github.deadrelu.spark.DeadReluAggregator (module dl4j-deadrelu-spark) and call its "
                    + "reinitialize() between fit calls ({})", config.policy());
        }
    }

    /**
     * Whether the current thread is a DL4J ParallelWrapper worker (a {@code org.deeplearning4j.parallelism.trainer}
     * {@code Trainer} thread, named "ParallelWrapper training thread N"), found without a compile-time dependency.
     */
    static boolean onParallelWorkerThread() {
        Thread t = Thread.currentThread();
        if (t.getName().startsWith("ParallelWrapper training thread")) {
            return true;
        }
        for (Class<?> c = t.getClass(); c != null && c != Thread.class; c = c.getSuperclass()) {
            for (Class<?> i : c.getInterfaces()) {
                if (i.getName().equals("org.deeplearning4j.parallelism.trainer.Trainer")) {
                    return true;
                }
            }
        }
        return false;
    }

    /** A fit or epoch boundary: the open replica round is complete. */
    @Override
    public void onEpochStart(Model model) {
        guard.callback("onEpochStart", () -> {
            synchronized (lock) {
                flushRound(true);
            }
        });
    }

    /**
     * A fit or epoch boundary: the open replica round is complete; the HTML report, if any, is written; one INFO when
     * no re-initialisation check could have run yet.
     */
    @Override
    public void onEpochEnd(Model model) {
        guard.callback("onEpochEnd", () -> {
            synchronized (lock) {
                flushRound(true);
                engine.epochEnd(Models.isSupported(model) ? state(model) : lastState);
            }
        });
    }

    /**
     * Tracks an open replica round, closes the CSV file, if any (a later iteration reopens it in append mode), writes
     * the HTML report, if any, and logs one INFO when no re-initialisation check ever ran.
     */
    @Override
    public void close() {
        guard.callback("close", () -> {
            synchronized (lock) {
                flushRound(true);
                engine.close(lastState);
            }
        });
    }

    private ModelState state(Model model) {
        synchronized (lock) {
            return states.of(model, replicated || onParallelWorkerThread());
        }
    }

    @Override
    public String toString() {
        return "DeadReluListener(" + config + ")";
    }

    /**
     * Builds a {@link DeadReluListener}; every argument is validated as it is set. The options it shares with the
     * other front ends live on {@link MonitorOptions}; {@link #gradientScores(boolean)} is the listener's own.
     */
    public static final class Builder extends MonitorOptions<Builder> {

        private Builder() {
        }

        /**
         * Measure GraMa's gradient score of every monitored layer's units (default false): per unit, the mean
         * |dL/dW| over its incoming weights and bias from the raw gradient (before the updater), divided by the
         * layer's mean ({@code LayerGates.gradientScores()}). A dead unit scores exactly 0. Costs one read of each
         * monitored layer's gradient per iteration: 5 to 6.4% of a step for both hidden layers of an MLP
         * 784-1024-1024-10 at batch 128 and one ND4J thread ({@code ScoresCost}).
         *
         * @param on true to measure
         * @return this builder, for chaining
         */
        public Builder gradientScores(boolean on) {
            return with(c -> c.withGradientScores(on));
        }

        /**
         * Track Continual Backprop's contribution utility of every monitored layer's units (default false) and report
         * it, normalised by the layer's mean, in {@code LayerGates.utilityScores()}: per unit
         * {@code u_j = 0.99 u_j + 0.01 * mean|a_j| * sum_k |w_out[j, k]|} every iteration, from the mini-batch's mean
         * |a_j| and the unit's outgoing weights in its consumer layers (re-read at least every 10 iterations and
         * after every re-initialisation). Reporting only, for monitoring without a {@code LOW_UTILITY} policy (which
         * tracks and reports it anyway). A layer whose outgoing weights cannot be mapped to its units gets one WARN
         * and empty scores.
         *
         * @param on true to track
         * @return this builder, for chaining
         */
        public Builder utilityScores(boolean on) {
            return with(c -> c.withUtilityScores(on));
        }

        /**
         * Builds the listener; the builder can be used again.
         *
         * @return the listener
         */
        public DeadReluListener build() {
            return new DeadReluListener(this);
        }
    }
}
