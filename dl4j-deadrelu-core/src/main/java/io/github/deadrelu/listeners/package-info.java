/*
 * SPDX-License-Identifier: Apache-2.0
 */

/**
 * Provides DeadReluListener, the training listener that reports closed ReLU gates and dead units per mini-batch and optionally re-initialises dead units.
 */
package io.github.deadrelu.listeners;
