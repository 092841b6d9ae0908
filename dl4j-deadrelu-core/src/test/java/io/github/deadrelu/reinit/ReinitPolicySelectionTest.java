/*
 * SPDX-License-Identifier: Apache-2.0
 */
package io.github.deadrelu.reinit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.deadrelu.testutil.Serial;
import org.junit.jupiter.api.Test;

/**
 * {@link ReinitPolicy.Builder#select}, {@code threshold} and {@code replacementRate}: values, checks, text (their
 * out-of-range values and null arguments are in {@link ReinitPolicyTest}).
 */
class ReinitPolicySelectionTest {

    @Test
    void dormant_withThreshold_valuesAndText() {
        ReinitPolicy p = ReinitPolicy.builder().select(UnitSelection.DORMANT).threshold(0.025).build();
        assertEquals(UnitSelection.DORMANT, p.select());
        assertEquals(0.025, p.threshold());
        assertTrue(Double.isNaN(p.replacementRate()));
        assertEquals("ReinitPolicy(every=1000, maturity=100, maxFraction=1.0, outgoing=ZERO, seed=0, select=DORMANT, "
                + "threshold=0.025)", p.toString());
        ReinitPolicy g = ReinitPolicy.builder().select(UnitSelection.GRADIENT_DORMANT).threshold(0.01).build();
        assertTrue(g.toString().endsWith("select=GRADIENT_DORMANT, threshold=0.01)"));
    }

    @Test
    void lowUtility_withRate_valuesAndText() {
        ReinitPolicy p = ReinitPolicy.builder().select(UnitSelection.LOW_UTILITY).replacementRate(1e-4).every(1)
                .build();
        assertEquals(1e-4, p.replacementRate());
        assertTrue(Double.isNaN(p.threshold()));
        assertTrue(p.toString().endsWith("select=LOW_UTILITY, replacementRate=1.0E-4)"), p.toString());
    }

    @Test
    void dormantWithoutThreshold_saysWhatToCall() {
        for (UnitSelection s : new UnitSelection[]{UnitSelection.DORMANT, UnitSelection.GRADIENT_DORMANT}) {
            var e = assertThrows(IllegalStateException.class, () -> ReinitPolicy.builder().select(s).build());
            assertEquals("select(" + s + ") needs a score threshold: call threshold(t) with t in [0, 1] (ReDo: "
                    + "0.025 or 0.1; GraMa: 0.01)", e.getMessage());
        }
    }

    @Test
    void lowUtilityWithoutRate_saysWhatToCall() {
        var e = assertThrows(IllegalStateException.class,
                () -> ReinitPolicy.builder().select(UnitSelection.LOW_UTILITY).build());
        assertEquals("select(LOW_UTILITY) needs a replacement rate: call replacementRate(rho) with rho in (0, 1) "
                + "(Continual Backprop: 1e-4)", e.getMessage());
    }

    @Test
    void thresholdWithoutScoreSelection_refused() {
        var e = assertThrows(IllegalStateException.class, () -> ReinitPolicy.builder().threshold(0.1).build());
        assertEquals("threshold(0.1) applies to select(DORMANT) and select(GRADIENT_DORMANT) only, got: select(DEAD);"
                + " call one of those or remove threshold(...)", e.getMessage());
        assertThrows(IllegalStateException.class, () -> ReinitPolicy.builder().select(UnitSelection.LOW_UTILITY)
                .replacementRate(1e-4).threshold(0.1).build());
    }

    @Test
    void rateWithoutLowUtility_refused() {
        var e = assertThrows(IllegalStateException.class, () -> ReinitPolicy.builder().replacementRate(0.01)
                .select(UnitSelection.DORMANT).threshold(0.1).build());
        assertEquals("replacementRate(0.01) applies to select(LOW_UTILITY) only, got: select(DORMANT); call "
                + "select(LOW_UTILITY) or remove replacementRate(...)", e.getMessage());
    }

    @Test
    void equalityAndSerialisationIncludeTheSelection() throws Exception {
        ReinitPolicy a = ReinitPolicy.builder().select(UnitSelection.DORMANT).threshold(0.1).build();
        ReinitPolicy b = ReinitPolicy.builder().select(UnitSelection.GRADIENT_DORMANT).threshold(0.1).build();
        ReinitPolicy c = ReinitPolicy.builder().select(UnitSelection.DORMANT).threshold(0.2).build();
        assertNotEquals(a, b);
        assertNotEquals(a, c);
        assertNotEquals(a, ReinitPolicy.builder().build());
        assertEquals(a, ReinitPolicy.builder().select(UnitSelection.DORMANT).threshold(0.1).build());
        assertEquals(a.hashCode(), ReinitPolicy.builder().select(UnitSelection.DORMANT).threshold(0.1).build()
                .hashCode());
        ReinitPolicy back = Serial.roundTrip(a);
        assertEquals(a, back);
        assertEquals(UnitSelection.DORMANT, back.select());
    }
}
