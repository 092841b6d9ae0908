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

import java.io.IOException;
import java.nio.file.Path;
import java.nio.file.Paths;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.learning.config.IUpdater;
import org.nd4j.linalg.learning.config.Sgd;
import picocli.CommandLine.IDefaultValueProvider;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * The options several studies share, as picocli mixins: a study declares {@code @Mixin StudyOptions.Data data;} and
 * gets {@code --mnist} and {@code --train-size} with one description, one default and one check. Each mixin with a
 * constraint is {@link Validated}: {@link StudyCommand} runs its {@code check} through {@link Checks} before the
 * study's own checks, so a study validates only the options it declares itself. A mixin whose default is the mixee's
 * choice takes it in its constructor ({@code new Training(10)}, {@code new Seeds("1,2,3,4,5")}); {@link MixinDefaults}
 * shows it in the help text as if it were written in the annotation.
 *
 * <p>The file is long (about 600 lines) because it is the one home of every shared option group: ten small classes
 * and two interfaces of 10 to 100 lines each, most of it the Javadoc of their accessors.
 */
public final class StudyOptions {

    /** The most training examples a study uses (the first 8,000 of the MNIST test set). */
    public static final int MAX_TRAIN = 8000;

    /** The most evaluation examples a study uses (the last 2,000 of the MNIST test set). */
    public static final int MAX_EVAL = 2000;

    private StudyOptions() {
    }

    /** A mixin that validates its own options (and those of the mixins it holds). */
    public interface Validated {

        /**
         * Validates the options.
         *
         * @param check the command's checks
         * @throws picocli.CommandLine.ParameterException if an option is invalid
         */
        void check(Checks check);
    }

    /** A mixin with defaults of the mixee's choosing, given to its constructor rather than in the annotation. */
    public interface Defaults {

        /**
         * The default of one of this mixin's options.
         *
         * @param option the option, for example {@code --seeds}
         * @return its default as picocli parses it from the command line, or null for the annotation's own
         */
        String defaultValue(ArgSpec option);
    }

    /**
     * The default-value provider of every study ({@link StudyCommand} names it): asks the {@link Defaults} mixin that
     * declares an option, so the default is applied and printed for {@code ${DEFAULT-VALUE}} as an annotation's
     * {@code defaultValue} is.
     */
    public static final class MixinDefaults implements IDefaultValueProvider {

        /** Creates the provider (picocli does, when it builds the command). */
        public MixinDefaults() {
        }

        /**
         * The default of an option declared by a {@link Defaults} mixin.
         *
         * @param option the option
         * @return the mixin's default, or null (the annotation's {@code defaultValue}, if any)
         * @throws Exception if the object holding the option cannot be read
         */
        @Override
        public String defaultValue(ArgSpec option) throws Exception {
            Object owner = option.scope() == null ? null : option.scope().get();
            return owner instanceof Defaults d ? d.defaultValue(option) : null;
        }
    }

    /**
     * {@code --out}: the output directory, by default {@code target/studies/<command name>}. {@link StudyCommand}
     * mixes it into every study.
     */
    public static final class Output {

        @Spec(Spec.Target.MIXEE)
        private CommandSpec mixee;

        @Option(names = "--out", paramLabel = "DIR",
                description = "Output directory (default: target/studies/${COMMAND-NAME}).")
        private Path out;

        /** Creates the option (picocli does, when it builds the command). */
        public Output() {
        }

        /**
         * The output directory.
         *
         * @return {@code --out}, or {@code target/studies/<command name>} when it is not given
         */
        public Path out() {
            return out != null ? out : Paths.get("target", "studies", mixee.name());
        }
    }

    /** {@code --mnist} and {@code --train-size}: where the data come from and how much of it is trained on. */
    public static final class Data implements Validated {

        @Option(names = "--mnist", paramLabel = "DIR",
                description = "Directory with the MNIST test-set IDX files; without it a built-in synthetic task is "
                        + "used.")
        private Path mnist;

        @Option(names = "--train-size", paramLabel = "N", defaultValue = "8000",
                description = "Training examples used, at most 8000 (default: ${DEFAULT-VALUE}).")
        private int trainSize;

        /** Creates the options (picocli does, when it builds the command). */
        public Data() {
        }

