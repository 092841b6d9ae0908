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
import io.github.deadrelu.examples.support.Choices;
import io.github.deadrelu.examples.support.Mlp;
import io.github.deadrelu.examples.support.Models;
import io.github.deadrelu.examples.support.Progress;
import io.github.deadrelu.examples.support.StudyData;
import io.github.deadrelu.listeners.DeadReluListener;
import io.github.deadrelu.reinit.OutgoingWeights;
import io.github.deadrelu.reinit.ReinitPolicy;
import io.github.deadrelu.reinit.UnitSelection;
import io.github.deadrelu.stats.DeadReluAnalysis;
import io.github.deadrelu.stats.GateSnapshot;
import io.github.deadrelu.stats.LayerGates;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.function.Consumer;
import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.transferlearning.FineTuneConfiguration;
import org.deeplearning4j.nn.transferlearning.TransferLearning;
import org.deeplearning4j.nn.weights.WeightInit;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.learning.config.Sgd;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The runner of {@link ReinitDefaultsStudy}: its configurations, the training and measuring of one run, and the
 * transfer-learning case (the protocol is in the {@link ReinitDefaultsStudy} Javadoc).
 */
final class ReinitDefaultsRunner {

    private static final Logger log = LoggerFactory.getLogger(ReinitDefaultsRunner.class);

    private ReinitDefaultsRunner() {
    }

    /** The three learning rates of a model and optimizer. */
    enum Level implements Choices.Named {
        NORMAL, HIGH, KILLING
    }

    /**
     * A re-initialisation policy of the study, or none ({@link #NONE}: the listener monitors only).
     *
     * @param every       {@code ReinitPolicy.every}, 0 for none
     * @param maturity    {@code ReinitPolicy.maturity}
     * @param maxFraction {@code ReinitPolicy.maxFraction}
     * @param outgoing    {@code ReinitPolicy.outgoing}, null for none
     * @param select      {@code ReinitPolicy.select}: DEAD, or a criterion of the dormancy issue
     * @param criterion   {@code threshold} (DORMANT, GRADIENT_DORMANT) or {@code replacementRate} (LOW_UTILITY);
     *                    NaN for DEAD
     */
    record Policy(int every, int maturity, double maxFraction, OutgoingWeights outgoing, UnitSelection select,
            double criterion) {

        /** No re-initialisation. */
        static final Policy NONE = new Policy(0, 0, 0, null);

        /**
         * A policy that re-draws dead units.
         *
         * @param every       the period
         * @param maturity    the maturity
         * @param maxFraction the cap
         * @param outgoing    the outgoing treatment, null for none
         */
        Policy(int every, int maturity, double maxFraction, OutgoingWeights outgoing) {
            this(every, maturity, maxFraction, outgoing, UnitSelection.DEAD, Double.NaN);
        }

        boolean none() {
            return outgoing == null;
        }

        /**
         * @return {@code none} or {@code every/maturity/maxFraction/outgoing[/criterion=value]}, for example
         *         {@code 25/25/1.0/zero} or {@code 25/25/1.0/zero/dormant=0.025}
         */
        String label() {
            return none() ? "none" : every + "/" + maturity + "/" + fraction(maxFraction) + "/"
                    + outgoing.name().toLowerCase(Locale.ROOT)
                    + (select == UnitSelection.DEAD ? "" : "/" + CRITERIA.get(select) + "=" + criterion);
        }

        /** @return the selection's short name: dead, dormant, gradient or utility */
        String selectName() {
            return none() ? "" : select == UnitSelection.DEAD ? "dead" : CRITERIA.get(select);
        }

        ReinitPolicy build(long seed) {
            ReinitPolicy.Builder b = ReinitPolicy.builder().every(every).maturity(maturity).maxFraction(maxFraction)
                    .outgoing(outgoing).seed(seed).select(select);
            if (select == UnitSelection.LOW_UTILITY) {
                b.replacementRate(criterion);
            } else if (select != UnitSelection.DEAD) {
                b.threshold(criterion);
            }
            return b.build();
        }

        Policy withMaxFraction(double f) {
            return new Policy(every, maturity, f, outgoing, select, criterion);
        }

        /**
         * Parses {@code every/maturity/maxFraction/zero|keep}, optionally followed by
         * {@code /dormant=tau}, {@code /gradient=tau} or {@code /utility=rho}.
         *
         * @param spec the text
         * @return the policy
         * @throws IllegalArgumentException if the text is not of that form or a value is out of range
         */
        static Policy parse(String spec) {
            String[] p = spec.trim().split("/");
            if (p.length != 4 && p.length != 5) {
                throw new IllegalArgumentException(FORM + ", got: " + spec);
            }
            try {
                OutgoingWeights o = switch (p[3].toLowerCase(Locale.ROOT)) {
                    case "zero" -> OutgoingWeights.ZERO;
                    case "keep" -> OutgoingWeights.KEEP;
                    default -> throw new IllegalArgumentException("must end in zero or keep, got: " + spec);
                };
                UnitSelection select = UnitSelection.DEAD;
                double criterion = Double.NaN;
                if (p.length == 5) {
                    String[] kv = p[4].split("=", -1);
                    select = CRITERIA.entrySet().stream().filter(e -> e.getValue().equals(kv[0])).findFirst()
                            .map(Map.Entry::getKey).orElseThrow(() -> new IllegalArgumentException(FORM + ", got: "
                                    + spec));
                    if (kv.length != 2) {
                        throw new IllegalArgumentException(FORM + ", got: " + spec);
                    }
                    criterion = Double.parseDouble(kv[1]);
                }
                Policy policy = new Policy(Integer.parseInt(p[0]), Integer.parseInt(p[1]), Double.parseDouble(p[2]),
                        o, select, criterion);
                policy.build(0); // validates through the public builder
                return policy;
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(FORM + ", got: " + spec);
            } catch (IllegalArgumentException | IllegalStateException e) {
                if (e.getMessage() != null && e.getMessage().startsWith("must be every")) {
                    throw e;
                }
                throw new IllegalArgumentException("must be a valid policy (" + e.getMessage() + "), got: " + spec);
            }
        }

        static String fraction(double f) {
            return f == Math.rint(f) ? String.format(Locale.ROOT, "%.1f", f) : String.valueOf(f);
        }
    }

