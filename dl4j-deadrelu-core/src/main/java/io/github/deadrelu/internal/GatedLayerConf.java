/*
 * SPDX-License-Identifier: Apache-2.0
 */
package io.github.deadrelu.internal;

import org.nd4j.linalg.activations.IActivation;

/**
 * Implemented by layer configurations of this library that apply a gated activation themselves (the
 * {@code GateMonitorLayer}), so that discovery finds their gate without knowing their class.
 *
 * <p>Used by dl4j-deadrelu internals, and should not be called by external code.
 */
public interface GatedLayerConf {
    /** @return the activation whose gate the layer applies */
    IActivation gateActivation();

    /**
     * The layout of the layer's own activation array, when the layer knows it (it may differ from what the
     * preceding layers suggest, e.g. directly after a channels-last network input).
     *
     * @return the layout, or null to let discovery infer it from the preceding layers
     */
    default Layout layout() {
        return null;
    }
}
