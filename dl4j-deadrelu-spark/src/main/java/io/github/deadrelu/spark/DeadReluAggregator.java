/*
 * SPDX-License-Identifier: Apache-2.0
 */
package io.github.deadrelu.spark;

import io.github.deadrelu.internal.Models;
import io.github.deadrelu.internal.UnitCounts;
import io.github.deadrelu.internal.engine.FailureGuard;
import io.github.deadrelu.internal.engine.ModelState;
import io.github.deadrelu.internal.engine.MonitorConfig;
import io.github.deadrelu.internal.engine.MonitorEngine;
import io.github.deadrelu.internal.engine.OptionsAccess;
import io.github.deadrelu.internal.engine.RoundMerger;
import io.github.deadrelu.listeners.MonitorOptions;
import io.github.deadrelu.reinit.ReinitPolicy;
import io.github.deadrelu.stats.GateSnapshot;
import java.io.Closeable;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.TreeMap;
import java.util.UUID;
import org.deeplearning4j.core.storage.Persistable;
import org.deeplearning4j.core.storage.StatsStorageRouter;
import org.deeplearning4j.core.storage.StorageMetaData;
import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.optimize.api.TrainingListener;
import org.deeplearning4j.parallelism.ParallelWrapper;
import org.deeplearning4j.spark.api.TrainingMaster;
import org.deeplearning4j.spark.impl.SparkListenable;
import org.deeplearning4j.spark.impl.graph.SparkComputationGraph;
import org.deeplearning4j.spark.impl.multilayer.SparkDl4jMultiLayer;
import org.deeplearning4j.spark.impl.paramavg.ParameterAveragingTrainingMaster;
import org.nd4j.common.base.Preconditions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Dead-ReLU monitoring and re-initialisation for training that DL4J spreads over several workers: Spark
 * ({@link SparkDl4jMultiLayer} or {@link SparkComputationGraph} with a {@link ParameterAveragingTrainingMaster}) and
 * {@link ParallelWrapper}. Every worker counts the gates of its own model copy with a {@link DeadReluRoutingListener}
 * and publishes per-iteration {@link GateCountsUpdate}s; this aggregator, a {@link StatsStorageRouter} living with the
 * driver's network, sums the updates of one iteration over all workers before anything is called dead, tracks dead
 * units with the same tracker as {@link io.github.deadrelu.listeners.DeadReluListener}, exposes the same
 * {@link GateSnapshot}s, and re-initialises dead units in the driver's network between {@code fit} calls.
 *
 * <p>Spark, two lines next to the usual ones:
 * <pre>{@code
 * SparkDl4jMultiLayer sparkNet = new SparkDl4jMultiLayer(sc, conf, new ParameterAveragingTrainingMaster.Builder(32)
 *         .batchSizePerWorker(32).averagingFrequency(4).build());
 * DeadReluAggregator dead = DeadReluAggregator.builder().reinitialize(ReinitPolicy.builder().build()).build()
 *         .attach(sparkNet);
 * for (int epoch = 0; epoch < 10; epoch++) {
 *     sparkNet.fit(trainRdd);
 *     System.out.println(dead.snapshot());
 *     dead.reinitialize();                    // optional: re-draw dead units in the driver's network
 * }
 * }</pre>
 * ParallelWrapper:
 * <pre>{@code
 * ParallelWrapper pw = new ParallelWrapper.Builder<>(net).workers(2).averagingFrequency(3).build();
 * DeadReluAggregator dead = DeadReluAggregator.builder().build().attach(pw, net);
 * pw.fit(trainIterator);
 * dead.snapshot();
 * }</pre>
 *
 * <p>Why re-initialisation happens here and only between {@code fit} calls: each worker trains its own copy and
 * parameter averaging (of the weights and of the updater state) would average a unit re-drawn on one worker with its
 * dead copies on the others. Changing the driver's network between {@code fit} calls is safe: Spark broadcasts the
 * driver's parameters and updater state to every worker at the start of each averaging round, and ParallelWrapper
 * builds its worker replicas from the root model at the start of each {@code fit}.
 *
 * <p>{@code SharedTrainingMaster} is refused: its workers return no listener updates to the driver (its result always
 * carries an empty list), and on DL4J 1.0.0-M2 it deadlocked inside ParallelWrapper in 4 of 10 local two-epoch runs.
 *
 * <p>Thread-safe: updates may arrive from several threads at once. An iteration is tracked once it is complete: for
 * Spark when the driver receives the results of an averaging round, for ParallelWrapper when a worker finishes a later
 * iteration or when {@link #snapshot()}, {@link #history()} or {@link #reinitialize()} is called after {@code fit}
 * returned.
 *
 * <p>Counting, round merging, tracking, re-initialisation and report text are core's monitor engine
 * ({@code io.github.deadrelu.internal.engine}), the same as {@code DeadReluListener}'s; this class is the Spark and
 * ParallelWrapper wiring. It is longer than 400 lines because of that wiring's public surface (four {@code attach}
 * variants, the six router methods DL4J calls, results and builder), each documented.
 */
