/*
 * SPDX-License-Identifier: Apache-2.0
 */
package io.github.deadrelu.internal.engine;

import io.github.deadrelu.internal.ActivationCounter;
import io.github.deadrelu.internal.GateMonitorCounts;
import io.github.deadrelu.internal.LayerSpec;
import io.github.deadrelu.internal.Models;
import io.github.deadrelu.internal.UnitCounts;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.function.BiConsumer;
import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.api.Model;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The counting half of a front end's callbacks, once for every front end ({@code DeadReluListener} and the Spark
 * module's {@code DeadReluRoutingListener}): which activation of a callback belongs to which monitored layer, counting
 * it under the layer's key ({@link ModelState#key}: name, or name@index when names repeat) with the failure guard (a
 * failing layer is dropped with one WARN), and taking the counts a {@code GateMonitorLayer} gathered itself.
 *
 * <p>Used by dl4j-deadrelu internals, and should not be called by external code.
 */
public final class LayerCounting {
    private LayerCounting() {
    }

    /**
     * Counts the activations of a MultiLayerNetwork's {@code onForwardPass} (entry 0 is the input, entry i + 1 the
     * output of layer i) into {@code counts}, summed with what it holds.
     *
     * @param counts      the counts by layer key, added to
     * @param state       the network's state
     * @param model       the network
     * @param activations the callback's activations
     * @param guard       the front end's guard (one WARN per degraded feature)
     */
    public static void countMln(Map<String, UnitCounts> counts, ModelState state, Model model,
                                List<INDArray> activations, FailureGuard guard) {
        long examples = activations.get(0).size(0);
        for (LayerSpec s : state.specs()) {
            int idx = s.mlnIndex() + 1;
            if (!s.monitorLayer() && idx < activations.size() && activations.get(idx) != null) {
                count(counts, state, model, s, activations.get(idx), examples, guard);
            }
        }
    }

    /**
     * Counts the activations of a ComputationGraph's {@code onForwardPass} (by vertex name) into {@code counts},
     * summed with what it holds.
     *
     * @param counts      the counts by layer key, added to
     * @param state       the graph's state
     * @param model       the graph
     * @param activations the callback's activations
     * @param guard       the front end's guard
     */
    public static void countGraph(Map<String, UnitCounts> counts, ModelState state, Model model,
                                  Map<String, INDArray> activations, FailureGuard guard) {
        long examples = Models.graphExamples(model, activations);
        for (LayerSpec s : state.specs()) {
            INDArray act = activations.get(s.name());
            if (!s.monitorLayer() && act != null) {
                count(counts, state, model, s, act, examples, guard);
            }
        }
    }

    /** Counts one layer; a failure drops the layer from then on, with one WARN. */
    private static void count(Map<String, UnitCounts> counts, ModelState state, Model model, LayerSpec s,
                              INDArray act, long examples, FailureGuard guard) {
        String key = state.key(s);
        if (state.dropped(key)) {
            return;
        }
        try {
            counts.merge(key, ActivationCounter.count(model, s, act, examples, guard::warnOnce), UnitCounts::plus);
        } catch (RuntimeException e) {
            state.drop(key, "count the gates of", e);
        }
    }

    /**
     * The counts the network's {@code GateMonitorLayer}s gathered in the forward pass that just ran, left in place for
     * {@link #takeMonitorCounts} (a layer that fails is skipped here; the take drops it with its WARN).
     *
     * @param counts where the counts go, by layer key
     * @param state  the model's state
     * @param model  the model
     */
    public static void peekMonitorCounts(Map<String, UnitCounts> counts, ModelState state, Model model) {
        eachMonitorLayer(state, model, null, (key, layer) -> {
            UnitCounts c = GateMonitorCounts.peek(layer);
            if (c != null) {
                counts.put(key, c);
            }
        });
    }

    /**
     * Takes the counts each {@code GateMonitorLayer} gathered itself since the last take (and, when {@code blocked}
     * is given, its blocked-gradient share, read before the take forgets it); a failing layer is dropped with one
     * WARN.
     *
     * @param counts  the counts by layer key, added to
     * @param blocked the blocked-gradient shares by layer key, filled; or null when not wanted
     * @param state   the network's state
     * @param model   the network
     */
    public static void takeMonitorCounts(Map<String, UnitCounts> counts, Map<String, OptionalDouble> blocked,
                                         ModelState state, Model model) {
        eachMonitorLayer(state, model, "take the gate counts of", (key, layer) -> {
            if (blocked != null) {
                blocked.put(key, GateMonitorCounts.blockedGradientShare(layer));
            }
            UnitCounts c = GateMonitorCounts.take(layer);
            if (c != null) {
                counts.merge(key, c, UnitCounts::plus);
            }
        });
    }

    /**
     * Runs {@code body} for every monitored layer a {@code GateMonitorLayer} counts (not dropped), with its key and
     * layer; a failure drops the layer for {@code what} (with its one WARN), or is skipped when {@code what} is null.
     */
    private static void eachMonitorLayer(ModelState state, Model model, String what, BiConsumer<String, Layer> body) {
        for (LayerSpec s : state.specs()) {
            String key = state.key(s);
            if (!s.monitorLayer() || state.dropped(key)) {
                continue;
            }
            try {
                body.accept(key, ActivationCounter.layerOf(model, s.name(), s.mlnIndex()));
            } catch (RuntimeException e) {
                if (what != null) {
                    state.drop(key, what, e);
                }
            }
        }
    }
}
