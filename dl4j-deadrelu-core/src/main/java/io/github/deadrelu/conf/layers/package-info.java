/*
 * SPDX-License-Identifier: Apache-2.0
 */
/**
 * Provides layer configurations: {@link io.github.deadrelu.conf.layers.GateMonitorLayer}, a parameter-free ReLU-family
 * activation layer that counts its own gates exactly, and {@link io.github.deadrelu.conf.layers.GateMonitors}, which
 * moves the activations of an existing configuration into such layers.
 */
package io.github.deadrelu.conf.layers;
