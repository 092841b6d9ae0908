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

import ch.qos.logback.classic.Level;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.deeplearning4j.datasets.iterator.ExistingDataSetIterator;
import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.weights.WeightInit;
import org.nd4j.evaluation.classification.Evaluation;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.IUpdater;
import org.nd4j.linalg.lossfunctions.LossFunctions;
import org.slf4j.LoggerFactory;

/**
 * The multi-layer perceptron the MNIST studies train, and what they measure on it.
 *
 * <p>Hidden layers are {@code DenseLayer}s with He initialisation ({@code WeightInit.RELU}, bias 0) for every
 * activation, so ReLU and Leaky ReLU start from the same weights for the same seed; the output layer is a softmax with
 * cross-entropy. DL4J's default data type (float) is used.
 */
public final class Mlp {

    private static final org.slf4j.Logger log = LoggerFactory.getLogger(Mlp.class);

    private Mlp() {
    }

    /**
     * Builds and initialises an MLP.
     *
     * @param inputs     the number of input features, at least 1
     * @param hidden     the hidden layer widths, at least one, each at least 1
     * @param classes    the number of classes, at least 2
     * @param activation the activation of every hidden layer
     * @param updater    the updater (learning rate included)
     * @param seed       the seed of the initial weights
     * @return the initialised network
     * @throws IllegalArgumentException if a size is out of range
     */
    public static MultiLayerNetwork build(int inputs, int[] hidden, int classes, Activation activation,
            IUpdater updater, long seed) {
        Objects.requireNonNull(activation, "activation");
        Objects.requireNonNull(updater, "updater");
        if (inputs < 1 || hidden.length == 0 || classes < 2) {
            throw new IllegalArgumentException("inputs must be >= 1, hidden must list >= 1 layer and classes must be "
                    + ">= 2, got: " + inputs + ", " + hidden.length + " layers, " + classes);
        }
        NeuralNetConfiguration.ListBuilder list = new NeuralNetConfiguration.Builder()
                .seed(seed)
                .updater(updater)
                .weightInit(WeightInit.RELU)
                .list();
        int in = inputs;
        for (int width : hidden) {
            Checks.requireAtLeast("hidden widths", width, 1);
            list.layer(new DenseLayer.Builder().nIn(in).nOut(width).activation(activation).build());
            in = width;
        }
        list.layer(new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nIn(in).nOut(classes)
                .activation(Activation.SOFTMAX).build());
        MultiLayerConfiguration conf = list.build();
        MultiLayerNetwork net = new MultiLayerNetwork(conf);
        net.init();
        return net;
    }

    /**
     * Trains one epoch, one {@code fit(DataSet)} per mini-batch in order, then increments the epoch count (which
     * {@code fit(DataSet)} does not do) so listeners see the right epoch.
     *
     * <p>A run that diverges can make a listener fail inside {@code fit} (for example on infinite activations). When a
     * {@code fit} throws and the network's parameters or its activations on that mini-batch are no longer finite, the
     * epoch stops and this method returns false: the run has diverged. Any other failure is rethrown.
     *
     * @param net     the network
     * @param batches the mini-batches
     * @return true when the epoch completed, false when training diverged and stopped
     */
    public static boolean fitEpoch(MultiLayerNetwork net, List<DataSet> batches) {
        for (DataSet batch : batches) {
            if (!fit(net, batch)) {
                return false;
            }
        }
        net.incrementEpochCount();
        return true;
    }

