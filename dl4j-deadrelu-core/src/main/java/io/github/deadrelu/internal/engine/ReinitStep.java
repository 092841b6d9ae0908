/*
 * SPDX-License-Identifier: Apache-2.0
 */
package io.github.deadrelu.internal.engine;

import io.github.deadrelu.internal.LayerSpec;
import io.github.deadrelu.internal.Reinitializer;
import io.github.deadrelu.reinit.ReinitPolicy;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.BiConsumer;
import org.deeplearning4j.nn.api.Model;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one re-initialisation step of every front end (the listener every {@code policy.every()} iterations, the
 * aggregator's {@code reinitialize()} between {@code fit} calls): selects the dead mature units, plans one event,
 * commits it, and disables layers that cannot be re-initialised.
 *
 * <p>Per monitored gated layer, in network order: the units dead now whose age (iterations since monitoring started
 * or since their last re-initialisation) is at least {@code policy.maturity()}, lowest index first, at most
 * {@code policy.maxUnits(units)}. Frozen layers are skipped with one WARN. Every layer is planned before anything is
 * written; a layer that cannot be re-initialised (unsupported layer, consumer or vertex) is left untouched, disabled
 * with one WARN, and the others go ahead. One INFO line per event lists layers and counts.
 *
 * <p>Not thread-safe: the caller serialises access. Used by dl4j-deadrelu internals, and should not be called by
 * external code.
 */
public final class ReinitStep {
    private static final Logger log = LoggerFactory.getLogger(ReinitStep.class);

    private final ReinitPolicy policy;
    private final BiConsumer<String, String> warnOnce;
    private final Set<String> disabled = new HashSet<>();

    /**
     * Creates a step.
     *
     * @param policy   the policy
     * @param warnOnce where WARNs go, as (key, message); the caller logs each key once
     * @throws NullPointerException when an argument is null
     */
    public ReinitStep(ReinitPolicy policy, BiConsumer<String, String> warnOnce) {
        this.policy = Objects.requireNonNull(policy, "policy");
        this.warnOnce = Objects.requireNonNull(warnOnce, "warnOnce");
    }

    /**
     * Re-initialises per the policy; never throws.
     *
     * @param model     the model to write (the single model, or the driver's/root network)
     * @param layers    the layers tracked in this iteration, in network order
     * @param tracker   the tracker holding their dead units and ages
     * @param iteration the iteration (ages are counted to it; the event is seeded with it)
     * @return the re-initialised units per layer name, network order (empty when nothing was written)
     */
    public Map<String, int[]> run(Model model, List<LayerSpec> layers, DeadUnitTracker tracker, int iteration) {
        try {
            return runUnguarded(model, layers, tracker, iteration);
        } catch (RuntimeException e) {
            warnOnce.accept("reinit#failed", "re-initialisation at iteration " + iteration + " failed and was "
                    + "skipped (" + e + ")");
            return Collections.emptyMap();
        }
    }

    private Map<String, int[]> runUnguarded(Model model, List<LayerSpec> layers, DeadUnitTracker tracker,
                                            int iteration) {
        Reinitializer.Event event = null;
        Map<LayerSpec, int[]> planned = new LinkedHashMap<>();
        for (LayerSpec s : layers) {
            if (disabled.contains(s.name()) || !s.gate().isGated() || !tracker.knows(s.name())) {
                continue;
            }
            int[] dead = tracker.deadUnits(s.name());
            if (dead.length == 0) {
                continue;
            }
            if (s.frozen()) {
                warnOnce.accept(s.name() + "#frozen", "layer " + s.name()
                        + " has dead units but its weights are frozen; it is never re-initialised");
                continue;
            }
            int units = unitsOf(tracker, s);
            int[] chosen = Arrays.stream(dead)
                    .filter(u -> tracker.age(s.name(), u, iteration) >= policy.maturity())
                    .limit(policy.maxUnits(units)).toArray();
            if (chosen.length == 0) {
                continue;
            }
            try {
                if (event == null) {
                    event = Reinitializer.event(model, policy, iteration);
                }
                event.add(s, chosen, units);
                planned.put(s, chosen);
            } catch (IllegalArgumentException e) {
                disabled.add(s.name());
                warnOnce.accept(s.name() + "#reinit", "layer " + s.name() + " (" + s.layerType() + ") cannot be "
                        + "re-initialised, so re-initialisation is disabled for it; none of its parameters was "
                        + "written: " + e.getMessage());
            }
        }
        if (planned.isEmpty()) {
            return Collections.emptyMap();
        }
        List<String> names = planned.keySet().stream().map(LayerSpec::name).toList();
        try {
            event.commit();
        } catch (IllegalArgumentException e) {
            // The updater state could not be mapped: found before the first write.
            disabled.addAll(names);
            warnOnce.accept(names + "#commit", "re-initialisation at iteration " + iteration + " is not possible "
                    + "and is disabled for layers " + names + "; no parameter was changed: " + e.getMessage());
            return Collections.emptyMap();
        } catch (RuntimeException e) {
            // Only an ND4J failure inside the in-place write kernels gets here.
            disabled.addAll(names);
            log.error("re-initialisation at iteration {} failed while writing layers {} and is disabled for them",
                    iteration, names, e);
            return Collections.emptyMap();
        }
        Map<String, int[]> done = new LinkedHashMap<>();
        StringBuilder sb = new StringBuilder();
        for (Map.Entry<LayerSpec, int[]> e : planned.entrySet()) {
            tracker.markReinitialized(e.getKey().name(), e.getValue(), iteration);
            done.put(e.getKey().name(), e.getValue());
            if (sb.length() > 0) {
                sb.append("; ");
            }
            sb.append(e.getKey().name()).append(' ').append(e.getValue().length).append(" units ")
                    .append(ReportFormat.unitList(e.getValue()));
        }
        log.info("re-initialised dead units at iteration {}: {} ({})", iteration, sb, policy);
        return Collections.unmodifiableMap(done);
    }

    private static int unitsOf(DeadUnitTracker tracker, LayerSpec s) {
        long[] st = tracker.streaks(s.name());
        return st == null ? Math.max(s.units(), 1) : st.length;
    }
}
