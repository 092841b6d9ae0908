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

package io.github.deadrelu.examples;

import io.github.deadrelu.examples.support.Checks;
import io.github.deadrelu.examples.support.Choices;
import io.github.deadrelu.examples.support.StudyCommand;
import io.github.deadrelu.examples.support.Charts;
import io.github.deadrelu.examples.support.CsvWriter;
import io.github.deadrelu.examples.support.Progress;
import io.github.deadrelu.examples.support.Table;
import io.github.deadrelu.weights.RandomizedAsymmetricInit;
import java.awt.BasicStroke;
import java.awt.Color;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.lines.SeriesLines;
import org.knowm.xchart.style.markers.SeriesMarkers;
import org.nd4j.linalg.api.rng.Random;
import org.nd4j.linalg.factory.Nd4j;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Study 5, "Born dead": how likely is a deep, narrow ReLU network to compute a constant function before any training,
 * with He initialisation and with {@link RandomizedAsymmetricInit} (RAI)?
 *
 * <p>Protocol (fixed): input dimension 1, inputs a 2001-point grid on [-1, 1]; depth L counts the linear output layer,
 * so a network has L-1 hidden ReLU layers of width N and one identity output unit; He initialisation is DL4J's
 * {@code WeightInit.RELU} ({@code W ~ N(0, 2/fanIn)}) with bias 0, RAI is {@link RandomizedAsymmetricInit} on the
 * hidden layers (the output layer keeps He); a network is <em>born dead</em> iff max minus min of its output over the
 * grid is below 1e-9, in double precision. For each (width, depth) one network is built and its parameters are re-drawn
 * per trial (see {@link BornDeadNetwork}). The reference curve is
 * <pre>
 * bound = 1 - (1 - 2^-N)^(L-1)
 * </pre>
 * the probability that one fixed input is dead after L-1 symmetric layers (Lu, Shin, Su and Karniadakis, CiCP 28(5),
 * 2020; see {@link RandomizedAsymmetricInit}). With zero biases it is exactly that probability for an input x != 0, so
 * it bounds the He probability of a constant output from above.
 *
 * <p>Outputs in {@code --out}: {@code born-dead.csv} (header {@value #CSV_HEADER}), {@code born-dead-detail.csv} (also
 * the count of exactly constant outputs and quantiles of the output range), {@code born-dead.md} (the table as
 * Markdown plus the run time) and {@code born-dead.png}. Run it with:
 * <pre>
 * mvn -B -q -Pdemo -DskipTests -pl dl4j-deadrelu-core,dl4j-deadrelu-examples verify \
 *     -Ddemo.main=io.github.deadrelu.examples.BornDeadStudy -Ddemo.args="--trials 1000"
 * </pre>
 */
@Command(name = "born-dead",
        description = {"Study 5: probability that a deep, narrow ReLU network is a constant function at "
                + "initialisation, He (WeightInit.RELU, bias 0) against RandomizedAsymmetricInit (RAI)."})
public final class BornDeadStudy extends StudyCommand {

    /** The header of {@code born-dead.csv}, fixed. */
    static final String CSV_HEADER = "init,width,depth,trials,born_dead,bound";

    private static final Logger log = LoggerFactory.getLogger(BornDeadStudy.class);

    /** The two initialisations compared, with their CSV names. */
    enum Init implements Choices.Named {
        HE, RAI
    }

    /**
     * The result of one (init, width, depth) cell.
     *
     * @param init            the initialisation
     * @param width           hidden width N
     * @param depth           depth L, the output layer included
     * @param trials          the number of independent draws
     * @param bornDead        draws whose output range was below {@value BornDeadNetwork#DEAD_RANGE}
     * @param exactlyConstant draws whose output range was exactly 0 (some hidden layer constant on the whole grid)
     * @param rangeP10        10th percentile of the output range over the draws
     * @param rangeP50        median output range
     * @param rangeP90        90th percentile of the output range
     */
    record Cell(Init init, int width, int depth, int trials, int bornDead, int exactlyConstant, double rangeP10,
            double rangeP50, double rangeP90) {

        double rate() {
            return (double) bornDead / trials;
        }

        double exactRate() {
            return (double) exactlyConstant / trials;
        }

        double bound() {
            return BornDeadStudy.bound(width, depth);
        }
    }

    @Option(names = "--trials", paramLabel = "N", defaultValue = "1000",
            description = "Independent initialisations per (init, width, depth) cell (default: ${DEFAULT-VALUE}).")
    private int trials;

    @Option(names = "--widths", paramLabel = "N,...", split = ",", defaultValue = "2,3,4,5,10",
            description = "Hidden-layer widths (default: ${DEFAULT-VALUE}).")
    private int[] widths;

    @Option(names = "--depths", paramLabel = "L,...", split = ",", defaultValue = "5,10,20,50",
            description = "Depths, counting the linear output layer (default: ${DEFAULT-VALUE}).")
    private int[] depths;

    @Option(names = "--seed", paramLabel = "S", defaultValue = "1",
            description = "Seed of all random draws (default: ${DEFAULT-VALUE}).")
    private long seed;

    /**
     * Runs the study from the command line; {@code --help} lists the options.
     *
     * @param args the command-line arguments
     */
    public static void main(String[] args) {
        main(new BornDeadStudy(), args);
    }

    @Override
    protected boolean quietListenerLog() {
        return false;
    }

    @Override
    protected void study(Path out) throws IOException {
        log.info("Born dead: widths {}, depths {}, {} trials per cell, seed {}, output {}", Arrays.toString(widths),
                Arrays.toString(depths), trials, seed, out.toAbsolutePath());
        List<Cell> cells = run(widths, depths, trials, seed);
        double seconds = seconds();

        writeCsv(cells, out.resolve("born-dead.csv"));
        writeDetailCsv(cells, out.resolve("born-dead-detail.csv"));
        Table table = table(cells);
        String time = String.format(Locale.ROOT, "%.1f s", seconds);
        writeReport(out, "born-dead", table, trials + " trials per cell, seed " + seed + ", run time " + time + " ("
                + Runtime.getRuntime().availableProcessors() + " cores).");
        plot(cells, out.resolve("born-dead.png"));
        logFinished(log, "Born dead study", time, out, "born-dead.csv", "born-dead-detail.csv", "born-dead.md",
                "born-dead.png");
    }

    @Override
    protected void check(Checks check) {
        check.atLeast("--trials", trials, 1);
        check.listsAtLeast("--widths", widths.length, 1, "one width");
        check.listsAtLeast("--depths", depths.length, 1, "one depth");
        check.eachAtLeast("--widths", widths, 1);
        for (int d : depths) {
            check.require(d >= 2, "--depths", ">= 2 (one hidden layer and the output layer)", d);
        }
        // Sorted, so the table reads top-down and the chart lines run left to right.
        widths = Arrays.stream(widths).sorted().distinct().toArray();
        depths = Arrays.stream(depths).sorted().distinct().toArray();
    }

    /**
     * Runs every (init, width, depth) cell: one network per (width, depth), {@code trials} draws per init.
     *
     * @param widths the hidden widths
     * @param depths the depths, output layer included
     * @param trials draws per cell
     * @param seed   the seed; each cell derives its own generators from it, so a cell's result does not depend on
     *               which other cells run
     * @return the cells, ordered by width, then depth, then init (He first)
     */
    static List<Cell> run(int[] widths, int[] depths, int trials, long seed) {
        // Progress counts layer draws (trials x depth), which track the run time far better than trials do.
        long work = 2L * trials * widths.length * Arrays.stream(depths).asLongStream().sum();
        Progress progress = new Progress("born-dead (trial layers)", work);
        List<Cell> cells = new ArrayList<>();
        for (int width : widths) {
            for (int depth : depths) {
                BornDeadNetwork network = new BornDeadNetwork(width, depth);
                for (Init init : Init.values()) {
                    cells.add(runCell(network, init, trials, cellSeed(seed, init, width, depth), progress));
                }
            }
        }
        progress.finish();
        return cells;
    }

    private static Cell runCell(BornDeadNetwork network, Init init, int trials, long cellSeed, Progress progress) {
        SplittableRandom raiSeeds = new SplittableRandom(cellSeed);
        Random rng = Nd4j.getRandomFactory().getNewRandomInstance(cellSeed);
        double[] ranges = new double[trials];
        int bornDead = 0;
        int exactlyConstant = 0;
        try {
            for (int t = 0; t < trials; t++) {
                if (init == Init.HE) {
                    network.drawHe(rng);
                } else {
                    network.drawRai(rng, raiSeeds.nextLong());
                }
                double range = network.outputRange();
                ranges[t] = range;
                if (range < BornDeadNetwork.DEAD_RANGE) {
                    bornDead++;
                }
                if (range == 0.0) {
                    exactlyConstant++;
                }
                progress.advance(network.depth());
            }
        } finally {
            try {
                rng.close();
            } catch (Exception e) {
                log.debug("Could not close an ND4J random generator", e);
            }
        }
        Arrays.sort(ranges);
        return new Cell(init, network.width(), network.depth(), trials, bornDead, exactlyConstant,
                quantile(ranges, 0.1), quantile(ranges, 0.5), quantile(ranges, 0.9));
    }

    /** Derives an independent, reproducible seed for one cell. */
    static long cellSeed(long seed, Init init, int width, int depth) {
        long h = seed;
        for (long v : new long[] {init.ordinal(), width, depth}) {
            h = new SplittableRandom(h * 0x9E3779B97F4A7C15L + v).nextLong();
        }
        return h;
    }

    /**
     * The reference probability 1 - (1 - 2^-N)^(L-1) that one input is dead after L-1 symmetric layers of width N.
     *
     * @param width the hidden width N
     * @param depth the depth L, output layer included
     * @return the probability
     */
    static double bound(int width, int depth) {
        return 1.0 - Math.pow(1.0 - Math.pow(2.0, -width), depth - 1);
    }

    private static double quantile(double[] sorted, double q) {
        return sorted[(int) Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
    }

    static void writeCsv(List<Cell> cells, Path file) throws IOException {
        try (CsvWriter csv = new CsvWriter(file, CSV_HEADER.split(","))) {
            for (Cell c : cells) {
                csv.row(c.init().csvName(), c.width(), c.depth(), c.trials(), c.bornDead(), round(c.bound(), 6));
            }
        }
    }

    private static void writeDetailCsv(List<Cell> cells, Path file) throws IOException {
        try (CsvWriter csv = new CsvWriter(file, "init", "width", "depth", "trials", "born_dead",
                "exactly_constant", "range_p10", "range_p50", "range_p90", "bound")) {
            for (Cell c : cells) {
                csv.row(c.init().csvName(), c.width(), c.depth(), c.trials(), c.bornDead(), c.exactlyConstant(),
                        c.rangeP10(), c.rangeP50(), c.rangeP90(), round(c.bound(), 6));
            }
        }
    }

    private static Table table(List<Cell> cells) {
        Table table = new Table("width", "depth", "bound", "He born dead", "RAI born dead", "He range = 0",
                "RAI range = 0");
        for (int i = 0; i + 1 < cells.size(); i += 2) {
            Cell he = cells.get(i);
            Cell rai = cells.get(i + 1);
            table.row(he.width(), he.depth(), f3(he.bound()), f3(he.rate()), f3(rai.rate()), f3(he.exactRate()),
                    f3(rai.exactRate()));
        }
        return table;
    }

    /** One PNG, three panels: He with the bound, RAI, and RAI counting exactly constant outputs only. */
    private static void plot(List<Cell> cells, Path file) throws IOException {
        XYChart he = panel("He (WeightInit.RELU, bias 0): range < 1e-9; dashed: bound");
        XYChart rai = panel("RAI: range < 1e-9");
        XYChart raiExact = panel("RAI: exactly constant (range = 0)");
        Color[] colors = {new Color(0x1f77b4), new Color(0xff7f0e), new Color(0x2ca02c), new Color(0xd62728),
                new Color(0x9467bd), new Color(0x8c564b), new Color(0xe377c2), new Color(0x7f7f7f)};
        int[] widths = cells.stream().mapToInt(Cell::width).distinct().toArray();
        for (int k = 0; k < widths.length; k++) {
            int width = widths[k];
            Color color = colors[k % colors.length];
            double[] depth = select(cells, Init.HE, width).stream().mapToDouble(Cell::depth).toArray();
            double[] heRate = select(cells, Init.HE, width).stream().mapToDouble(Cell::rate).toArray();
            double[] bound = select(cells, Init.HE, width).stream().mapToDouble(Cell::bound).toArray();
            double[] raiRate = select(cells, Init.RAI, width).stream().mapToDouble(Cell::rate).toArray();
            double[] raiExactRate = select(cells, Init.RAI, width).stream().mapToDouble(Cell::exactRate).toArray();
            series(he, "N=" + width, depth, heRate, color, SeriesLines.SOLID);
            XYSeries b = series(he, "bound N=" + width, depth, bound, color, SeriesLines.DASH_DASH);
            b.setMarker(SeriesMarkers.NONE);
            b.setShowInLegend(false);
            series(rai, "N=" + width, depth, raiRate, color, SeriesLines.SOLID);
            series(raiExact, "N=" + width, depth, raiExactRate, color, SeriesLines.SOLID);
        }
        Charts.png(List.of(he, rai, raiExact), 1, 3, file);
    }

    private static XYChart panel(String title) {
        XYChart chart = Charts.line(title, "depth L (output layer included)", "P(born dead)", 520, 400);
        chart.getStyler().setLegendPosition(Styler.LegendPosition.OutsideS);
        chart.getStyler().setLegendLayout(Styler.LegendLayout.Horizontal);
        chart.getStyler().setYAxisMin(0.0);
        chart.getStyler().setYAxisMax(1.0);
        chart.getStyler().setXAxisMin(0.0);
        chart.getStyler().setYAxisDecimalPattern("0.0");
        chart.getStyler().setChartTitleFont(chart.getStyler().getChartTitleFont().deriveFont(13f));
        return chart;
    }

    private static XYSeries series(XYChart chart, String name, double[] x, double[] y, Color color,
            BasicStroke stroke) {
        XYSeries s = chart.addSeries(name, x, y);
        s.setLineColor(color);
        s.setMarkerColor(color);
        s.setLineStyle(stroke);
        s.setMarker(SeriesMarkers.CIRCLE);
        return s;
    }

    private static List<Cell> select(List<Cell> cells, Init init, int width) {
        return cells.stream().filter(c -> c.init() == init && c.width() == width).toList();
    }

    private static String f3(double v) {
        return String.format(Locale.ROOT, "%.3f", v);
    }

    private static double round(double v, int digits) {
        double scale = Math.pow(10, digits);
        return Math.round(v * scale) / scale;
    }
}
