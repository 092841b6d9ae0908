/*
 * SPDX-License-Identifier: Apache-2.0
 */
package io.github.deadrelu.internal.engine;

import io.github.deadrelu.internal.LayerSpec;
import io.github.deadrelu.internal.Models;
import io.github.deadrelu.internal.NetworkInspector;
import java.util.Collections;
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
 * <p>Used by dl4j-deadrelu internals, and should not be called by external code.
 */
public final class ModelState {
    private final Object structure;
    private final List<LayerSpec> specs;
    private final Map<String, LayerSpec> byName = new LinkedHashMap<>();
    private final DeadUnitTracker tracker;
    private final ReinitStep reinit;
    private final Set<String> dropped = ConcurrentHashMap.newKeySet();
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
        this.specs = List.copyOf(NetworkInspector.discover(model));
        for (LayerSpec s : specs) {
            byName.put(s.name(), s);
        }
        this.tracker = new DeadUnitTracker(config.deadAfterExamples());
        this.reinit = config.policy() == null ? null
                : new ReinitStep(config.policy(), (k, m) -> guard.warnOnce(k, guard.who() + ": " + m));
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
        this.tracker = new DeadUnitTracker(config.deadAfterExamples());
        this.reinit = null;
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

    /** @return the monitored layers by name (unmodifiable) */
    public Map<String, LayerSpec> byName() {
        return Collections.unmodifiableMap(byName);
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
