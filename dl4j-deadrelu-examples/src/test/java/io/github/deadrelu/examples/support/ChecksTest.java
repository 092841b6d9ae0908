/*
 * Copyright the dl4j-deadrelu contributors.
 *
 * Licensed under the Apache License, Version 2.0 (the "License"); you may not use this file except in compliance with
 * the License. You may obtain a copy of the License at https://www.apache.org/licenses/LICENSE-2.0
 *
 * Unless required by applicable law or agreed to in writing, software distributed under the License is distributed on
 * an "AS IS" BASIS, WITHOUT WARRANTIES OR CONDITIONS OF ANY KIND, either express or implied. See the License for the
 * specific language governing permissions and limitations under the License.
 *
 * SPDX-License-Identifier: Apache-2.0
 */


package io.github.deadrelu.examples.support;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.ParameterException;

class ChecksTest {

    @Command(name = "probe")
    static final class Probe implements Runnable {
        @Override
        public void run() {
        }
    }

    private final Checks check = new Checks(new CommandLine(new Probe()).getCommandSpec());

    @Test
    void atLeast_belowMin_messageNamesParamConstraintValue() {
        ParameterException e = assertThrows(ParameterException.class, () -> check.atLeast("--epochs", 0, 1));
        assertEquals("--epochs must be >= 1, got: 0", e.getMessage());
        assertDoesNotThrow(() -> check.atLeast("--epochs", 1, 1));
    }

    @Test
    void inRange_outside_closedInterval() {
        assertEquals("--train-size must be in [1, 8000], got: 8001",
                assertThrows(ParameterException.class, () -> check.inRange("--train-size", 8001, 1, 8000))
                        .getMessage());
        assertEquals("--train-size must be in [1, 8000], got: 0",
                assertThrows(ParameterException.class, () -> check.inRange("--train-size", 0, 1, 8000))
                        .getMessage());
        assertDoesNotThrow(() -> check.inRange("--train-size", 8000, 1, 8000));
    }

    @Test
    void positive_zeroNaNInfinity_rejected() {
        for (double v : new double[] {0, -1, Double.NaN, Double.POSITIVE_INFINITY}) {
            assertEquals("--lr must be > 0, got: " + v,
                    assertThrows(ParameterException.class, () -> check.positive("--lr", v)).getMessage());
        }
        assertDoesNotThrow(() -> check.positive("--lr", 1e-9));
    }

    @Test
    void oneOf_unknown_listsChoices() {
        assertEquals("--optimizer must be sgd or adam, got: rmsprop",
                assertThrows(ParameterException.class, () -> check.oneOf("--optimizer", "rmsprop", "sgd", "adam"))
                        .getMessage());
        assertEquals("--mode must be a, b or c, got: d",
                assertThrows(ParameterException.class, () -> check.oneOf("--mode", "d", "a", "b", "c"))
                        .getMessage());
        assertDoesNotThrow(() -> check.oneOf("--optimizer", "adam", "sgd", "adam"));
    }

    @Test
    void listsAtLeast_emptyIsNone_shortIsLength() {
        assertEquals("--seeds must list at least one seed, got: none",
                assertThrows(ParameterException.class, () -> check.listsAtLeast("--seeds", 0, 1, "one seed"))
                        .getMessage());
        assertEquals("--hidden must list at least two widths, got: 1",
                assertThrows(ParameterException.class, () -> check.listsAtLeast("--hidden", 1, 2, "two widths"))
                        .getMessage());
    }

    @Test
    void eachAtLeast_firstValueBelowMin_named() {
        assertEquals("--widths must be >= 1, got: 0",
                assertThrows(ParameterException.class, () -> check.eachAtLeast("--widths", new int[] {3, 0, -1}, 1))
                        .getMessage());
        assertDoesNotThrow(() -> check.eachAtLeast("--widths", new int[] {1, 2}, 1));
        assertDoesNotThrow(() -> check.eachAtLeast("--widths", new int[0], 1));
    }

    @Test
    void requireAtLeast_argumentCheck_illegalArgument() {
        assertEquals("width must be >= 1, got: 0",
                assertThrows(IllegalArgumentException.class, () -> Checks.requireAtLeast("width", 0, 1))
                        .getMessage());
        assertDoesNotThrow(() -> Checks.requireAtLeast("width", 1, 1));
    }

    @Test
    void require_false_usageErrorOfTheCommand() {
        ParameterException e = assertThrows(ParameterException.class,
                () -> check.require(false, "--target", "in (-1, 0)", 0.1));
        assertEquals("--target must be in (-1, 0), got: 0.1", e.getMessage());
        assertEquals("probe", e.getCommandLine().getCommandName());
    }
}
