/*
 * SPDX-License-Identifier: Apache-2.0
 */

/**
 * Provides the policy ({@link io.github.deadrelu.reinit.ReinitPolicy}) with which
 * {@code io.github.deadrelu.listeners.DeadReluListener} re-initialises dead ReLU units, and the treatment of their
 * outgoing weights ({@link io.github.deadrelu.reinit.OutgoingWeights}).
 */
package io.github.deadrelu.reinit;
