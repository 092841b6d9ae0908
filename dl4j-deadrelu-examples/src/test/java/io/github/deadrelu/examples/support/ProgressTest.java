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

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class ProgressTest {

    @Test
    void format_minutesAndHours() {
        assertEquals("0:00", Progress.format(0));
        assertEquals("1:05", Progress.format(65_000_000_000L));
        assertEquals("1:01:01", Progress.format(3_661_000_000_000L));
    }

    @Test
    void finish_returnsElapsed() {
        Progress p = new Progress("task", 3);
        p.advance(2);
        p.advance(5);
        assertFalse(p.finish().isNegative());
    }

    @Test
    void constructor_totalZero() {
        var e = assertThrows(IllegalArgumentException.class, () -> new Progress("task", 0));
        assertEquals("total must be >= 1, got: 0", e.getMessage());
    }

    @Test
    void advance_negative() {
        var e = assertThrows(IllegalArgumentException.class, () -> new Progress("task", 1).advance(-1));
        assertEquals("steps must be >= 0, got: -1", e.getMessage());
    }
}
