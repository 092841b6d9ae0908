/*
 * SPDX-License-Identifier: Apache-2.0
 */
package io.github.deadrelu.internal;

import java.io.Serializable;
import java.util.List;
import java.util.Objects;

/**
 * What discovery knows about one monitored layer of a network: how to find its activations, its gate, its unit axis,
 * who owns its incoming weights, who consumes its output, and whether its dead units can come back by training.
 *
 * <p>Holds names and indices only, never layer objects, so one description serves every replica of a model
 * (ParallelWrapper workers, Spark tasks). Immutable. Used by dl4j-deadrelu internals, and should not be called by
 * external code.
 *
 * @serial exclude
 * @param name          DL4J layer name (CG vertex name; MLN configured name)
 * @param index         MLN layer index, or position in the CG topological order
 * @param mlnIndex      MLN layer index, -1 in a ComputationGraph
 * @param layerType     simple class name of the (unwrapped) layer configuration
 * @param gate          the gate
 * @param layout        the activation layout
 * @param units         units (nOut), -1 when unknown until the first activation is seen
 * @param recoverable   whether trainable parameters exist upstream of the incoming weights
 * @param frozen        whether the incoming weights are frozen
 * @param monitorLayer  whether the layer counts its own gates ({@link GateMonitorCounts})
 * @param ownerName     name of the layer owning the incoming weights, null when there is none
 * @param ownerMlnIndex MLN index of that layer, -1 when none or in a ComputationGraph
 * @param batchNormName name of a BatchNormalization between the weights and the gate, or null
 * @param consumers     names of the layers that take this layer's output directly
 */
public record LayerSpec(String name, int index, int mlnIndex, String layerType, Gate gate, Layout layout, int units,
                        boolean recoverable, boolean frozen, boolean monitorLayer, String ownerName,
                        int ownerMlnIndex, String batchNormName, List<String> consumers) implements Serializable {
    private static final long serialVersionUID = 1L;

    /**
     * Creates a description.
     *
     * @param name          DL4J layer name (CG vertex name; MLN configured name)
     * @param index         MLN layer index, or position in the CG topological order
     * @param mlnIndex      MLN layer index, -1 in a ComputationGraph
     * @param layerType     simple class name of the (unwrapped) layer configuration
     * @param gate          the gate
     * @param layout        the activation layout
     * @param units         units (nOut), -1 when unknown until the first activation is seen
     * @param recoverable   whether trainable parameters exist upstream of the incoming weights
     * @param frozen        whether the incoming weights are frozen
     * @param monitorLayer  whether the layer counts its own gates ({@link GateMonitorCounts})
     * @param ownerName     name of the layer owning the incoming weights, null when there is none
     * @param ownerMlnIndex MLN index of that layer, -1 when none or in a ComputationGraph
     * @param batchNormName name of a BatchNormalization between the weights and the gate, or null
     * @param consumers     names of the layers that take this layer's output directly
     */
    public LayerSpec {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(layerType, "layerType");
        Objects.requireNonNull(gate, "gate");
        Objects.requireNonNull(layout, "layout");
        consumers = List.copyOf(consumers);
    }

    /** @return true when this layer belongs to a ComputationGraph */
    public boolean inGraph() {
        return mlnIndex < 0;
    }

    @Override
    public String toString() {
        return "LayerSpec(name=" + name + ", index=" + index + ", type=" + layerType + ", gate=" + gate
                + ", layout=" + layout + ", units=" + units + ", recoverable=" + recoverable + ", frozen=" + frozen
                + ", owner=" + ownerName + ", batchNorm=" + batchNormName + ", consumers=" + consumers + ")";
    }
}
