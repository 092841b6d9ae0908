/*
 * SPDX-License-Identifier: Apache-2.0
 */
package io.github.deadrelu.internal.engine;

import io.github.deadrelu.internal.Discovery;
import io.github.deadrelu.internal.LayerSpec;
import io.github.deadrelu.internal.ModelTopology;
import io.github.deadrelu.internal.Models;
import io.github.deadrelu.internal.NetworkInspector;
import io.github.deadrelu.internal.OutgoingSums;
import io.github.deadrelu.reinit.ReinitPolicy;
import io.github.deadrelu.reinit.UnitSelection;
import java.util.Collections;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.deeplearning4j.nn.api.Model;

/**
 * What the engine knows about one network: its monitored layers (discovered once), its structure (to recognise its
 * replicas), its dead-unit tracker, its re-initialisation step and the layers dropped after a failure.
 *
 * <p>Per-layer state (counts, tracker, dropped layers) is keyed by {@link #key(LayerSpec)}: the layer name when it is
 * unique among the monitored layers, else {@code name@index}, so two same-named layers of one MultiLayerNetwork keep
 * their own counts.
 *
 * <p>Used by dl4j-deadrelu internals, and should not be called by external code.
 */
public final class ModelState {
    private final Object structure;
    private final List<LayerSpec> specs;
    private final List<Discovery.NotMonitored> notMonitored;
    /** Monitored layers by {@link #key(LayerSpec)}. */
    private final Map<String, LayerSpec> byKey = new LinkedHashMap<>();
    private final Map<LayerSpec, String> keys = new IdentityHashMap<>();
    private final Map<Integer, LayerSpec> byIndex = new HashMap<>();
    /** The iteration monitoring started at (the model's count when it was discovered). */
    private final int startIteration;
    /** Re-initialisation checks that ran (a unit could have been re-drawn). */
    private long checks;
    /** Whether the "no check ran" INFO was logged. */
    private boolean noCheckReported;
    /** Non-finite entries per layer name in the latest tracked iteration (empty when all were finite). */
    private Map<String, Long> nonFinite = Map.of();
    /** GraMa's gradient scores per layer key of the latest tracked iteration (empty when off). */
    private Map<String, double[]> gradientScores = Map.of();
    private final DeadUnitTracker tracker;
    private final ReinitStep reinit;
    /** Continual Backprop's utility, kept only when the policy selects {@code LOW_UTILITY}; else null. */
    private final UtilityTracker utility;
    /** The topology the outgoing sums walk (built at the first use). */
    private ModelTopology topology;
    /** Per layer key, the outgoing sums in use and the iteration they were computed at. */
    private final Map<String, double[]> outgoing = new HashMap<>();
    private final Map<String, Integer> outgoingAt = new HashMap<>();
    private final Set<String> dropped = ConcurrentHashMap.newKeySet();
    /** Layers whose reopening units were fingerprinted in a forward pass of the iteration being tracked. */
    private final Set<String> printedInForward = new java.util.HashSet<>();
    private final FailureGuard guard;

    /**
     * Discovers a network's monitored layers; a network without any gets one WARN.
     *
     * @param model  the network
     * @param config the options
     * @param guard  where the WARNs go
     * @throws IllegalArgumentException when the model is neither a MultiLayerNetwork nor a ComputationGraph
     */
    public ModelState(Model model, MonitorConfig config, FailureGuard guard) {
        this.guard = guard;
        this.structure = Models.structure(model);
        Discovery d = NetworkInspector.discoverAll(model);
        this.specs = d.monitored();
        this.notMonitored = d.notMonitored();
        this.startIteration = Models.iteration(model);
        Map<String, Integer> names = new HashMap<>();
        for (LayerSpec s : specs) {
            names.merge(s.name(), 1, Integer::sum);
        }
        for (LayerSpec s : specs) {
            String k = names.get(s.name()) > 1 ? s.name() + "@" + s.index() : s.name();
            byKey.put(k, s);
            keys.put(s, k);
            byIndex.put(s.index(), s);
        }
        this.tracker = new DeadUnitTracker(config.deadAfterExamples(), config.calibratedDeadThreshold());
        this.reinit = config.policy() == null ? null
                : new ReinitStep(config.policy(), (k, m) -> guard.warnOnce(k, guard.who() + ": " + m));
        this.utility = utilityOf(config);
        if (specs.isEmpty()) {
            guard.warnOnce("no-gated-layer", guard.who() + ": " + model.getClass().getSimpleName() + " has no layer "
                    + "with a ReLU-family activation to monitor; the " + guard.who() + " does nothing");
        } else if (guard.log().isDebugEnabled()) {
            guard.log().debug("{}: monitoring {}", guard.who(), specs);
        }
    }

    private ModelState(MonitorConfig config, FailureGuard guard) {
        this.guard = guard;
        this.structure = List.of();
        this.specs = List.of();
        this.notMonitored = List.of();
        this.startIteration = 0;
        this.tracker = new DeadUnitTracker(config.deadAfterExamples(), config.calibratedDeadThreshold());
        this.reinit = null;
        this.utility = null;
    }

    private static UtilityTracker utilityOf(MonitorConfig config) {
        ReinitPolicy p = config.policy();
        return p != null && p.select() == UnitSelection.LOW_UTILITY
                ? new UtilityTracker(UtilityTracker.DECAY, p.replacementRate())
                : config.utilityScores() ? new UtilityTracker(UtilityTracker.DECAY) : null;
    }

    /** @return the utility tracker, or null unless the policy selects {@code LOW_UTILITY} or utility scores are on */
    public UtilityTracker utility() {
        return utility;
    }

