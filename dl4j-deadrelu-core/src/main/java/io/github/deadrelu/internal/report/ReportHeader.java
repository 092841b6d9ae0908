/*
 * SPDX-License-Identifier: Apache-2.0
 */
package io.github.deadrelu.internal.report;

import io.github.deadrelu.internal.Models;
import java.util.Objects;
import org.deeplearning4j.nn.api.Model;

/**
 * What the report's header says about the run: the model (type, layers, parameters), the listener's configuration
 * and the re-initialisation policy, as strings the listener passes in. Immutable.
 *
 * @param modelType     the model's type, e.g. {@code MultiLayerNetwork}
 * @param layers        the model's number of layers, >= 0
 * @param parameters    the model's number of parameters, >= 0
 * @param configuration the listener's configuration, e.g. its {@code toString()}
 * @param policy        the re-initialisation policy, e.g. its {@code toString()}, or "none (monitor only)"
 */
public record ReportHeader(String modelType, int layers, long parameters, String configuration, String policy) {

    /**
     * Creates a header.
     *
     * @param modelType     the model's type, e.g. {@code MultiLayerNetwork}
     * @param layers        the model's number of layers, >= 0
     * @param parameters    the model's number of parameters, >= 0
     * @param configuration the listener's configuration, e.g. its {@code toString()}
     * @param policy        the re-initialisation policy, e.g. its {@code toString()}, or "none (monitor only)"
     * @throws IllegalArgumentException when {@code layers} or {@code parameters} is negative
     */
    public ReportHeader {
        if (layers < 0) {
            throw new IllegalArgumentException("layers must be >= 0, got: " + layers);
        }
        if (parameters < 0) {
            throw new IllegalArgumentException("parameters must be >= 0, got: " + parameters);
        }
        Objects.requireNonNull(modelType, "modelType");
        Objects.requireNonNull(configuration, "configuration");
        Objects.requireNonNull(policy, "policy");
    }

    /**
     * Describes a DL4J model.
     *
     * @param model         a {@code MultiLayerNetwork} or a {@code ComputationGraph} (other models: type and
     *                      parameters only)
     * @param configuration the listener's configuration
     * @param policy        the re-initialisation policy, or null for none
     * @return the header
     */
    public static ReportHeader of(Model model, String configuration, String policy) {
        Objects.requireNonNull(model, "model");
        int layers = Models.layerCount(model);
        return new ReportHeader(model.getClass().getSimpleName(), layers, model.numParams(), configuration,
                policy == null ? "none (monitor only)" : policy);
    }

    /** @return a header for a run whose model is not known yet */
    public static ReportHeader unknown() {
        return new ReportHeader("(not attached yet)", 0, 0, "", "none (monitor only)");
    }

    @Override
    public String toString() {
        return "ReportHeader(modelType=" + modelType + ", layers=" + layers + ", parameters=" + parameters
                + ", configuration=" + configuration + ", policy=" + policy + ")";
    }
}
