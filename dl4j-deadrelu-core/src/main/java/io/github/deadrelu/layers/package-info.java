/*
 * SPDX-License-Identifier: Apache-2.0
 */
/**
 * Provides layer implementations: {@link io.github.deadrelu.layers.GateMonitorLayerImpl}, the runtime side of
 * {@link io.github.deadrelu.conf.layers.GateMonitorLayer}.
 */
package io.github.deadrelu.layers;
