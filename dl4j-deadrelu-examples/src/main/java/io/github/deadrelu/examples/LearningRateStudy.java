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

import io.github.deadrelu.examples.support.Charts;
import io.github.deadrelu.examples.support.CsvWriter;
import io.github.deadrelu.examples.support.Mlp;
import io.github.deadrelu.examples.support.Progress;
import io.github.deadrelu.examples.support.StudyData;
import io.github.deadrelu.examples.support.StudyCharts;
import io.github.deadrelu.examples.support.Table;
import io.github.deadrelu.listeners.DeadReluListener;
import io.github.deadrelu.reinit.OutgoingWeights;
import io.github.deadrelu.reinit.ReinitPolicy;
import io.github.deadrelu.stats.DeadReluAnalysis;
import io.github.deadrelu.stats.GateSnapshot;
import io.github.deadrelu.stats.LayerGates;
import java.awt.BasicStroke;
import java.awt.Color;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.markers.SeriesMarkers;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.learning.config.IUpdater;
import org.nd4j.linalg.learning.config.Sgd;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * Study 2, "learning rate kills units": an MLP (784-256-256-10 on MNIST) trained over a grid of learning rates with Sgd
 * and Adam, several seeds, four variants at each rate: ReLU, Leaky ReLU, and ReLU with {@link DeadReluListener}
 * re-initialising dead units (outgoing weights {@link OutgoingWeights#ZERO} and {@link OutgoingWeights#KEEP}).
 *
 * <p>Per run it measures the final dead units per layer with {@link DeadReluAnalysis} on the evaluation split (dead =
 * closed on every one of its 2,000 examples), the closed share per mini-batch over training (from the listener), and
 * the evaluation accuracy. A run whose parameters or outputs became non-finite is reported as <em>diverged</em>, never
 * with an accuracy or dead units (its CSV fields are empty, its table cells "-"); its training closed share (listener,
 * over the mini-batches without non-finite entries, so up to the divergence) is kept in the CSV. Closed shares over
 * training always leave out mini-batches with non-finite entries.
 *
 * <p>Protocol (defaults): 8,000 train / 2,000 eval, batch 64, 3 epochs in a fixed order, He initialisation
 * ({@code WeightInit.RELU}) for every variant, DL4J default float precision. Re-initialisation policy:
 * {@code every(25).maturity(25)}, seed = the run's seed; the listener's dead streak is its default 1,024 examples (16
 * mini-batches).
 *
 * <p>Outputs in {@code --out}: {@code learning-rate.csv} (one row per run, header {@value #CSV_HEADER}),
 * {@code learning-rate-curves.csv} (closed share per layer, averaged over bins of {@code --bin} iterations),
 * {@code learning-rate.md} and {@code learning-rate.png}. Run it with:
 * <pre>
 * mvn -B -q -Pdemo -DskipTests -pl dl4j-deadrelu-core,dl4j-deadrelu-examples verify \
 *     -Ddemo.main=io.github.deadrelu.examples.LearningRateStudy -Ddemo.args="--mnist ../shared/data/mnist"
 * </pre>
 */
@Command(name = "learning-rate", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Study 2: dead ReLUs, closed share and accuracy of an MLP over a grid of learning rates, "
                + "Sgd and Adam, for ReLU, Leaky ReLU and ReLU with re-initialisation (ZERO and KEEP)."})
public final class LearningRateStudy implements Callable<Integer> {

    /** The header of {@code learning-rate.csv}, fixed. */
    static final String CSV_HEADER = "optimizer,lr,variant,seed,layer,units,dead_units,dead_fraction,"
            + "eval_closed_share,eval_negative_share,train_closed_share_last_epoch,reinitialized,accuracy,diverged";

    /** The header of {@code learning-rate-curves.csv}, fixed. */
    static final String CURVES_HEADER = "optimizer,lr,variant,seed,layer,iteration_from,iteration_to,"
            + "closed_share,negative_share,dead_units_listener";

    private static final Logger log = LoggerFactory.getLogger(LearningRateStudy.class);

    /** The optimizers. */
    enum Optimizer {
        SGD("sgd", "Sgd"), ADAM("adam", "Adam");

        final String csvName;
        final String label;

        Optimizer(String csvName, String label) {
            this.csvName = csvName;
            this.label = label;
        }

        IUpdater updater(double lr) {
            return this == SGD ? new Sgd(lr) : new Adam(lr);
        }
    }

    /** The variants compared at each rate. */
    enum Variant {
        RELU("relu", "ReLU"),
        LEAKY("leaky", "Leaky ReLU"),
        REINIT_ZERO("reinit-zero", "ReLU + re-init (ZERO)"),
        REINIT_KEEP("reinit-keep", "ReLU + re-init (KEEP)");

        final String csvName;
        final String label;

        Variant(String csvName, String label) {
            this.csvName = csvName;
            this.label = label;
        }

        static Variant parse(String s) {
            for (Variant v : values()) {
                if (v.csvName.equals(s)) {
                    return v;
                }
            }
            throw new IllegalArgumentException("variant must be one of relu, leaky, reinit-zero, reinit-keep, got: "
                    + s);
        }
    }

    /**
     * One training run's configuration.
     *
     * @param optimizer the optimizer
     * @param lr        the learning rate
     * @param variant   the variant
     * @param seed      the seed (weights and re-initialisation)
     */
    record Config(Optimizer optimizer, double lr, Variant variant, long seed) {
    }

    /**
     * One layer's result in one run.
     *
     * @param name               the layer name
     * @param units              its units
     * @param deadUnits          units dead on the evaluation split
     * @param evalClosedShare    closed share over the evaluation split
     * @param evalNegativeShare  negative share over the evaluation split
     * @param trainClosedShare   mean closed share per mini-batch over the last epoch trained (listener; only
     *                           mini-batches without non-finite entries, so up to the divergence for a diverged run;
     *                           NaN when there is none)
     * @param reinitialized      units re-initialised during training
     * @param curve              closed share per bin of iterations (listener)
     * @param negativeCurve      negative share per bin
     * @param deadCurve          listener dead units at the end of each bin
     */
    record LayerResult(String name, int units, int deadUnits, double evalClosedShare, double evalNegativeShare,
            double trainClosedShare, long reinitialized, double[] curve, double[] negativeCurve, int[] deadCurve) {

        double deadFraction() {
            return (double) deadUnits / units;
        }
    }

    /**
     * One run's result.
     *
     * @param config   the configuration
     * @param layers   per hidden layer
     * @param accuracy the evaluation accuracy, NaN when diverged
     * @param bin      iterations per curve bin
     * @param seconds  the run time
     */
    record Run(Config config, List<LayerResult> layers, double accuracy, int bin, double seconds) {

        boolean diverged() {
            return Double.isNaN(accuracy);
        }
    }

    @Spec
    private CommandSpec spec;

    @Option(names = "--mnist", paramLabel = "DIR",
            description = "Directory with the MNIST test-set IDX files; without it a built-in synthetic task is used.")
    private Path mnist;

    @Option(names = "--out", paramLabel = "DIR", defaultValue = "target/studies/learning-rate",
            description = "Output directory (default: ${DEFAULT-VALUE}).")
    private Path out;

    @Option(names = "--sgd-rates", paramLabel = "LR,...", defaultValue = "0.1,0.3,1.0,2.0",
            description = "Sgd learning rates; empty for none (default: ${DEFAULT-VALUE}).")
    private String sgdRatesText;

    @Option(names = "--adam-rates", paramLabel = "LR,...", defaultValue = "0.001,0.01,0.05",
            description = "Adam learning rates; empty for none (default: ${DEFAULT-VALUE}).")
    private String adamRatesText;

    private double[] sgdRates;
    private double[] adamRates;

    @Option(names = "--variants", paramLabel = "V,...", split = ",",
            defaultValue = "relu,leaky,reinit-zero,reinit-keep",
            description = "Variants: relu, leaky, reinit-zero, reinit-keep (default: ${DEFAULT-VALUE}).")
    private String[] variants;

    @Option(names = "--seeds", paramLabel = "S,...", split = ",", defaultValue = "1,2,3",
            description = "Seeds, one run per seed (default: ${DEFAULT-VALUE}).")
    private long[] seeds;

    @Option(names = "--epochs", paramLabel = "N", defaultValue = "3",
            description = "Training epochs (default: ${DEFAULT-VALUE}).")
    private int epochs;

    @Option(names = "--batch", paramLabel = "N", defaultValue = "64",
            description = "Mini-batch size (default: ${DEFAULT-VALUE}).")
    private int batch;

    @Option(names = "--hidden", paramLabel = "N,...", split = ",", defaultValue = "256,256",
            description = "Hidden layer widths (default: ${DEFAULT-VALUE}).")
    private int[] hidden;

    @Option(names = "--train-size", paramLabel = "N", defaultValue = "8000",
            description = "Training examples used, at most 8000 (default: ${DEFAULT-VALUE}).")
    private int trainSize;

    @Option(names = "--eval-size", paramLabel = "N", defaultValue = "2000",
            description = "Evaluation examples used, at most 2000 (default: ${DEFAULT-VALUE}).")
    private int evalSize;

    @Option(names = "--reinit-every", paramLabel = "N", defaultValue = "25",
            description = "ReinitPolicy every(N) and maturity(N) of the re-init variants (default: ${DEFAULT-VALUE}).")
    private int reinitEvery;

    @Option(names = "--bin", paramLabel = "N", defaultValue = "25",
            description = "Iterations per bin of the closed-share curves (default: ${DEFAULT-VALUE}).")
    private int bin;

    @Option(names = "--threads", paramLabel = "N", defaultValue = "2",
            description = "Runs trained at the same time, each on one thread (default: ${DEFAULT-VALUE}).")
    private int threads;

    /**
     * Runs the study from the command line; {@code --help} lists the options.
     *
     * @param args the command-line arguments
     */
    public static void main(String[] args) {
        System.exit(new CommandLine(new LearningRateStudy()).execute(args));
    }

    /**
     * Runs the study with the parsed options and writes its outputs.
     *
     * @return the exit code, 0 on success
     * @throws IOException if MNIST cannot be read or an output file cannot be written
     */
    @Override
    public Integer call() throws IOException {
        List<Variant> vs = validate();
        Mlp.singleThreadedNd4j();
        Mlp.quietListenerLog();
        long start = System.nanoTime();
        StudyData data = StudyData.load(mnist, 1).limit(trainSize, evalSize);
        List<Config> configs = new ArrayList<>();
        for (Optimizer o : Optimizer.values()) {
            for (double lr : o == Optimizer.SGD ? sgdRates : adamRates) {
                for (Variant v : vs) {
                    for (long s : seeds) {
                        configs.add(new Config(o, lr, v, s));
                    }
                }
            }
        }
        log.info("Learning rate: {} runs ({} train / {} eval, {}), MLP {}-{}-{}, batch {}, {} epochs, {} threads, "
                        + "output {}", configs.size(), data.trainSize(), data.evalSize(), data.description(),
                data.features(), Arrays.stream(hidden).mapToObj(Integer::toString).collect(Collectors.joining("-")),
                data.classes(), batch, epochs, threads, out.toAbsolutePath());
        List<Run> runs = run(configs, data, hidden, epochs, batch, reinitEvery, bin, threads);
        double seconds = (System.nanoTime() - start) / 1e9;

        writeCsv(runs, out.resolve("learning-rate.csv"));
        writeCurves(runs, out.resolve("learning-rate-curves.csv"));
        Table table = table(runs);
        String footer = String.format(Locale.ROOT, "%d runs on %s (%d train / %d eval), seeds %s, %d epochs, batch %d; "
                        + "run time %.0f s (%d threads, %d cores).", runs.size(), data.mnist() ? "MNIST" : "the "
                        + "synthetic task", data.trainSize(), data.evalSize(), Arrays.toString(seeds), epochs, batch,
                seconds, threads, Runtime.getRuntime().availableProcessors());
        Files.createDirectories(out);
        Files.writeString(out.resolve("learning-rate.md"), table.toMarkdown() + "\n" + footer + "\n",
                StandardCharsets.UTF_8);
        plot(runs, out.resolve("learning-rate.png"));
        System.out.print(table);
        System.out.println(footer);
        log.info("Learning rate study finished in {} s; wrote learning-rate.csv, learning-rate-curves.csv, "
                + "learning-rate.md and learning-rate.png to {}", String.format(Locale.ROOT, "%.0f", seconds),
                out.toAbsolutePath());
        return 0;
    }

    private List<Variant> validate() {
        sgdRates = rates("--sgd-rates", sgdRatesText);
        adamRates = rates("--adam-rates", adamRatesText);
        check(epochs >= 1, "--epochs must be >= 1, got: " + epochs);
        check(batch >= 1, "--batch must be >= 1, got: " + batch);
        check(seeds.length > 0, "--seeds must list at least one seed, got: none");
        check(hidden.length > 0, "--hidden must list at least one width, got: none");
        check(trainSize >= 1 && trainSize <= 8000, "--train-size must be in [1, 8000], got: " + trainSize);
        check(evalSize >= 1 && evalSize <= 2000, "--eval-size must be in [1, 2000], got: " + evalSize);
        check(reinitEvery >= 1, "--reinit-every must be >= 1, got: " + reinitEvery);
        check(bin >= 1, "--bin must be >= 1, got: " + bin);
        check(threads >= 1, "--threads must be >= 1, got: " + threads);
        check(sgdRates.length + adamRates.length > 0, "--sgd-rates and --adam-rates must list at least one rate, "
                + "got: none");
        for (double lr : concat(sgdRates, adamRates)) {
            check(lr > 0 && Double.isFinite(lr), "learning rates must be > 0, got: " + lr);
        }
        for (int w : hidden) {
            check(w >= 1, "--hidden widths must be >= 1, got: " + w);
        }
        sgdRates = Arrays.stream(sgdRates).sorted().distinct().toArray();
        adamRates = Arrays.stream(adamRates).sorted().distinct().toArray();
        List<Variant> vs = new ArrayList<>();
        for (String v : variants) {
            try {
                vs.add(Variant.parse(v.trim()));
            } catch (IllegalArgumentException e) {
                throw new ParameterException(spec.commandLine(), "--variants " + e.getMessage());
            }
        }
        check(!vs.isEmpty(), "--variants must list at least one variant, got: none");
        return vs.stream().distinct().sorted().toList();
    }

    private double[] rates(String option, String text) {
        List<Double> rates = new ArrayList<>();
        for (String part : text.split(",")) {
            if (part.isBlank()) {
                continue;
            }
            try {
                rates.add(Double.parseDouble(part.trim()));
            } catch (NumberFormatException e) {
                throw new ParameterException(spec.commandLine(), option + " must list numbers, got: " + part);
            }
        }
        return rates.stream().mapToDouble(Double::doubleValue).toArray();
    }

    private void check(boolean condition, String message) {
        if (!condition) {
            throw new ParameterException(spec.commandLine(), message);
        }
    }

    private static double[] concat(double[] a, double[] b) {
        double[] all = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, all, a.length, b.length);
        return all;
    }

    /**
     * Trains every configuration.
     *
     * @param configs     the runs
     * @param data        the data
     * @param hidden      hidden widths
     * @param epochs      epochs
     * @param batch       mini-batch size
     * @param reinitEvery re-initialisation period and maturity of the re-init variants
     * @param bin         iterations per curve bin
     * @param threads     runs at the same time
     * @return the results in the order of {@code configs}
     */
    static List<Run> run(List<Config> configs, StudyData data, int[] hidden, int epochs, int batch, int reinitEvery,
            int bin, int threads) {
        Progress progress = new Progress("learning-rate (runs)", configs.size());
        List<Callable<Run>> tasks = new ArrayList<>();
        for (Config c : configs) {
            tasks.add(() -> runOne(c, data, hidden, epochs, batch, reinitEvery, bin));
        }
        List<Run> runs = Mlp.runAll(tasks, threads, progress);
        progress.finish();
        return runs;
    }

    /** Trains and measures one configuration. */
    static Run runOne(Config c, StudyData data, int[] hidden, int epochs, int batch, int reinitEvery, int bin) {
        long start = System.nanoTime();
        Activation act = c.variant() == Variant.LEAKY ? Activation.LEAKYRELU : Activation.RELU;
        MultiLayerNetwork net = Mlp.build(data.features(), hidden, data.classes(), act, c.optimizer().updater(c.lr()),
                c.seed());
        List<DataSet> batches = data.trainBatches(batch);
        int iterations = epochs * batches.size();
        DeadReluListener.Builder lb = DeadReluListener.builder().frequency(0).logReports(false)
                .historySize(iterations);
        if (c.variant() == Variant.REINIT_ZERO || c.variant() == Variant.REINIT_KEEP) {
            lb.reinitialize(ReinitPolicy.builder().every(reinitEvery).maturity(reinitEvery).seed(c.seed())
                    .outgoing(c.variant() == Variant.REINIT_ZERO ? OutgoingWeights.ZERO : OutgoingWeights.KEEP)
                    .build());
        }
        DeadReluListener listener = lb.build();
        net.setListeners(listener);
        boolean diverged = false;
        for (int e = 0; e < epochs && !diverged; e++) {
            diverged = !Mlp.fitEpoch(net, batches);
        }
        List<GateSnapshot> history = listener.history();
        double accuracy = diverged ? Double.NaN : Mlp.accuracy(net, data.eval());
        DeadReluAnalysis analysis = DeadReluAnalysis.of(net, Mlp.iterator(data.evalBatches()));
        List<LayerResult> layers = new ArrayList<>();
        int lastEpochFrom = Math.max(0, history.size() - batches.size());
        for (LayerGates g : analysis.layers()) {
            String name = g.name();
            List<LayerGates> h = history.stream().map(s -> s.layer(name).orElseThrow()).toList();
            // Mini-batches with non-finite entries (a diverging run) have no meaningful closed share: left out.
            double trainClosed = h.subList(lastEpochFrom, h.size()).stream().filter(x -> x.nonFinite() == 0)
                    .mapToDouble(LayerGates::closedShare).average().orElse(Double.NaN);
            long reinit = h.stream().mapToLong(LayerGates::reinitialized).sum();
            int bins = (h.size() + bin - 1) / bin;
            double[] curve = new double[bins];
            double[] negCurve = new double[bins];
            int[] deadCurve = new int[bins];
            for (int k = 0; k < bins; k++) {
                List<LayerGates> part = h.subList(k * bin, Math.min(h.size(), (k + 1) * bin));
                curve[k] = part.stream().filter(x -> x.nonFinite() == 0).mapToDouble(LayerGates::closedShare)
                        .average().orElse(Double.NaN);
                negCurve[k] = part.stream().filter(x -> x.nonFinite() == 0).mapToDouble(LayerGates::negativeShare)
                        .average().orElse(Double.NaN);
                deadCurve[k] = part.get(part.size() - 1).deadUnits().length;
            }
            // A diverged network has only non-finite entries: no unit is closed on all of them, none is dead.
            layers.add(new LayerResult(name, g.units(), g.deadUnits().length, g.closedShare(), g.negativeShare(),
                    trainClosed, reinit, curve, negCurve, deadCurve));
        }
        return new Run(c, layers, accuracy, bin, (System.nanoTime() - start) / 1e9);
    }

    static void writeCsv(List<Run> runs, Path file) throws IOException {
        try (CsvWriter csv = new CsvWriter(file, CSV_HEADER.split(","))) {
            for (Run r : runs) {
                Config c = r.config();
                for (LayerResult l : r.layers()) {
                    // A diverged network has no accuracy and no meaningful dead units on the evaluation split:
                    // those fields stay empty. The listener's training closed share (up to divergence) is kept.
                    boolean d = r.diverged();
                    csv.row(c.optimizer().csvName, c.lr(), c.variant().csvName, c.seed(), l.name(), l.units(),
                            d ? "" : l.deadUnits(), d ? "" : round(l.deadFraction()),
                            d ? "" : round(l.evalClosedShare()), d ? "" : round(l.evalNegativeShare()),
                            round(l.trainClosedShare()), l.reinitialized(), d ? "" : round(r.accuracy()), d);
                }
            }
        }
    }

    private static void writeCurves(List<Run> runs, Path file) throws IOException {
        try (CsvWriter csv = new CsvWriter(file, CURVES_HEADER.split(","))) {
            for (Run r : runs) {
                Config c = r.config();
                for (LayerResult l : r.layers()) {
                    for (int k = 0; k < l.curve().length; k++) {
                        csv.row(c.optimizer().csvName, c.lr(), c.variant().csvName, c.seed(), l.name(), k * r.bin(),
                                (k + 1) * r.bin() - 1, round(l.curve()[k]), round(l.negativeCurve()[k]),
                                l.deadCurve()[k]);
                    }
                }
            }
        }
    }

    /** The console and Markdown table: one row per (optimizer, rate, variant), per-seed values listed. */
    static Table table(List<Run> runs) {
        List<String> names = runs.get(0).layers().stream().map(LayerResult::name).toList();
        List<String> header = new ArrayList<>(List.of("optimizer", "lr", "variant"));
        for (String n : names) {
            header.add(n + " dead (per seed)");
        }
        header.add(names.get(0) + " closed, last epoch");
        header.add("re-inits");
        header.add("accuracy (per seed)");
        header.add("accuracy mean");
        Table t = new Table(header.toArray(String[]::new));
        for (List<Run> group : groups(runs)) {
            Config c = group.get(0).config();
            List<Object> row = new ArrayList<>(List.of(c.optimizer().label, fmtRate(c.lr()), c.variant().label));
            for (int l = 0; l < names.size(); l++) {
                int li = l;
                row.add(group.stream().map(r -> r.diverged() ? "-" : Integer.toString(r.layers().get(li).deadUnits()))
                        .collect(Collectors.joining(" ")) + " of " + group.get(0).layers().get(l).units());
            }
            double closed = group.stream().filter(r -> !r.diverged()).mapToDouble(r -> r.layers().get(0)
                    .trainClosedShare()).filter(d -> !Double.isNaN(d)).average().orElse(Double.NaN);
            row.add(Double.isNaN(closed) ? "-" : String.format(Locale.ROOT, "%.3f", closed));
            row.add(group.stream().map(r -> Long.toString(r.layers().stream().mapToLong(LayerResult::reinitialized)
                    .sum())).collect(Collectors.joining(" ")));
            row.add(group.stream().map(r -> Mlp.formatAccuracy(r.accuracy())).collect(Collectors.joining(" ")));
            row.add(meanAccuracy(group));
            t.row(row.toArray());
        }
        return t;
    }

    private static String meanAccuracy(List<Run> group) {
        long diverged = group.stream().filter(Run::diverged).count();
        if (diverged == group.size()) {
            return "diverged";
        }
        double mean = group.stream().filter(r -> !r.diverged()).mapToDouble(Run::accuracy).average().orElseThrow();
        return String.format(Locale.ROOT, "%.3f", mean) + (diverged > 0 ? " (" + diverged + " diverged)" : "");
    }

    /** Runs grouped by (optimizer, rate, variant), in run order. */
    static List<List<Run>> groups(List<Run> runs) {
        List<List<Run>> groups = new ArrayList<>();
        for (Run r : runs) {
            Config c = r.config();
            List<Run> last = groups.isEmpty() ? null : groups.get(groups.size() - 1);
            if (last != null && sameCell(last.get(0).config(), c)) {
                last.add(r);
            } else {
                List<Run> g = new ArrayList<>();
                g.add(r);
                groups.add(g);
            }
        }
        return groups;
    }

    private static boolean sameCell(Config a, Config b) {
        return a.optimizer() == b.optimizer() && a.lr() == b.lr() && a.variant() == b.variant();
    }

    /**
     * One PNG, 3 rows x 2 columns (Sgd left, Adam right): first-layer dead fraction against the rate, accuracy against
     * the rate (seed means; diverged runs left out), and the ReLU first-layer closed share over training per rate.
     */
    private static void plot(List<Run> runs, Path file) throws IOException {
        List<XYChart> charts = new ArrayList<>();
        List<Optimizer> opts = Arrays.stream(Optimizer.values())
                .filter(o -> runs.stream().anyMatch(r -> r.config().optimizer() == o)).toList();
        Color[] colors = {new Color(0xd62728), new Color(0x2ca02c), new Color(0x1f77b4), new Color(0xff7f0e),
                new Color(0x9467bd), new Color(0x8c564b)};
        String first = runs.get(0).layers().get(0).name();
        for (int row = 0; row < 3; row++) {
            for (Optimizer o : opts) {
                List<List<Run>> groups = groups(runs).stream().filter(g -> g.get(0).config().optimizer() == o)
                        .toList();
                XYChart chart;
                if (row < 2) {
                    chart = Charts.line(o.label + (row == 0 ? ": " + first + " dead fraction (eval; diverged left out)"
                                    : ": accuracy (eval split; diverged runs left out)"), "learning rate (log)",
                            row == 0 ? "dead fraction" : "accuracy", 560, 380);
                    chart.getStyler().setXAxisLogarithmic(true);
                    chart.getStyler().setYAxisMin(0.0);
                    chart.getStyler().setYAxisMax(1.0);
                    chart.getStyler().setLegendPosition(row == 0 ? Styler.LegendPosition.InsideNW
                            : Styler.LegendPosition.InsideSW);
                    for (Variant v : Variant.values()) {
                        List<double[]> points = new ArrayList<>();
                        for (List<Run> g : groups) {
                            if (g.get(0).config().variant() != v) {
                                continue;
                            }
                            double y = row == 0
                                    ? g.stream().filter(r -> !r.diverged())
                                    .mapToDouble(r -> r.layers().get(0).deadFraction()).average().orElse(Double.NaN)
                                    : g.stream().filter(r -> !r.diverged()).mapToDouble(Run::accuracy).average()
                                    .orElse(Double.NaN);
                            if (!Double.isNaN(y)) {
                                points.add(new double[] {g.get(0).config().lr(), y});
                            }
                        }
                        if (!points.isEmpty()) {
                            XYSeries xs = series(chart, v.label, points, colors[v.ordinal()], MARKERS[v.ordinal()]);
                            xs.setLineStyle(STROKES[v.ordinal()]);
                        }
                    }
                } else {
                    chart = Charts.line(o.label + ": ReLU " + first + " closed share per mini-batch", "iteration "
                            + "(start of each bin of " + runs.get(0).bin() + ")", "closed share (mean over seeds)", 560,
                            380);
                    chart.getStyler().setYAxisMin(0.0);
                    chart.getStyler().setYAxisMax(1.0);
                    chart.getStyler().setLegendPosition(Styler.LegendPosition.InsideSE);
                    int k = 0;
                    for (List<Run> g : groups) {
                        if (g.get(0).config().variant() != Variant.RELU) {
                            continue;
                        }
                        int bins = g.stream().mapToInt(r -> r.layers().get(0).curve().length).max().orElse(0);
                        List<double[]> points = new ArrayList<>();
                        for (int b = 0; b < bins; b++) {
                            int bb = b;
                            double y = g.stream().map(r -> r.layers().get(0).curve())
                                    .filter(c -> c.length > bb).mapToDouble(c -> c[bb]).filter(d -> !Double.isNaN(d))
                                    .average().orElse(Double.NaN);
                            if (!Double.isNaN(y)) {
                                points.add(new double[] {(double) b * g.get(0).bin(), y});
                            }
                        }
                        if (!points.isEmpty()) {
                            series(chart, "lr " + fmtRate(g.get(0).config().lr()), points,
                                    colors[k++ % colors.length], SeriesMarkers.NONE);
                        }
                    }
                    StudyCharts.iterationAxis(chart, groups.stream().mapToDouble(g -> g.get(0).bin()
                            * g.stream().mapToInt(r -> r.layers().get(0).curve().length).max().orElse(0)).max()
                            .orElse(0));
                    if (chart.getSeriesMap().isEmpty()) {
                        series(chart, "no ReLU run", List.of(new double[] {0, 0}), Color.GRAY, SeriesMarkers.NONE);
                    }
                }
                charts.add(chart);
            }
        }
        Charts.png(charts, 3, opts.size(), file);
    }

    /** Per-variant markers and strokes, so overlapping curves stay visible. */
    private static final org.knowm.xchart.style.markers.Marker[] MARKERS = {SeriesMarkers.CIRCLE,
        SeriesMarkers.DIAMOND, SeriesMarkers.SQUARE, SeriesMarkers.TRIANGLE_UP};
    private static final BasicStroke[] STROKES = {new BasicStroke(2.5f), new BasicStroke(2.5f),
        new BasicStroke(2f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10f, new float[] {8f, 5f}, 0f),
        new BasicStroke(2f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10f, new float[] {2f, 4f}, 0f)};

    private static XYSeries series(XYChart chart, String name, List<double[]> points, Color color,
            org.knowm.xchart.style.markers.Marker marker) {
        XYSeries s = chart.addSeries(name, points.stream().mapToDouble(p -> p[0]).toArray(),
                points.stream().mapToDouble(p -> p[1]).toArray());
        s.setLineColor(color);
        s.setMarkerColor(color);
        s.setMarker(marker);
        s.setLineStyle(new BasicStroke(2f));
        return s;
    }

    static String fmtRate(double lr) {
        return String.format(Locale.ROOT, "%s", lr);
    }

    /** Rounds to 6 decimals; NaN (nothing to average) becomes an empty CSV field. */
    private static Object round(double v) {
        return Double.isNaN(v) ? "" : Math.round(v * 1e6) / 1e6;
    }
}
