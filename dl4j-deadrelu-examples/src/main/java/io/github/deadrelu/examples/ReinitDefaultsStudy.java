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

import io.github.deadrelu.examples.LearningRateRunner.Optimizer;
import io.github.deadrelu.examples.ReinitDefaultsModels.Arch;
import io.github.deadrelu.examples.ReinitDefaultsModels.Sizes;
import io.github.deadrelu.examples.ReinitDefaultsResults.Cell;
import io.github.deadrelu.examples.ReinitDefaultsRunner.Config;
import io.github.deadrelu.examples.ReinitDefaultsRunner.Level;
import io.github.deadrelu.examples.ReinitDefaultsRunner.Policy;
import io.github.deadrelu.examples.ReinitDefaultsRunner.Run;
import io.github.deadrelu.examples.support.Checks;
import io.github.deadrelu.examples.support.StudyCommand;
import io.github.deadrelu.examples.support.StudyData;
import io.github.deadrelu.examples.support.StudyOptions;
import io.github.deadrelu.examples.support.Table;
import io.github.deadrelu.listeners.DeadReluListener;
import io.github.deadrelu.reinit.ReinitPolicy;
import io.github.deadrelu.stats.DeadReluAnalysis;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * Study 7, "re-initialisation defaults from evidence": for which models, optimizers and learning rates does
 * re-initialising dead units ({@link DeadReluListener} with a {@link ReinitPolicy}) change accuracy and dead units, at
 * what time cost, and which policy values ({@code every}, {@code maturity}, {@code maxFraction}, {@code outgoing})
 * should be the defaults?
 *
 * <p>Protocol (defaults): three networks (see {@link ReinitDefaultsModels}: MLP 784-256-256-10, a scaled-down LeNet
 * and a small ResNet-style ComputationGraph with BatchNormalization, {@code ActivationLayer(ReLU)} and an element-wise
 * add), each with Sgd and Adam at a normal, a high and a killing learning rate (per model and optimizer, options
 * {@code --mlp-sgd} and so on), 1 epoch over the 8,000 training examples in a fixed order, batch 64, seeds 1 to 5.
 * Each cell runs without re-initialisation (the listener monitoring only) and with each {@code --policies} entry
 * {@code every/maturity/maxFraction/zero|keep}, optionally with a selection criterion of the dormancy work
 * ({@code /dormant=tau}: ReDo's {@code UnitSelection.DORMANT}; {@code /gradient=tau}: GraMa's
 * {@code GRADIENT_DORMANT}; {@code /utility=rho}: Continual Backprop's {@code LOW_UTILITY}); at the normal rate with
 * the first {@code --normal-policies} only, at the high rate with the first {@code --high-policies}, at the killing
 * rate with all. Measured per run: accuracy on the evaluation split; dead units on it
 * ({@link DeadReluAnalysis}: closed on every example) in the first monitored layer and in all of them; units
 * re-initialised; the wall time of the training loop. A run whose score, parameters or outputs become non-finite is
 * diverged: counted, never averaged into an accuracy or a dead count. Per cell: mean accuracy with a 95% t-interval
 * over the finite runs, and the time relative to the same cell without re-initialisation.
 *
 * <p>Transfer case ({@code --no-transfer} skips it): per seed an MLP pre-trained with Sgd at the MLP's normal rate on
 * the first half of the training examples, then fine-tuned with {@code TransferLearning} (every layer trainable, a
 * new softmax head) on the second half for {@code --transfer-epochs} epochs with Sgd at the MLP's high and killing
 * rates: without re-initialisation and with the first policy at each {@code --transfer-fractions} maxFraction.
 *
 * <p>Outputs in {@code --out}: {@code reinit-defaults.csv} (one row per run, header
 * {@value ReinitDefaultsResults#RUNS_HEADER}), {@code reinit-defaults-cells.csv} (one row per cell),
 * {@code reinit-defaults.md} and {@code reinit-defaults.png}. Runs are independent (each builds its own network and
 * reads the data in the same order), so {@code --threads} does not change the results, only the times.
 */
@Command(name = "reinit-defaults",
        description = {"Study 7: MLP, LeNet and a ResNet-style graph at normal, high and killing learning rates, "
                + "without and with re-initialisation policies: accuracy (95%% CI), dead units, divergence, time."})
public final class ReinitDefaultsStudy extends StudyCommand {

    private static final Logger log = LoggerFactory.getLogger(ReinitDefaultsStudy.class);

    @Mixin
    private StudyOptions.Data data;

    @Mixin
    private StudyOptions.Training training = new StudyOptions.Training(1);

    @Mixin
    private StudyOptions.Seeds seedOptions = new StudyOptions.Seeds("1,2,3,4,5");

    @Mixin
    private StudyOptions.Threads threadOptions;

    @Option(names = "--models", paramLabel = "M,...", split = ",", defaultValue = "mlp,lenet,resnet",
            description = "Models: mlp, lenet, resnet (default: ${DEFAULT-VALUE}).")
    private String[] models;

    @Option(names = "--optimizers", paramLabel = "O,...", split = ",", defaultValue = "sgd,adam",
            description = "Optimizers: sgd, adam (default: ${DEFAULT-VALUE}).")
    private String[] optimizers;

    @Option(names = "--mlp-sgd", paramLabel = "N,H,K", defaultValue = "0.1,0.3,1.0",
            description = "MLP Sgd normal, high and killing rates (default: ${DEFAULT-VALUE}).")
    private String mlpSgd;

    @Option(names = "--mlp-adam", paramLabel = "N,H,K", defaultValue = "0.001,0.01,0.05",
            description = "MLP Adam rates (default: ${DEFAULT-VALUE}).")
    private String mlpAdam;

    @Option(names = "--lenet-sgd", paramLabel = "N,H,K", defaultValue = "0.05,0.3,0.5",
            description = "LeNet Sgd rates (default: ${DEFAULT-VALUE}).")
    private String lenetSgd;

    @Option(names = "--lenet-adam", paramLabel = "N,H,K", defaultValue = "0.001,0.01,0.05",
            description = "LeNet Adam rates (default: ${DEFAULT-VALUE}).")
    private String lenetAdam;

    @Option(names = "--resnet-sgd", paramLabel = "N,H,K", defaultValue = "0.1,3.0,5.0",
            description = "ResNet-style graph Sgd rates (default: ${DEFAULT-VALUE}).")
    private String resnetSgd;

    @Option(names = "--resnet-adam", paramLabel = "N,H,K", defaultValue = "0.001,0.1,0.3",
            description = "ResNet-style graph Adam rates (default: ${DEFAULT-VALUE}).")
    private String resnetAdam;

    @Option(names = "--lenet-channels", paramLabel = "C1,C2", split = ",", defaultValue = "4,8",
            description = "LeNet convolution channels (default: ${DEFAULT-VALUE}).")
    private int[] lenetChannels;

    @Option(names = "--lenet-dense", paramLabel = "N", defaultValue = "64",
            description = "LeNet dense width (default: ${DEFAULT-VALUE}).")
    private int lenetDense;

    @Option(names = "--resnet-width", paramLabel = "N", defaultValue = "64",
            description = "ResNet-style graph width (default: ${DEFAULT-VALUE}).")
    private int resnetWidth;

    @Option(names = "--resnet-blocks", paramLabel = "N", defaultValue = "2",
            description = "ResNet-style graph residual blocks (default: ${DEFAULT-VALUE}).")
    private int resnetBlocks;

    @Option(names = "--policies", paramLabel = "E/M/F/O[/C=V],...", defaultValue = "25/25/1.0/zero,"
            + "25/25/1.0/keep,25/25/1.0/zero/dormant=0.025,25/25/1.0/zero/utility=1.0E-4,25/25/0.1/zero,"
            + "25/100/1.0/zero,50/25/1.0/zero",
            description = "Re-initialisation policies every/maturity/maxFraction/zero|keep, optionally with a "
                    + "selection criterion /dormant=tau, /gradient=tau or /utility=rho; empty for none "
                    + "(default: ${DEFAULT-VALUE}).")
    private String policiesText;

    @Option(names = "--normal-policies", paramLabel = "K", defaultValue = "1",
            description = "At the normal rate, only the first K policies run (few units die there, so the others "
                    + "mostly cost time; default: ${DEFAULT-VALUE}).")
    private int normalPolicies;

    @Option(names = "--high-policies", paramLabel = "K", defaultValue = "4",
            description = "At the high rate, only the first K policies run (the other factors are varied at the "
                    + "killing rate, where most units die; default: ${DEFAULT-VALUE}).")
    private int highPolicies;

    @Option(names = "--resume", description = "Keep the runs of an interrupted run of the study "
            + "(reinit-defaults-partial.csv in --out) and train only the missing ones.")
    private boolean resume;

    @Option(names = "--no-transfer", description = "Skip the transfer-learning case.")
    private boolean noTransfer;

    @Option(names = "--transfer-fractions", paramLabel = "F,...", split = ",", defaultValue = "1.0,0.1",
            description = "maxFraction values of the transfer case (default: ${DEFAULT-VALUE}).")
    private double[] transferFractions;

    @Option(names = "--transfer-epochs", paramLabel = "N", defaultValue = "2",
            description = "Fine-tuning epochs of the transfer case (default: ${DEFAULT-VALUE}).")
    private int transferEpochs;

    /** Validated by {@link #check}. */
    private List<Arch> archs;
    private List<Optimizer> opts;
    private final Map<Arch, Map<Optimizer, double[]>> rates = new EnumMap<>(Arch.class);
    private List<Policy> policies;

    /**
     * Runs the study from the command line; {@code --help} lists the options.
     *
     * @param args the command-line arguments
     */
    public static void main(String[] args) {
        main(new ReinitDefaultsStudy(), args);
    }

    @Override
    protected void check(Checks check) {
        archs = new ArrayList<>();
        for (String m : models) {
            try {
                archs.add(Arch.parse(m.trim()));
            } catch (IllegalArgumentException e) {
                throw check.fail("--models " + e.getMessage());
            }
        }
        archs = archs.stream().distinct().sorted().toList();
        opts = new ArrayList<>();
        for (String o : optimizers) {
            check.oneOf("--optimizers", o.trim(), "sgd", "adam");
            opts.add(o.trim().equals("sgd") ? Optimizer.SGD : Optimizer.ADAM);
        }
        opts = opts.stream().distinct().sorted().toList();
        String[][] texts = {{"--mlp-sgd", mlpSgd, "--mlp-adam", mlpAdam}, {"--lenet-sgd", lenetSgd, "--lenet-adam",
            lenetAdam}, {"--resnet-sgd", resnetSgd, "--resnet-adam", resnetAdam}};
        for (Arch a : Arch.values()) {
            Map<Optimizer, double[]> m = new EnumMap<>(Optimizer.class);
            m.put(Optimizer.SGD, rates(check, texts[a.ordinal()][0], texts[a.ordinal()][1]));
            m.put(Optimizer.ADAM, rates(check, texts[a.ordinal()][2], texts[a.ordinal()][3]));
            rates.put(a, m);
        }
        check.require(lenetChannels.length == 2 && lenetChannels[0] >= 1 && lenetChannels[1] >= 1,
                "--lenet-channels", "two widths >= 1", Arrays.toString(lenetChannels));
        check.atLeast("--lenet-dense", lenetDense, 1);
        check.atLeast("--resnet-width", resnetWidth, 1);
        check.atLeast("--resnet-blocks", resnetBlocks, 1);
        policies = new ArrayList<>();
        policies.add(Policy.NONE);
        for (String p : policiesText.split(",")) {
            if (p.isBlank()) {
                continue;
            }
            try {
                policies.add(Policy.parse(p));
            } catch (IllegalArgumentException e) {
                throw check.fail("--policies entries " + e.getMessage());
            }
        }
        check.atLeast("--normal-policies", normalPolicies, 0);
        check.atLeast("--high-policies", highPolicies, 0);
        for (double f : transferFractions) {
            check.require(f > 0 && f <= 1, "--transfer-fractions", "in (0, 1]", f);
        }
        check.atLeast("--transfer-epochs", transferEpochs, 1);
    }

    private static double[] rates(Checks check, String option, String text) {
        String[] parts = text.split(",");
        check.require(parts.length == 3, option, "three rates (normal, high, killing)", text);
        double[] r = new double[3];
        for (int i = 0; i < 3; i++) {
            try {
                r[i] = Double.parseDouble(parts[i].trim());
            } catch (NumberFormatException e) {
                throw check.fail(option + " must list numbers, got: " + text);
            }
            check.positive(option, r[i]);
        }
        check.require(r[0] < r[1] && r[1] < r[2], option, "increasing", text);
        return r;
    }

    @Override
    protected void study(Path out) throws IOException {
        StudyData d = data.load(seedOptions.evalSize());
        long[] seeds = seedOptions.seeds();
        int threads = threadOptions.threads();
        Sizes sizes = new Sizes(training.hidden(), lenetChannels.clone(), lenetDense, resnetWidth, resnetBlocks);
        List<Config> configs = new ArrayList<>();
        for (Arch a : archs) {
            for (Optimizer o : opts) {
                double[] r = rates.get(a).get(o);
                for (Level level : Level.values()) {
                    int k = switch (level) {
                        case NORMAL -> normalPolicies;
                        case HIGH -> highPolicies;
                        case KILLING -> policies.size();
                    };
                    List<Policy> ps = policies.subList(0, Math.min(policies.size(), 1 + k));
                    for (Policy p : ps) {
                        for (long s : seeds) {
                            configs.add(new Config(a, o, level, r[level.ordinal()], p, s, false));
                        }
                    }
                }
            }
        }
        log.info("Re-initialisation defaults: {} runs ({}, {} train / {} eval), batch {}, {} epochs, seeds {}, "
                        + "policies {}, {} threads, output {}", configs.size(), d.description(), d.trainSize(),
                d.evalSize(), training.batch(), training.epochs(), Arrays.toString(seeds),
                policies.stream().map(Policy::label).toList(), threads, out.toAbsolutePath());
        // Each finished run is also written at once, in the order runs finish, so a run that is stopped (or a JVM
        // that crashes in native code) leaves its completed runs behind for --resume; the file is removed once the
        // study is done.
        Path partialFile = out.resolve("reinit-defaults-partial.csv");
        Files.createDirectories(out);
        Map<Config, Run> done = new HashMap<>();
        if (resume && Files.exists(partialFile)) {
            done.putAll(ReinitDefaultsRunner.read(Files.readAllLines(partialFile, StandardCharsets.UTF_8)));
            log.info("Resuming: {} runs read from {}", done.size(), partialFile.toAbsolutePath());
        } else {
            Files.writeString(partialFile, ReinitDefaultsResults.RUNS_HEADER + "\n", StandardCharsets.UTF_8);
        }
        Object lock = new Object();
        Consumer<Run> finished = r -> {
            String line = Arrays.stream(ReinitDefaultsResults.row(r)).map(String::valueOf)
                    .collect(Collectors.joining(",")) + "\n";
            synchronized (lock) {
                try {
                    Files.writeString(partialFile, line, StandardCharsets.UTF_8, StandardOpenOption.APPEND);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }
        };
        List<Run> runs = new ArrayList<>(ReinitDefaultsRunner.run(configs, d, sizes, training.epochs(),
                training.batch(), threads, done, finished));
        boolean transfer = !noTransfer && archs.contains(Arch.MLP) && opts.contains(Optimizer.SGD);
        if (transfer) {
            double[] mlp = rates.get(Arch.MLP).get(Optimizer.SGD);
            Policy base = policies.size() > 1 ? policies.get(1) : Policy.parse("25/25/1.0/zero");
            List<Policy> tp = new ArrayList<>();
            tp.add(Policy.NONE);
            for (double f : transferFractions) {
                tp.add(base.withMaxFraction(f));
            }
            runs.addAll(ReinitDefaultsRunner.transfer(new double[] {mlp[1], mlp[2]},
                    new Level[] {Level.HIGH, Level.KILLING}, tp, seeds, d, sizes, mlp[0], training.epochs(),
                    transferEpochs, training.batch(), threads, done, finished));
        }
        Files.delete(partialFile);
        double seconds = seconds();

        List<Cell> cells = ReinitDefaultsResults.cells(runs);
        ReinitDefaultsResults.writeRuns(runs, out.resolve("reinit-defaults.csv"));
        ReinitDefaultsResults.writeCells(cells, out.resolve("reinit-defaults-cells.csv"));
        Table table = ReinitDefaultsResults.table(cells);
        StringBuilder models = new StringBuilder();
        for (Arch a : archs) {
            models.append(models.length() == 0 ? "" : "; ").append(sizes.describe(a, d.features(), d.classes()));
        }
        String footer = String.format(Locale.ROOT, "%d runs on %s (%d train / %d eval), %s; batch %d, %d epoch(s), "
                        + "seeds %s%s; run time %.0f s (%d threads, %d cores).", runs.size(),
                d.mnist() ? "MNIST" : "the synthetic task", d.trainSize(), d.evalSize(), models, training.batch(),
                training.epochs(), Arrays.toString(seeds), transfer ? "; transfer: pre-trained " + training.epochs()
                        + " epoch(s) on the first half, fine-tuned " + transferEpochs + " on the second" : "",
                seconds, threads, Runtime.getRuntime().availableProcessors());
        writeReport(out, "reinit-defaults", table, footer);
        ReinitDefaultsCharts.plot(cells, out.resolve("reinit-defaults.png"));
        logFinished(log, "Re-initialisation defaults study", String.format(Locale.ROOT, "%.0f s", seconds), out,
                "reinit-defaults.csv", "reinit-defaults-cells.csv", "reinit-defaults.md", "reinit-defaults.png");
    }
}