    /** The form of a policy. */
    private static final String FORM = "must be every/maturity/maxFraction/zero|keep[/dormant=t|gradient=t|utility=r]";

    /** The short names of the selections other than DEAD. */
    private static final Map<UnitSelection, String> CRITERIA = Map.of(UnitSelection.DORMANT, "dormant",
            UnitSelection.GRADIENT_DORMANT, "gradient", UnitSelection.LOW_UTILITY, "utility");

    /**
     * One training run's configuration.
     *
     * @param arch      the network
     * @param optimizer the optimizer
     * @param level     which of the model's three rates
     * @param lr        the learning rate
     * @param policy    the re-initialisation policy
     * @param seed      the seed (weights and re-draws)
     * @param transfer  true for the transfer-learning case (pre-trained MLP, fine-tuned at {@code lr})
     */
    record Config(Arch arch, Optimizer optimizer, Level level, double lr, Policy policy, long seed,
            boolean transfer) {
    }

    /**
     * One run's result. Dead counts are on the evaluation split ({@link DeadReluAnalysis}); for a diverged run they,
     * and the accuracy, are absent (-1 and NaN).
     *
     * @param config        the configuration
     * @param divergedAt    the iteration at which the score or the parameters became non-finite, or -1
     * @param iterations    iterations trained
     * @param accuracy      evaluation accuracy, NaN when diverged
     * @param firstLayer    the name of the first monitored layer
     * @param firstDead     its dead units, -1 when diverged
     * @param firstUnits    its units
     * @param allDead       dead units of all monitored layers, -1 when diverged
     * @param allUnits      units of all monitored layers
     * @param reinitialized units re-initialised, all layers
     * @param firstReinit   units re-initialised in the first monitored layer
     * @param seconds       wall time of the training loop (listener and re-initialisation included)
     * @param preAccuracy   transfer case: accuracy after pre-training, else NaN
     * @param preFirstDead  transfer case: first-layer dead units after pre-training, else -1
     * @param preAllDead    transfer case: all dead units after pre-training, else -1
     */
    record Run(Config config, int divergedAt, int iterations, double accuracy, String firstLayer, int firstDead,
            int firstUnits, int allDead, int allUnits, long reinitialized, long firstReinit, double seconds,
            double preAccuracy, int preFirstDead, int preAllDead) {

        boolean diverged() {
            return divergedAt >= 0 || Double.isNaN(accuracy);
        }
    }

    /** What one training loop did. */
    private record Trained(int divergedAt, int iterations, long reinitialized, long firstReinit, double seconds) {
    }