    /**
     * Trains for up to {@code epochs} epochs with a {@link Progress} line {@code "<task> (epochs)"}, stopping at the
     * first epoch that diverges (see {@link #fitEpoch(MultiLayerNetwork, List)}), then measures the accuracy on
     * {@code eval}. The loop the single-run studies share; the listeners attached to {@code net} record what they
     * study.
     *
     * @param net     the network, listeners attached
     * @param batches the mini-batches of one epoch, in order
     * @param epochs  the epochs, at least 0
     * @param task    the progress line's task name, for example {@code "first-layer"}
     * @param eval    the evaluation examples
     * @return the accuracy on {@code eval} after training, NaN when training diverged
     */
    public static double trainEpochs(MultiLayerNetwork net, List<DataSet> batches, int epochs, String task,
            DataSet eval) {
        Progress progress = new Progress(task + " (epochs)", epochs);
        boolean diverged = false;
        for (int e = 0; e < epochs && !diverged; e++) {
            diverged = !fitEpoch(net, batches);
            progress.advance(1);
        }
        progress.finish();
        return diverged ? Double.NaN : accuracy(net, eval);
    }

    /**
     * Trains on one mini-batch; see {@link #fitEpoch(MultiLayerNetwork, List)} for how divergence is detected.
     *
     * @param net   the network
     * @param batch the mini-batch
     * @return true when the step completed, false when training diverged
     */
    public static boolean fit(MultiLayerNetwork net, DataSet batch) {
        try {
            net.fit(batch);
            return true;
        } catch (RuntimeException e) {
            if (finite(net) && activationsFinite(net, batch)) {
                throw e;
            }
            log.info("Training diverged at iteration {} (non-finite parameters or activations); run stopped: {}",
                    net.getIterationCount(), e.toString());
            return false;
        }
    }

    /**
     * Whether every activation of the network on {@code batch} is finite (inference mode).
     *
     * @param net   the network
     * @param batch the mini-batch
     * @return false when some layer's output has a NaN or an infinity
     */
    public static boolean activationsFinite(MultiLayerNetwork net, DataSet batch) {
        for (INDArray a : net.feedForward(batch.getFeatures(), false)) {
            if (a.isNaN().any() || a.isInfinite().any()) {
                return false;
            }
        }
        return true;
    }

    /**
     * Whether every parameter of the network is finite.
     *
     * @param net the network, a MultiLayerNetwork or a ComputationGraph
     * @return false once training has diverged to NaN or infinity
     */
    public static boolean finite(Model net) {
        INDArray p = net.params();
        return !p.isNaN().any() && !p.isInfinite().any();
    }

    /**
     * Classification accuracy on {@code data}, or {@code NaN} when the network diverged (non-finite parameters or
     * outputs): a diverged run has no accuracy, and must not be reported as one.
     *
     * @param net  the network, a MultiLayerNetwork or a single-output ComputationGraph
     * @param data the evaluation examples
     * @return the accuracy in [0, 1], or NaN for a diverged network
     */
    public static double accuracy(Model net, DataSet data) {
        if (!finite(net)) {
            return Double.NaN;
        }
        INDArray out = Models.output(net, data.getFeatures());
        if (out.isNaN().any() || out.isInfinite().any()) {
            return Double.NaN;
        }
        Evaluation eval = new Evaluation((int) data.getLabels().size(1));
        eval.eval(data.getLabels(), out);
        return eval.accuracy();
    }

    /**
     * An iterator over the given mini-batches, for {@code DeadReluAnalysis}.
     *
     * @param batches the mini-batches
     * @return a resettable iterator
     */
    public static ExistingDataSetIterator iterator(List<DataSet> batches) {
        return new ExistingDataSetIterator(batches);
    }

    /**
     * The layer widths of an MLP for log lines, {@code inputs-hidden...-classes}, e.g. {@code 784-100-100-10}.
     *
     * @param inputs  the input features
     * @param hidden  the hidden-layer widths
     * @param classes the classes
     * @return the text
     */
    public static String shape(int inputs, int[] hidden, int classes) {
        StringBuilder b = new StringBuilder().append(inputs);
        for (int h : hidden) {
            b.append('-').append(h);
        }
        return b.append('-').append(classes).toString();
    }

