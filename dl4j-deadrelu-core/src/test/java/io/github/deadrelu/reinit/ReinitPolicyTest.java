/*
 * SPDX-License-Identifier: Apache-2.0
 */
package io.github.deadrelu.reinit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import org.junit.jupiter.api.Test;

class ReinitPolicyTest {

    @Test
    void defaults_redoPeriodCbpMaturityAllUnitsZeroOutgoing() {
        ReinitPolicy p = ReinitPolicy.builder().build();
        assertEquals(1000, p.every());
        assertEquals(100, p.maturity());
        assertEquals(1.0, p.maxFraction());
        assertEquals(OutgoingWeights.ZERO, p.outgoing());
        assertEquals(0L, p.seed());
        assertEquals(UnitSelection.DEAD, p.select());
        assertTrue(Double.isNaN(p.threshold()));
        assertTrue(Double.isNaN(p.replacementRate()));
        assertEquals("ReinitPolicy(every=1000, maturity=100, maxFraction=1.0, outgoing=ZERO, seed=0, select=DEAD)",
                p.toString());
    }

    @Test
    void every_zero() {
        var e = assertThrows(IllegalArgumentException.class, () -> ReinitPolicy.builder().every(0));
        assertEquals("every must be >= 1, got: 0", e.getMessage());
    }

    @Test
    void maturity_negative() {
        var e = assertThrows(IllegalArgumentException.class, () -> ReinitPolicy.builder().maturity(-1));
        assertEquals("maturity must be >= 0, got: -1", e.getMessage());
    }

    @Test
    void maxFraction_outOfRange() {
        for (double bad : new double[]{0.0, -0.5, 1.5, Double.NaN}) {
            var e = assertThrows(IllegalArgumentException.class, () -> ReinitPolicy.builder().maxFraction(bad));
            assertEquals("maxFraction must be in (0, 1], got: " + bad, e.getMessage());
        }
    }

    @Test
    void outgoing_null() {
        var e = assertThrows(NullPointerException.class, () -> ReinitPolicy.builder().outgoing(null));
        assertTrue(e.getMessage().contains("outgoing"));
    }

    @Test
    void maxUnits_floorOfFractionAtLeastOne() {
        assertEquals(3, ReinitPolicy.builder().maxFraction(0.5).build().maxUnits(6));
        assertEquals(2, ReinitPolicy.builder().maxFraction(0.5).build().maxUnits(5));
        assertEquals(1, ReinitPolicy.builder().maxFraction(0.01).build().maxUnits(6));
        assertEquals(3, ReinitPolicy.builder().maxFraction(0.3).build().maxUnits(10));
        assertEquals(1024, ReinitPolicy.builder().build().maxUnits(1024));
    }

    @Test
    void build_reusableAndValueEquality() throws Exception {
        ReinitPolicy.Builder b = ReinitPolicy.builder().every(10).maturity(5).maxFraction(0.25)
                .outgoing(OutgoingWeights.KEEP).seed(42);
        ReinitPolicy p = b.build();
        assertEquals(p, b.build());
        assertEquals(p.hashCode(), b.build().hashCode());
        assertNotEquals(p, b.seed(43).build());
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
            out.writeObject(p);
        }
        try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(bytes.toByteArray()))) {
            assertEquals(p, in.readObject());
        }
    }
}
