/*
 * SPDX-License-Identifier: Apache-2.0
 */
package io.github.deadrelu.internal.engine;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.deadrelu.internal.UnitCounts;
import io.github.deadrelu.stats.LayerGates;
import java.util.OptionalDouble;
import org.junit.jupiter.api.Test;

class DeadUnitTrackerTest {

    /** Two units over one batch of {@code ex} examples, one entry each: unit 0 in the given state, unit 1 open. */
    private static UnitCounts batch(long ex, String unit0) {
        long closed0 = unit0.equals("closed") ? ex : 0;
        long nonFinite0 = unit0.equals("nan") ? 1 : 0;
        long entries0 = unit0.equals("masked") ? 0 : ex;
        if (unit0.equals("nan")) {
            closed0 = ex - 1;
        }
        return new UnitCounts(new long[]{closed0, 0}, new long[]{closed0, 0}, new long[]{nonFinite0, 0},
                new long[]{entries0, ex}, ex, false);
    }

    /** Two units, each "closed" (batch-dead) or "open" (every entry open). */
    private static UnitCounts batch(long ex, String unit0, String unit1) {
        long c0 = unit0.equals("closed") ? ex : 0;
        long c1 = unit1.equals("closed") ? ex : 0;
        return new UnitCounts(new long[]{c0, c1}, new long[]{c0, c1}, new long[2], new long[]{ex, ex}, ex, false);
    }

    @Test
    void streak_growsByExamplesDeadAtThreshold() {
        DeadUnitTracker t = new DeadUnitTracker(100);
        t.update("l", batch(60, "closed"), 0);
        assertArrayEquals(new int[0], t.deadUnits("l"));
        assertArrayEquals(new long[]{60, 0}, t.streaks("l"));
        t.update("l", batch(40, "closed"), 1);
        assertArrayEquals(new int[]{0}, t.deadUnits("l"));
        assertEquals(1, t.gates("l", 0, true, OptionalDouble.empty()).newlyDead());
        t.update("l", batch(40, "closed"), 2);
        assertEquals(0, t.gates("l", 0, true, OptionalDouble.empty()).newlyDead());
    }

    @Test
    void streak_maskedAndNonFiniteLeaveItUnchanged() {
        DeadUnitTracker t = new DeadUnitTracker(100);
        t.update("l", batch(60, "closed"), 0);
        t.update("l", batch(60, "masked"), 1);
        assertArrayEquals(new long[]{60, 0}, t.streaks("l"));
        t.update("l", batch(60, "nan"), 2);
        assertArrayEquals(new long[]{60, 0}, t.streaks("l"));
        assertArrayEquals(new int[0], t.deadUnits("l"));
        t.update("l", batch(40, "closed"), 3);
        assertArrayEquals(new int[]{0}, t.deadUnits("l"));
    }

    @Test
    void revived_whenDeadUnitOpens() {
        DeadUnitTracker t = new DeadUnitTracker(10);
        t.update("l", batch(10, "closed"), 0);
        t.update("l", batch(10, "open"), 1);
        LayerGates g = t.gates("l", 3, false, OptionalDouble.empty());
        assertEquals(1, g.revived());
        assertArrayEquals(new int[0], g.deadUnits());
        assertEquals(1, t.totalRevived("l"));
        assertArrayEquals(new long[]{0, 0}, t.streaks("l"));
    }

    @Test
    void markReinitialized_resetsStreakAndAgeNotRevived() {
        DeadUnitTracker t = new DeadUnitTracker(10);
        t.update("l", batch(10, "closed"), 5);
        assertEquals(3, t.age("l", 0, 8));
        t.markReinitialized("l", new int[]{0}, 9);
        assertArrayEquals(new int[0], t.deadUnits("l"));
        assertEquals(0, t.age("l", 0, 9));
        LayerGates g = t.gates("l", 0, false, OptionalDouble.empty());
        assertEquals(1, g.reinitialized());
        t.update("l", batch(10, "open"), 10);
        assertEquals(0, t.gates("l", 0, false, OptionalDouble.empty()).revived());
        assertEquals(0, t.gates("l", 0, false, OptionalDouble.empty()).reinitialized());
        assertEquals(1, t.totalReinitialized("l"));
    }