        /**
         * Validates the options.
         *
         * @param check the command's checks
         * @throws picocli.CommandLine.ParameterException if {@code --train-size} is outside [1, 8000]
         */
        @Override
        public void check(Checks check) {
            check.inRange("--train-size", trainSize, 1, MAX_TRAIN);
        }

        /**
         * Loads the data (MNIST from {@code --mnist}, else the synthetic task with seed 1), limited to
         * {@code --train-size} training and {@code evalSize} evaluation examples.
         *
         * @param evalSize evaluation examples, in [1, 2000]
         * @return the data
         * @throws IOException if the MNIST files cannot be read
         */
        public StudyData load(int evalSize) throws IOException {
            return StudyData.load(mnist, 1).limit(trainSize, evalSize);
        }
    }

    /**
     * {@code --epochs} and {@code --batch}: how long a network trains and on how many examples per update. The epochs'
     * default is the mixee's choice: {@code @Mixin Schedule schedule = new Schedule(3);}.
     */
    public static final class Schedule implements Validated {

        @Option(names = "--epochs", paramLabel = "N", description = "Training epochs (default: ${DEFAULT-VALUE}).")
        private int epochs;

        @Option(names = "--batch", paramLabel = "N", defaultValue = "64",
                description = "Mini-batch size (default: ${DEFAULT-VALUE}).")
        private int batch;

        /**
         * Creates the options with a default number of epochs of the study's own.
         *
         * @param defaultEpochs the default of {@code --epochs}
         */
        public Schedule(int defaultEpochs) {
            this.epochs = defaultEpochs;
        }

        /**
         * Validates the options.
         *
         * @param check the command's checks
         * @throws picocli.CommandLine.ParameterException if {@code --epochs} or {@code --batch} is below 1
         */
        @Override
        public void check(Checks check) {
            check.atLeast("--epochs", epochs, 1);
            check.atLeast("--batch", batch, 1);
        }

        /**
         * The number of epochs.
         *
         * @return {@code --epochs}
         */
        public int epochs() {
            return epochs;
        }

        /**
         * The mini-batch size.
         *
         * @return {@code --batch}
         */
        public int batch() {
            return batch;
        }
    }

    /**
     * {@code --epochs}, {@code --batch} ({@link Schedule}) and {@code --hidden}: the MLP and how long it trains. The
     * epochs' default and the least number of hidden layers are the mixee's choice:
     * {@code @Mixin Training training = new Training(10);}.
     */
    public static final class Training implements Validated {

        @Mixin
        private Schedule schedule;

        @Option(names = "--hidden", paramLabel = "N,...", split = ",", defaultValue = "256,256",
                description = "Hidden layer widths (default: ${DEFAULT-VALUE}).")
        private int[] hidden;

        private final int minLayers;
        private final String layers;

        /** Creates the options with 3 epochs by default and at least one hidden layer. */
        public Training() {
            this(3);
        }

        /**
         * Creates the options with a default number of epochs of the study's own and at least one hidden layer.
         *
         * @param defaultEpochs the default of {@code --epochs}
         */
        public Training(int defaultEpochs) {
            this(defaultEpochs, 1, "one width");
        }

        /**
         * Creates the options with the study's default number of epochs and least number of hidden layers.
         *
         * @param defaultEpochs the default of {@code --epochs}
         * @param minLayers     the least number of hidden layers the study needs, at least 1
         * @param layers        the words of the message when {@code --hidden} is too short, for example
         *                      {@code "two widths"}
         */
        public Training(int defaultEpochs, int minLayers, String layers) {
            this.schedule = new Schedule(defaultEpochs);
            this.minLayers = minLayers;
            this.layers = layers;
        }

        /**
         * Validates the options with the least number of hidden layers given to the constructor.
         *
         * @param check the command's checks
         * @throws picocli.CommandLine.ParameterException as {@link #check(Checks, int, String)}
         */
        @Override
        public void check(Checks check) {
            check(check, minLayers, layers);
        }

