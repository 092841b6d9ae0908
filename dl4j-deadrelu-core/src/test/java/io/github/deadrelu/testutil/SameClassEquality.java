/*
 * SPDX-License-Identifier: Apache-2.0
 */
package io.github.deadrelu.testutil;

/**
 * Equality by class, for stateless test implementations of DL4J configuration interfaces ({@code IWeightInit},
 * {@code IUpdater}): DL4J clones configurations through JSON and compares the clones, so every instance of such a
 * class must equal every other.
 */
public abstract class SameClassEquality {

    /**
     * Sets nothing.
     */
    protected SameClassEquality() {
    }

    @Override
    public final boolean equals(Object o) {
        return o != null && o.getClass() == getClass();
    }

    @Override
    public final int hashCode() {
        return getClass().getName().hashCode();
    }
}
