/*
 * SPDX-License-Identifier: Apache-2.0
 */
package io.github.deadrelu.internal.engine;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.deadrelu.internal.UnitCounts;
import org.junit.jupiter.api.Test;

/** {@link CalibratedThreshold}: SNR's per-unit threshold on planted firing patterns. */
class CalibratedThresholdTest {

    private static final int BATCH = 32;

    /** Counts of a 3-unit layer: unit 0 fires every batch, unit 1 when {@code rareFires}, unit 2 never. */
    private static UnitCounts batch(boolean rareFires) {
        long[] closed = {BATCH - 1, rareFires ? BATCH - 1 : BATCH, BATCH};
        return new UnitCounts(closed, new long[3], new long[3], new long[]{BATCH, BATCH, BATCH}, BATCH, false);
    }

    @Test
    void rareFiringUnitNotDead_neverFiringUnitDeadAtTauMax() {
        CalibratedThreshold c = new CalibratedThreshold();
        DeadUnitTracker fixed = new DeadUnitTracker(2048);
        boolean rareEverCalledDead = false;
        boolean fixedCalledRareDead = false;
        int batches = 30_000 / BATCH;
        for (int i = 0; i < batches; i++) {
            UnitCounts b = batch(i % 94 == 0);   // unit 1 fires once every 3008 examples
            c.update(b);
            fixed.update("L", b, i);
            int[] dead = c.deadUnits();
            rareEverCalledDead |= java.util.Arrays.binarySearch(dead, 1) >= 0;
            fixedCalledRareDead |= java.util.Arrays.binarySearch(fixed.deadUnits("L"), 1) >= 0;
            // the never-firing unit is dead exactly from tauMax examples on
            assertEquals((i + 1L) * BATCH >= CalibratedThreshold.TAU_MAX,
                    java.util.Arrays.binarySearch(dead, 2) >= 0, "batch " + i);
            assertTrue(java.util.Arrays.binarySearch(dead, 0) < 0);
        }
        assertTrue(!rareEverCalledDead, "a unit firing once in 3008 examples was called dead");
        assertTrue(fixedCalledRareDead, "the fixed 2048-example streak calls it dead (the premature call)");
        long[] t = c.thresholds();
        assertEquals(BATCH, t[0]);                           // fires every batch: clamped to the batch size
        assertTrue(t[1] > 2976 && t[1] < 2 * 2976, "threshold of the rare unit: " + t[1]);
        assertEquals(CalibratedThreshold.TAU_MAX, t[2]);
    }

    @Test
    void tooShortThreshold_grows() {
        CalibratedThreshold c = new CalibratedThreshold(0.9, 2.0, 20_000);
        // unit 1 fires every 10 batches (gap 288) many times, then once after 40 batches (gap 1248).
        for (int i = 0; i < 200; i++) {
            c.update(batch(i % 10 == 0));
        }
        long learnt = c.thresholds()[1];
        assertTrue(learnt > 288 && learnt < 1248, "learnt " + learnt);
        for (int i = 0; i < 40; i++) {
            c.update(batch(false));
        }
        assertTrue(java.util.Arrays.binarySearch(c.deadUnits(), 1) >= 0);
        c.update(batch(true));                               // gap 9 + 40 batches >= threshold: grow by 2
        assertEquals(2 * learnt, c.thresholds()[1]);
        assertArrayEquals(new int[0], c.deadUnits());
    }

    @Test
    void trackerDrivenForm_sameThresholdsFromTheStreaks() {
        CalibratedThreshold own = new CalibratedThreshold();
        CalibratedThreshold driven = new CalibratedThreshold();
        DeadUnitTracker t = new DeadUnitTracker(1_000_000);
        for (int i = 0; i < 2000; i++) {
            UnitCounts b = batch(i % 37 == 0);
            long[] before = t.streaks("L") == null ? new long[3] : t.streaks("L");
            t.update("L", b, i);
            own.update(b);
            for (int u = 0; u < 3; u++) {
                if (b.open(u) > 0) {
                    driven.fired(3, u, before[u], b.examples());
                }
            }
        }
        assertArrayEquals(own.thresholds(), driven.thresholds());
        assertArrayEquals(own.ages(), t.streaks("L"));
        assertEquals(own.thresholds()[1], driven.threshold(1));
    }

    @Test
    void markReinitialized_restartsHistory() {
        CalibratedThreshold c = new CalibratedThreshold();
        c.update(batch(true));
        c.update(batch(true));
        c.markReinitialized(new int[]{0});
        assertEquals(CalibratedThreshold.TAU_MAX, c.thresholds()[0]);
        assertEquals(0, c.ages()[0]);
    }

    @Test
    void badValues_nameTheParameter() {
        assertEquals("percentile must be in (0, 1], got: 0.0", assertThrows(IllegalArgumentException.class,
                () -> new CalibratedThreshold(0, 2, 100)).getMessage());
        assertEquals("expansionFactor must be > 1, got: 1.0", assertThrows(IllegalArgumentException.class,
                () -> new CalibratedThreshold(0.9, 1, 100)).getMessage());
        assertEquals("tauMax must be >= 1, got: 0", assertThrows(IllegalArgumentException.class,
                () -> new CalibratedThreshold(0.9, 2, 0)).getMessage());
    }
}
