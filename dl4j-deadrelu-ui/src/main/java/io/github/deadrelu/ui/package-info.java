/*
 * SPDX-License-Identifier: Apache-2.0
 */
/**
 * Provides a dead-ReLU page in Deeplearning4j's training UI: {@link io.github.deadrelu.ui.DeadReluStatsListener}
 * publishes the core listener's per-iteration numbers to a {@code StatsStorageRouter}, and
 * {@link io.github.deadrelu.ui.DeadReluModule} (a {@code UIModule} found through {@code META-INF/services}) serves them
 * at {@code /deadrelu} and {@code /deadrelu/data}.
 */
package io.github.deadrelu.ui;
