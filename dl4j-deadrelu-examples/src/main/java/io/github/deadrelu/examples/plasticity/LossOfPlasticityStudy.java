/*
 * SPDX-License-Identifier: Apache-2.0
 */
package io.github.deadrelu.examples.plasticity;

import io.github.deadrelu.examples.plasticity.PlasticityRunner.Problem;
import io.github.deadrelu.examples.plasticity.PlasticityRunner.Run;
import io.github.deadrelu.examples.plasticity.PlasticityRunner.Setup;
import io.github.deadrelu.examples.plasticity.PlasticityRunner.Variant;
import io.github.deadrelu.examples.support.Checks;
import io.github.deadrelu.examples.support.Mlp;
import io.github.deadrelu.examples.support.MnistIdx;
import io.github.deadrelu.examples.support.Progress;
import io.github.deadrelu.examples.support.StudyCommand;
import io.github.deadrelu.examples.support.StudyOptions;
import io.github.deadrelu.examples.support.Table;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.nd4j.linalg.dataset.DataSet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * "Loss of plasticity, reproduced" (Dohare et al., Nature 632, 2024; {@code shibhansh/loss-of-plasticity}): the two
 * continual-learning problems of the paper, scaled to minutes on a CPU, trained online with plain backprop and with
 * re-initialisation by each criterion of {@code ReinitPolicy.select}:
 * <pre>
 * Slowly-Changing Regression: 20 input bits (15 slow, one flips every 10,000 examples), a fixed random target network,
 *   a learner with one hidden layer of 5 ReLU units, Sgd; squared error before each update, binned over 20,000
 *   examples; plus a linear learner (the paper's baseline).
 * Online Permuted MNIST: the 10,000 digits, a new pixel permutation per task, each digit once per task, an MLP with
 *   3 hidden layers of 100 ReLU units, Sgd; accuracy before each update, per task.
 * </pre>
 * Variants: {@code backprop} (monitoring only), {@code reinit-dead}, {@code reinit-dormant} (ReDo, tau 0.1),
 * {@code reinit-gradient} (GraMa, 0.01) and {@code reinit-utility} (Continual Backprop, replacement rate and maturity
 * as {@code cbp_linear}). Every run records the dead, tau-dormant and low-utility shares of the hidden units from the
 * listener's snapshots ({@code LayerGates.deadUnits()}, {@code dormantUnits()}, {@code utilityScores()}).
 *
 * <p>Outputs in {@code --out}: {@code loss-of-plasticity.csv} (one row per run and bin), {@code loss-of-plasticity.md}
 * and {@code loss-of-plasticity.png}. {@link PlasticityRunner} trains, {@link PlasticityResults} writes the CSV and the
 * table, {@link PlasticityCharts} draws the PNG. Run it with:
 * <pre>
 * mvn -B -q -Pdemo -DskipTests -pl dl4j-deadrelu-core,dl4j-deadrelu-examples verify \
 *     -Ddemo.main=io.github.deadrelu.examples.plasticity.LossOfPlasticityStudy \
 *     -Ddemo.args="--mnist ../../shared/data/mnist"
 * </pre>
 */
@Command(name = "loss-of-plasticity",
        description = {"Loss of plasticity (Dohare et al. 2024): Slowly-Changing Regression and Online Permuted "
                + "MNIST, plain backprop and re-initialisation by DEAD, DORMANT, GRADIENT_DORMANT and LOW_UTILITY."})
public final class LossOfPlasticityStudy extends StudyCommand {

    private static final Logger log = LoggerFactory.getLogger(LossOfPlasticityStudy.class);

    @Option(names = "--mnist", paramLabel = "DIR",
            description = "Directory with the MNIST test-set IDX files; without it only the regression runs.")
    private Path mnist;

    @Option(names = "--variants", paramLabel = "V,...", split = ",",
            defaultValue = "backprop,reinit-dead,reinit-dormant,reinit-gradient,reinit-utility",
            description = "Variants (the regression adds its linear baseline) (default: ${DEFAULT-VALUE}).")
    private String[] variants;

    @Option(names = "--regression-examples", paramLabel = "N", defaultValue = "400000",
            description = "Slowly-Changing Regression examples per run; 0 skips it (default: ${DEFAULT-VALUE}).")
    private long regressionExamples;

    @Option(names = "--regression-batch", paramLabel = "N", defaultValue = "8",
            description = "Regression examples per update (default: ${DEFAULT-VALUE}).")
    private int regressionBatch;

    @Option(names = "--regression-lr", paramLabel = "LR",
            description = "Regression Sgd step per update (default: 0.01 x --regression-batch, the paper's 0.01 per "
                    + "example).")
    private Double regressionLr;

    @Option(names = "--regression-bin", paramLabel = "N", defaultValue = "20000",
            description = "Regression examples per bin (default: ${DEFAULT-VALUE}).")
    private long regressionBin;

    @Option(names = "--tasks", paramLabel = "N", defaultValue = "30",
            description = "Permuted MNIST tasks per run (10,000 examples each); 0 skips it (default: ${DEFAULT-VALUE}).")
    private int tasks;

    @Option(names = "--mnist-batch", paramLabel = "N", defaultValue = "16",
            description = "Permuted MNIST examples per update (default: ${DEFAULT-VALUE}).")
    private int mnistBatch;

    @Option(names = "--mnist-lr", paramLabel = "LR",
            description = "Permuted MNIST Sgd step per update (default: 0.003 x --mnist-batch, the paper's 0.003 per "
                    + "example).")
    private Double mnistLr;

    @Option(names = "--seed", paramLabel = "S", defaultValue = "1",
            description = "Seed of the data, the networks and the re-draws (default: ${DEFAULT-VALUE}).")
    private long seed;

    @Mixin
    private StudyOptions.Threads threadOptions;

    private List<Variant> vs;

    /**
     * Runs the study from the command line; {@code --help} lists the options.
     *
     * @param args the command-line arguments
     */
    public static void main(String[] args) {
        main(new LossOfPlasticityStudy(), args);
    }

    @Override
    protected void check(Checks check) {
        check.atLeast("--regression-examples", regressionExamples, 0);
        check.atLeast("--regression-batch", regressionBatch, 1);
        check.atLeast("--regression-bin", regressionBin, 1);
        check.atLeast("--tasks", tasks, 0);
        check.atLeast("--mnist-batch", mnistBatch, 1);
        if (regressionLr != null) {
            check.positive("--regression-lr", regressionLr);
        }
        if (mnistLr != null) {
            check.positive("--mnist-lr", mnistLr);
        }
        List<Variant> parsed = new ArrayList<>();
        for (String v : variants) {
            try {
                Variant p = Variant.parse(v.trim());
                if (p != Variant.LINEAR && !parsed.contains(p)) {
                    parsed.add(p);
                }
            } catch (IllegalArgumentException e) {
                throw check.fail("--variants " + e.getMessage());
            }
        }
        check.listsAtLeast("--variants", parsed.size(), 1, "one variant");
        vs = parsed;
    }

    /** The regression's settings: the paper's per-example step 0.01, one hidden layer of 5 units. */
    Setup regressionSetup() {
        return setup(regressionBatch, regressionLr, 0.01, regressionExamples, regressionBin, new int[]{5});
    }

    /** Permuted MNIST's settings: step 0.003 per example, three hidden layers of 100 units, one bin per task. */
    Setup mnistSetup(int examplesPerTask) {
        return setup(mnistBatch, mnistLr, 0.003, (long) tasks * examplesPerTask, examplesPerTask,
                new int[]{100, 100, 100});
    }

    /**
     * One problem's settings: the Sgd step ({@code lr}, else the paper's per-example step) and the replacement rate
     * 1e-4 scaled by the batch (Sgd averages the batch's gradients), maturity 100 examples in iterations, checks
     * every 100 iterations.
     */
    private Setup setup(int batch, Double lr, double stepPerExample, long examples, long bin, int[] hidden) {
        return new Setup(batch, lr != null ? lr : stepPerExample * batch, examples, bin, hidden, 100,
                Math.max(1, 100 / batch), Math.min(0.5, 1e-4 * batch), seed);
    }

    /** Keeps the library's per-event INFO lines (one per re-initialisation) off the console, as the listener's. */
    private static void quietEngineLog() {
        Mlp.logLevel("io.github.deadrelu", ch.qos.logback.classic.Level.WARN);
    }

    @Override
    protected void study(Path out) throws IOException {
        int threads = threadOptions.threads();
        quietEngineLog();
        List<Callable<Run>> jobs = new ArrayList<>();
        List<String> setups = new ArrayList<>();
        if (regressionExamples > 0) {
            Setup s = regressionSetup();
            setups.add(PlasticityRunner.describe(Problem.REGRESSION, s));
            List<Variant> rv = new ArrayList<>(List.of(Variant.LINEAR));
            rv.addAll(vs);
            for (Variant v : rv) {
                jobs.add(() -> PlasticityRunner.run(Problem.REGRESSION, v, s,
                        new SlowlyChangingRegression(seed)::next, SlowlyChangingRegression.INPUTS, 1));
            }
        }
        if (mnist != null && tasks > 0) {
            MnistIdx digits = MnistIdx.load(mnist);
            DataSet all = DataSet.merge(List.of(digits.train(), digits.eval()));
            Setup s = mnistSetup(all.numExamples());
            setups.add(PlasticityRunner.describe(Problem.MNIST, s));
            for (Variant v : vs) {
                jobs.add(() -> PlasticityRunner.run(Problem.MNIST, v, s, new OnlinePermutedMnist(all, seed)::next,
                        digits.features(), MnistIdx.CLASSES));
            }
        }
        if (jobs.isEmpty()) {
            log.warn("Nothing to run: --regression-examples is 0 and --mnist or --tasks is missing");
            return;
        }
        log.info("Loss of plasticity: {} runs on {} threads; {}; output {}", jobs.size(), threads,
                String.join("; ", setups), out.toAbsolutePath());
        List<Run> runs = Mlp.runAll(jobs, threads, new Progress("loss of plasticity", jobs.size()));
        double seconds = seconds();
        double cpu = runs.stream().mapToDouble(Run::cpu).sum();

        java.nio.file.Files.createDirectories(out);
        PlasticityResults.writeCsv(runs, out.resolve("loss-of-plasticity.csv"));
        Table table = PlasticityResults.table(runs);
        String footer = String.format(Locale.ROOT, "%d runs; %s. Wall time %.0f s, training CPU time %.0f s (%d "
                        + "threads, %d cores).", runs.size(), String.join("; ", setups), seconds, cpu, threads,
                Runtime.getRuntime().availableProcessors());
        writeReport(out, "loss-of-plasticity", table, footer);
        PlasticityCharts.plot(runs, out.resolve("loss-of-plasticity.png"));
        logFinished(log, "Loss of plasticity study", String.format(Locale.ROOT, "%.0f s", seconds), out,
                "loss-of-plasticity.csv", "loss-of-plasticity.md", "loss-of-plasticity.png");
    }
}
