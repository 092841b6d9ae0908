/*
 * SPDX-License-Identifier: Apache-2.0
 */
/**
 * The continual-learning tasks of the loss-of-plasticity studies (Dohare et al., "Loss of plasticity in deep
 * continual learning", Nature 632, 2024; shibhansh/loss-of-plasticity): Slowly-Changing Regression and Online
 * Permuted MNIST, as deterministic data streams.
 */
package io.github.deadrelu.examples.plasticity;
