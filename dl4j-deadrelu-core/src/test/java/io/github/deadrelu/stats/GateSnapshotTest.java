/*
 * SPDX-License-Identifier: Apache-2.0
 */
package io.github.deadrelu.stats;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.OptionalDouble;
import org.junit.jupiter.api.Test;

/** The value classes {@link GateSnapshot} and {@link LayerGates}. */
class GateSnapshotTest {

    private static LayerGates gates(String name, int... dead) {
        return new LayerGates(name, 1, 8, 0.25, 0.5, dead, 1, 2, 3, 4, true, OptionalDouble.of(0.125),
                new double[]{1, 0, 0, 0, 0, 0, 0, 1}, false);
    }

    @Test
    void layerGates_accessors() {
        LayerGates g = gates("d", 7, 0);
        assertEquals("d", g.name());
        assertEquals(1, g.index());
        assertEquals(8, g.units());
        assertEquals(0.25, g.closedShare(), 0.0);
        assertEquals(0.5, g.negativeShare(), 0.0);
        assertArrayEquals(new int[]{0, 7}, g.deadUnits(), "sorted");
        assertEquals(0.25, g.deadFraction(), 0.0);
        assertEquals(1, g.newlyDead());
        assertEquals(2, g.revived());
        assertEquals(3, g.reinitialized());
        assertEquals(4, g.nonFinite());
        assertTrue(g.recoverable());
        assertEquals(0.125, g.blockedGradientShare().getAsDouble(), 0.0);
        assertFalse(g.estimated());
    }

    @Test
    void layerGates_immutable() {
        int[] dead = {3};
        double[] fractions = new double[8];
        LayerGates g = new LayerGates("d", 0, 8, 0, 0, dead, 0, 0, 0, 0, false, OptionalDouble.empty(), fractions,
                false);
        dead[0] = 4;
        fractions[0] = 1;
        g.deadUnits()[0] = 5;
        g.unitClosedFractions()[0] = 1;
        assertArrayEquals(new int[]{3}, g.deadUnits());
        assertEquals(0.0, g.unitClosedFractions()[0], 0.0);
    }

    @Test
    void layerGates_validation() {
        var e = assertThrows(IllegalArgumentException.class, () -> new LayerGates("d", 0, 2, 1.5, 0, new int[0], 0, 0,
                0, 0, false, OptionalDouble.empty(), new double[2], false));
        assertEquals("closedShare must be in [0, 1], got: 1.5", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> new LayerGates("d", 0, 2, 0, Double.NaN, new int[0],
                0, 0, 0, 0, false, OptionalDouble.empty(), new double[2], false));
        assertEquals("negativeShare must be in [0, 1], got: NaN", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> new LayerGates("d", 0, -1, 0, 0, new int[0], 0, 0, 0,
                0, false, OptionalDouble.empty(), new double[0], false));
        assertEquals("units must be >= 0, got: -1", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> new LayerGates("d", 0, 1, 0, 0, new int[]{0, 1}, 0, 0,
                0, 0, false, OptionalDouble.empty(), new double[1], false));
        assertEquals("deadUnits must have at most 1 entries, got: 2", e.getMessage());
    }

    @Test
    void layerGates_zeroUnits() {
        LayerGates g = new LayerGates("d", 0, 0, 0, 0, new int[0], 0, 0, 0, 0, false, OptionalDouble.empty(),
                new double[0], false);
        assertEquals(0.0, g.deadFraction(), 0.0);
    }

    @Test
    void layerGates_equalsHashCodeToString() {
        assertEquals(gates("d", 1), gates("d", 1));
        assertEquals(gates("d", 1).hashCode(), gates("d", 1).hashCode());
        assertNotEquals(gates("d", 1), gates("d", 2));
        assertNotEquals(gates("d", 1), gates("e", 1));
        assertEquals("LayerGates(name=d, index=1, units=8, closedShare=0.2500, negativeShare=0.5000, dead=1, "
                + "newlyDead=1, revived=2, reopened=0, reinitialized=3, nonFinite=4, recoverable=true, "
                + "blockedGradientShare=0.1250)", gates("d", 1).toString());
    }

    @Test
    void snapshot_emptyBeforeFirstStep() {
        GateSnapshot s = GateSnapshot.empty();
        assertEquals(-1, s.iteration());
        assertEquals(0, s.epoch());
        assertTrue(s.layers().isEmpty());
        assertTrue(s.isEmpty());
        assertSame(s, GateSnapshot.empty());
    }

    @Test
    void snapshot_layersCopiedUnmodifiableAndFoundByName() {
        List<LayerGates> list = new ArrayList<>(List.of(gates("a"), gates("b", 3)));
        GateSnapshot s = new GateSnapshot(7, 2, list);
        list.clear();
        assertEquals(2, s.layers().size());
        assertThrows(UnsupportedOperationException.class, () -> s.layers().add(gates("c")));
        assertArrayEquals(new int[]{3}, s.layer("b").orElseThrow().deadUnits());
        assertTrue(s.layer("c").isEmpty());
        assertThrows(NullPointerException.class, () -> s.layer(null));
        assertEquals(7, s.iteration());
        assertEquals(2, s.epoch());
        assertFalse(s.isEmpty());
        assertEquals(new GateSnapshot(7, 2, List.of(gates("a"), gates("b", 3))), s);
        assertNotEquals(new GateSnapshot(8, 2, List.of(gates("a"), gates("b", 3))), s);
    }
}
