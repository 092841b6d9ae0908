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
 *
 * @serial exclude
 * @param monitored    the monitored layers in network order (MLN index order; CG topological order)
 * @param notMonitored the layers with a ReLU-family activation that are not monitored, in network order
 */
public record Discovery(List<LayerSpec> monitored, List<NotMonitored> notMonitored) implements Serializable {
    private static final long serialVersionUID = 1L;

    /**
     * Creates a result.
     *
     * @param monitored    the monitored layers, in network order (copied)
     * @param notMonitored the layers with a ReLU-family activation that are not monitored, in network order (copied)
     */
    public Discovery {
        monitored = List.copyOf(monitored);
        notMonitored = List.copyOf(notMonitored);
    }

    @Override
    public String toString() {
        return "Discovery(monitored=" + monitored.size() + ", notMonitored=" + notMonitored + ")";
    }

    /**
     * A layer with a ReLU-family activation that is not monitored, and why. Immutable.
     *
     * @serial exclude
     * @param name      the DL4J layer name
     * @param index     MLN layer index, or position in the CG topological order
     * @param layerType simple class name of the (unwrapped) layer configuration
     * @param reason    why it is not monitored, one short clause
     */
    public record NotMonitored(String name, int index, String layerType, String reason) implements Serializable {
        private static final long serialVersionUID = 1L;

        /**
         * Creates an entry.
         *
         * @param name      the DL4J layer name
         * @param index     MLN layer index, or position in the CG topological order
         * @param layerType simple class name of the (unwrapped) layer configuration
         * @param reason    why it is not monitored, one short clause
         */
        public NotMonitored {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(layerType, "layerType");
            Objects.requireNonNull(reason, "reason");
        }

        /** @return {@code name (Type): reason} */
        @Override
        public String toString() {
            return name + " (" + layerType + "): " + reason;
        }
    }
}
