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
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class TableTest {

    @Test
    void toString_alignsNumbersRight() {
        Table t = new Table("name", "rate").row("he", "0.870").row("rai", "0.27");
        assertEquals("name   rate\n----  -----\nhe    0.870\nrai    0.27\n", t.toString());
        assertEquals(2, t.size());
    }

    @Test
    void toMarkdown_rightAlignedNumericColumns() {
        Table t = new Table("name", "n").row("he", 12);
        assertEquals("| name |   n |\n| ---- | --: |\n| he   |  12 |\n", t.toMarkdown());
    }

    @Test
    void row_wrongArity() {
        var e = assertThrows(IllegalArgumentException.class, () -> new Table("a", "b").row(1, 2, 3));
        assertEquals("row must have 2 cells, got: 3", e.getMessage());
    }
}
