/*
 * SPDX-License-Identifier: Apache-2.0
 */
package io.github.deadrelu.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class UnitCountsTest {

    private static UnitCounts counts() {
        // unit 0: all closed; unit 1: half closed; unit 2: closed on its finite entries, one non-finite; unit 3: none
        return new UnitCounts(new long[]{4, 2, 3, 0}, new long[]{4, 2, 3, 0}, new long[]{0, 0, 1, 0},
                new long[]{4, 4, 4, 0}, 4, false);
    }

    @Test
    void shares_overFiniteEntries() {
        UnitCounts c = counts();
        assertEquals(9.0 / 11, c.closedShare(), 1e-12);
        assertEquals(9.0 / 11, c.negativeShare(), 1e-12);
        assertEquals(1, c.totalNonFinite());
        assertEquals(12, c.totalEntries());
        assertEquals(1.0, c.unitClosedFraction(2), 1e-12);
        assertEquals(0.0, c.unitClosedFraction(3), 0.0);
        assertEquals(0, c.open(2));
        assertEquals(2, c.open(1));
    }

    @Test
    void batchDead_onlyAllClosedAndFinite() {
        UnitCounts c = counts();
        assertTrue(c.batchDead(0));
        assertFalse(c.batchDead(1));
        assertFalse(c.batchDead(2), "a non-finite entry: not batch-dead");
        assertFalse(c.batchDead(3), "no entry: not batch-dead");
    }

    @Test
    void plus_addsElementWise() {
        UnitCounts c = counts().plus(counts());
        assertEquals(8, c.examples());
        assertEquals(8, c.closed(0));
        assertEquals(2, c.nonFinite(2));
        assertEquals(counts().closedShare(), c.closedShare(), 1e-12);
        assertTrue(counts().plus(new UnitCounts(new long[4], new long[4], new long[4], new long[4], 0, true))
                .estimated());
    }

    @Test
    void plus_otherUnitCount() {
        var e = assertThrows(IllegalArgumentException.class,
                () -> counts().plus(new UnitCounts(new long[1], new long[1], new long[1], new long[1], 1, false)));
        assertEquals("other must have the same number of units, got: 1 (expected 4)", e.getMessage());
    }

    @Test
    void constructor_lengthMismatch() {
        var e = assertThrows(IllegalArgumentException.class,
                () -> new UnitCounts(new long[2], new long[1], new long[2], new long[2], 1, false));
        assertTrue(e.getMessage().startsWith("count arrays must have equal lengths, got:"), e.getMessage());
    }

    @Test
    void constructor_closedAboveEntries() {
        var e = assertThrows(IllegalArgumentException.class,
                () -> new UnitCounts(new long[]{3}, new long[1], new long[]{1}, new long[]{3}, 1, false));
        assertTrue(e.getMessage().contains("got: closed=3, nonFinite=1, entries=3"), e.getMessage());
    }

    @Test
    void constructor_negativeExamples() {
        var e = assertThrows(IllegalArgumentException.class,
                () -> new UnitCounts(new long[1], new long[1], new long[1], new long[1], -1, false));
        assertEquals("examples must be >= 0, got: -1", e.getMessage());
    }

    @Test
    void immutable_arraysCopied() {
        long[] closed = {1};
        UnitCounts c = new UnitCounts(closed, new long[1], new long[1], new long[]{2}, 1, false);
        closed[0] = 2;
        assertEquals(1, c.closed(0));
    }

    @Test
    void equalsAndHashCode() {
        assertEquals(counts(), counts());
        assertEquals(counts().hashCode(), counts().hashCode());
        assertNotEquals(counts(), counts().plus(counts()));
    }

    @Test
    void arrayAccessors_copies() {
        UnitCounts c = new UnitCounts(new long[]{1, 2}, new long[]{1, 0}, new long[]{0, 1}, new long[]{4, 4}, 4, false);
        assertArrayEquals(new long[]{1, 2}, c.closedCounts());
        assertArrayEquals(new long[]{1, 0}, c.negativeCounts());
        assertArrayEquals(new long[]{0, 1}, c.nonFiniteCounts());
        assertArrayEquals(new long[]{4, 4}, c.entryCounts());
        c.closedCounts()[0] = 99;
        assertEquals(1, c.closed(0), "accessors return copies");
    }

    @Test
    void asEstimated_sameCountsFlagged() {
        UnitCounts c = new UnitCounts(new long[]{1, 2}, new long[]{1, 0}, new long[]{0, 1}, new long[]{4, 4}, 4, false);
        UnitCounts e = c.asEstimated();
        assertTrue(e.estimated());
        assertFalse(c.estimated());
        assertArrayEquals(c.closedCounts(), e.closedCounts());
        assertEquals(c.examples(), e.examples());
        assertSame(e, e.asEstimated());
    }

    @Test
    void absSums_absentUnlessGiven() {
        UnitCounts c = counts();
        assertFalse(c.hasAbsSums());
        assertThrows(IllegalStateException.class, c::absSums);
        assertThrows(IllegalStateException.class, () -> c.absSum(0));
    }

    @Test
    void absSums_mergedByPlus_droppedWhenOneSideHasNone() {
        UnitCounts a = new UnitCounts(new long[]{1, 0}, new long[]{1, 0}, new long[2], new long[]{2, 2},
                new double[]{0.5, 3}, 2, false);
        UnitCounts b = new UnitCounts(new long[]{0, 2}, new long[]{0, 2}, new long[2], new long[]{2, 2},
                new double[]{1.25, 0}, 2, false);
        UnitCounts sum = a.plus(b);
        assertArrayEquals(new double[]{1.75, 3}, sum.absSums(), 0.0);
        assertEquals(1.75 / 4, sum.unitMeanAbs(0), 0.0);
        assertFalse(a.plus(new UnitCounts(new long[2], new long[2], new long[2], new long[]{2, 2}, 2, false))
                .hasAbsSums());
        assertArrayEquals(new double[]{0.5, 3}, a.asEstimated().absSums(), 0.0, "asEstimated keeps them");
        UnitCounts big = new UnitCounts(new long[1], new long[1], new long[1], new long[]{1},
                new double[]{Double.MAX_VALUE}, 1, false);
        assertEquals(Double.MAX_VALUE, big.plus(big).absSum(0), 0.0, "an overflowing sum saturates");
    }

    @Test
    void absSums_validatedAndCopied() {
        assertThrows(IllegalArgumentException.class, () -> new UnitCounts(new long[1], new long[1], new long[1],
                new long[]{1}, new double[]{Double.NaN}, 1, false));
        assertThrows(IllegalArgumentException.class, () -> new UnitCounts(new long[1], new long[1], new long[1],
                new long[]{1}, new double[]{-1}, 1, false));
        assertThrows(IllegalArgumentException.class, () -> new UnitCounts(new long[1], new long[1], new long[1],
                new long[]{1}, new double[]{0, 0}, 1, false));
        double[] sums = {2};
        UnitCounts c = new UnitCounts(new long[1], new long[1], new long[1], new long[]{1}, sums, 1, false);
        sums[0] = 5;
        c.absSums()[0] = 7;
        assertEquals(2, c.absSum(0), 0.0);
        assertNotEquals(c, new UnitCounts(new long[1], new long[1], new long[1], new long[]{1}, 1, false),
                "the sums take part in equality");
    }
}