    @Test
    void markReinitialized_unknownLayerOrUnit() {
        DeadUnitTracker t = new DeadUnitTracker(10);
        var e = assertThrows(IllegalArgumentException.class, () -> t.markReinitialized("x", new int[]{0}, 0));
        assertTrue(e.getMessage().contains("got: x"), e.getMessage());
        t.update("l", batch(10, "closed"), 0);
        var e2 = assertThrows(IllegalArgumentException.class, () -> t.markReinitialized("l", new int[]{2}, 0));
        assertEquals("unit must be in [0, 2), got: 2", e2.getMessage());
        assertArrayEquals(new int[]{0}, t.deadUnits("l"), "nothing written on failure");
    }

    @Test
    void update_unitCountChanged() {
        DeadUnitTracker t = new DeadUnitTracker(10);
        t.update("l", batch(10, "closed"), 0);
        var e = assertThrows(IllegalArgumentException.class, () -> t.update("l",
                new UnitCounts(new long[3], new long[3], new long[3], new long[3], 1, false), 1));
        assertEquals("counts of layer l must have 2 units, got: 3", e.getMessage());
    }

    @Test
    void constructor_deadAfterExamplesZero() {
        var e = assertThrows(IllegalArgumentException.class, () -> new DeadUnitTracker(0));
        assertEquals("deadAfterExamples must be >= 1, got: 0", e.getMessage());
    }

    @Test
    void unknownLayer_emptyResults() {
        DeadUnitTracker t = new DeadUnitTracker(10);
        assertArrayEquals(new int[0], t.deadUnits("x"));
        assertEquals(null, t.streaks("x"));
        assertFalse(t.knows("x"));
    }

    // ------------------------------------------------------------------ reopened (issue 14 item 4)

    /** Unit 0 called dead at iteration 0 with these upstream values, fingerprinted (1 value) after the update. */
    private static DeadUnitTracker deadAt0(boolean recoverable, double[] upstream, double print) {
        DeadUnitTracker t = new DeadUnitTracker(10);
        t.update("l", batch(10, "closed"), 0, recoverable, () -> upstream);
        assertArrayEquals(new int[]{0}, t.deadUnits("l"));
        t.observe("l", new int[]{0}, new double[]{print}, 1);
        return t;
    }

    private static LayerGates opens(DeadUnitTracker t, boolean recoverable, double[] upstream, long iteration) {
        t.update("l", batch(10, "open"), iteration, recoverable, () -> upstream);
        return t.gates("l", 0, recoverable, OptionalDouble.empty());
    }

    @Test
    void reopened_inALayerThatIsNotRecoverable_whateverMoved() {
        DeadUnitTracker t = deadAt0(false, null, 1.0);
        t.observe("l", new int[]{0}, new double[]{2.0}, 1);
        LayerGates g = opens(t, false, new double[]{9, 9}, 1);
        assertEquals(1, g.reopened());
        assertEquals(0, g.revived());
        assertEquals(1, t.totalReopened("l"));
        assertEquals(0, t.totalRevived("l"));
    }

    @Test
    void reopened_recoverableButNothingFeedingItChanged() {
        DeadUnitTracker t = deadAt0(true, new double[]{3, 4}, 1.0);
        t.observe("l", new int[]{0}, new double[]{1.0}, 1);
        LayerGates g = opens(t, true, new double[]{3, 4}, 2);
        assertEquals(1, g.reopened());
        assertEquals(0, g.revived());
    }

    @Test
    void revived_whenUpstreamMoved() {
        DeadUnitTracker t = deadAt0(true, new double[]{3, 4}, 1.0);
        LayerGates g = opens(t, true, new double[]{3, 4.5}, 1);
        assertEquals(0, g.reopened());
        assertEquals(1, g.revived());
    }

    @Test
    void revived_whenItsIncomingWeightsMovedWhileDead() {
        DeadUnitTracker t = deadAt0(true, new double[]{3, 4}, 1.0);
        t.observe("l", new int[]{0}, new double[]{1.5}, 1);
        t.observe("l", new int[]{0}, new double[]{1.0}, 1);   // moved back: it moved, all the same
        LayerGates g = opens(t, true, new double[]{3, 4}, 3);
        assertEquals(0, g.reopened());
        assertEquals(1, g.revived());
    }

