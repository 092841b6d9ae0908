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
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * The options several studies share, as picocli mixins: a study declares {@code @Mixin StudyOptions.Data data;} and
 * gets {@code --mnist} and {@code --train-size} with one description, one default and one check. Each mixin's
 * {@code check} method validates its options through {@link Checks}.
 */
public final class StudyOptions {

    /** The most training examples a study uses (the first 8,000 of the MNIST test set). */
    public static final int MAX_TRAIN = 8000;

    /** The most evaluation examples a study uses (the last 2,000 of the MNIST test set). */
    public static final int MAX_EVAL = 2000;

    private StudyOptions() {
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
    public static final class Data {

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
     * {@code --epochs}, {@code --batch} and {@code --hidden}: the MLP and how long it trains. The epochs' default is
     * the mixee's choice: {@code @Mixin Training training = new Training(10);}.
     */
    public static final class Training {

        @Option(names = "--epochs", paramLabel = "N", description = "Training epochs (default: ${DEFAULT-VALUE}).")
        private int epochs;

        @Option(names = "--batch", paramLabel = "N", defaultValue = "64",
                description = "Mini-batch size (default: ${DEFAULT-VALUE}).")
        private int batch;

        @Option(names = "--hidden", paramLabel = "N,...", split = ",", defaultValue = "256,256",
                description = "Hidden layer widths (default: ${DEFAULT-VALUE}).")
        private int[] hidden;

        /** Creates the options with 3 epochs by default. */
        public Training() {
            this(3);
        }

        /**
         * Creates the options with a default number of epochs of the study's own.
         *
         * @param defaultEpochs the default of {@code --epochs}
         */
        public Training(int defaultEpochs) {
            this.epochs = defaultEpochs;
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
            check.atLeast("--epochs", epochs, 1);
            check.atLeast("--batch", batch, 1);
            check.listsAtLeast("--hidden", hidden.length, minLayers, layers);
            for (int w : hidden) {
                check.atLeast("--hidden widths", w, 1);
            }
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
    public static final class Optimizer {

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
     * {@code --seeds}, {@code --eval-size}, {@code --reinit-every} and {@code --threads}: the studies that train many
     * runs (one per seed and variant), evaluate them and run several at once.
     */
    public static final class Runs {

        @Option(names = "--seeds", paramLabel = "S,...", split = ",", defaultValue = "1,2,3",
                description = "Seeds, one run per seed and variant (default: ${DEFAULT-VALUE}).")
        private long[] seeds;

        @Option(names = "--eval-size", paramLabel = "N", defaultValue = "2000",
                description = "Evaluation examples used, at most 2000 (default: ${DEFAULT-VALUE}).")
        private int evalSize;

        @Option(names = "--reinit-every", paramLabel = "N", defaultValue = "25",
                description = "ReinitPolicy every(N) and maturity(N) of the re-initialising variants (default: "
                        + "${DEFAULT-VALUE}).")
        private int reinitEvery;

        @Option(names = "--threads", paramLabel = "N", defaultValue = "2",
                description = "Runs trained at the same time, each on one thread (default: ${DEFAULT-VALUE}).")
        private int threads;

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
        public void check(Checks check) {
            check.listsAtLeast("--seeds", seeds.length, 1, "one seed");
            check.inRange("--eval-size", evalSize, 1, MAX_EVAL);
            check.atLeast("--reinit-every", reinitEvery, 1);
            check.atLeast("--threads", threads, 1);
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
            return threads;
        }
    }
}