public final class DeadReluAggregator implements StatsStorageRouter, Closeable {
    private static final Logger log = LoggerFactory.getLogger(DeadReluAggregator.class);

    private final MonitorConfig config;
    private final StatsStorageRouter delegate;
    private final String sessionID = "deadrelu-" + UUID.randomUUID();

    private final Object lock = new Object();
    private final FailureGuard guard = new FailureGuard(log, "DeadReluAggregator");
    private final MonitorEngine engine;
    private Model model;
    /** The driver's (root) network: its layers, recoverability and tracker (detached until attached). */
    private ModelState state;
    /** ParallelWrapper: rounds of worker updates. */
    private final RoundMerger rounds = new RoundMerger(false);
    private final Map<String, UnitCounts> totals = new LinkedHashMap<>();
    private final Map<String, Long> workerExamples = new LinkedHashMap<>();
    private long updates;
    private int lastIteration = -1;

    private DeadReluAggregator(Builder b) {
        this.config = OptionsAccess.configOf(b);
        this.delegate = b.delegate;
        this.engine = new MonitorEngine(config, guard, false);
        this.engine.periodic(false);
        this.state = ModelState.detached(config, guard);
    }

    /** @return a builder with the defaults: monitor only, dead after 1024 examples, a summary every 100 iterations */
    public static Builder builder() {
        return new Builder();
    }

    // ------------------------------------------------------------------------------------------------ attaching

    /**
     * Attaches to a Spark network: sets its listeners to a {@link DeadReluRoutingListener} plus {@code others}, with
     * this aggregator as the stats router. {@code SparkDl4jMultiLayer.setListeners} replaces earlier listeners, so
     * pass any others here; stats of other routing listeners (e.g. {@code StatsListener}) go to
     * {@link Builder#forwardTo}.
     *
     * @param sparkNet the network, trained with a {@link ParameterAveragingTrainingMaster}
     * @param others   other listeners to keep
     * @return this aggregator, for chaining
     * @throws IllegalArgumentException when the training master is not a {@link ParameterAveragingTrainingMaster}
     * @throws IllegalStateException    when this aggregator is already attached
     */
    public DeadReluAggregator attach(SparkDl4jMultiLayer sparkNet, TrainingListener... others) {
        Objects.requireNonNull(sparkNet, "sparkNet");
        return attachSpark(sparkNet, sparkNet.getTrainingMaster(), sparkNet.getNetwork(), others);
    }

    /**
     * Attaches to a Spark computation graph; see {@link #attach(SparkDl4jMultiLayer, TrainingListener...)}.
     *
     * @param sparkNet the graph, trained with a {@link ParameterAveragingTrainingMaster}
     * @param others   other listeners to keep
     * @return this aggregator, for chaining
     * @throws IllegalArgumentException when the training master is not a {@link ParameterAveragingTrainingMaster}
     * @throws IllegalStateException    when this aggregator is already attached
     */
    public DeadReluAggregator attach(SparkComputationGraph sparkNet, TrainingListener... others) {
        Objects.requireNonNull(sparkNet, "sparkNet");
        return attachSpark(sparkNet, sparkNet.getTrainingMaster(), sparkNet.getNetwork(), others);
    }

