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

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.knowm.xchart.XYChart;

@Timeout(60)
class ChartsTest {

    private static final byte[] PNG_MAGIC = {(byte) 0x89, 'P', 'N', 'G'};

    @Test
    void png_lineAndScatter(@TempDir Path dir) throws IOException {
        XYChart line = Charts.line("t", "x", "y");
        line.addSeries("s", new double[] {1, 2, 3}, new double[] {0.1, 0.4, 0.9});
        XYChart scatter = Charts.scatter("t", "x", "y");
        scatter.addSeries("s", new double[] {1, 2, 3}, new double[] {3, 1, 2});
        assertPng(Charts.png(line, dir.resolve("a/line.png")));
        assertPng(Charts.png(List.of(line, scatter), 1, 2, dir.resolve("grid.png")));
    }

    @Test
    void png_heatMap(@TempDir Path dir) throws IOException {
        var chart = Charts.heatMap("h", "width", "depth", List.of(2, 3), List.of(5, 10, 20),
                new double[][] {{0.1, 0.2, 0.3}, {0.4, 0.5, 0.6}});
        assertPng(Charts.png(chart, dir.resolve("heat.png")));
    }

    @Test
    void heatMap_shapeMismatch() {
        var e = assertThrows(IllegalArgumentException.class,
                () -> Charts.heatMap("h", "x", "y", List.of(1, 2), List.of(1), new double[][] {{1}}));
        assertEquals("values.length must be x.size() = 2, got: 1", e.getMessage());
    }

    @Test
    void png_gridTooSmall(@TempDir Path dir) {
        XYChart a = Charts.line("a", "x", "y");
        var e = assertThrows(IllegalArgumentException.class,
                () -> Charts.png(List.of(a, a, a), 1, 2, dir.resolve("g.png")));
        assertEquals("charts must fit a 1 x 2 grid, got: 3 charts", e.getMessage());
    }

    private static void assertPng(Path file) throws IOException {
        byte[] bytes = Files.readAllBytes(file);
        assertTrue(bytes.length > 1000, "PNG size " + bytes.length);
        assertArrayEquals(PNG_MAGIC, Arrays.copyOf(bytes, 4));
    }
}