        /**
         * Validates the options.
         *
         * @param check     the command's checks
         * @param minLayers the least number of hidden layers the study needs, at least 1
         * @param layers    the words of the message when {@code --hidden} is too short, for example
         *                  {@code "one width"}
         * @throws picocli.CommandLine.ParameterException if {@code --epochs} or {@code --batch} is below 1,
         *                                                {@code --hidden} is too short or a width is below 1
         */
        public void check(Checks check, int minLayers, String layers) {
            schedule.check(check);
            check.listsAtLeast("--hidden", hidden.length, minLayers, layers);
            check.eachAtLeast("--hidden widths", hidden, 1);
        }

        /**
         * The number of epochs.
         *
         * @return {@code --epochs}
         */
        public int epochs() {
            return schedule.epochs();
        }

        /**
         * The mini-batch size.
         *
         * @return {@code --batch}
         */
        public int batch() {
            return schedule.batch();
        }

        /**
         * The hidden layer widths.
         *
         * @return a copy of {@code --hidden}
         */
        public int[] hidden() {
            return hidden.clone();
        }
    }

    /**
     * {@code --optimizer} ({@code sgd} or {@code adam}) and {@code --lr}: one updater at one learning rate. The
     * defaults are the mixee's choice: {@code @Mixin Optimizer optimizer = new Optimizer("adam", 0.01);}.
     */
    public static final class Optimizer implements Validated {

        @Option(names = "--optimizer", paramLabel = "sgd|adam", description = "Optimizer (default: ${DEFAULT-VALUE}).")
        private String optimizer;

        @Option(names = "--lr", paramLabel = "RATE", description = "Learning rate (default: ${DEFAULT-VALUE}).")
        private double lr;

        /**
         * Creates the options with the study's defaults.
         *
         * @param defaultOptimizer the default of {@code --optimizer}, {@code "sgd"} or {@code "adam"}
         * @param defaultLr        the default of {@code --lr}
         */
        public Optimizer(String defaultOptimizer, double defaultLr) {
            this.optimizer = defaultOptimizer;
            this.lr = defaultLr;
        }

        /**
         * Validates the options.
         *
         * @param check the command's checks
         * @throws picocli.CommandLine.ParameterException if {@code --optimizer} is neither {@code sgd} nor
         *                                                {@code adam}, or {@code --lr} is not positive
         */
        @Override
        public void check(Checks check) {
            check.oneOf("--optimizer", optimizer, "sgd", "adam");
            check.positive("--lr", lr);
        }

        /**
         * Whether the optimizer is plain SGD.
         *
         * @return true for {@code --optimizer sgd}
         */
        public boolean sgd() {
            return optimizer.equals("sgd");
        }

        /**
         * The optimizer as given.
         *
         * @return {@code "sgd"} or {@code "adam"}
         */
        public String name() {
            return optimizer;
        }

        /**
         * The optimizer's name in reports and chart titles.
         *
         * @return {@code "Sgd"} or {@code "Adam"}
         */
        public String label() {
            return sgd() ? "Sgd" : "Adam";
        }

        /**
         * The learning rate.
         *
         * @return {@code --lr}
         */
        public double lr() {
            return lr;
        }

        /**
         * A new updater of the chosen kind at the learning rate.
         *
         * @return {@code new Sgd(lr)} or {@code new Adam(lr)}
         */
        public IUpdater updater() {
            return sgd() ? new Sgd(lr) : new Adam(lr);
        }
    }

    /**
     * {@code --seeds} and {@code --eval-size}: one run per seed, each evaluated on the held-out examples. The seeds'
     * default is the mixee's choice: {@code @Mixin Seeds seeds = new Seeds("1,2,3,4,5");}.
     */
    public static final class Seeds implements Validated, Defaults {

        @Option(names = "--seeds", paramLabel = "S,...", split = ",",
                description = "Seeds, one run per seed and variant (default: ${DEFAULT-VALUE}).")
        private long[] seeds;

        @Option(names = "--eval-size", paramLabel = "N", defaultValue = "2000",
                description = "Evaluation examples used, at most 2000 (default: ${DEFAULT-VALUE}).")
        private int evalSize;

        private final String defaultSeeds;

        /**
         * Creates the options with the study's default seeds.
         *
         * @param defaultSeeds the default of {@code --seeds}, comma-separated, for example {@code "1,2,3"}
         */
        public Seeds(String defaultSeeds) {
            this.defaultSeeds = defaultSeeds;
        }

