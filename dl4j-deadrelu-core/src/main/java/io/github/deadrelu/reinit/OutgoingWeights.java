/*
 * SPDX-License-Identifier: Apache-2.0
 */
package io.github.deadrelu.reinit;

/**
 * What re-initialisation does with the outgoing weights of a re-initialised unit (the weights that read its output
 * in the layers consuming it).
 */
public enum OutgoingWeights {
    /**
     * Set them to zero (the default): the re-initialised unit does not change the network's output at the moment it
     * is re-drawn, as in ReDo (Sokar et al. 2023) and Continual Backprop (Dohare et al. 2024); the outgoing weights
     * then grow by training.
     */
    ZERO,
    /** Leave them as they are: the re-drawn unit contributes through its old outgoing weights at once. */
    KEEP
}