    /** Dead units on the evaluation split. */
    private record Dead(String firstLayer, int firstDead, int firstUnits, int allDead, int allUnits) {
    }

    /**
     * Trains every configuration of the grid.
     *
     * @param configs the runs
     * @param data    the data
     * @param sizes   the network sizes
     * @param epochs  epochs
     * @param batch   mini-batch size
     * @param threads  runs at the same time
     * @param done     runs already done (read back by {@code --resume}), not trained again
     * @param finished called with each run as it finishes (from the run's thread)
     * @return the results, in the order of {@code configs}
     */
    static List<Run> run(List<Config> configs, StudyData data, Sizes sizes, int epochs, int batch, int threads,
            Map<Config, Run> done, Consumer<Run> finished) {
        List<Callable<Run>> tasks = new ArrayList<>();
        for (Config c : configs) {
            if (!done.containsKey(c)) {
                tasks.add(() -> finished(runOne(c, data, sizes, epochs, batch), finished));
            }
        }
        if (tasks.isEmpty()) {
            return inOrder(configs, done, List.of());
        }
        Progress progress = new Progress("reinit-defaults (runs)", tasks.size());
        List<Run> ran = Mlp.runAll(tasks, threads, progress);
        progress.finish();
        return inOrder(configs, done, ran);
    }

    /** The runs of {@code configs} in their order: those done before, and those just run. */
    private static List<Run> inOrder(List<Config> configs, Map<Config, Run> done, List<Run> ran) {
        Map<Config, Run> all = new HashMap<>(done);
        for (Run r : ran) {
            all.put(r.config(), r);
        }
        return configs.stream().map(all::get).toList();
    }

    /**
     * Logs one finished run (one INFO line: the study's provenance, and what a trial run is read from) and hands it
     * to {@code finished}.
     */
    private static Run finished(Run r, Consumer<Run> finished) {
        Config c = r.config();
        log.info("{} {} {} {} policy {} seed {}: {}, {} dead {}/{}, all dead {}/{}, re-initialised {}, {} s",
                ReinitDefaultsResults.model(c), c.optimizer().csvName(), c.level().csvName(), c.lr(), c.policy().label(),
                c.seed(), r.diverged() ? "diverged at " + r.divergedAt() : String.format(Locale.ROOT, "accuracy %.3f",
                        r.accuracy()), r.firstLayer(), r.firstDead(), r.firstUnits(), r.allDead(), r.allUnits(),
                r.reinitialized(), String.format(Locale.ROOT, "%.2f", r.seconds()));
        finished.accept(r);
        return r;
    }

    /** Trains and measures one configuration of the grid. */
    static Run runOne(Config c, StudyData data, Sizes sizes, int epochs, int batch) {
        Model net = ReinitDefaultsModels.build(c.arch(), sizes, data.features(), data.classes(),
                c.optimizer().updater(c.lr()), c.seed());
        Trained t = train(net, c.policy(), c.seed(), data.trainBatches(batch), epochs);
        return result(c, net, data, t, Double.NaN, null);
    }

