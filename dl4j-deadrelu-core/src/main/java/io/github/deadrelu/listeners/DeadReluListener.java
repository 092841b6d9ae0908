/*
 * SPDX-License-Identifier: Apache-2.0
 */
package io.github.deadrelu.listeners;

import io.github.deadrelu.internal.ActivationCounter;
import io.github.deadrelu.internal.DeadUnitTracker;
import io.github.deadrelu.internal.GateCountSource;
import io.github.deadrelu.internal.LayerSpec;
import io.github.deadrelu.internal.NetworkInspector;
import io.github.deadrelu.internal.engine.ReinitStep;
import io.github.deadrelu.internal.UnitCounts;
import io.github.deadrelu.reinit.ReinitPolicy;
import io.github.deadrelu.stats.GateSnapshot;
import io.github.deadrelu.stats.LayerGates;
import java.io.BufferedWriter;
import java.io.Closeable;
import java.io.IOException;
import java.io.ObjectInputStream;
import java.io.Serializable;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.OptionalDouble;
import java.util.Set;
import java.util.WeakHashMap;
import java.util.concurrent.ConcurrentHashMap;
import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.optimize.api.BaseTrainingListener;
import org.nd4j.common.base.Preconditions;
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
 * <p>Never in the way of training: a layer whose activations cannot be counted is left out from then on with one
 * WARN, and a CSV file that cannot be written disables CSV output with one WARN.
 *
 * <p>Thread-safe, and exact under {@code ParallelWrapper}, which calls one instance from several worker threads at
 * once, each with its own model replica: counts are kept per replica until its {@code iterationDone}, then the counts
 * of all replicas for one round (one mini-batch per worker) are summed before anything is tracked, so a unit is dead
 * only when it is closed on every worker's data. In that mode a round is tracked once every worker has finished it
 * (when the next round starts, or when {@link #snapshot()}, {@link #history()} or {@link #close()} is called after
 * {@code fit} returned), and re-initialisation is refused: it would change one replica only, and parameter averaging
 * would average the re-drawn unit with the dead copies of the other workers. Use the {@code dl4j-deadrelu-spark}
 * module's {@code DeadReluAggregator} to re-initialise between {@code fit} calls instead. Serialisable: only the
 * configuration is serialised; a deserialised listener starts afresh on whatever network it is attached to.
 */
public final class DeadReluListener extends BaseTrainingListener implements Serializable, Closeable {
    private static final long serialVersionUID = 1L;
    private static final Logger log = LoggerFactory.getLogger(DeadReluListener.class);

    /** The CSV header, one row per monitored layer per iteration. */
    public static final String CSV_HEADER = "iteration,epoch,layer,index,units,closed_share,negative_share,"
            + "dead_units,dead_fraction,newly_dead,revived,reinitialized,non_finite";

    /** Dead fraction above which a layer gets its one WARN. */
    static final double WARN_DEAD_FRACTION = 0.10;

    private final int deadAfterExamples;
    private final int frequency;
    private final ReinitPolicy policy;
    private final String csvFile;
    private final int historySize;
    private final boolean logReports;

    private transient Object lock;
    private transient List<LayerSpec> specs;
    private transient Object discoveredConf;
    private transient Set<Model> knownModels;
    private transient Map<Model, Map<String, UnitCounts>> pending;
    /** Set once the listener is seen on concurrent model replicas (ParallelWrapper workers). */
    private transient volatile boolean replicated;
    /** Replicated mode: the open round, the counts of the replicas that finished the current iteration. */
    private transient Round round;
    private transient boolean replicaReinitRefused;
    private transient DeadUnitTracker tracker;
    private transient ArrayDeque<GateSnapshot> history;
    private transient volatile GateSnapshot latest;
    private transient Set<String> warnedDead;
    private transient Set<String> warnedOnce;
    private transient ReinitStep reinitStep;
    private transient Set<String> countDisabled;
    private transient BufferedWriter csv;
    private transient boolean csvFailed;
    private transient boolean csvStarted;
    private transient long trackingFailures;

    private DeadReluListener(Builder b) {
        this.deadAfterExamples = b.deadAfterExamples;
        this.frequency = b.frequency;
        this.policy = b.policy;
        this.csvFile = b.csv == null ? null : b.csv.toString();
        this.historySize = b.historySize;
        this.logReports = b.logReports;
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
        specs = null;
        discoveredConf = null;
        knownModels = Collections.newSetFromMap(new WeakHashMap<>());
        pending = new IdentityHashMap<>();
        replicated = false;
        round = null;
        replicaReinitRefused = false;
        tracker = new DeadUnitTracker(deadAfterExamples);
        history = new ArrayDeque<>();
        latest = GateSnapshot.empty();
        warnedDead = new HashSet<>();
        warnedOnce = new HashSet<>();
        reinitStep = policy == null ? null : new ReinitStep(policy, this::warnOnce);
        countDisabled = ConcurrentHashMap.newKeySet();
        csv = null;
        csvFailed = false;
        csvStarted = false;
    }

    private void readObject(ObjectInputStream in) throws IOException, ClassNotFoundException {
        in.defaultReadObject();
        initState();
    }

    /**
     * The latest snapshot.
     *
     * @return the gates after the latest iteration; an empty snapshot (iteration -1, no layers) before the first step
     */
    public GateSnapshot snapshot() {
        if (replicated) {
            synchronized (lock) {
                flushRounds(true);
            }
        }
        return latest;
    }

    /**
     * The recent snapshots.
     *
     * @return snapshots oldest first, at most {@code historySize} of them (a copy)
     */
    public List<GateSnapshot> history() {
        synchronized (lock) {
            flushRounds(true);
            return List.copyOf(history);
        }
    }

    /** @return the re-initialisation policy, or null when monitoring only */
    public ReinitPolicy reinitPolicy() {
        return policy;
    }

    // ------------------------------------------------------------------------------------------------ callbacks

    @Override
    public void onForwardPass(Model model, List<INDArray> activations) {
        if (!(model instanceof MultiLayerNetwork) || activations == null || activations.isEmpty()) {
            return;
        }
        List<LayerSpec> ls = discover(model);
        if (ls.isEmpty()) {
            return;
        }
        long examples = activations.get(0).size(0);
        Map<String, UnitCounts> counts = new HashMap<>();
        for (LayerSpec s : ls) {
            int idx = s.mlnIndex() + 1;
            if (s.monitorLayer() || idx >= activations.size() || activations.get(idx) == null) {
                continue;
            }
            countInto(counts, model, s, activations.get(idx), examples);
        }
        addPending(model, counts);
    }

    @Override
    public void onForwardPass(Model model, Map<String, INDArray> activations) {
        if (!(model instanceof ComputationGraph) || activations == null) {
            return;
        }
        List<LayerSpec> ls = discover(model);
        if (ls.isEmpty()) {
            return;
        }
        ComputationGraph cg = (ComputationGraph) model;
        INDArray first = activations.get(cg.getConfiguration().getNetworkInputs().get(0));
        long examples = first == null ? 0 : first.size(0);
        Map<String, UnitCounts> counts = new HashMap<>();
        for (LayerSpec s : ls) {
            INDArray act = activations.get(s.name());
            if (s.monitorLayer() || act == null) {
                continue;
            }
            countInto(counts, model, s, act, examples);
        }
        addPending(model, counts);
    }

    /**
     * Counts one layer; a failure (an activation shape the counter does not understand, say) must not stop the
     * user's training: the layer is left out from then on, with one WARN.
     */
    private void countInto(Map<String, UnitCounts> counts, Model model, LayerSpec s, INDArray act, long examples) {
        if (countDisabled.contains(s.name())) {
            return;
        }
        try {
            counts.put(s.name(), ActivationCounter.count(model, s, act, examples, this::warnOnce));
        } catch (RuntimeException e) {
            countDisabled.add(s.name());
            log.warn("DeadReluListener: cannot count the gates of layer {} ({}); it is no longer monitored",
                    s.name(), e.toString());
        }
    }

    private void addPending(Model model, Map<String, UnitCounts> counts) {
        synchronized (lock) {
            if (!replicated && (onParallelWorkerThread() || (!pending.isEmpty() && !pending.containsKey(model)))) {
                replicated = true;
                log.debug("DeadReluListener: called on concurrent model replicas; merging their counts per iteration");
            }
            Map<String, UnitCounts> p = pending.get(model);
            if (p == null) {
                pending.put(model, counts);
            } else {
                for (Map.Entry<String, UnitCounts> e : counts.entrySet()) {
                    p.merge(e.getKey(), e.getValue(), UnitCounts::plus);
                }
            }
        }
    }

    @Override
    public void iterationDone(Model model, int iteration, int epoch) {
        List<LayerSpec> ls = discover(model);
        if (ls.isEmpty()) {
            return;
        }
        synchronized (lock) {
            Map<String, UnitCounts> p = pending.remove(model);
            Map<String, UnitCounts> counts = p == null ? new HashMap<>() : p;
            Map<String, OptionalDouble> blocked = new HashMap<>();
            for (LayerSpec s : ls) {
                if (!s.monitorLayer()) {
                    continue;
                }
                Layer layer = ActivationCounter.layerOf(model, s.name(), s.mlnIndex());
                if (layer instanceof GateCountSource) {
                    GateCountSource src = (GateCountSource) layer;
                    blocked.put(s.name(), src.blockedGradientShare());
                    UnitCounts c = src.takeCounts();
                    if (c != null) {
                        counts.put(s.name(), c);
                    }
                }
            }
            if (!replicated && onParallelWorkerThread()) {
                replicated = true;
            }
            if (!replicated) {
                if (!counts.isEmpty()) {
                    track(model, ls, counts, blocked, iteration, epoch);
                }
                return;
            }
            // Replicated (ParallelWrapper): sum the counts of the replicas' iterations of one round. DL4J feeds one
            // mini-batch to each worker per round and runs the round to completion before it feeds the next, so a
            // replica that is already in the open round starts the next one, and the open round is then complete.
            // Rounds are formed by arrival, not by iteration number: a replica built while the root model was
            // already one step into a fit counts its iterations one ahead of the root for that whole fit.
            if (round != null && round.models.containsKey(model)) {
                flushRounds(false);
            }
            if (round == null) {
                round = new Round();
            }
            round.add(model, counts, blocked, iteration, epoch);
        }
    }

    /** Replicated mode: the merged counts of one round (one iteration of every worker). */
    private static final class Round {
        final Map<Model, Boolean> models = new IdentityHashMap<>();
        final Map<String, UnitCounts> counts = new HashMap<>();
        final Map<String, OptionalDouble> blocked = new HashMap<>();
        int iteration = Integer.MAX_VALUE;
        int epoch;

        void add(Model m, Map<String, UnitCounts> c, Map<String, OptionalDouble> b, int it, int e) {
            models.put(m, Boolean.TRUE);
            for (Map.Entry<String, UnitCounts> en : c.entrySet()) {
                counts.merge(en.getKey(), en.getValue(), UnitCounts::plus);
            }
            for (Map.Entry<String, OptionalDouble> en : b.entrySet()) {
                if (en.getValue().isPresent() || !blocked.containsKey(en.getKey())) {
                    blocked.put(en.getKey(), en.getValue());
                }
            }
            iteration = Math.min(iteration, it);
            epoch = Math.max(epoch, e);
        }
    }

    /**
     * Replicated mode: tracks the open round; with {@code onlyWhenIdle}, only when no replica is between its forward
     * pass and its {@code iterationDone} (as after {@code fit} returned). Call with the lock held.
     */
    private void flushRounds(boolean onlyWhenIdle) {
        if (round == null || specs == null || (onlyWhenIdle && !pending.isEmpty())) {
            return;
        }
        Round r = round;
        round = null;
        if (!r.counts.isEmpty()) {
            track(null, specs, r.counts, r.blocked, r.iteration, r.epoch);
        }
    }

    /**
     * Tracks one iteration's merged counts, re-initialises (single model only), snapshots and reports. Call with the
     * lock held; {@code model} is null in replicated mode.
     */
    private void track(Model model, List<LayerSpec> ls, Map<String, UnitCounts> counts,
                       Map<String, OptionalDouble> blocked, int iteration, int epoch) {
        try {
            trackUnguarded(model, ls, counts, blocked, iteration, epoch);
        } catch (RuntimeException e) {
            // Monitoring must never stop the user's training: report the first failure in full, then count.
            trackingFailures++;
            if (trackingFailures == 1) {
                log.error("DeadReluListener: tracking failed at iteration {}; this iteration is not reported and "
                        + "training goes on (further failures are counted, not logged)", iteration, e);
            }
        }
    }

    private void trackUnguarded(Model model, List<LayerSpec> ls, Map<String, UnitCounts> counts,
                                Map<String, OptionalDouble> blocked, int iteration, int epoch) {
        List<LayerSpec> seen = new ArrayList<>();
        for (LayerSpec s : ls) {
            UnitCounts c = counts.get(s.name());
            if (c != null) {
                tracker.update(s.name(), c, iteration);
                seen.add(s);
            }
        }
        if (policy != null && iteration % policy.every() == 0) {
            if (model != null) {
                reinitialize(model, seen, iteration);
            } else if (!replicaReinitRefused) {
                replicaReinitRefused = true;
                log.error("DeadReluListener: re-initialisation refused: the listener is called on several model "
                        + "replicas at once (ParallelWrapper), and re-drawing units in one replica would be undone by "
                        + "parameter averaging with the dead copies on the other workers. Monitoring goes on with "
                        + "counts merged over all workers. To re-initialise, train with "
                        + "io.github.deadrelu.spark.DeadReluAggregator (module dl4j-deadrelu-spark) and call its "
                        + "reinitialize() between fit calls ({})", policy);
            }
        }
        List<LayerGates> gates = new ArrayList<>(seen.size());
        for (LayerSpec s : seen) {
            gates.add(tracker.gates(s.name(), s.index(), s.recoverable(),
                    blocked.getOrDefault(s.name(), OptionalDouble.empty())));
        }
        GateSnapshot snap = new GateSnapshot(iteration, epoch, gates);
        latest = snap;
        history.addLast(snap);
        while (history.size() > historySize) {
            history.removeFirst();
        }
        report(snap, seen);
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

    @Override
    public void onEpochEnd(Model model) {
        synchronized (lock) {
            flushCsv();
        }
    }

    /** Flushes and closes the CSV file, if any; a later iteration reopens it in append mode. */
    @Override
    public void close() {
        synchronized (lock) {
            flushRounds(true);
            if (csv != null) {
                try {
                    csv.close();
                } catch (IOException e) {
                    log.warn("DeadReluListener: could not close CSV file {}: {}", csvFile, e.toString());
                }
                csv = null;
            }
        }
    }

    // ------------------------------------------------------------------------------------------------ internals

    private List<LayerSpec> discover(Model model) {
        synchronized (lock) {
            if (specs != null && knownModels.contains(model)) {
                return specs;
            }
            Object conf = structureOf(model);
            if (specs == null || !conf.equals(discoveredConf)) {
                if (specs != null) {
                    log.info("DeadReluListener: attached to a different network; tracking starts afresh");
                    tracker = new DeadUnitTracker(deadAfterExamples);
                    pending.clear();
                    countDisabled.clear();
                    round = null;
                }
                specs = NetworkInspector.discover(model);
                discoveredConf = conf;
                if (specs.isEmpty()) {
                    log.warn("DeadReluListener: {} has no layer with a ReLU-family activation to monitor; "
                            + "the listener does nothing", model.getClass().getSimpleName());
                } else if (log.isDebugEnabled()) {
                    log.debug("DeadReluListener: monitoring {}", specs);
                }
            }
            knownModels.add(model);
            return specs;
        }
    }

    /**
     * The layer structure of a network, for telling a replica of the same network (ParallelWrapper worker) from a
     * different network. Not the whole configuration: its iteration/epoch counters and workspace modes differ between
     * replicas of one network while they train.
     */
    static Object structureOf(Model model) {
        if (model instanceof MultiLayerNetwork) {
            MultiLayerConfiguration c = ((MultiLayerNetwork) model).getLayerWiseConfigurations();
            return Arrays.asList(c.getConfs(), c.getInputPreProcessors());
        }
        if (model instanceof ComputationGraph) {
            ComputationGraphConfiguration c = ((ComputationGraph) model).getConfiguration();
            return Arrays.asList(c.getVertices(), c.getVertexInputs(), c.getNetworkInputs(), c.getNetworkOutputs());
        }
        throw NetworkInspector.unsupported(model);
    }

    /**
     * Selects and re-initialises dead units (called in {@code iterationDone}, after the update, every
     * {@code policy.every()} iterations). Per monitored gated layer, in network order: the units dead now whose age
     * (iterations since monitoring started or since their last re-initialisation) is at least
     * {@code policy.maturity()}, lowest index first, at most {@code policy.maxUnits(units)}. Frozen layers are
     * skipped with one WARN; output layers are never monitored. Every layer is planned before anything is written;
     * a layer that cannot be re-initialised (unsupported layer, consumer or vertex) is left untouched, disabled with
     * one WARN, and the others go ahead. One INFO line per event lists layers and counts.
     */
    private void reinitialize(Model model, List<LayerSpec> seen, int iteration) {
        reinitStep.run(model, seen, tracker, iteration);
    }

    private void report(GateSnapshot snap, List<LayerSpec> seen) {
        Map<String, LayerSpec> byName = new LinkedHashMap<>();
        for (LayerSpec s : seen) {
            byName.put(s.name(), s);
        }
        if (logReports && frequency > 0 && snap.iteration() % frequency == 0) {
            log.info("{}", summaryLine(snap, byName));
        }
        for (LayerGates g : snap.layers()) {
            if (g.deadFraction() > WARN_DEAD_FRACTION && warnedDead.add(g.name())) {
                log.warn("{}", deadWarning(g, snap.iteration()));
            }
        }
        writeCsv(snap);
    }

    static String summaryLine(GateSnapshot snap, Map<String, LayerSpec> specsByName) {
        StringBuilder sb = new StringBuilder("dead ReLUs at iteration ").append(snap.iteration()).append(':');
        boolean first = true;
        for (LayerGates g : snap.layers()) {
            sb.append(first ? " " : "; ");
            first = false;
            LayerSpec s = specsByName.get(g.name());
            sb.append(String.format(Locale.ROOT, "%s %d/%d dead (%.1f%%) closed %.1f%%", g.name(),
                    g.deadUnits().length, g.units(), 100 * g.deadFraction(), 100 * g.closedShare()));
            if (g.estimated()) {
                sb.append(" (estimated)");
            }
            if (s != null && !s.gate().isGated()) {
                sb.append(String.format(Locale.ROOT, " negative %.1f%%", 100 * g.negativeShare()));
            }
            if (g.reinitialized() > 0) {
                sb.append(" re-initialised ").append(g.reinitialized());
            }
            if (g.nonFinite() > 0) {
                sb.append(" non-finite ").append(g.nonFinite());
            }
        }
        return sb.toString();
    }

    static String deadWarning(LayerGates g, int iteration) {
        return String.format(Locale.ROOT,
                "%d of %d ReLU units (%.1f%%) of layer %s (index %d) are dead at iteration %d: closed on every input "
                        + "they saw, so they pass no gradient. %s Remedies: lower the learning rate or clip "
                        + "gradients, use Leaky ReLU, or let DeadReluListener re-initialise dead units "
                        + "(builder().reinitialize(ReinitPolicy.builder().build())).",
                g.deadUnits().length, g.units(), 100 * g.deadFraction(), g.name(), g.index(), iteration,
                g.recoverable()
                        ? "They are recoverable: trainable layers upstream can still reopen them."
                        : "They are not recoverable: nothing upstream of their incoming weights is trainable, so "
                        + "only re-initialisation brings them back.");
    }

    private void warnOnce(String key, String message) {
        synchronized (lock) {
            if (warnedOnce.add(key + '\u0000' + message.hashCode())) {
                log.warn("{}", message);
            }
        }
    }

    private void writeCsv(GateSnapshot snap) {
        if (csvFile == null || csvFailed) {
            return;
        }
        try {
            if (csv == null) {
                Path p = Paths.get(csvFile);
                if (p.getParent() != null) {
                    Files.createDirectories(p.getParent());
                }
                csv = csvStarted
                        ? Files.newBufferedWriter(p, StandardCharsets.UTF_8, java.nio.file.StandardOpenOption.CREATE,
                        java.nio.file.StandardOpenOption.APPEND)
                        : Files.newBufferedWriter(p, StandardCharsets.UTF_8);
                if (!csvStarted) {
                    csv.write(CSV_HEADER);
                    csv.newLine();
                    csvStarted = true;
                }
            }
            for (LayerGates g : snap.layers()) {
                csv.write(csvRow(snap, g));
                csv.newLine();
            }
            csv.flush();
        } catch (IOException e) {
            csvFailed = true;
            log.warn("DeadReluListener: cannot write CSV file {} ({}); CSV output disabled", csvFile, e.toString());
        }
    }

    static String csvRow(GateSnapshot snap, LayerGates g) {
        return String.format(Locale.ROOT, "%d,%d,%s,%d,%d,%.6f,%.6f,%d,%.6f,%d,%d,%d,%d", snap.iteration(),
                snap.epoch(), csvField(g.name()), g.index(), g.units(), g.closedShare(), g.negativeShare(),
                g.deadUnits().length, g.deadFraction(), g.newlyDead(), g.revived(), g.reinitialized(), g.nonFinite());
    }

    private static String csvField(String s) {
        if (s.indexOf(',') < 0 && s.indexOf('"') < 0 && s.indexOf('\n') < 0) {
            return s;
        }
        return '"' + s.replace("\"", "\"\"") + '"';
    }

    private void flushCsv() {
        if (csv != null) {
            try {
                csv.flush();
            } catch (IOException e) {
                csvFailed = true;
                log.warn("DeadReluListener: cannot write CSV file {} ({}); CSV output disabled", csvFile,
                        e.toString());
            }
        }
    }

    @Override
    public String toString() {
        return "DeadReluListener(deadAfterExamples=" + deadAfterExamples + ", frequency=" + frequency
                + ", reinitialize=" + (policy == null ? "none" : policy) + ", csv=" + csvFile + ", historySize="
                + historySize + ", logReports=" + logReports + ")";
    }

    /** Builds a {@link DeadReluListener}; every argument is validated as it is set. */
    public static final class Builder {
        private int deadAfterExamples = 1024;
        private int frequency = 100;
        private ReinitPolicy policy;
        private Path csv;
        private int historySize = 1000;
        private boolean logReports = true;

        private Builder() {
        }

        /**
         * A unit is dead once it has been closed on every entry for at least this many consecutive training examples
         * (default 1024; batch-size independent).
         *
         * @param examples the streak length, >= 1
         * @return this builder, for chaining
         * @throws IllegalArgumentException when {@code examples < 1}
         */
        public Builder deadAfterExamples(int examples) {
            Preconditions.checkArgument(examples >= 1, "deadAfterExamples must be >= 1, got: %s", examples);
            this.deadAfterExamples = examples;
            return this;
        }

        /**
         * Log one summary line every this many iterations (default 100; 0 = never).
         *
         * @param iterations the cadence, >= 0
         * @return this builder, for chaining
         * @throws IllegalArgumentException when {@code iterations < 0}
         */
        public Builder frequency(int iterations) {
            Preconditions.checkArgument(iterations >= 0, "frequency must be >= 0, got: %s", iterations);
            this.frequency = iterations;
            return this;
        }

        /**
         * Re-initialise dead units per this policy (default: none, monitor only).
         *
         * @param policy the policy
         * @return this builder, for chaining
         * @throws NullPointerException when {@code policy} is null
         * @throws IllegalStateException when a policy was already set
         */
        public Builder reinitialize(ReinitPolicy policy) {
            Objects.requireNonNull(policy, "policy");
            Preconditions.checkState(this.policy == null, "reinitialize was already set to %s", this.policy);
            this.policy = policy;
            return this;
        }

        /**
         * Write one CSV row per monitored layer per iteration to this file (created or truncated at the first row;
         * header {@value DeadReluListener#CSV_HEADER}).
         *
         * @param file the file
         * @return this builder, for chaining
         * @throws NullPointerException when {@code file} is null
         */
        public Builder csv(Path file) {
            this.csv = Objects.requireNonNull(file, "file");
            return this;
        }

        /**
         * Keep this many snapshots in {@link #history()} (default 1000).
         *
         * @param snapshots the bound, >= 1
         * @return this builder, for chaining
         * @throws IllegalArgumentException when {@code snapshots < 1}
         */
        public Builder historySize(int snapshots) {
            Preconditions.checkArgument(snapshots >= 1, "historySize must be >= 1, got: %s", snapshots);
            this.historySize = snapshots;
            return this;
        }

        /**
         * Whether to log the summary line (default true); warnings are always logged.
         *
         * @param log true to log
         * @return this builder, for chaining
         */
        public Builder logReports(boolean log) {
            this.logReports = log;
            return this;
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
