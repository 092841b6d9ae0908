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
 * module); a quick check of the performance contract "at most one training step per event".
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
        // Steps and events alternate, so that the (shared, noisy) machine load hits both alike.
        for (OutgoingWeights o : OutgoingWeights.values()) {
            ReinitPolicy policy = ReinitPolicy.builder().outgoing(o).seed(3).build();
            for (int n : new int[]{1, 102, 1024}) {
                for (int layers : new int[]{1, 2}) {
                    int[] units = new int[n];
                    for (int i = 0; i < n; i++) {
                        units[i] = i;
                    }
                    double[] ev = new double[reps];
                    double[] step = new double[reps];
                    for (int r = -2; r < reps; r++) {
                        long t0 = System.nanoTime();
                        net.fit(ds);
                        long t1 = System.nanoTime();
                        Reinitializer.Event e = Reinitializer.event(net, policy, r);
                        for (int l = 0; l < layers; l++) {
                            e.add(specs.get(l), units, 1024);
                        }
                        e.commit();
                        long t2 = System.nanoTime();
                        if (r >= 0) {
                            step[r] = (t1 - t0) / 1e6;
                            ev[r] = (t2 - t1) / 1e6;
                        }
                    }
                    double m = median(ev);
                    double st = median(step);
                    System.out.printf(Locale.ROOT, "event %-4s %4d units x %d layer(s): median %7.2f ms; training step "
                            + "median %7.2f ms; ratio %.2f%n", o, n, layers, m, st, m / st);
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
