/*
 * SPDX-License-Identifier: Apache-2.0
 */
package io.github.deadrelu.internal.report;

import io.github.deadrelu.stats.LayerGates;
import java.util.OptionalDouble;
import java.util.stream.IntStream;

/** Synthetic gate records for the report tests: every number is chosen, nothing is trained. */
final class Snapshots {
    private Snapshots() {
    }

    /**
     * A layer whose units {@code 0 .. dead-1} are dead.
     *
     * @param name      the layer name
     * @param index     the layer index
     * @param units     the units
     * @param closed    the closed share
     * @param dead      the number of dead units (the first ones)
     * @param reinit    units re-initialised in this iteration
     * @param nonFinite non-finite entries
     * @return the record
     */
    static LayerGates gates(String name, int index, int units, double closed, int dead, int reinit, long nonFinite) {
        return new LayerGates(name, index, units, closed, closed, IntStream.range(0, dead).toArray(), 0, 0, reinit,
                nonFinite, index > 0, OptionalDouble.empty(), new double[units], false);
    }
}
