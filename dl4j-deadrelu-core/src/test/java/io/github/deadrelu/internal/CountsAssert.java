/*
 * SPDX-License-Identifier: Apache-2.0
 */
package io.github.deadrelu.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Compares two {@link UnitCounts} made by different counting paths: every count exactly, the sums of {@code |a|}
 * to a relative tolerance (they are floating-point sums whose rounding depends on the order of summation).
 */
public final class CountsAssert {
    /** Relative tolerance of the sums of |a|: float accumulation over up to 10^5 entries. */
    public static final double ABS_SUM_TOLERANCE = 1e-4;

    private CountsAssert() {
    }

    /**
     * Asserts equal counts and (relatively) equal sums of |a|.
     *
     * @param expected the reference
     * @param actual   the counts under test
     * @param message  what is compared
     */
    public static void assertSameCounts(UnitCounts expected, UnitCounts actual, String message) {
        assertEquals(expected.units(), actual.units(), message + ": units");
        assertEquals(expected.examples(), actual.examples(), message + ": examples");
        assertEquals(expected.estimated(), actual.estimated(), message + ": estimated");
        assertArrayEquals(expected.closedCounts(), actual.closedCounts(), message + ": closed");
        assertArrayEquals(expected.negativeCounts(), actual.negativeCounts(), message + ": negative");
        assertArrayEquals(expected.nonFiniteCounts(), actual.nonFiniteCounts(), message + ": nonFinite");
        assertArrayEquals(expected.entryCounts(), actual.entryCounts(), message + ": entries");
        assertEquals(expected.hasAbsSums(), actual.hasAbsSums(), message + ": hasAbsSums");
        if (expected.hasAbsSums()) {
            double[] e = expected.absSums();
            double[] a = actual.absSums();
            for (int u = 0; u < e.length; u++) {
                assertEquals(e[u], a[u], ABS_SUM_TOLERANCE * Math.max(1.0, Math.abs(e[u])),
                        message + ": absSum of unit " + u);
            }
        }
    }
}