    /**
     * The transfer-learning case: per seed, an MLP pre-trained with Sgd at {@code preLr} on the first half of the
     * training mini-batches for {@code epochs} epochs, then, per fine-tuning rate and policy, a copy fine-tuned with
     * {@code TransferLearning} (every layer trainable, a new softmax head, Sgd at the rate) on the second half for
     * {@code fineEpochs} epochs.
     *
     * @param rates      the fine-tuning rates
     * @param levels     the level of each rate (for the table)
     * @param policies   the policies, {@link Policy#NONE} included where wanted
     * @param seeds      the seeds
     * @param data       the data
     * @param sizes      the sizes (the MLP's widths)
     * @param preLr      the pre-training rate
     * @param epochs     pre-training epochs
     * @param fineEpochs fine-tuning epochs
     * @param batch      mini-batch size
     * @param threads    runs at the same time
     * @param done       runs already done (read back by {@code --resume}), not trained again
     * @param finished   called with each fine-tuning run as it finishes
     * @return the fine-tuning runs, by seed, then rate, then policy
     */
    static List<Run> transfer(double[] rates, Level[] levels, List<Policy> policies, long[] seeds, StudyData data,
            Sizes sizes, double preLr, int epochs, int fineEpochs, int batch, int threads, Map<Config, Run> done,
            Consumer<Run> finished) {
        List<DataSet> batches = data.trainBatches(batch);
        List<DataSet> first = batches.subList(0, batches.size() / 2);
        List<DataSet> second = batches.subList(batches.size() / 2, batches.size());
        List<Config> configs = new ArrayList<>();
        List<Long> todo = new ArrayList<>();
        for (long seed : seeds) {
            for (int r = 0; r < rates.length; r++) {
                for (Policy policy : policies) {
                    Config c = new Config(Arch.MLP, Optimizer.SGD, levels[r], rates[r], policy, seed, true);
                    configs.add(c);
                    if (!done.containsKey(c) && !todo.contains(seed)) {
                        todo.add(seed);
                    }
                }
            }
        }
        List<Callable<Pretrained>> pre = new ArrayList<>();
        for (long seed : todo) {
            pre.add(() -> pretrain(seed, data, sizes, preLr, first, epochs));
        }
        long missing = configs.stream().filter(c -> !done.containsKey(c)).count();
        if (missing == 0) {
            return inOrder(configs, done, List.of());
        }
        Progress progress = new Progress("reinit-defaults (transfer)", pre.size() + missing);
        List<Pretrained> pretrained = Mlp.runAll(pre, threads, progress);
        List<Callable<Run>> tasks = new ArrayList<>();
        for (Config c : configs) {
            if (!done.containsKey(c)) {
                Pretrained p = pretrained.get(todo.indexOf(c.seed()));
                tasks.add(() -> finished(fineTune(c, p, data, sizes, second, fineEpochs), finished));
            }
        }
        List<Run> ran = Mlp.runAll(tasks, threads, progress);
        progress.finish();
        return inOrder(configs, done, ran);
    }

    /**
     * Reads the runs of a {@code reinit-defaults.csv} or {@code reinit-defaults-partial.csv} (no quoted fields), so
     * that {@code --resume} trains only the runs that are missing: runs are deterministic per configuration, so a
     * run read back is the run that would have been trained (its time aside).
     *
     * @param lines the file's lines, header first
     * @return the runs by configuration
     * @throws IllegalArgumentException if the header is not {@link ReinitDefaultsResults#RUNS_HEADER}
     */
    static Map<Config, Run> read(List<String> lines) {
        if (lines.isEmpty() || !lines.get(0).equals(ReinitDefaultsResults.RUNS_HEADER)) {
            throw new IllegalArgumentException("header must be " + ReinitDefaultsResults.RUNS_HEADER + ", got: "
                    + (lines.isEmpty() ? "an empty file" : lines.get(0)));
        }
        Map<Config, Run> runs = new LinkedHashMap<>();
        for (String line : lines.subList(1, lines.size())) {
            String[] f = line.split(",", -1);
            boolean transfer = f[0].equals("transfer");
            Arch arch = transfer ? Arch.MLP : Arch.parse(f[1]);
            Optimizer o = f[2].equals("sgd") ? Optimizer.SGD : Optimizer.ADAM;
            Level level = Arrays.stream(Level.values()).filter(l -> l.csvName().equals(f[3])).findFirst()
                    .orElseThrow(() -> new IllegalArgumentException("rate_level must be normal, high or killing, "
                            + "got: " + f[3]));
            Policy p = f[5].equals("none") ? Policy.NONE : Policy.parse(f[5]);
            Config c = new Config(arch, o, level, Double.parseDouble(f[4]), p, Long.parseLong(f[10]), transfer);
            runs.put(c, new Run(c, f[12].isEmpty() ? -1 : Integer.parseInt(f[12]), Integer.parseInt(f[13]),
                    f[14].isEmpty() ? Double.NaN : Double.parseDouble(f[14]), f[15], intOr(f[16]),
                    Integer.parseInt(f[17]), intOr(f[18]), Integer.parseInt(f[19]), Long.parseLong(f[20]),
                    Long.parseLong(f[21]), Double.parseDouble(f[22]),
                    f[23].isEmpty() ? Double.NaN : Double.parseDouble(f[23]), intOr(f[24]), intOr(f[25])));
        }
        return runs;
    }

    private static int intOr(String s) {
        return s.isEmpty() ? -1 : Integer.parseInt(s);
    }

    /** A pre-trained MLP's parameters (read-only, copied by each fine-tuning run) and its measurements. */
    private record Pretrained(INDArray params, double accuracy, Dead dead) {
    }