    private DeadReluAggregator attachSpark(SparkListenable sparkNet, TrainingMaster<?, ?> tm, Model net,
                                           TrainingListener... others) {
        checkTrainingMaster(tm);
        setModel(net);
        List<TrainingListener> ls = new ArrayList<>();
        ls.add(new DeadReluRoutingListener(sessionID));
        ls.addAll(Arrays.asList(others));
        sparkNet.setListeners(this, ls);
        return this;
    }

    static void checkTrainingMaster(Object tm) {
        if (tm instanceof ParameterAveragingTrainingMaster) {
            return;
        }
        String name = tm == null ? "null" : tm.getClass().getName();
        if (name.endsWith("SharedTrainingMaster")) {
            throw new IllegalArgumentException("trainingMaster must be a ParameterAveragingTrainingMaster, got: "
                    + name + ". SharedTrainingMaster is not supported: its workers send no listener updates back to "
                    + "the driver (DL4J 1.0.0-M2 returns an empty list), so dead units could not be counted over all "
                    + "workers, and on this DL4J version it deadlocks inside ParallelWrapper (SHARED_GRADIENTS) in "
                    + "about 4 of 10 runs. Train with ParameterAveragingTrainingMaster.");
        }
        throw new IllegalArgumentException("trainingMaster must be a ParameterAveragingTrainingMaster, got: " + name);
    }

    /**
     * Attaches to a ParallelWrapper: adds a {@link DeadReluRoutingListener}, which DL4J clones for every worker, with
     * this aggregator as the stats router.
     *
     * @param wrapper the wrapper
     * @param model   the model the wrapper was built with (its root model: re-initialisation writes there)
     * @return this aggregator, for chaining
     * @throws IllegalArgumentException when the model is neither a MultiLayerNetwork nor a ComputationGraph
     * @throws IllegalStateException    when this aggregator is already attached
     */
    public DeadReluAggregator attach(ParallelWrapper wrapper, Model model) {
        Objects.requireNonNull(wrapper, "wrapper");
        setModel(model);
        wrapper.setListeners(this, new DeadReluRoutingListener(sessionID));
        return this;
    }

    /**
     * A listener for wiring by hand: attach it wherever DL4J accepts a {@code RoutingIterationListener} together with
     * this aggregator as router, e.g. {@code net.setListeners(aggregator, aggregator.newListener(net))} after
     * {@link #attach(Model)}.
     *
     * @return a new worker listener publishing to this aggregator's session
     */
    public DeadReluRoutingListener newListener() {
        return new DeadReluRoutingListener(sessionID);
    }

    /**
     * Attaches to a network without installing listeners (for wiring by hand with {@link #newListener()}); the
     * network is where {@link #reinitialize()} writes.
     *
     * @param net the driver's (or root) network
     * @return this aggregator, for chaining
     * @throws IllegalArgumentException when the model is neither a MultiLayerNetwork nor a ComputationGraph
     * @throws IllegalStateException    when this aggregator is already attached
     */
    public DeadReluAggregator attach(Model net) {
        setModel(net);
        return this;
    }

    private void setModel(Model net) {
        Objects.requireNonNull(net, "model");
        if (!Models.isSupported(net)) {
            throw io.github.deadrelu.internal.NetworkInspector.unsupported(net);
        }
        synchronized (lock) {
            Preconditions.checkState(model == null, "DeadReluAggregator is already attached to a %s; build one "
                    + "aggregator per network", model == null ? "" : model.getClass().getSimpleName());
            state = new ModelState(net, config, guard);
            model = net;
            engine.attached(net, state, toString(), false);
        }
    }

    /** @return the session ID that this aggregator's listeners publish under */
    public String sessionID() {
        return sessionID;
    }

    // ------------------------------------------------------------------------------------------------ router

    /** Forwarded to the {@link Builder#forwardTo} router, if any. */
    @Override
    public void putStorageMetaData(StorageMetaData storageMetaData) {
        forward(d -> d.putStorageMetaData(storageMetaData));
    }

