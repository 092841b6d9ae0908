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

import io.github.deadrelu.examples.LearningRateRunner.Config;
import io.github.deadrelu.examples.LearningRateRunner.Optimizer;
import io.github.deadrelu.examples.LearningRateRunner.Run;
import io.github.deadrelu.examples.LearningRateRunner.Variant;
import io.github.deadrelu.examples.support.Checks;
import io.github.deadrelu.examples.support.Mlp;
import io.github.deadrelu.examples.support.StudyCommand;
import io.github.deadrelu.examples.support.StudyData;
import io.github.deadrelu.examples.support.StudyOptions;
import io.github.deadrelu.examples.support.Table;
import io.github.deadrelu.listeners.DeadReluListener;
import io.github.deadrelu.reinit.OutgoingWeights;
import io.github.deadrelu.stats.DeadReluAnalysis;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

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
 * <p>Outputs in {@code --out}: {@code learning-rate.csv} (one row per run and layer, header
 * {@code optimizer,lr,variant,seed,layer,...}), {@code learning-rate-curves.csv} (closed share per layer, averaged over
 * bins of {@code --bin} iterations), {@code learning-rate.md} and {@code learning-rate.png}. This class is the command
 * line (options, validation, output files); {@link LearningRateRunner} trains and measures the runs,
 * {@link LearningRateResults} writes the CSV files and the table, {@link LearningRateCharts} draws the PNG. Run it
 * with:
 * <pre>
 * mvn -B -q -Pdemo -DskipTests -pl dl4j-deadrelu-core,dl4j-deadrelu-examples verify \
 *     -Ddemo.main=io.github.deadrelu.examples.LearningRateStudy -Ddemo.args="--mnist ../shared/data/mnist"
 * </pre>
 */
@Command(name = "learning-rate",
        description = {"Study 2: dead ReLUs, closed share and accuracy of an MLP over a grid of learning rates, "
                + "Sgd and Adam, for ReLU, Leaky ReLU and ReLU with re-initialisation (ZERO and KEEP)."})
public final class LearningRateStudy extends StudyCommand {


    private static final Logger log = LoggerFactory.getLogger(LearningRateStudy.class);

    @Mixin
    private StudyOptions.Data data;

    @Option(names = "--sgd-rates", paramLabel = "LR,...", defaultValue = "0.1,0.3,1.0,2.0",
            description = "Sgd learning rates; empty for none (default: ${DEFAULT-VALUE}).")
    private String sgdRatesText;

    @Option(names = "--adam-rates", paramLabel = "LR,...", defaultValue = "0.001,0.01,0.05",
            description = "Adam learning rates; empty for none (default: ${DEFAULT-VALUE}).")
    private String adamRatesText;

    @Option(names = "--variants", paramLabel = "V,...", split = ",",
            defaultValue = "relu,leaky,reinit-zero,reinit-keep",
            description = "Variants: relu, leaky, reinit-zero, reinit-keep (default: ${DEFAULT-VALUE}).")
    private String[] variants;

    @Mixin
    private StudyOptions.Training training;

    @Mixin
    private StudyOptions.Runs runs;

    @Option(names = "--bin", paramLabel = "N", defaultValue = "25",
            description = "Iterations per bin of the closed-share curves (default: ${DEFAULT-VALUE}).")
    private int bin;

    /** Validated by {@link #check}: sorted, distinct. */
    private double[] sgdRates;
    private double[] adamRates;
    private List<Variant> vs;

    /**
     * Runs the study from the command line; {@code --help} lists the options.
     *
     * @param args the command-line arguments
     */
    public static void main(String[] args) {
        main(new LearningRateStudy(), args);
    }

    @Override
    protected void check(Checks check) {
        sgdRates = rates(check, "--sgd-rates", sgdRatesText);
        adamRates = rates(check, "--adam-rates", adamRatesText);
        check.atLeast("--bin", bin, 1);
        if (sgdRates.length + adamRates.length == 0) {
            throw check.fail("--sgd-rates and --adam-rates must list at least one rate, got: none");
        }
        for (double lr : concat(sgdRates, adamRates)) {
            check.positive("learning rates", lr);
        }
        sgdRates = Arrays.stream(sgdRates).sorted().distinct().toArray();
        adamRates = Arrays.stream(adamRates).sorted().distinct().toArray();
        List<Variant> parsed = new ArrayList<>();
        for (String v : variants) {
            try {
                parsed.add(Variant.parse(v.trim()));
            } catch (IllegalArgumentException e) {
                throw check.fail("--variants " + e.getMessage());
            }
        }
        check.listsAtLeast("--variants", parsed.size(), 1, "one variant");
        vs = parsed.stream().distinct().sorted().toList();
    }

    private static double[] rates(Checks check, String option, String text) {
        List<Double> rates = new ArrayList<>();
        for (String part : text.split(",")) {
            if (part.isBlank()) {
                continue;
            }
            try {
                rates.add(Double.parseDouble(part.trim()));
            } catch (NumberFormatException e) {
                throw check.fail(option + " must list numbers, got: " + part);
            }
        }
        return rates.stream().mapToDouble(Double::doubleValue).toArray();
    }

    private static double[] concat(double[] a, double[] b) {
        double[] all = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, all, a.length, b.length);
        return all;
    }

    @Override
    protected void study(Path out) throws IOException {
        StudyData d = data.load(runs.evalSize());
        long[] seeds = runs.seeds();
        int[] hidden = training.hidden();
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
        log.info("Learning rate: {} runs ({} train / {} eval, {}), MLP {}, batch {}, {} epochs, {} threads, "
                        + "output {}", configs.size(), d.trainSize(), d.evalSize(), d.description(),
                Mlp.shape(d.features(), hidden, d.classes()), training.batch(), training.epochs(), runs.threads(),
                out.toAbsolutePath());
        List<Run> results = LearningRateRunner.run(configs, d, hidden, training.epochs(), training.batch(),
                runs.reinitEvery(), bin, runs.threads());
        double seconds = seconds();

        LearningRateResults.writeCsv(results, out.resolve("learning-rate.csv"));
        LearningRateResults.writeCurves(results, out.resolve("learning-rate-curves.csv"));
        Table table = LearningRateResults.table(results);
        String footer = String.format(Locale.ROOT, "%d runs on %s (%d train / %d eval), seeds %s, %d epochs, batch %d; "
                        + "run time %.0f s (%d threads, %d cores).", results.size(), d.mnist() ? "MNIST" : "the "
                        + "synthetic task", d.trainSize(), d.evalSize(), Arrays.toString(seeds), training.epochs(),
                training.batch(), seconds, runs.threads(), Runtime.getRuntime().availableProcessors());
        writeReport(out, "learning-rate", table, footer);
        LearningRateCharts.plot(results, out.resolve("learning-rate.png"));
        logFinished(log, "Learning rate study", seconds, out,
                "learning-rate.csv", "learning-rate-curves.csv", "learning-rate.md", "learning-rate.png");
    }
}
