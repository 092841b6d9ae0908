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

import java.awt.BasicStroke;
import java.awt.Color;
import java.util.Locale;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.markers.SeriesMarkers;

/** Chart settings shared by the training studies (iteration axes, plain lines), on top of {@link Charts}. */
public final class StudyCharts {

    private StudyCharts() {
    }

    /**
     * Labels an iteration x axis at round multiples only (1, 2 or 5 times a power of ten, at most about 8 labels over
     * {@code [0, maxIteration]}, other ticks get a blank label); XChart otherwise labels integer-valued axes so densely
     * that the labels overlap.
     *
     * @param chart        the chart
     * @param maxIteration the largest iteration plotted, at least 0
     * @throws IllegalArgumentException if {@code maxIteration} is negative
     */
    public static void iterationAxis(XYChart chart, double maxIteration) {
        if (maxIteration < 0) {
            throw new IllegalArgumentException("maxIteration must be >= 0, got: " + maxIteration);
        }
        double step = labelStep(maxIteration);
        chart.getStyler().setxAxisTickLabelsFormattingFunction(v -> {
            double k = Math.rint(v / step);
            // A blank, not an empty string: XChart's TextLayout rejects zero-length labels.
            return Math.abs(v - k * step) < 1e-9 * Math.max(1, step) ? String.format(Locale.ROOT, "%.0f", v) : " ";
        });
    }

    /**
     * Adds a plain line (no markers) to a chart.
     *
     * @param chart  the chart
     * @param name   the series name, unique in the chart
     * @param x      the x values
     * @param y      the y values, as many as {@code x}
     * @param color  the line colour
     * @param stroke the line width and dash pattern
     * @return the series, for further styling
     * @throws IllegalArgumentException if XChart rejects the series (duplicate name, lengths differ)
     */
    public static XYSeries line(XYChart chart, String name, double[] x, double[] y, Color color, BasicStroke stroke) {
        XYSeries s = chart.addSeries(name, x, y);
        s.setMarker(SeriesMarkers.NONE);
        s.setLineColor(color);
        s.setLineStyle(stroke);
        return s;
    }

    /**
     * The label step for an axis from 0 to {@code max}: the smallest of 1, 2, 5, 10, 20, 50, ... giving at most 8
     * steps.
     *
     * @param max the axis maximum, at least 0
     * @return the step, at least 1
     */
    static double labelStep(double max) {
        double step = 1;
        while (max / step > 8) {
            double base = Math.pow(10, Math.floor(Math.log10(step)));
            double m = step / base;
            step = (m < 1.5 ? 2 : m < 3.5 ? 5 : 10) * base;
        }
        return step;
    }
}