    /** Forwarded to the {@link Builder#forwardTo} router, if any. */
    @Override
    public void putStorageMetaData(Collection<? extends StorageMetaData> storageMetaData) {
        forward(d -> d.putStorageMetaData(storageMetaData));
    }

    /** Forwarded to the {@link Builder#forwardTo} router, if any. */
    @Override
    public void putStaticInfo(Persistable staticInfo) {
        forward(d -> d.putStaticInfo(staticInfo));
    }

    /** Forwarded to the {@link Builder#forwardTo} router, if any. */
    @Override
    public void putStaticInfo(Collection<? extends Persistable> staticInfo) {
        forward(d -> d.putStaticInfo(staticInfo));
    }

    /** Hands a call to the {@link Builder#forwardTo} router, if any. */
    private void forward(java.util.function.Consumer<StatsStorageRouter> call) {
        if (delegate != null) {
            call.accept(delegate);
        }
    }

    /**
     * Takes one worker's update (ParallelWrapper workers call this concurrently). DL4J feeds one mini-batch to each
     * worker per round and finishes the round before it feeds the next, so an update from a worker already in the open
     * round starts the next round, and the open one is then complete and tracked. Rounds are formed by arrival, not by
     * iteration number: a replica built while the root model was already one step into a {@code fit} counts its
     * iterations one ahead of the root for that whole {@code fit}. Other updates go to the {@link Builder#forwardTo}
     * router.
     *
     * @param update an update
     */
    @Override
    public void putUpdate(Persistable update) {
        GateCountsUpdate u = ours(update);
        if (u == null) {
            forward(d -> d.putUpdate(update));
            return;
        }
        guard.callback("putUpdate", () -> {
            synchronized (lock) {
                Map<String, UnitCounts> c = accept(u);
                track(rounds.add(u.getWorkerID(), c, Map.of(), u.iteration(), u.epoch()));
            }
        });
    }

    /**
     * Takes the updates of a Spark averaging round: DL4J hands over all workers' updates of the round in one call,
     * after it averaged the driver's parameters. The round's iterations are numbered at the driver: the driver's own
     * count (the iterations tracked so far) plus each update's offset in its worker's part of the round. The
     * workers' own iteration numbers are not used: DL4J 1.0.0-M2.1's {@code ComputationGraphConfiguration.clone()}
     * drops the iteration count, so graph workers count every round from 0. Updates of one iteration are summed over
     * the workers and tracked in iteration order.
     *
     * @param updates the updates
     */
    @Override
    public void putUpdate(Collection<? extends Persistable> updates) {
        List<Persistable> rest = new ArrayList<>();
        List<GateCountsUpdate> ours = new ArrayList<>();
        for (Persistable p : updates) {
            GateCountsUpdate u = ours(p);
            if (u == null) {
                rest.add(p);
            } else {
                ours.add(u);
            }
        }
        guard.callback("putUpdate", () -> {
            synchronized (lock) {
                track(rounds.close());
                Map<String, Integer> firstOfWorker = new HashMap<>();
                for (GateCountsUpdate u : ours) {
                    firstOfWorker.merge(u.getWorkerID(), u.iteration(), Math::min);
                }
                int base = lastIteration + 1;
                if (lastIteration < 0) {
                    // The first round starts where the workers say (the driver's count for a MultiLayerNetwork,
                    // whose configuration clone keeps it; 0 for a graph); later rounds continue the driver's count.
                    base = firstOfWorker.values().stream().mapToInt(Integer::intValue).min().orElse(0);
                }
                TreeMap<Integer, RoundMerger> byIteration = new TreeMap<>();
                Map<Integer, RoundMerger.Round> closed = new TreeMap<>();
                for (GateCountsUpdate u : ours) {
                    int it = base + u.iteration() - firstOfWorker.get(u.getWorkerID());
                    byIteration.computeIfAbsent(it, k -> new RoundMerger(false))
                            .add(u.getWorkerID() + "#" + it, accept(u), Map.of(), it, u.epoch());
                }
                for (Map.Entry<Integer, RoundMerger> e : byIteration.entrySet()) {
                    closed.put(e.getKey(), e.getValue().close());
                }
                closed.values().forEach(this::track);
            }
        });
        if (delegate != null && !rest.isEmpty()) {
            delegate.putUpdate(rest);
        }
    }

