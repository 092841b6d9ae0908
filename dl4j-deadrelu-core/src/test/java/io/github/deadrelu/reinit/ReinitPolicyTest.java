/*
 * SPDX-License-Identifier: Apache-2.0
 */
package io.github.deadrelu.reinit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.deadrelu.testutil.Serial;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

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

    /** Every out-of-range builder value: the exact message naming the parameter and the value. */
    static Stream<Arguments> badValues() {
        List<Arguments> all = new ArrayList<>(List.of(
                refused("every must be >= 1, got: 0", b -> b.every(0)),
                refused("maturity must be >= 0, got: -1", b -> b.maturity(-1))));
        for (double bad : new double[]{0.0, -0.5, 1.5, Double.NaN}) {
            all.add(refused("maxFraction must be in (0, 1], got: " + bad, b -> b.maxFraction(bad)));
        }
        for (double bad : new double[]{0.0, 1.0, -1e-4, Double.NaN}) {
            all.add(refused("replacementRate must be in (0, 1), got: " + bad, b -> b.replacementRate(bad)));
        }
        for (double bad : new double[]{-0.1, 1.5, Double.NaN}) {
            all.add(refused("threshold must be in [0, 1], got: " + bad, b -> b.threshold(bad)));
        }
        return all.stream();
    }

    private static Arguments refused(String message, Consumer<ReinitPolicy.Builder> call) {
        return Arguments.of(message, call);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badValues")
    void badValue_illegalArgumentNamesTheParameter(String message, Consumer<ReinitPolicy.Builder> call) {
        var e = assertThrows(IllegalArgumentException.class, () -> call.accept(ReinitPolicy.builder()));
        assertEquals(message, e.getMessage());
    }

    @Test
    void nullArguments_namedInTheMessage() {
        var e = assertThrows(NullPointerException.class, () -> ReinitPolicy.builder().outgoing(null));
        assertTrue(e.getMessage().contains("outgoing"));
        e = assertThrows(NullPointerException.class, () -> ReinitPolicy.builder().select(null));
        assertTrue(e.getMessage().contains("selection"));
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
        assertEquals(p, Serial.roundTrip(p));
    }
}