    /**
     * Formats an accuracy to 3 decimals, or "diverged" for NaN.
     *
     * @param accuracy the accuracy, or NaN
     * @return the text
     */
    public static String formatAccuracy(double accuracy) {
        return Double.isNaN(accuracy) ? "diverged" : String.format(Locale.ROOT, "%.3f", accuracy);
    }

    /**
     * Limits ND4J (its op threads and BLAS) to one thread: on the small arrays of these studies threads only add
     * overhead, and on a loaded 2-core machine ND4J's default threading made training several times slower.
     */
    public static void singleThreadedNd4j() {
        Nd4j.getEnvironment().setMaxThreads(1);
        Nd4j.getEnvironment().setMaxMasterThreads(1);
        Nd4j.factory().blas().setMaxThreads(1);
    }

    /**
     * Keeps the library's own per-run log lines (the dead-unit WARN, one line per re-initialisation) out of the
     * console of a study that trains many networks; the study reports the same facts in its table. Only the logback
     * level of the {@code io.github.deadrelu.listeners} logger is changed.
     */
    public static void quietListenerLog() {
        logLevel("io.github.deadrelu.listeners", Level.ERROR);
    }

    /**
     * Sets the logback level of one logger and those below it; nothing happens when SLF4J is not bound to logback.
     *
     * @param name  the logger name, for example {@code io.github.deadrelu}
     * @param level the level, for example {@code Level.WARN}
     */
    public static void logLevel(String name, Level level) {
        org.slf4j.Logger logger = LoggerFactory.getLogger(name);
        if (logger instanceof ch.qos.logback.classic.Logger) {
            ((ch.qos.logback.classic.Logger) logger).setLevel(level);
        }
    }

    /**
     * Runs independent training runs as {@link #runAll(List, int, Progress)} does, with a progress line
     * {@code "<task> (runs)"} of its own that is finished when all runs are.
     *
     * @param tasks   the runs
     * @param threads the number of threads, at least 1
     * @param task    the progress line's task name, for example {@code "remedies"}
     * @param <T>     the result type
     * @return the results, in the order of {@code tasks}
     * @throws IllegalArgumentException if {@code threads} is below 1
     * @throws IllegalStateException    if a run fails (its exception is the cause)
     */
    public static <T> List<T> runAll(List<Callable<T>> tasks, int threads, String task) {
        Progress progress = new Progress(task + " (runs)", tasks.size());
        List<T> results = runAll(tasks, threads, progress);
        progress.finish();
        return results;
    }

    /**
     * Runs independent training runs on {@code threads} threads (ND4J itself single-threaded, see
     * {@link #singleThreadedNd4j()}), advancing {@code progress} by one per finished run. Each run builds its own
     * network and ND4J random generators are per thread, so results do not depend on the number of threads.
     *
     * @param tasks    the runs
     * @param threads  the number of threads, at least 1
     * @param progress the progress line, advanced once per run
     * @param <T>      the result type
     * @return the results, in the order of {@code tasks}
     * @throws IllegalArgumentException if {@code threads} is below 1
     * @throws IllegalStateException    if a run fails (its exception is the cause)
     */
    public static <T> List<T> runAll(List<Callable<T>> tasks, int threads, Progress progress) {
        Checks.requireAtLeast("threads", threads, 1);
        ExecutorService pool = Executors.newFixedThreadPool(threads, r -> {
            Thread t = new Thread(r, "study-run");
            t.setDaemon(true);
            return t;
        });
        try {
            List<Future<T>> futures = new ArrayList<>();
            for (Callable<T> task : tasks) {
                futures.add(pool.submit(() -> {
                    singleThreadedNd4j();
                    T result = task.call();
                    progress.advance(1);
                    return result;
                }));
            }
            List<T> results = new ArrayList<>();
            for (Future<T> f : futures) {
                results.add(f.get());
            }
            return results;
        } catch (ExecutionException e) {
            throw new IllegalStateException("a training run failed: " + e.getCause(), e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        } finally {
            pool.shutdownNow();
        }
    }
}
