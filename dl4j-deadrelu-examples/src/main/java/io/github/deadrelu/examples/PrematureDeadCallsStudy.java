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

import io.github.deadrelu.examples.PrematureDeadCallsRunner.Criterion;
import io.github.deadrelu.examples.PrematureDeadCallsRunner.ObserveResult;
import io.github.deadrelu.examples.PrematureDeadCallsRunner.ReinitResult;
import io.github.deadrelu.examples.PrematureDeadCallsRunner.Setup;
import io.github.deadrelu.examples.support.Checks;
import io.github.deadrelu.examples.support.Mlp;
import io.github.deadrelu.examples.support.Progress;
import io.github.deadrelu.examples.support.StudyCommand;
import io.github.deadrelu.examples.support.StudyData;
import io.github.deadrelu.examples.support.StudyOptions;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.function.Supplier;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.learning.config.Sgd;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * Study "premature dead calls": how often a first-layer unit called dead opens again with unchanged incoming weights,
 * for fixed dead streaks and for the calibrated (SNR) threshold, and what the false calls cost in re-initialisations.
 *
 * <p>Protocol (defaults): MNIST (8,000 training digits in a fixed order, 2,000 held out), MLP 784-256-256-10, plain
 * {@link Sgd} at learning rate 0.5 (no momentum, no weight decay: a closed unit's weights do not move), batch 64,
 * 10 epochs, seeds 1, 2, 3. Per seed, one monitor-only run carries one {@code DeadReluListener} per criterion (fixed
 * {@code deadAfterExamples} 256 to 8192, and {@code calibratedDeadThreshold(20000)}), so every criterion judges the
 * same trajectory; then one run per criterion with a {@code ReinitPolicy} (DEAD, every and maturity
 * {@code --reinit-every}). The product's count is {@code LayerGates.reopened()}; the study's independent check (see
 * {@link PrematureDeadCallsRunner}) evaluates every called unit on all training and held-out digits.
 *
 * <p>Outputs in {@code --out}: {@code premature-dead-calls.csv} (one row per seed and criterion, header
 * {@value PrematureDeadCallsResults#CSV_HEADER}), {@code premature-dead-calls.md} and {@code premature-dead-calls.png}.
 * Run it with:
 * <pre>
 * mvn -B -q -Pdemo -DskipTests -pl dl4j-deadrelu-core,dl4j-deadrelu-examples verify \
 *     -Ddemo.main=io.github.deadrelu.examples.PrematureDeadCallsStudy -Ddemo.args="--mnist ../shared/data/mnist"
 * </pre>
 */
@Command(name = "premature-dead-calls",
        description = {"Premature dead calls: first-layer units called dead that open again with unchanged weights, "
                + "per fixed streak and for the calibrated threshold, and the re-initialisations they cost."})
public final class PrematureDeadCallsStudy extends StudyCommand {

    private static final Logger log = LoggerFactory.getLogger(PrematureDeadCallsStudy.class);

    @Mixin
    private StudyOptions.Data dataOptions;

    @Mixin
    private StudyOptions.Training trainingOptions = new StudyOptions.Training(10);

    @Mixin
    private StudyOptions.Runs runOptions;

    @Option(names = "--lr", paramLabel = "RATE", defaultValue = "0.5",
            description = "Plain SGD learning rate (default: ${DEFAULT-VALUE}).")
    private double lr;

    @Option(names = "--streaks", paramLabel = "N,...", split = ",", defaultValue = "256,512,1024,2048,4096,8192",
            description = "Fixed deadAfterExamples compared (default: ${DEFAULT-VALUE}).")
    private int[] streaks;

    @Option(names = "--calibrated-max", paramLabel = "EXAMPLES", defaultValue = "20000",
            description = "calibratedDeadThreshold(max), SNR's tau_max (default: ${DEFAULT-VALUE}).")
    private int calibratedMax;

    /**
     * Runs the study from the command line; {@code --help} lists the options.
     *
     * @param args the command-line arguments
     */
    public static void main(String[] args) {
        main(new PrematureDeadCallsStudy(), args);
    }

    @Override
    protected void check(Checks check) {
        check.positive("--lr", lr);
        check.listsAtLeast("--streaks", streaks.length, 1, "one streak");
        check.eachAtLeast("--streaks values", streaks, 1);
        check.atLeast("--calibrated-max", calibratedMax, 1);
    }

    @Override
    protected void study(Path out) throws IOException {
        long cpu0 = cpuNanos();
        StudyData data = dataOptions.load(runOptions.evalSize());
        int[] hidden = trainingOptions.hidden();
        int batch = trainingOptions.batch();
        int epochs = trainingOptions.epochs();
        Setup setup = new Setup(data.trainBatches(batch), data.train().getFeatures(), data.eval().getFeatures(),
                data.eval(), epochs);
        List<Criterion> criteria = criteria(streaks, calibratedMax);
        long[] seeds = runOptions.seeds();
        log.info("Premature dead calls: {} ({} train, {} held out), MLP {}, SGD lr {}, batch {}, {} epochs, criteria "
                        + "{}, seeds {}, reinit every {}, output {}", data.description(), data.trainSize(),
                data.evalSize(), Mlp.shape(data.features(), hidden, data.classes()), lr, batch, epochs, criteria,
                Arrays.toString(seeds), runOptions.reinitEvery(), out.toAbsolutePath());
        List<PrematureDeadCallsResults.Row> rows = run(setup, data.features(), hidden, data.classes(), lr, criteria,
                seeds, runOptions.reinitEvery(), runOptions.threads());
        double seconds = seconds();
        double cpu = (cpuNanos() - cpu0) / 1e9;
        String footer = String.format(Locale.ROOT, "%s, %d training digits in a fixed order (%d held out), MLP %s, "
                        + "plain SGD lr %s, batch %d, %d epochs (%d iterations), seeds %s; re-initialisation DEAD "
                        + "every %d iterations (maturity %d); first hidden layer. Run time %.0f s wall, %.0f s CPU "
                        + "(JVM), %d runs on %d threads.", data.mnist() ? "MNIST" : "synthetic task",
                data.trainSize(), data.evalSize(), Arrays.toString(hidden), lr, batch, epochs,
                epochs * setup.batches().size(), Arrays.toString(seeds), runOptions.reinitEvery(),
                runOptions.reinitEvery(), seconds, cpu, seeds.length * (1 + criteria.size()), runOptions.threads());
        PrematureDeadCallsResults.writeCsv(rows, out.resolve("premature-dead-calls.csv"));
        writeReport(out, "premature-dead-calls", PrematureDeadCallsResults.table(rows, criteria), footer);
        PrematureDeadCallsResults.plot(rows, criteria, out.resolve("premature-dead-calls.png"));
        logFinished(log, "Premature dead calls study", String.format(Locale.ROOT, "%.0f s (CPU %.0f s)", seconds,
                cpu), out, "premature-dead-calls.csv", "premature-dead-calls.md", "premature-dead-calls.png");
    }

    /**
     * The criteria: each fixed streak, then the calibrated threshold.
     *
     * @param streaks       the fixed streaks
     * @param calibratedMax the calibrated threshold's maximum
     * @return the criteria in that order
     */
    static List<Criterion> criteria(int[] streaks, int calibratedMax) {
        List<Criterion> out = new ArrayList<>();
        for (int s : streaks) {
            out.add(Criterion.fixed(s));
        }
        out.add(Criterion.calibrated(calibratedMax));
        return out;
    }

    /**
     * All runs: per seed one monitor-only run and one re-initialising run per criterion.
     *
     * @param setup    the data
     * @param features input features
     * @param hidden   hidden widths
     * @param classes  classes
     * @param lr       the SGD learning rate
     * @param criteria the criteria
     * @param seeds    the seeds (weights and policy)
     * @param every    the policy's every and maturity
     * @param threads  runs at the same time
     * @return one row per seed and criterion
     */
    static List<PrematureDeadCallsResults.Row> run(Setup setup, int features, int[] hidden, int classes, double lr,
            List<Criterion> criteria, long[] seeds, int every, int threads) {
        List<Callable<Object>> tasks = new ArrayList<>();
        for (long seed : seeds) {
            Supplier<MultiLayerNetwork> net = () -> Mlp.build(features, hidden, classes, Activation.RELU,
                    new Sgd(lr), seed);
            tasks.add(() -> PrematureDeadCallsRunner.observe(setup, net, criteria));
            for (Criterion c : criteria) {
                tasks.add(() -> PrematureDeadCallsRunner.reinit(setup, net, c, every, seed));
            }
        }
        Progress progress = new Progress("premature-dead-calls (runs)", tasks.size());
        List<Object> results = Mlp.runAll(tasks, threads, progress);
        progress.finish();
        List<PrematureDeadCallsResults.Row> rows = new ArrayList<>();
        int k = 0;
        for (long seed : seeds) {
            ObserveResult o = (ObserveResult) results.get(k++);
            for (int i = 0; i < criteria.size(); i++) {
                rows.add(new PrematureDeadCallsResults.Row(seed, criteria.get(i), o.calls().get(i),
                        (ReinitResult) results.get(k++), o.accuracy()));
            }
        }
        return rows;
    }

    private static long cpuNanos() {
        java.lang.management.OperatingSystemMXBean os = ManagementFactory.getOperatingSystemMXBean();
        return os instanceof com.sun.management.OperatingSystemMXBean s ? s.getProcessCpuTime() : 0L;
    }
}
