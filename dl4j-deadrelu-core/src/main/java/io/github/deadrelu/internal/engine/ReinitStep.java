/*
 * SPDX-License-Identifier: Apache-2.0
 */
package io.github.deadrelu.internal.engine;

import io.github.deadrelu.internal.DormancyScores;
import io.github.deadrelu.internal.LayerSpec;
import io.github.deadrelu.internal.PlanResult;
import io.github.deadrelu.internal.Reinitializer;
import io.github.deadrelu.reinit.ReinitPolicy;
import io.github.deadrelu.reinit.UnitSelection;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.BiConsumer;
import java.util.function.IntPredicate;
import org.deeplearning4j.nn.api.Model;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The selection step of re-initialisation, shared by every front end. Per monitored gated layer, in network order:
 * the units the policy's {@link ReinitPolicy#select() selection} picks (by default the units dead now) whose age (iterations since monitoring started or since their last re-initialisation) is at
 * least {@code policy.maturity()}, lowest index first, at most {@code policy.maxUnits(units)}. Frozen layers are
 * skipped with one WARN. Every layer is planned before anything is written; a layer whose plan is refused
 * (unsupported) or fails (a weight init throws, draws a wrong shape or non-finite values, an unknown optimizer state
 * layout) is left untouched, disabled with one WARN naming it and the cause, and the others go ahead. Then one commit
 * writes the event all or nothing: on a failed write every entry is restored and the layer whose write failed is
 * disabled with one WARN. One INFO line per event lists layers and counts.
 *
 * <p>Not thread-safe: the caller serialises calls (the listener runs it from {@code iterationDone}).
 *
 * <p>Used by dl4j-deadrelu internals, and should not be called by external code.
 */
public final class ReinitStep {

    private static final Logger log = LoggerFactory.getLogger(ReinitStep.class);

    private final ReinitPolicy policy;
    private final BiConsumer<String, String> warnOnce;
    private final Set<String> disabled = new HashSet<>();

    /**
     * Creates the step of one front end; it remembers the layers it disabled.
     *
     * @param policy   the re-initialisation policy
     * @param warnOnce the front end's once-only WARN sink, called with (key, message)
     */
    public ReinitStep(ReinitPolicy policy, BiConsumer<String, String> warnOnce) {
        this.policy = Objects.requireNonNull(policy, "policy");
        this.warnOnce = Objects.requireNonNull(warnOnce, "warnOnce");
    }

    /**
     * Re-initialises per the policy; never throws.
     *
     * @param model     the model (MLN or CG)
     * @param layers    the monitored layers seen this iteration, in network order
     * @param tracker   the tracker holding the dead units and their ages (marked re-initialised here)
     * @param iteration the iteration
     * @return the re-initialised units per layer name, network order (empty when none)
     */
    public Map<String, int[]> run(Model model, List<LayerSpec> layers, DeadUnitTracker tracker, int iteration) {
        return run(model, layers, tracker, UnitScores.empty(), iteration);
    }

    /**
     * Re-initialises per the policy's {@link ReinitPolicy#select() selection}; never throws. DEAD takes the
     * tracker's dead units; DORMANT the units with ReDo score at most {@code policy.threshold()}; GRADIENT_DORMANT
     * the units with GraMa score at most it; LOW_UTILITY the units the utility tracker says are due (lowest utility
     * first). For DORMANT and GRADIENT_DORMANT the lowest scores go first (ties: lowest index). In every case only
     * mature units (age at least {@code policy.maturity()}), at most {@code policy.maxUnits(units)} per layer, frozen
     * layers skipped with one WARN, and the same plan-then-commit event as for DEAD. A layer without the scores the
     * selection needs (or with empty ones: non-finite, not measured) is skipped this time.
     *
     * @param model     the model (MLN or CG)
     * @param layers    the monitored layers seen this iteration, in network order
     * @param tracker   the tracker holding the dead units and their ages (marked re-initialised here)
     * @param scores    the scores of the latest iteration (and the utility tracker, marked replaced here)
     * @param iteration the iteration
     * @return the re-initialised units per layer name, network order (empty when none)
     */
    public Map<String, int[]> run(Model model, List<LayerSpec> layers, DeadUnitTracker tracker, UnitScores scores,
                                  int iteration) {
        try {
            return runUnguarded(model, layers, tracker, Objects.requireNonNull(scores, "scores"), iteration);
        } catch (RuntimeException e) {
            warnOnce.accept("reinit#step", "re-initialisation at iteration " + iteration
                    + " failed and was skipped; training goes on: " + e);
            return Collections.emptyMap();
        }
    }

    /** @return the names of the layers re-initialisation is disabled for (a copy) */
    public Set<String> disabledLayers() {
        return new HashSet<>(disabled);
    }

