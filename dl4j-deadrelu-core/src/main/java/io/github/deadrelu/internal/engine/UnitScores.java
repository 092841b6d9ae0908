/*
 * SPDX-License-Identifier: Apache-2.0
 */
package io.github.deadrelu.internal.engine;

import java.util.HashMap;
import java.util.Map;
import java.util.Objects;

/**
 * The per-layer scores one re-initialisation event selects by ({@link ReinitStep#run(org.deeplearning4j.nn.api.Model,
 * java.util.List, DeadUnitTracker, UnitScores, int)}): ReDo dormancy scores and GraMa gradient scores of the latest
 * mini-batch by layer name, and the Continual Backprop utility tracker. Missing scores mean "not measured": the layer
 * is skipped for that selection.
 *
 * <p>Not thread-safe; built by the engine for one event.
 *
 * <p>Used by dl4j-deadrelu internals, and should not be called by external code.
 */
public final class UnitScores {
    private final Map<String, double[]> dormancy = new HashMap<>();
    private final Map<String, double[]> gradient = new HashMap<>();
    private UtilityTracker utility;

    /** @return empty scores */
    public static UnitScores empty() {
        return new UnitScores();
    }

    /**
     * Sets a layer's ReDo scores.
     *
     * @param layer  the layer name
     * @param scores s_j per unit ({@code io.github.deadrelu.internal.DormancyScores}); empty when not finite
     * @return this, for chaining
     */
    public UnitScores dormancy(String layer, double[] scores) {
        dormancy.put(Objects.requireNonNull(layer, "layer"), Objects.requireNonNull(scores, "scores"));
        return this;
    }

    /**
     * Sets a layer's GraMa scores.
     *
     * @param layer  the layer name
     * @param scores g_j per unit ({@code io.github.deadrelu.internal.GradientScores}); empty when not measured
     * @return this, for chaining
     */
    public UnitScores gradient(String layer, double[] scores) {
        gradient.put(Objects.requireNonNull(layer, "layer"), Objects.requireNonNull(scores, "scores"));
        return this;
    }

    /**
     * Sets the utility tracker of the front end.
     *
     * @param tracker the tracker
     * @return this, for chaining
     */
    public UnitScores utility(UtilityTracker tracker) {
        this.utility = Objects.requireNonNull(tracker, "tracker");
        return this;
    }

    /**
     * @param layer the layer name
     * @return its ReDo scores, or null when not set
     */
    public double[] dormancy(String layer) {
        return dormancy.get(layer);
    }

    /**
     * @param layer the layer name
     * @return its GraMa scores, or null when not set
     */
    public double[] gradient(String layer) {
        return gradient.get(layer);
    }

    /** @return the utility tracker, or null when not set */
    public UtilityTracker utility() {
        return utility;
    }
}
