/*
 * SPDX-License-Identifier: Apache-2.0
 */
package io.github.deadrelu.internal;

import org.deeplearning4j.nn.conf.DataFormat;
import org.nd4j.linalg.activations.IActivation;

/**
 * Implemented by layer configurations of this library that apply a gated activation themselves (the
 * {@code GateMonitorLayer}), so that discovery finds their gate and layout without knowing their class. Its methods
 * use DL4J types only, so an implementing API class shows no internal type in its signatures.
 *
 * <p>Used by dl4j-deadrelu internals, and should not be called by external code.
 */
public interface GatedLayerConf {
    /** @return the activation whose gate the layer applies */
    IActivation gateActivation();

    /**
     * The data format of the arrays the layer gates: the layer counts along the unit axis this format fixes, so
     * discovery uses it rather than what the preceding layers suggest ({@link Layout#of(DataFormat)}).
     *
     * @return a CNN2DFormat, RNNFormat or Convolution3D.DataFormat; null for feed-forward or channels-first arrays
     */
    DataFormat getDataFormat();
}