    /**
     * A layer's outgoing sums {@code sum_k |w_out[j, k]|}, recomputed when none is kept, when they are
     * {@code refresh} iterations old, or after {@link #outgoingChanged()}; else the kept ones.
     *
     * @param model     the network
     * @param spec      the gated layer
     * @param units     its units
     * @param iteration the iteration
     * @param refresh   the most iterations a kept array is used for, >= 1
     * @return the sums, or null when the walk does not support the layer's consumers
     */
    double[] outgoing(Model model, LayerSpec spec, int units, int iteration, int refresh) {
        String k = key(spec);
        double[] o = outgoing.get(k);
        Integer at = outgoingAt.get(k);
        if (o == null || o.length != units || at == null || iteration - at >= refresh || iteration < at) {
            if (topology == null) {
                topology = ModelTopology.of(model);
            }
            o = OutgoingSums.of(topology, spec, units);
            if (o == null) {
                return null;
            }
            outgoing.put(k, o);
            outgoingAt.put(k, iteration);
        }
        return o;
    }

    /** Forgets the kept outgoing sums (a re-initialisation wrote weights). */
    void outgoingChanged() {
        outgoing.clear();
        outgoingAt.clear();
    }

    /**
     * The state of a front end not attached to any network (an aggregator fed by hand): no monitored layer; every
     * layer it is given is tracked as unknown (never called recoverable).
     *
     * @param config the options
     * @param guard  where the WARNs go
     * @return the state
     */
    public static ModelState detached(MonitorConfig config, FailureGuard guard) {
        return new ModelState(config, guard);
    }

    /** @return the structure value of {@link Models#structure} */
    public Object structure() {
        return structure;
    }

    /** @return the monitored layers, network order */
    public List<LayerSpec> specs() {
        return specs;
    }

    /** @return the layers with a ReLU-family activation that are not monitored, each with its reason */
    public List<Discovery.NotMonitored> notMonitored() {
        return notMonitored;
    }

    /** @return the monitored layers by {@link #key(LayerSpec)} (unmodifiable) */
    public Map<String, LayerSpec> byKey() {
        return Collections.unmodifiableMap(byKey);
    }

    /**
     * The key of a layer's per-layer state (counts, tracker, dropping).
     *
     * @param spec a monitored layer of this network
     * @return its name when unique among the monitored layers, else {@code name@index}
     */
    public String key(LayerSpec spec) {
        String k = keys.get(spec);
        return k == null ? spec.name() : k;
    }

    /**
     * @param index a layer index
     * @return the monitored layer with that index, or null
     */
    public LayerSpec spec(int index) {
        return byIndex.get(index);
    }

    /** @return the model's iteration count when monitoring started */
    public int startIteration() {
        return startIteration;
    }

    /**
     * The first iteration at which a unit can be re-initialised by a periodic check: the first multiple of
     * {@code every} at or after {@code maturity} iterations of monitoring.
     *
     * @param every    the policy's check interval, >= 1
     * @param maturity the policy's maturity in iterations
     * @return the iteration
     */
    public long firstCheck(int every, int maturity) {
        long from = (long) startIteration + maturity;
        return Math.max(0, Math.floorDiv(from + every - 1, every)) * every;
    }

    /** @return non-finite entries per layer name in the latest tracked iteration (empty when all were finite) */
    public Map<String, Long> nonFinite() {
        return nonFinite;
    }

    void nonFinite(Map<String, Long> perLayer) {
        this.nonFinite = Map.copyOf(perLayer);
    }

    /**
     * @param layer the layer key
     * @return its gradient scores of the latest tracked iteration, or empty
     */
    public double[] gradientScores(String layer) {
        return gradientScores.getOrDefault(layer, new double[0]);
    }

    void gradientScores(Map<String, double[]> perLayer) {
        this.gradientScores = Map.copyOf(perLayer);
    }

    /** Counts one re-initialisation check that ran. */
    void checkRan() {
        checks++;
    }

    /** @return the re-initialisation checks that ran so far */
    public long checks() {
        return checks;
    }

    /** @return true the first time it is called while no check ran (for the one "no check ran" INFO) */
    boolean noCheckToReport() {
        if (checks > 0 || noCheckReported) {
            return false;
        }
        noCheckReported = true;
        return true;
    }

    /** @return true when a monitored layer is counted by a {@code GateMonitorLayer} of the network */
    public boolean hasMonitorLayers() {
        for (LayerSpec s : specs) {
            if (s.monitorLayer()) {
                return true;
            }
        }
        return false;
    }

    /**
     * @return the layers whose reopening units a forward pass of the iteration being tracked fingerprinted
     *         ({@link MonitorEngine#fingerprintReopening}); the tracking step then prints only their newly dead units,
     *         and clears the set. Mutable, guarded by the front end's lock.
     */
    public Set<String> printedInForward() {
        return printedInForward;
    }

    /** @return the tracker */
    public DeadUnitTracker tracker() {
        return tracker;
    }

    /** @return the re-initialisation step, or null when monitoring only */
    public ReinitStep reinit() {
        return reinit;
    }

    /**
     * @param layer a layer name
     * @return whether it was dropped after a failure
     */
    public boolean dropped(String layer) {
        return dropped.contains(layer);
    }

    /**
     * Drops a layer from monitoring with one WARN.
     *
     * @param layer the layer name
     * @param what  what failed, e.g. "count the gates of"
     * @param e     the failure
     */
    public void drop(String layer, String what, Throwable e) {
        dropped.add(layer);
        guard.layerFailed(layer, what, e);
    }
}
