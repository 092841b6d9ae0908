/*
 * SPDX-License-Identifier: Apache-2.0
 */
package io.github.deadrelu.examples;

import io.github.deadrelu.examples.support.Checks;
import io.github.deadrelu.examples.support.StudyCommand;
import io.github.deadrelu.examples.support.StudyData;
import io.github.deadrelu.examples.support.StudyOptions;
import io.github.deadrelu.examples.support.Table;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.util.Locale;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * Study "which score finds what": on a ResNet-style ComputationGraph with BatchNormalization (dense stem + BN + ReLU,
 * residual blocks dense-BN-ReLU-dense-BN-add-ReLU) trained on MNIST, the overlap over training of the dead units
 * (closed on every entry for {@code --dead-after} examples), the tau-dormant units (ReDo: s_j &lt;= {@code --tau}) and
 * the gradient-dormant units (GraMa on incoming weights: g_j &lt;= {@code --grad-tau}), per gated layer. Writes
 * {@code which-score.csv} (one row per gated layer per recorded iteration), {@code which-score.md} (the table) and
 * {@code which-score.png} (one panel per layer). {@code --plant} plants three units of known scores into
 * {@code b1_relu1} ({@link WhichScoreRunner#plant}).
 */
@Command(name = "which-score",
        description = {"Which score finds what: dead vs tau-dormant (ReDo) vs gradient-dormant (GraMa) units per "
                + "layer over training of a ResNet-style graph with BatchNormalization."})
public final class WhichScoreStudy extends StudyCommand {

    private static final Logger log = LoggerFactory.getLogger(WhichScoreStudy.class);

    @Mixin
    private StudyOptions.Data dataOptions;

    @Mixin
    private StudyOptions.Schedule schedule = new StudyOptions.Schedule(3);

    @Option(names = "--width", paramLabel = "N", defaultValue = "64",
            description = "Width of the graph (default: ${DEFAULT-VALUE}).")
    private int width;

    @Option(names = "--blocks", paramLabel = "N", defaultValue = "2",
            description = "Residual blocks (default: ${DEFAULT-VALUE}).")
    private int blocks;

    @Option(names = "--lr", paramLabel = "RATE", defaultValue = "0.01",
            description = "Adam's learning rate (default: ${DEFAULT-VALUE}).")
    private double lr;

    @Option(names = "--tau", paramLabel = "T", defaultValue = "0.1",
            description = "ReDo's dormancy threshold (default: ${DEFAULT-VALUE}).")
    private double tau;

    @Option(names = "--grad-tau", paramLabel = "T", defaultValue = "0.1",
            description = "Gradient-dormancy threshold on GraMa's normalised score (default: ${DEFAULT-VALUE}).")
    private double gradTau;

    @Option(names = "--dead-after", paramLabel = "N", defaultValue = "1024",
            description = "deadAfterExamples of the listener (default: ${DEFAULT-VALUE}).")
    private int deadAfter;

    @Option(names = "--every", paramLabel = "N", defaultValue = "5",
            description = "Record every N iterations (default: ${DEFAULT-VALUE}).")
    private int every;

    @Mixin
    private StudyOptions.WeightSeed weightSeed;

    @Option(names = "--plant", description = "Plant three units of known scores into b1_relu1 (a check).")
    private boolean plant;

    /** Creates the command (picocli fills the options). */
    public WhichScoreStudy() {
    }

    /**
     * Runs the study from the command line; {@code --help} lists the options.
     *
     * @param args the command-line arguments
     */
    public static void main(String[] args) {
        main(new WhichScoreStudy(), args);
    }

    @Override
    protected void check(Checks check) {
        check.atLeast("--width", width, 3);
        check.atLeast("--blocks", blocks, 1);
        check.positive("--lr", lr);
        check.require(tau >= 0 && tau <= 1, "--tau", "in [0, 1]", tau);
        check.require(gradTau >= 0 && gradTau <= 1, "--grad-tau", "in [0, 1]", gradTau);
        check.atLeast("--dead-after", deadAfter, 1);
        check.atLeast("--every", every, 1);
    }

    @Override
    protected void study(Path out) throws IOException {
        long cpu0 = cpuNanos();
        StudyData data = dataOptions.load(StudyOptions.MAX_EVAL);
        long seed = weightSeed.seed();
        int epochs = schedule.epochs();
        int batch = schedule.batch();
        WhichScoreRunner.Settings s = new WhichScoreRunner.Settings(width, blocks, batch, epochs, lr, tau, gradTau,
                deadAfter, every, seed, plant);
        String graph = new ReinitDefaultsModels.Sizes(new int[]{1}, new int[]{1, 1}, 1, width, blocks)
                .describe(ReinitDefaultsModels.Arch.RESNET, data.features(), data.classes());
        log.info("Which score: {} ({} train), {}, Adam lr {}, batch {}, {} epochs, tau {}, grad-tau {}, "
                + "deadAfterExamples {}, output {}", data.description(), data.trainSize(), graph, lr, batch, epochs,
                tau, gradTau, deadAfter, out.toAbsolutePath());
        WhichScoreRunner.Result r = WhichScoreRunner.run(s, data.trainBatches(batch), data.eval(), data.classes());
        double wall = seconds();
        double cpu = (cpuNanos() - cpu0) / 1e9;
        WhichScoreResults.csv(r.rows(), out.resolve("which-score.csv"));
        WhichScoreResults.chart(r.rows(), String.format(Locale.ROOT, "%s, %d iterations", graph, r.iterations()),
                out.resolve("which-score.png"));
        Table table = WhichScoreResults.table(r.rows());
        String footer = String.format(Locale.ROOT, "Means over %d recorded iterations (every %d of %d). %s, %d "
                        + "train examples, %s, Adam lr %s, batch %d, %d epochs, seed %d%s; tau %s, grad-tau %s, "
                        + "deadAfterExamples %d; final accuracy %.4f; wall %.0f s, JVM CPU %.0f s. grad-dormant is "
                        + "n/a after a residual add: GraMa's incoming-weight score needs one owner of the unit's "
                        + "incoming weights, and a sum of two branches has none.",
                r.rows().stream().mapToInt(WhichScoreRunner.Row::iteration).distinct().count(), every,
                r.iterations(), data.description(), data.trainSize(), graph, lr, batch, epochs, seed,
                plant ? " (planted)" : "", tau, gradTau, deadAfter, r.accuracy(), wall, cpu);
        writeReport(out, "which-score", table, footer);
        logFinished(log, "Which score", String.format(Locale.ROOT, "%.0f s", wall), out, "which-score.csv",
                "which-score.md", "which-score.png");
    }

    private static long cpuNanos() {
        return ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os
                ? os.getProcessCpuTime() : 0;
    }
}
