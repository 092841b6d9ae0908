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

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CsvWriterTest {

    @Test
    void row_escapesAndFormats(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("sub/out.csv");
        try (CsvWriter csv = new CsvWriter(file, "name", "value", "note")) {
            csv.row("a,b", 0.5, null).row("say \"hi\"", 3, "line\nbreak").row("x", 1e-10, 2.0f);
        }
        assertEquals("name,value,note\n\"a,b\",0.5,\n\"say \"\"hi\"\"\",3,\"line\nbreak\"\nx,1.0E-10,2.0\n",
                Files.readString(file));
    }

    @Test
    void row_wrongArity(@TempDir Path dir) throws IOException {
        try (CsvWriter csv = new CsvWriter(dir.resolve("out.csv"), "a", "b")) {
            var e = assertThrows(IllegalArgumentException.class, () -> csv.row(1));
            assertEquals("row must have 2 fields, got: 1", e.getMessage());
        }
    }

    @Test
    void constructor_emptyHeader(@TempDir Path dir) {
        var e = assertThrows(IllegalArgumentException.class, () -> new CsvWriter(dir.resolve("out.csv")));
        assertEquals("header must have at least one column, got: 0", e.getMessage());
    }
}
