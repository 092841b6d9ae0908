/*
 * SPDX-License-Identifier: Apache-2.0
 */
package io.github.deadrelu.internal.engine;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

/** {@link UtilityTracker}: CBP's running utility and fractional replacement on planted values. */
class UtilityTrackerTest {

    @Test
    void utility_runningAverageOfActivationTimesOutgoing() {
        UtilityTracker t = new UtilityTracker(0.99, 0.1);
        t.update("L", new double[]{1, 2, 0}, new double[]{3, 0.5, 7}, 0);
        assertArrayEquals(new double[]{0.03, 0.01, 0}, t.utilities("L"), 1e-15);
        t.update("L", new double[]{1, 2, 0}, new double[]{3, 0.5, 7}, 0);
        assertArrayEquals(new double[]{0.99 * 0.03 + 0.03, 0.99 * 0.01 + 0.01, 0}, t.utilities("L"), 1e-15);
    }

    @Test
    void replacement_accumulatesFractionally_floorDue_lowestUtilityFirst() {
        UtilityTracker t = new UtilityTracker(0.0, 0.3);   // decay 0: utility = the latest product
        double[] act = {4, 1, 2, 3};
        double[] out = {1, 1, 1, 1};
        t.update("L", act, out, 4);                          // acc 1.2
        assertEquals(1.2, t.accumulated("L"), 1e-12);
        assertArrayEquals(new int[]{1}, t.select("L", u -> true, 10));
        assertEquals(0.2, t.accumulated("L"), 1e-12);
        assertArrayEquals(new int[0], t.select("L", u -> true, 10));   // 0.2 < 1: nothing due
        t.update("L", act, out, 4);                          // 1.4
        t.update("L", act, out, 4);                          // 2.6
        assertArrayEquals(new int[]{1, 2}, t.select("L", u -> true, 10));
        assertEquals(0.6, t.accumulated("L"), 1e-12);
    }

    @Test
    void maturityAndCap() {
        UtilityTracker t = new UtilityTracker(0.0, 0.5);
        t.update("L", new double[]{4, 1, 2, 3}, new double[]{1, 1, 1, 1}, 3);
        t.update("L", new double[]{4, 1, 2, 3}, new double[]{1, 1, 1, 1}, 3);   // acc 3
        // unit 1 (lowest) is immature: next lowest 2, 3 then 0; capped at 2.
        assertArrayEquals(new int[]{2, 3}, t.select("L", u -> u != 1, 2));
        assertEquals(0.0, t.accumulated("L"), 1e-12);       // the due count is spent
    }

    @Test
    void markReplaced_utilityRestarts_nonFiniteStepIgnored() {
        UtilityTracker t = new UtilityTracker(0.5, 0.5);
        t.update("L", new double[]{2, 2}, new double[]{1, 1}, 2);
        t.markReplaced("L", new int[]{1});
        assertArrayEquals(new double[]{1, 0}, t.utilities("L"), 1e-15);
        t.update("L", new double[0], new double[]{1, 1}, 2);
        assertArrayEquals(new double[]{1, 0}, t.utilities("L"), 1e-15);
        assertEquals(1.0, t.accumulated("L"), 1e-15);
        assertArrayEquals(new int[]{1}, t.lowest("L", 0.5));
    }

    @Test
    void badValues_nameTheParameter() {
        assertEquals("replacementRate must be in (0, 1), got: 0.0", assertThrows(IllegalArgumentException.class,
                () -> new UtilityTracker(0.99, 0)).getMessage());
        assertEquals("decay must be in [0, 1), got: 1.0", assertThrows(IllegalArgumentException.class,
                () -> new UtilityTracker(1.0, 0.1)).getMessage());
        UtilityTracker t = new UtilityTracker(0.99, 0.1);
        assertEquals("mature must be in [0, 2], got: 3", assertThrows(IllegalArgumentException.class,
                () -> t.update("L", new double[2], new double[2], 3)).getMessage());
    }

    @Test
    void trackOnlyTracker_badDecay_message_neverSelects() {
        var e = assertThrows(IllegalArgumentException.class, () -> new UtilityTracker(1.0));
        assertEquals("decay must be in [0, 1), got: 1.0", e.getMessage());
        UtilityTracker t = new UtilityTracker(UtilityTracker.DECAY);
        for (int i = 0; i < 1000; i++) {
            t.update("l", new double[]{1, 0}, new double[]{1, 1}, 2);
        }
        assertArrayEquals(new int[0], t.select("l", u -> true, 2), "a track-only tracker never replaces");
        assertEquals(0.0, t.accumulated("l"), 0.0);
        assertArrayEquals(new double[]{2, 0}, t.scores("l"), 1e-12);
        assertArrayEquals(new double[0], t.scores("unknown"));
    }
}