    private static Pretrained pretrain(long seed, StudyData data, Sizes sizes, double preLr, List<DataSet> first,
            int epochs) {
        MultiLayerNetwork pre = Mlp.build(data.features(), sizes.mlpHidden(), data.classes(), Activation.RELU,
                new Sgd(preLr), seed);
        Trained p = train(pre, Policy.NONE, seed, first, epochs);
        double accuracy = p.divergedAt() >= 0 ? Double.NaN : Mlp.accuracy(pre, data.eval());
        return new Pretrained(pre.params().dup(), accuracy, Double.isNaN(accuracy) ? null : dead(pre, data));
    }

    private static Run fineTune(Config c, Pretrained p, StudyData data, Sizes sizes, List<DataSet> second,
            int fineEpochs) {
        MultiLayerNetwork pre = Mlp.build(data.features(), sizes.mlpHidden(), data.classes(), Activation.RELU,
                new Sgd(c.lr()), c.seed());
        pre.setParams(p.params().dup());
        MultiLayerNetwork net = new TransferLearning.Builder(pre)
                .fineTuneConfiguration(new FineTuneConfiguration.Builder().updater(new Sgd(c.lr())).seed(c.seed())
                        .build())
                .nOutReplace(sizes.mlpHidden().length, data.classes(), WeightInit.XAVIER)
                .build();
        Trained t = train(net, c.policy(), c.seed(), second, fineEpochs);
        return result(c, net, data, t, p.accuracy(), p.dead());
    }

    private static Trained train(Model net, Policy policy, long seed, List<DataSet> batches, int epochs) {
        DeadReluListener.Builder lb = DeadReluListener.builder().frequency(0).logReports(false).historySize(1);
        if (policy.select() == UnitSelection.GRADIENT_DORMANT) {
            lb.gradientScores(true);
        }
        if (!policy.none()) {
            lb.reinitialize(policy.build(seed));
        }
        DeadReluListener listener = lb.build();
        net.setListeners(listener);
        long start = System.nanoTime();
        long reinit = 0;
        long firstReinit = 0;
        int iteration = 0;
        int divergedAt = -1;
        training:
        for (int e = 0; e < epochs; e++) {
            for (DataSet b : batches) {
                boolean ok = ReinitDefaultsModels.fit(net, b);
                iteration++;
                GateSnapshot s = listener.snapshot();
                if (!s.isEmpty()) {
                    reinit += s.layers().stream().mapToLong(LayerGates::reinitialized).sum();
                    firstReinit += s.layers().get(0).reinitialized();
                }
                if (!ok) {
                    divergedAt = iteration;
                    break training;
                }
            }
            Models.incrementEpochCount(net);
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        listener.close();
        net.setListeners();
        return new Trained(divergedAt, iteration, reinit, firstReinit, seconds);
    }

    private static Dead dead(Model net, StudyData data) {
        DeadReluAnalysis a = DeadReluAnalysis.of(net, Mlp.iterator(data.evalBatches()));
        List<LayerGates> layers = a.layers();
        int all = layers.stream().mapToInt(l -> l.deadUnits().length).sum();
        int units = layers.stream().mapToInt(LayerGates::units).sum();
        return new Dead(layers.get(0).name(), layers.get(0).deadUnits().length, layers.get(0).units(), all, units);
    }

    private static Run result(Config c, Model net, StudyData data, Trained t, double preAccuracy, Dead pre) {
        double accuracy = t.divergedAt() >= 0 ? Double.NaN : Mlp.accuracy(net, data.eval());
        int divergedAt = t.divergedAt() >= 0 || !Double.isNaN(accuracy) ? t.divergedAt() : t.iterations();
        Dead d = Double.isNaN(accuracy) ? null : dead(net, data);
        Dead shape = d != null ? d : shape(net, data);
        return new Run(c, divergedAt, t.iterations(), accuracy, shape.firstLayer(), d == null ? -1 : d.firstDead(),
                shape.firstUnits(), d == null ? -1 : d.allDead(), shape.allUnits(), t.reinitialized(),
                t.firstReinit(), t.seconds(), preAccuracy, pre == null ? -1 : pre.firstDead(),
                pre == null ? -1 : pre.allDead());
    }

    /** Layer names and sizes of a diverged network (its counts are not used). */
    private static Dead shape(Model net, StudyData data) {
        DeadReluAnalysis a = DeadReluAnalysis.of(net, Mlp.iterator(List.of(data.evalBatches().get(0))));
        List<LayerGates> layers = a.layers();
        return new Dead(layers.get(0).name(), -1, layers.get(0).units(), -1,
                layers.stream().mapToInt(LayerGates::units).sum());
    }
}
