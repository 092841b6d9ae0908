/*
 * SPDX-License-Identifier: Apache-2.0
 */

/**
 * Provides the immutable results of dead-ReLU monitoring (GateSnapshot, LayerGates) and DeadReluAnalysis for a trained network on a data set.
 */
package io.github.deadrelu.stats;
