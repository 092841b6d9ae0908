/*
 * SPDX-License-Identifier: Apache-2.0
 */
package io.github.deadrelu.benchmarks;

import io.github.deadrelu.listeners.DeadReluListener;
import io.github.deadrelu.reinit.ReinitPolicy;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.optimize.api.TrainingListener;
import org.deeplearning4j.ui.model.stats.StatsListener;
import org.deeplearning4j.ui.model.storage.InMemoryStatsStorage;

/** The listener configurations a training step is measured with. */
public enum Variant {
    /** No listener: the baseline every ratio is taken against. */
    NONE,
    /** {@link DeadReluListener}, monitor only, defaults (summary line every 100 iterations). */
    DEAD_RELU,
    /** {@link DeadReluListener} with {@code ReinitPolicy.builder().every(1)}: the policy runs every step. */
    DEAD_RELU_REINIT,
    /**
     * The network instrumented with {@code GateMonitors.instrument} (every ReLU moved into a {@code GateMonitorLayer}
     * that counts its own gates and the gradient they block) and {@link DeadReluListener}, monitor only.
     */
    GATE_MONITOR,
    /** {@link NaiveCountListener}: {@code gt(0).castTo(INT32).sum(dims)} per hidden activation. */
    NAIVE_COUNT,
    /** DL4J's {@code StatsListener} into an {@code InMemoryStatsStorage}, reporting every iteration. */
    STATS_EVERY_1,
    /** DL4J's {@code StatsListener} into an {@code InMemoryStatsStorage}, reporting every 10 iterations. */
    STATS_EVERY_10;

    /**
     * The network this variant trains: the network itself, or its instrumented copy for {@link #GATE_MONITOR}.
     *
     * @param net the initialised network
     * @return the network to train
     */
    MultiLayerNetwork prepare(MultiLayerNetwork net) {
        return this == GATE_MONITOR ? io.github.deadrelu.conf.layers.GateMonitors.instrument(net) : net;
    }

    /**
     * A fresh listener of this variant.
     *
     * @return the listener, or null for {@link #NONE}
     */
    TrainingListener listener() {
        switch (this) {
            case DEAD_RELU:
            case GATE_MONITOR:
                return DeadReluListener.builder().build();
            case DEAD_RELU_REINIT:
                return DeadReluListener.builder().reinitialize(ReinitPolicy.builder().every(1).build()).build();
            case NAIVE_COUNT:
                return new NaiveCountListener();
            case STATS_EVERY_1:
                return new StatsListener(new InMemoryStatsStorage(), 1);
            case STATS_EVERY_10:
                return new StatsListener(new InMemoryStatsStorage(), 10);
            default:
                return null;
        }
    }
}