    private GateCountsUpdate ours(Persistable p) {
        return p instanceof GateCountsUpdate && sessionID.equals(p.getSessionID()) ? (GateCountsUpdate) p : null;
    }

    /**
     * Adds an update to the totals; returns its counts without the layers whose unit count does not match and
     * without layers the driver's network does not monitor (each with one WARN: such a layer has no known
     * recoverability, so it is not reported).
     */
    private Map<String, UnitCounts> accept(GateCountsUpdate u) {
        Map<String, UnitCounts> counts = u.counts();
        Map<String, UnitCounts> ok = new LinkedHashMap<>();
        long examples = 0;
        for (Map.Entry<String, UnitCounts> e : counts.entrySet()) {
            UnitCounts prev = totals.get(e.getKey());
            if (prev != null && prev.units() != e.getValue().units()) {
                guard.warnOnceFor("units:" + e.getKey(), "DeadReluAggregator: worker " + u.getWorkerID() + " sent "
                        + e.getValue().units() + " units for layer " + e.getKey() + " (expected " + prev.units()
                        + "); its counts are ignored");
                continue;
            }
            if (!state.byKey().containsKey(e.getKey())) {
                guard.warnOnceFor("unknown:" + e.getKey(), "DeadReluAggregator: worker " + u.getWorkerID()
                        + " sent counts for layer " + e.getKey() + ", which is not a monitored layer of "
                        + (model == null ? "an attached network (call attach(...) first)" : "the attached network")
                        + "; it is reported with index -1 and as not recoverable");
            }
            ok.put(e.getKey(), e.getValue());
            totals.merge(e.getKey(), e.getValue(), UnitCounts::plus);
            examples = Math.max(examples, e.getValue().examples());
        }
        workerExamples.merge(u.getWorkerID(), examples, Long::sum);
        updates++;
        return ok;
    }

    /** Tracks a closed round, if any. Call with the lock held. */
    private void track(RoundMerger.Round r) {
        if (r == null || r.counts().isEmpty()) {
            return;
        }
        engine.track(state, model, r.counts(), r.blocked(), r.iteration(), r.epoch(), null);
        lastIteration = Math.max(lastIteration, r.iteration());
    }

    /** Layers in network order (the driver's monitored layers), then any unknown ones in arrival order. */
    private List<String> layerOrder(Collection<String> layers) {
        List<String> out = new ArrayList<>();
        state.specs().forEach(s -> {
            if (layers.contains(state.key(s))) {
                out.add(state.key(s));
            }
        });
        for (String l : layers) {
            if (!out.contains(l)) {
                out.add(l);
            }
        }
        return out;
    }

    // ------------------------------------------------------------------------------------------------ results

    /**
     * The latest snapshot, merged over all workers; iterations received but not yet tracked are tracked first.
     *
     * @return the gates after the latest complete iteration; an empty snapshot (iteration -1) before the first one
     */
    public GateSnapshot snapshot() {
        synchronized (lock) {
            guard.callback("snapshot", () -> track(rounds.close()));
            return engine.latest();
        }
    }

    /**
     * The recent snapshots.
     *
     * @return snapshots oldest first, at most {@code historySize} of them (a copy)
     */
    public List<GateSnapshot> history() {
        synchronized (lock) {
            guard.callback("history", () -> track(rounds.close()));
            return engine.history();
        }
    }

    /**
     * The counts summed over every update received: all workers and all iterations.
     *
     * @return per monitored layer, in network order
     */
    public Map<String, LayerTotals> totals() {
        synchronized (lock) {
            Map<String, LayerTotals> out = new LinkedHashMap<>();
            for (String l : layerOrder(totals.keySet())) {
                out.put(l, new LayerTotals(l, totals.get(l)));
            }
            return Collections.unmodifiableMap(out);
        }
    }

