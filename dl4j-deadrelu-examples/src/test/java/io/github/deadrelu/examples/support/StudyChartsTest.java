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
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.BasicStroke;
import java.awt.Color;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.markers.SeriesMarkers;

class StudyChartsTest {

    @Test
    void labelStep_roundMultiplesAtMostEightSteps() {
        assertEquals(1.0, StudyCharts.labelStep(0));
        assertEquals(1.0, StudyCharts.labelStep(8));
        assertEquals(2.0, StudyCharts.labelStep(9));
        assertEquals(20.0, StudyCharts.labelStep(93));
        assertEquals(50.0, StudyCharts.labelStep(375));
        assertEquals(50.0, StudyCharts.labelStep(400));
        assertEquals(200.0, StudyCharts.labelStep(1249));
    }

    @Test
    void line_plainSeriesWithColourAndStroke() {
        XYChart chart = Charts.line("t", "x", "y");
        BasicStroke stroke = new BasicStroke(1.5f);
        XYSeries s = StudyCharts.line(chart, "a", new double[] {0, 1}, new double[] {2, 3}, Color.RED, stroke);
        assertEquals(s, chart.getSeriesMap().get("a"));
        assertEquals(SeriesMarkers.NONE, s.getMarker());
        assertEquals(Color.RED, s.getLineColor());
        assertEquals(stroke, s.getLineStyle());
        assertThrows(IllegalArgumentException.class,
                () -> StudyCharts.line(chart, "a", new double[] {0}, new double[] {0}, Color.RED, stroke));
    }

    @Test
    void iterationAxis_labelsMultiplesOnly() {
        XYChart chart = Charts.line("t", "x", "y");
        StudyCharts.iterationAxis(chart, 375);
        var format = chart.getStyler().getxAxisTickLabelsFormattingFunction();
        assertEquals(List.of("0", " ", "50", " ", "350"), List.of(format.apply(0.0), format.apply(20.0),
                format.apply(50.0), format.apply(75.0), format.apply(350.0)));
    }

    /** Two curve points, at 0 and 25, with labels every 10: the label at 25 is blank, and the chart still renders. */
    @Test
    void iterationAxis_blankLabel_chartRenders(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir)
            throws java.io.IOException {
        XYChart chart = Charts.line("t", "x", "y");
        chart.addSeries("s", new double[] {0, 25}, new double[] {0.5, 0.6});
        StudyCharts.iterationAxis(chart, 50);
        assertTrue(java.nio.file.Files.size(Charts.png(chart, dir.resolve("c.png"))) > 0);
    }

    @Test
    void iterationAxis_negativeMax() {
        var e = assertThrows(IllegalArgumentException.class,
                () -> StudyCharts.iterationAxis(Charts.line("t", "x", "y"), -1));
        assertTrue(e.getMessage().contains("maxIteration must be >= 0, got: -1.0"), e.getMessage());
    }
}
