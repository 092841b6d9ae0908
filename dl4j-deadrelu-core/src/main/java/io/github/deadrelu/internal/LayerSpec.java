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
 */
public final class LayerSpec implements Serializable {
    private static final long serialVersionUID = 1L;

    /** The layer name: CG vertex name, MLN configured name. */
    private final String name;
    /** The MLN layer index or CG topological vertex index. */
    private final int index;
    /** The MLN layer index; -1 in a ComputationGraph. */
    private final int mlnIndex;
    /** The layer configuration's simple class name. */
    private final String layerType;
    /** The layer's gate. */
    private final Gate gate;
    /** The layout of the layer's activations (unit axis and reduce dimensions). */
    private final Layout layout;
    /** The number of units. */
    private final int units;
    /** Whether trainable parameters lie upstream of the incoming weights. */
    private final boolean recoverable;
    /** Whether the layer's incoming weights are frozen. */
    private final boolean frozen;
    /** Whether the layer is a GateMonitorLayer that counts itself. */
    private final boolean monitorLayer;
    /** The name of the layer that owns the incoming weights. */
    private final String ownerName;
    /** The MLN index of that owner; -1 in a ComputationGraph. */
    private final int ownerMlnIndex;
    /** The BatchNormalization between the owner and the gate, or null. */
    private final String batchNormName;
    /** The names of the layers or vertices that read the activations. */
    private final List<String> consumers;

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
    public LayerSpec(String name, int index, int mlnIndex, String layerType, Gate gate, Layout layout, int units,
                     boolean recoverable, boolean frozen, boolean monitorLayer, String ownerName, int ownerMlnIndex,
                     String batchNormName, List<String> consumers) {
        this.name = Objects.requireNonNull(name, "name");
        this.index = index;
        this.mlnIndex = mlnIndex;
        this.layerType = Objects.requireNonNull(layerType, "layerType");
        this.gate = Objects.requireNonNull(gate, "gate");
        this.layout = Objects.requireNonNull(layout, "layout");
        this.units = units;
        this.recoverable = recoverable;
        this.frozen = frozen;
        this.monitorLayer = monitorLayer;
        this.ownerName = ownerName;
        this.ownerMlnIndex = ownerMlnIndex;
        this.batchNormName = batchNormName;
        this.consumers = List.copyOf(consumers);
    }

    /** @return the DL4J layer name */
    public String name() {
        return name;
    }

    /** @return MLN index, or CG topological position */
    public int index() {
        return index;
    }

    /** @return MLN index, or -1 in a ComputationGraph */
    public int mlnIndex() {
        return mlnIndex;
    }

    /** @return true when this layer belongs to a ComputationGraph */
    public boolean inGraph() {
        return mlnIndex < 0;
    }

    /** @return the simple class name of the layer configuration */
    public String layerType() {
        return layerType;
    }

    /** @return the gate */
    public Gate gate() {
        return gate;
    }

    /** @return the activation layout */
    public Layout layout() {
        return layout;
    }

    /** @return the configured number of units, or -1 when unknown */
    public int units() {
        return units;
    }

    /** @return whether trainable parameters exist upstream of the incoming weights */
    public boolean recoverable() {
        return recoverable;
    }

    /** @return whether the incoming weights are frozen */
    public boolean frozen() {
        return frozen;
    }

    /** @return whether the layer counts its own gates */
    public boolean monitorLayer() {
        return monitorLayer;
    }

    /** @return the name of the layer owning the incoming weights, or null */
    public String ownerName() {
        return ownerName;
    }

    /** @return the MLN index of the layer owning the incoming weights, or -1 */
    public int ownerMlnIndex() {
        return ownerMlnIndex;
    }

    /** @return the BatchNormalization between weights and gate, or null */
    public String batchNormName() {
        return batchNormName;
    }

    /** @return names of the layers that take this layer's output directly (CG vertices or MLN layer names) */
    public List<String> consumers() {
        return consumers;
    }

    @Override
    public String toString() {
        return "LayerSpec(name=" + name + ", index=" + index + ", type=" + layerType + ", gate=" + gate
                + ", layout=" + layout + ", units=" + units + ", recoverable=" + recoverable + ", frozen=" + frozen
                + ", owner=" + ownerName + ", batchNorm=" + batchNormName + ", consumers=" + consumers + ")";
    }
}
