/*
 * SPDX-License-Identifier: Apache-2.0
 */
package io.github.deadrelu.internal;

import java.util.OptionalDouble;

/**
 * Implemented by layer implementations that count their own gates exactly inside the forward pass (the
 * {@code GateMonitorLayerImpl}). The listener prefers these counts to counting the activation array it is given.
 *
 * <p>Used by dl4j-deadrelu internals, and should not be called by external code.
 */
public interface GateCountSource {
    /**
     * Returns the counts gathered by training forward passes since the last call, and forgets them.
     *
     * @return the counts, or null when no training forward pass happened since the last call
     */
    UnitCounts takeCounts();

    /**
     * The share of the incoming gradient |dL/da| that closed gates blocked in the backward passes since the last
     * call to {@link #takeCounts()}.
     *
     * @return the share, or empty when no backward pass happened
     */
    OptionalDouble blockedGradientShare();
}