        /**
         * The default of {@code --seeds}.
         *
         * @param option the option
         * @return the seeds given to the constructor for {@code --seeds}, else null
         */
        @Override
        public String defaultValue(ArgSpec option) {
            return option.isOption() && ((OptionSpec) option).longestName().equals("--seeds") ? defaultSeeds : null;
        }

        /**
         * Validates the options.
         *
         * @param check the command's checks
         * @throws picocli.CommandLine.ParameterException if {@code --seeds} is empty or {@code --eval-size} is outside
         *                                                [1, 2000]
         */
        @Override
        public void check(Checks check) {
            check.listsAtLeast("--seeds", seeds.length, 1, "one seed");
            check.inRange("--eval-size", evalSize, 1, MAX_EVAL);
        }

        /**
         * The seeds.
         *
         * @return a copy of {@code --seeds}
         */
        public long[] seeds() {
            return seeds.clone();
        }

        /**
         * The evaluation examples.
         *
         * @return {@code --eval-size}
         */
        public int evalSize() {
            return evalSize;
        }
    }

    /** {@code --seed}: the seed of a single run's initial weights, by default 1. */
    public static final class WeightSeed {

        @Option(names = "--seed", paramLabel = "S", defaultValue = "1",
                description = "Seed of the initial weights (default: ${DEFAULT-VALUE}).")
        private long seed;

        /** Creates the option (picocli does, when it builds the command). */
        public WeightSeed() {
        }

        /**
         * The seed.
         *
         * @return {@code --seed}
         */
        public long seed() {
            return seed;
        }
    }

    /** {@code --threads}: the runs trained at the same time, each on one thread. */
    public static final class Threads implements Validated {

        @Option(names = "--threads", paramLabel = "N", defaultValue = "2",
                description = "Runs trained at the same time, each on one thread (default: ${DEFAULT-VALUE}).")
        private int threads;

        /** Creates the option (picocli does, when it builds the command). */
        public Threads() {
        }

        /**
         * Validates the option.
         *
         * @param check the command's checks
         * @throws picocli.CommandLine.ParameterException if {@code --threads} is below 1
         */
        @Override
        public void check(Checks check) {
            check.atLeast("--threads", threads, 1);
        }

        /**
         * The runs trained at the same time.
         *
         * @return {@code --threads}
         */
        public int threads() {
            return threads;
        }
    }

    /**
     * {@code --seeds}, {@code --eval-size} ({@link Seeds}, by default 1, 2 and 3), {@code --reinit-every} and
     * {@code --threads} ({@link Threads}): the studies that train many runs (one per seed and variant), evaluate them,
     * re-initialise some and run several at once.
     */
    public static final class Runs implements Validated {

        @Mixin
        private Seeds seeds = new Seeds("1,2,3");

        @Option(names = "--reinit-every", paramLabel = "N", defaultValue = "25",
                description = "ReinitPolicy every(N) and maturity(N) of the re-initialising variants (default: "
                        + "${DEFAULT-VALUE}).")
        private int reinitEvery;

        @Mixin
        private Threads threads = new Threads();

        /** Creates the options (picocli does, when it builds the command). */
        public Runs() {
        }

        /**
         * Validates the options.
         *
         * @param check the command's checks
         * @throws picocli.CommandLine.ParameterException if {@code --seeds} is empty, {@code --eval-size} is outside
         *                                                [1, 2000], or {@code --reinit-every} or {@code --threads}
         *                                                is below 1
         */
        @Override
        public void check(Checks check) {
            seeds.check(check);
            check.atLeast("--reinit-every", reinitEvery, 1);
            threads.check(check);
        }

        /**
         * The seeds.
         *
         * @return a copy of {@code --seeds}
         */
        public long[] seeds() {
            return seeds.seeds();
        }

        /**
         * The evaluation examples.
         *
         * @return {@code --eval-size}
         */
        public int evalSize() {
            return seeds.evalSize();
        }

        /**
         * The re-initialisation period and maturity.
         *
         * @return {@code --reinit-every}
         */
        public int reinitEvery() {
            return reinitEvery;
        }

        /**
         * The runs trained at the same time.
         *
         * @return {@code --threads}
         */
        public int threads() {
            return threads.threads();
        }
    }
}