    @Test
    void revived_whenNothingIsKnownAboutItsWeights() {
        DeadUnitTracker t = new DeadUnitTracker(10);
        t.update("l", batch(10, "closed"), 0, true, () -> new double[]{3, 4});
        LayerGates g = opens(t, true, new double[]{3, 4}, 1);   // never fingerprinted (no single owner, say)
        assertEquals(1, g.revived());
        assertEquals(0, g.reopened());
        t.update("l", batch(10, "closed"), 2);
        t.update("l", batch(10, "open"), 3);                      // the old update(): nothing known
        assertEquals(1, t.gates("l", 0, true, OptionalDouble.empty()).revived());
    }

    @Test
    void observe_refusesMismatchedSizes() {
        DeadUnitTracker t = deadAt0(true, new double[]{0, 0}, 1.0);
        assertThrows(IllegalArgumentException.class, () -> t.observe("l", new int[]{0}, new double[]{1, 2, 3}, 2));
        assertThrows(IllegalArgumentException.class, () -> t.observe("x", new int[]{0}, new double[]{1}, 1));
    }

    @Test
    void unsettledDeadUnits_onlyThoseWhosePrintCanStillMatter() {
        DeadUnitTracker t = new DeadUnitTracker(10);
        t.update("l", batch(10, "closed"), 0, true, () -> new double[]{3, 4});
        assertArrayEquals(new int[]{0}, t.unsettledDeadUnits("l"), "dead, not printed yet");
        t.observe("l", new int[]{0}, new double[]{1.0}, 1);
        assertArrayEquals(new int[]{0}, t.unsettledDeadUnits("l"), "printed, not moved");
        t.observe("l", new int[]{0}, new double[]{1.0}, 1);
        assertArrayEquals(new int[]{0}, t.unsettledDeadUnits("l"), "same print: still not moved");
        t.observe("l", new int[]{0}, new double[]{2.0}, 1);
        assertArrayEquals(new int[0], t.unsettledDeadUnits("l"), "moved: nothing more to learn until it opens");
        assertArrayEquals(new int[]{0}, t.deadUnits("l"), "still dead");
        t.update("l", batch(10, "open"), 1, true, () -> new double[]{3, 5});
        assertEquals(1, t.gates("l", 0, true, OptionalDouble.empty()).revived(), "its weights moved: revived");
        t.update("l", batch(10, "closed"), 2, true, () -> new double[]{3, 5});
        assertArrayEquals(new int[]{0}, t.unsettledDeadUnits("l"), "dead again: printed afresh");
        assertArrayEquals(new int[0], t.unsettledDeadUnits("x"));
    }

    @Test
    void unprintedAndReopening_theForwardPassPrintsOnlyDeadUnitsThatOpen() {
        DeadUnitTracker t = new DeadUnitTracker(10);
        UnitCounts closed = batch(10, "closed", "closed");
        t.update("l", closed, 0, true, () -> new double[0]);
        assertArrayEquals(new int[]{0, 1}, t.unprintedDeadUnits("l"), "called dead now: printed after this update");
        assertArrayEquals(new int[0], t.reopening("l", batch(10, "open", "open")), "nothing printed yet");
        t.observe("l", new int[]{0, 1}, new double[]{1.0, 2.0}, 1);
        assertArrayEquals(new int[0], t.unprintedDeadUnits("l"));
        assertArrayEquals(new int[0], t.reopening("l", closed), "still closed: nothing to print");
        assertArrayEquals(new int[]{1}, t.reopening("l", batch(10, "closed", "open")), "unit 1 opens");
        // the forward pass's print says unit 1 did not move: reopened, not revived
        t.observe("l", new int[]{1}, new double[]{2.0}, 1);
        t.update("l", batch(10, "closed", "open"), 1, true, () -> new double[0]);
        assertEquals(1, t.gates("l", 1, true, OptionalDouble.empty()).reopened());
        // unit 0 moves before it opens: the print before its opening counts is what decides
        t.observe("l", new int[]{0}, new double[]{1.5}, 1);
        assertArrayEquals(new int[0], t.reopening("l", batch(10, "open", "closed")), "moved: no print needed");
        t.update("l", batch(10, "open", "closed"), 2, true, () -> new double[0]);
        assertEquals(1, t.gates("l", 2, true, OptionalDouble.empty()).revived());
        assertArrayEquals(new int[0], t.reopening("x", closed), "unknown layer");
        assertArrayEquals(new int[0], t.reopening("l", new UnitCounts(new long[1], new long[1], new long[1],
                new long[]{10}, 10, false)), "another unit count");
    }
}
