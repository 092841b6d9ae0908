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

import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import javax.imageio.ImageIO;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.HeatMapChart;
import org.knowm.xchart.HeatMapChartBuilder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.internal.chartpart.Chart;
import org.knowm.xchart.style.Styler;

/**
 * Builds XChart charts with the studies' common look (white background, legend inside the plot) and writes them as PNG.
 * The factories return the chart so a study can add series and tune it before saving:
 * <pre>{@code
 * XYChart chart = Charts.line("Born dead", "depth", "probability");
 * chart.addSeries("width 2", depths, rates);
 * Charts.png(chart, out.resolve("born-dead.png"));
 * }</pre>
 * Charts render off-screen: this class sets {@code java.awt.headless=true} unless the property is already set.
 */
public final class Charts {

    /** Default chart width in pixels. */
    public static final int WIDTH = 640;
    /** Default chart height in pixels. */
    public static final int HEIGHT = 420;

    static {
        if (System.getProperty("java.awt.headless") == null) {
            System.setProperty("java.awt.headless", "true");
        }
    }

    private Charts() {
    }

    /**
     * Creates an empty line chart (series drawn as lines with markers) of the default size.
     *
     * @param title  the chart title
     * @param xTitle the x-axis title
     * @param yTitle the y-axis title
     * @return the chart, {@value #WIDTH} x {@value #HEIGHT} pixels
     */
    public static XYChart line(String title, String xTitle, String yTitle) {
        return line(title, xTitle, yTitle, WIDTH, HEIGHT);
    }

    /**
     * Creates an empty line chart (series drawn as lines with markers).
     *
     * @param title  the chart title
     * @param xTitle the x-axis title
     * @param yTitle the y-axis title
     * @param width  the width in pixels, at least 1
     * @param height the height in pixels, at least 1
     * @return the chart
     * @throws IllegalArgumentException if a size is below 1
     */
    public static XYChart line(String title, String xTitle, String yTitle, int width, int height) {
        if (width < 1 || height < 1) {
            throw new IllegalArgumentException("width and height must be >= 1, got: " + width + " x " + height);
        }
        XYChart chart = new XYChartBuilder().width(width).height(height).title(title).xAxisTitle(xTitle)
                .yAxisTitle(yTitle).build();
        style(chart.getStyler());
        chart.getStyler().setDefaultSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Line);
        chart.getStyler().setMarkerSize(6);
        return chart;
    }

    /**
     * Creates an empty scatter chart (markers only).
     *
     * @param title  the chart title
     * @param xTitle the x-axis title
     * @param yTitle the y-axis title
     * @return the chart, {@value #WIDTH} x {@value #HEIGHT} pixels
     */
    public static XYChart scatter(String title, String xTitle, String yTitle) {
        XYChart chart = line(title, xTitle, yTitle);
        chart.getStyler().setDefaultSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Scatter);
        chart.getStyler().setMarkerSize(4);
        return chart;
    }

    /**
     * Creates a heat map of {@code values[i][j]} at column {@code x.get(i)} and row {@code y.get(j)}.
     *
     * @param title  the chart title
     * @param xTitle the x-axis title
     * @param yTitle the y-axis title
     * @param x      the column labels
     * @param y      the row labels
     * @param values the cell values, {@code values.length == x.size()} and {@code values[i].length == y.size()}
     * @return the chart, {@value #WIDTH} x {@value #HEIGHT} pixels
     * @throws IllegalArgumentException if the shape of {@code values} does not match the labels
     */
    public static HeatMapChart heatMap(String title, String xTitle, String yTitle, List<?> x, List<?> y,
            double[][] values) {
        if (values.length != x.size()) {
            throw new IllegalArgumentException("values.length must be x.size() = " + x.size() + ", got: "
                    + values.length);
        }
        List<Number[]> cells = new ArrayList<>();
        for (int i = 0; i < values.length; i++) {
            if (values[i].length != y.size()) {
                throw new IllegalArgumentException("values[" + i + "].length must be y.size() = " + y.size()
                        + ", got: " + values[i].length);
            }
            for (int j = 0; j < values[i].length; j++) {
                cells.add(new Number[] {i, j, values[i][j]});
            }
        }
        HeatMapChart chart = new HeatMapChartBuilder().width(WIDTH).height(HEIGHT).title(title).xAxisTitle(xTitle)
                .yAxisTitle(yTitle).build();
        chart.getStyler().setChartBackgroundColor(Color.WHITE);
        chart.getStyler().setShowValue(true);
        chart.getStyler().setHeatMapValueDecimalPattern("0.00");
        chart.addSeries(title, x, y, cells);
        return chart;
    }

    /**
     * Writes one chart as a PNG file (opaque RGB, which is smaller than XChart's default ARGB), creating parent
     * directories.
     *
     * @param chart the chart
     * @param file  the target file; {@code .png} is expected as its extension
     * @return {@code file}
     * @throws IOException if the file cannot be written
     */
    public static Path png(Chart<?, ?> chart, Path file) throws IOException {
        Objects.requireNonNull(chart, "chart");
        return png(List.of(chart), 1, 1, file);
    }

    /**
     * Writes several charts as a grid of {@code rows} x {@code columns} panels, filled row by row, into one PNG file.
     * Each cell is as large as the largest chart.
     *
     * @param charts  the charts, at most {@code rows * columns}
     * @param rows    the number of grid rows, at least 1
     * @param columns the number of grid columns, at least 1
     * @param file    the target file
     * @return {@code file}
     * @throws IOException              if the file cannot be written
     * @throws IllegalArgumentException if the grid is empty or too small for the charts
     */
    public static Path png(List<? extends Chart<?, ?>> charts, int rows, int columns, Path file) throws IOException {
        if (rows < 1 || columns < 1 || charts.isEmpty() || charts.size() > rows * columns) {
            throw new IllegalArgumentException("charts must fit a " + rows + " x " + columns + " grid, got: "
                    + charts.size() + " charts");
        }
        int cellWidth = charts.stream().mapToInt(Chart::getWidth).max().orElseThrow();
        int cellHeight = charts.stream().mapToInt(Chart::getHeight).max().orElseThrow();
        BufferedImage image = new BufferedImage(cellWidth * columns, cellHeight * rows, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = image.createGraphics();
        try {
            g.setColor(Color.WHITE);
            g.fillRect(0, 0, image.getWidth(), image.getHeight());
            for (int i = 0; i < charts.size(); i++) {
                g.drawImage(BitmapEncoder.getBufferedImage(charts.get(i)), (i % columns) * cellWidth,
                        (i / columns) * cellHeight, null);
            }
        } finally {
            g.dispose();
        }
        createParent(file);
        if (!ImageIO.write(image, "png", file.toFile())) {
            throw new IOException("No PNG writer available to write " + file);
        }
        return file;
    }

    private static void style(Styler styler) {
        styler.setChartBackgroundColor(Color.WHITE);
        styler.setLegendPosition(Styler.LegendPosition.InsideNW);
        styler.setLegendBorderColor(Color.LIGHT_GRAY);
    }

    private static void createParent(Path file) throws IOException {
        Path parent = file.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
    }
}
