/*
 * SPDX-License-Identifier: Apache-2.0
 */
package io.github.deadrelu.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.activations.impl.ActivationReLU;
import org.nd4j.linalg.activations.impl.ActivationThresholdedReLU;

class GateTest {

    /** ReLU: gated, no cap, NaN stays NaN; ReLU6: gated, capped at 6, maps NaN to a finite value. */
    @ParameterizedTest(name = "{0}")
    @CsvSource({"RELU,false,false", "RELU6,true,true"})
    void of_gatedCapAndNaN(Activation activation, boolean capped, boolean swallowsNaN) {
        Gate g = Gate.of(activation.getActivationFunction()).orElseThrow();
        assertTrue(g.isGated());
        assertEquals(capped, g.hasCap());
        assertEquals(swallowsNaN, g.swallowsNaN());
    }

    @Test
    void of_reluWithMaxIsCapped() {
        assertTrue(Gate.of(new ActivationReLU(3.0, null, null)).orElseThrow().hasCap());
    }

    @Test
    void invalidSetting_maxBelowZeroOrAtThreshold() {
        // DL4J outputs min(relu(x), max) but masks the gradient above max only when max != 0: these cannot train.
        assertEquals("max must be >= 0, got: -1.0", Gate.invalidSetting(new ActivationReLU(-1.0, null, null))
                .orElseThrow());
        assertEquals("max must be > threshold (0.0), got: 0.0", Gate.invalidSetting(new ActivationReLU(0.0, null,
                null)).orElseThrow());
        assertEquals("max must be > threshold (0.5), got: 0.5", Gate.invalidSetting(new ActivationReLU(0.5, 0.5,
                null)).orElseThrow());
        assertTrue(Gate.invalidSetting(new ActivationReLU(6.0, 0.5, null)).isEmpty());
        assertTrue(Gate.invalidSetting(new ActivationReLU()).isEmpty());
        assertTrue(Gate.of(new ActivationReLU(-1.0, null, null)).isEmpty(), "no gate for an invalid setting");
        assertTrue(Gate.of(new ActivationReLU(0.3, 0.5, 0.1)).isEmpty(), "leaky with a cap below the threshold");
    }

    @Test
    void of_leakyKinds() {
        for (Activation a : new Activation[]{Activation.LEAKYRELU, Activation.ELU, Activation.SELU, Activation.RRELU,
                Activation.SWISH, Activation.GELU, Activation.MISH}) {
            Gate g = Gate.of(a.getActivationFunction()).orElseThrow(() -> new AssertionError(a.name()));
            assertEquals(Gate.Kind.LEAKY, g.kind(), a.name());
        }
        assertEquals(Gate.Kind.LEAKY, Gate.of(new ActivationReLU(null, null, 0.1)).orElseThrow().kind());
    }

    @Test
    void of_leakyWithCapClosesAtTheCap() {
        Gate g = Gate.of(new ActivationReLU(6.0, null, 0.1)).orElseThrow();
        assertTrue(g.isGated());
        assertTrue(g.hasCap());
    }

    @Test
    void of_thresholdedRelu() {
        Gate g = Gate.of(new ActivationThresholdedReLU(0.5)).orElseThrow();
        assertTrue(g.isGated());
        assertTrue(g.swallowsNaN());
    }

    @Test
    void of_notReluFamily() {
        for (Activation a : new Activation[]{Activation.SIGMOID, Activation.TANH, Activation.IDENTITY,
                Activation.SOFTMAX, Activation.SOFTPLUS}) {
            assertTrue(Gate.of(a.getActivationFunction()).isEmpty(), a.name());
        }
        assertTrue(Gate.of(null).isEmpty());
    }
}