    private Map<String, int[]> runUnguarded(Model model, List<LayerSpec> layers, DeadUnitTracker tracker,
                                            UnitScores scores, int iteration) {
        Reinitializer.Event event = null;
        Map<LayerSpec, int[]> planned = new LinkedHashMap<>();
        for (LayerSpec s : layers) {
            if (disabled.contains(s.name()) || !s.gate().isGated() || !tracker.knows(s.name())) {
                continue;
            }
            int units = unitsOf(tracker, s);
            IntPredicate mature = u -> tracker.age(s.name(), u, iteration) >= policy.maturity();
            if (s.frozen()) {
                if (candidates(s.name(), tracker, scores, units)) {
                    warnOnce.accept(s.name() + "#frozen", "layer " + s.name() + " has " + what()
                            + " units but its weights are frozen; it is never re-initialised");
                }
                continue;
            }
            int[] chosen = select(s.name(), tracker, scores, units, mature);
            if (chosen.length == 0) {
                continue;
            }
            if (event == null) {
                event = Reinitializer.event(model, policy, iteration);
            }
            PlanResult r = event.plan(s, chosen, units);
            if (r.isPlanned()) {
                planned.put(s, chosen);
            } else {
                disabled.add(s.name());
                warnOnce.accept(s.name() + "#reinit", r.status() == PlanResult.Status.REFUSED
                        ? "layer " + s.name() + " (" + s.layerType() + ") cannot be "
                        + "re-initialised, so re-initialisation is disabled for it; none of its parameters was "
                        + "written: " + r.reason()
                        : "re-initialisation of layer " + s.name() + " (" + s.layerType() + ") "
                        + "failed at iteration " + iteration + ", so it is disabled for it; none of its parameters "
                        + "was written: " + r.reason());
            }
        }
        if (planned.isEmpty()) {
            return Collections.emptyMap();
        }
        Reinitializer.CommitResult c = event.commit();
        if (!c.ok()) {
            String failed = c.failedLayer();
            disabled.add(failed);
            if (c.restored()) {
                warnOnce.accept(failed + "#reinit", "re-initialisation at iteration " + iteration
                        + " failed while writing and was undone (every entry holds its old value again); it is "
                        + "disabled for layer " + failed + ": " + c.message());
            } else {
                disabled.addAll(names(planned));
                log.error("DeadReluListener: re-initialisation at iteration {} failed while writing and restoring "
                        + "the old values failed too; it is disabled for layers {}: {}", iteration, names(planned),
                        c.message(), c.cause());
            }
            return Collections.emptyMap();
        }
        Map<String, int[]> done = new LinkedHashMap<>();
        StringBuilder sb = new StringBuilder();
        for (Map.Entry<LayerSpec, int[]> e : planned.entrySet()) {
            tracker.markReinitialized(e.getKey().name(), e.getValue(), iteration);
            if (scores.utility() != null) {
                scores.utility().markReplaced(e.getKey().name(), e.getValue());
            }
            done.put(e.getKey().name(), e.getValue());
            if (sb.length() > 0) {
                sb.append("; ");
            }
            sb.append(e.getKey().name()).append(' ').append(e.getValue().length).append(" units ")
                    .append(ReportFormat.unitList(e.getValue()));
        }
        log.info("DeadReluListener: re-initialised {} units at iteration {}: {} ({})", what(), iteration, sb,
                policy);
        return done;
    }

    /** The units the selection picks in one layer, ascending (mature, capped). */
    private int[] select(String layer, DeadUnitTracker tracker, UnitScores scores, int units, IntPredicate mature) {
        int cap = policy.maxUnits(units);
        switch (policy.select()) {
            case DORMANT:
            case GRADIENT_DORMANT: {
                double[] sc = score(layer, scores);
                if (sc == null || sc.length != units) {
                    return new int[0];
                }
                return DormancyScores.lowest(sc, policy.threshold(), mature, cap);
            }
            case LOW_UTILITY:
                return scores.utility() == null ? new int[0] : scores.utility().select(layer, mature, cap);
            default:
                return Arrays.stream(tracker.deadUnits(layer)).filter(mature).limit(cap).toArray();
        }
    }

    /** Whether the layer has units the selection would pick, maturity and accumulator aside (for the frozen WARN). */
    private boolean candidates(String layer, DeadUnitTracker tracker, UnitScores scores, int units) {
        switch (policy.select()) {
            case DORMANT:
            case GRADIENT_DORMANT: {
                double[] sc = score(layer, scores);
                return sc != null && sc.length == units
                        && DormancyScores.lowest(sc, policy.threshold(), u -> true, 1).length > 0;
            }
            case LOW_UTILITY:
                return scores.utility() != null && scores.utility().utilities(layer).length > 0;
            default:
                return tracker.deadUnits(layer).length > 0;
        }
    }

    private double[] score(String layer, UnitScores scores) {
        return policy.select() == UnitSelection.DORMANT ? scores.dormancy(layer) : scores.gradient(layer);
    }

    /** The words for the selected units in log lines. */
    private String what() {
        switch (policy.select()) {
            case DORMANT:
                return "dormant";
            case GRADIENT_DORMANT:
                return "gradient-dormant";
            case LOW_UTILITY:
                return "low-utility";
            default:
                return "dead";
        }
    }

    private static List<String> names(Map<LayerSpec, int[]> planned) {
        return planned.keySet().stream().map(LayerSpec::name).collect(java.util.stream.Collectors.toList());
    }

    private static int unitsOf(DeadUnitTracker tracker, LayerSpec s) {
        long[] st = tracker.streaks(s.name());
        return st == null ? Math.max(s.units(), 1) : st.length;
    }
}
