/*
 * SPDX-License-Identifier: Apache-2.0
 */
package io.github.deadrelu.internal;

import java.io.Serializable;
import java.util.List;
import java.util.Objects;

/**
 * What discovery found in a model: the monitored layers, and the layers with a ReLU-family activation that are
 * <em>not</em> monitored, each with one reason (for the line a front end prints when it attaches). Immutable.
 *
 * <p>Used by dl4j-deadrelu internals, and should not be called by external code.
 */
public final class Discovery implements Serializable {
    private static final long serialVersionUID = 1L;

    /** The monitored gated layers, in network order. */
    private final List<LayerSpec> monitored;
    /** The layers with a ReLU-family activation that are not monitored, each with its reason. */
    private final List<NotMonitored> notMonitored;

    /**
     * Creates a result.
     *
     * @param monitored    the monitored layers, in network order
     * @param notMonitored the layers with a ReLU-family activation that are not monitored, in network order
     */
    public Discovery(List<LayerSpec> monitored, List<NotMonitored> notMonitored) {
        this.monitored = List.copyOf(monitored);
        this.notMonitored = List.copyOf(notMonitored);
    }

    /** @return the monitored layers in network order (MLN index order; CG topological order) */
    public List<LayerSpec> monitored() {
        return monitored;
    }

    /** @return the layers with a ReLU-family activation that are not monitored, in network order */
    public List<NotMonitored> notMonitored() {
        return notMonitored;
    }

    @Override
    public String toString() {
        return "Discovery(monitored=" + monitored.size() + ", notMonitored=" + notMonitored + ")";
    }

    /** A layer with a ReLU-family activation that is not monitored, and why. Immutable. */
    public static final class NotMonitored implements Serializable {
        private static final long serialVersionUID = 1L;

        /** The layer (vertex) name. */
        private final String name;
        /** The MLN layer index or the CG topological vertex index. */
        private final int index;
        /** The layer configuration's simple class name. */
        private final String layerType;
        /** Why the layer is not monitored. */
        private final String reason;

        /**
         * Creates an entry.
         *
         * @param name      the DL4J layer name
         * @param index     MLN layer index, or position in the CG topological order
         * @param layerType simple class name of the (unwrapped) layer configuration
         * @param reason    why it is not monitored, one short clause
         */
        public NotMonitored(String name, int index, String layerType, String reason) {
            this.name = Objects.requireNonNull(name, "name");
            this.index = index;
            this.layerType = Objects.requireNonNull(layerType, "layerType");
            this.reason = Objects.requireNonNull(reason, "reason");
        }

        /** @return the DL4J layer name */
        public String name() {
            return name;
        }

        /** @return MLN index, or CG topological position */
        public int index() {
            return index;
        }

        /** @return the simple class name of the layer configuration */
        public String layerType() {
            return layerType;
        }

        /** @return why the layer is not monitored */
        public String reason() {
            return reason;
        }

        /** @return {@code name (Type): reason} */
        @Override
        public String toString() {
            return name + " (" + layerType + "): " + reason;
        }
    }
}
