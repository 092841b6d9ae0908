/*
 * SPDX-License-Identifier: Apache-2.0
 */

/**
 * Provides ReinitPolicy and OutgoingWeights, which say when and how dead ReLU units are re-initialised.
 */
package io.github.deadrelu.reinit;
