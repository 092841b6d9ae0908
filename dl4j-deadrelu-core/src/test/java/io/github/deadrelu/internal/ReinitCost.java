/*
 * SPDX-License-Identifier: Apache-2.0
 */
package io.github.deadrelu.internal;

import io.github.deadrelu.reinit.OutgoingWeights;
import io.github.deadrelu.reinit.ReinitPolicy;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.weights.WeightInit;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.lossfunctions.LossFunctions;

/**
 * Measures the cost of one re-initialisation event against one training step on the MLP 784-1024-1024-10 (batch
 * 128, Adam, CPU): the medians of several repetitions. Not a benchmark suite (that is JMH's job in the benchmarks
 * module); a quick check of the performance contract "at most half a training step per event". Units are
 * either the first n of a layer or spread over it ({@code i * 1024 / n}), as dead units are.
 *
 * <p>Run (after {@code mvn -o -pl dl4j-deadrelu-core test-compile}):
 * <pre>
 * java -cp dl4j-deadrelu-core/target/test-classes:dl4j-deadrelu-core/target/classes:$(cat cp.txt) \
 *     io.github.deadrelu.internal.ReinitCost [repetitions]
 * </pre>
 */
public final class ReinitCost {

    private ReinitCost() {
    }

    /**
     * Prints the medians.
     *
     * @param args optional repetitions (default 15)
     */
    public static void main(String[] args) {
        int reps = args.length > 0 ? Integer.parseInt(args[0]) : 15;
        MultiLayerConfiguration conf = new NeuralNetConfiguration.Builder().seed(1).updater(new Adam(1e-3))
                .weightInit(WeightInit.RELU).list()
                .layer(new DenseLayer.Builder().nIn(784).nOut(1024).activation(Activation.RELU).build())
                .layer(new DenseLayer.Builder().nIn(1024).nOut(1024).activation(Activation.RELU).build())
                .layer(new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nIn(1024).nOut(10)
                        .activation(Activation.SOFTMAX).build())
                .build();
        MultiLayerNetwork net = new MultiLayerNetwork(conf);
        net.init();
        Nd4j.getRandom().setSeed(2);
        INDArrayPair d = new INDArrayPair(Nd4j.rand(DataType.FLOAT, 128, 784), Nd4j.zeros(DataType.FLOAT, 128, 10));
        for (int i = 0; i < 128; i++) {
            d.labels.putScalar(i, i % 10, 1.0);
        }
        DataSet ds = new DataSet(d.features, d.labels);
        for (int i = 0; i < 5; i++) {
            net.fit(ds);
        }
        List<LayerSpec> specs = NetworkInspector.discover(net);
        // Steps and events alternate, and each event is divided by the step just before it, so that the (shared,
        // noisy) machine load hits both alike; the median and range of those ratios are printed.
        for (OutgoingWeights o : OutgoingWeights.values()) {
            ReinitPolicy policy = ReinitPolicy.builder().outgoing(o).seed(3).build();
            for (int n : new int[]{1, 10, 102, 1024}) {
                for (boolean spread : n == 1 || n == 1024 ? new boolean[]{false} : new boolean[]{false, true}) {
                    int[] units = new int[n];
                    for (int i = 0; i < n; i++) {
                        units[i] = spread ? (int) ((long) i * 1024 / n) : i;
                    }
                    for (int layers : new int[]{1, 2}) {
                        double[] ev = new double[reps];
                        double[] step = new double[reps];
                        double[] ratio = new double[reps];
                        for (int r = -2; r < reps; r++) {
                            long t0 = System.nanoTime();
                            net.fit(ds);
                            long t1 = System.nanoTime();
                            Reinitializer.Event e = Reinitializer.event(net, policy, r);
                            for (int l = 0; l < layers; l++) {
                                e.add(specs.get(l), units, 1024);
                            }
                            if (!e.commit().ok()) {
                                throw new IllegalStateException("commit failed");
                            }
                            long t2 = System.nanoTime();
                            if (r >= 0) {
                                step[r] = (t1 - t0) / 1e6;
                                ev[r] = (t2 - t1) / 1e6;
                                ratio[r] = ev[r] / step[r];
                            }
                        }
                        double[] sr = ratio.clone();
                        Arrays.sort(sr);
                        System.out.printf(Locale.ROOT, "event %-4s %4d units %-10s x %d layer(s): median %7.2f ms; "
                                        + "step median %7.2f ms; ratio median %.2f (range %.2f-%.2f)%n", o, n,
                                spread ? "spread" : "contiguous", layers, median(ev), median(step), median(ratio),
                                sr[0], sr[sr.length - 1]);
                    }
                }
            }
        }
    }

    private static double median(double[] a) {
        double[] s = a.clone();
        Arrays.sort(s);
        return s.length % 2 == 1 ? s[s.length / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
    }

    private static final class INDArrayPair {
        final org.nd4j.linalg.api.ndarray.INDArray features;
        final org.nd4j.linalg.api.ndarray.INDArray labels;

        INDArrayPair(org.nd4j.linalg.api.ndarray.INDArray features, org.nd4j.linalg.api.ndarray.INDArray labels) {
            this.features = features;
            this.labels = labels;
        }
    }
}