    /**
     * @param layer a layer name
     * @return the layer's counts summed over every update received, or empty for a layer not seen
     */
    public Optional<LayerTotals> totals(String layer) {
        return Optional.ofNullable(totals().get(layer));
    }

    /**
     * Training examples counted per worker ID (Spark: one ID per task's model copy; ParallelWrapper: one per worker
     * thread and {@code fit}).
     *
     * @return examples by worker ID (a copy)
     */
    public Map<String, Long> workerExamples() {
        synchronized (lock) {
            return Map.copyOf(workerExamples);
        }
    }

    /** @return the number of worker updates received */
    public long updates() {
        synchronized (lock) {
            return updates;
        }
    }

    /** @return the re-initialisation policy, or null when monitoring only */
    public ReinitPolicy reinitPolicy() {
        return config.policy();
    }

    /**
     * Re-initialises the dead units of the attached (driver's or root) network per the {@link ReinitPolicy}: in each
     * monitored layer, dead units at least {@code maturity} iterations old, at most {@code maxFraction} of the layer;
     * incoming weights re-drawn, bias reset, outgoing weights per the policy, optimizer state of the written entries
     * zeroed (Spark broadcasts it with the parameters). The policy's {@code every} is not used: you choose when, and
     * it must be between {@code fit} calls, never while the network trains.
     *
     * @return the re-initialised units per layer (layers without any are left out)
     * @throws IllegalStateException when no policy was given or the aggregator is not attached
     */
    public Map<String, int[]> reinitialize() {
        synchronized (lock) {
            Preconditions.checkState(config.policy() != null, "Cannot re-initialise: no ReinitPolicy; build the "
                    + "aggregator with builder().reinitialize(ReinitPolicy.builder().build())");
            Preconditions.checkState(model != null, "Cannot re-initialise: the aggregator is not attached; call "
                    + "attach(...) first");
            return guard.call("reinitialize", () -> {
                track(rounds.close());
                Map<String, int[]> done = engine.reinitialize(model, state, state.specs(), lastIteration);
                if (!done.isEmpty()) {
                    engine.refreshLatest(state);
                }
                return done;
            }, Collections.emptyMap());
        }
    }

    /**
     * Tracks the open ParallelWrapper round, if any, closes the CSV file, if any (a later iteration reopens it in
     * append mode) and writes the HTML report, if any, as {@code DeadReluListener.close()} does. Updates may still
     * arrive afterwards; the aggregator goes on.
     */
    @Override
    public void close() {
        guard.callback("close", () -> {
            synchronized (lock) {
                track(rounds.close());
                engine.close(model == null ? null : state);
            }
        });
    }

    @Override
    public String toString() {
        return "DeadReluAggregator(" + config + ", forwardTo=" + delegate + ", sessionID=" + sessionID + ")";
    }

    /**
     * Builds a {@link DeadReluAggregator}; every argument is validated as it is set. The options it shares with the
     * other front ends live on {@link MonitorOptions}; {@link #forwardTo} is the aggregator's own. The listener's
     * {@code gradientScores} does not apply: the scores come from the raw gradient of each worker's copy in
     * {@code onGradientCalculation}, which the workers do not publish (a {@link GateCountsUpdate} holds gate counts
     * and sums of |a| only), and a mean over workers of per-worker normalised scores would not be GraMa's score of the
     * averaged network.
     */
    public static final class Builder extends MonitorOptions<Builder> {
        private StatsStorageRouter delegate;

        private Builder() {
        }

        /**
         * Forwards everything that is not a dead-ReLU update (e.g. from {@code StatsListener}) to this router, since
         * a Spark network or ParallelWrapper takes only one router (default: none, dropped).
         *
         * @param router the router
         * @return this builder, for chaining
         * @throws NullPointerException when {@code router} is null
         */
        public Builder forwardTo(StatsStorageRouter router) {
            this.delegate = Objects.requireNonNull(router, "router");
            return this;
        }

        /**
         * Builds the aggregator; the builder can be used again.
         *
         * @return the aggregator
         */
        public DeadReluAggregator build() {
            return new DeadReluAggregator(this);
        }
    }
}
