/*
 * SPDX-License-Identifier: Apache-2.0
 */
package io.github.deadrelu.benchmarks;

import io.github.deadrelu.listeners.DeadReluListener;
import io.github.deadrelu.reinit.ReinitPolicy;
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
    /** {@link NaiveCountListener}: {@code gt(0).castTo(INT32).sum(dims)} per hidden activation. */
    NAIVE_COUNT,
    /** DL4J's {@code StatsListener} into an {@code InMemoryStatsStorage}, reporting every iteration. */
    STATS_EVERY_1,
    /** DL4J's {@code StatsListener} into an {@code InMemoryStatsStorage}, reporting every 10 iterations. */
    STATS_EVERY_10;

    /**
     * A fresh listener of this variant.
     *
     * @return the listener, or null for {@link #NONE}
     */
    TrainingListener listener() {
        switch (this) {
            case DEAD_RELU:
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
