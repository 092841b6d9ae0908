/*
 * SPDX-License-Identifier: Apache-2.0
 */
package io.github.deadrelu.internal;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.weights.WeightInit;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.lossfunctions.LossFunctions;

/**
 * Measures, on the MLP 784-1024-1024-10 (batch 128, Adam, CPU), the cost per iteration of the GraMa gradient scores
 * ({@link GradientScores}, both hidden layers) and of the outgoing sums of Continual Backprop's utility
 * ({@link OutgoingSums}, both hidden layers, topology kept) against one training step: medians of the per-repetition
 * ratios (each measurement divided by the step just before it). Not a benchmark suite; a quick check.
 *
 * <p>Run (after {@code mvn -o -pl dl4j-deadrelu-core test-compile}):
 * <pre>
 * java -cp dl4j-deadrelu-core/target/test-classes:dl4j-deadrelu-core/target/classes:$(cat cp.txt) \
 *     io.github.deadrelu.internal.ScoresCost [repetitions]
 * </pre>
 */
public final class ScoresCost {

    private ScoresCost() {
    }

    /**
     * Prints the medians.
     *
     * @param args optional repetitions (default 21)
     */
    public static void main(String[] args) {
        int reps = args.length > 0 ? Integer.parseInt(args[0]) : 21;
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
        INDArray labels = Nd4j.zeros(DataType.FLOAT, 128, 10);
        for (int i = 0; i < 128; i++) {
            labels.putScalar(i, i % 10, 1.0);
        }
        DataSet ds = new DataSet(Nd4j.rand(DataType.FLOAT, 128, 784), labels);
        for (int i = 0; i < 5; i++) {
            net.fit(ds);
        }
        List<LayerSpec> specs = NetworkInspector.discover(net);
        ModelTopology topo = ModelTopology.of(net);
        double[] grad = new double[reps];
        double[] out = new double[reps];
        double[] step = new double[reps];
        for (int r = -3; r < reps; r++) {
            long t0 = System.nanoTime();
            net.fit(ds);
            long t1 = System.nanoTime();
            Map<String, INDArray> g = net.gradient().gradientForVariable();
            for (LayerSpec s : specs) {
                GradientScores.of(net, g, s);
            }
            long t2 = System.nanoTime();
            for (LayerSpec s : specs) {
                OutgoingSums.of(topo, s, 1024);
            }
            long t3 = System.nanoTime();
            if (r >= 0) {
                step[r] = (t1 - t0) / 1e6;
                grad[r] = (t2 - t1) / (double) (t1 - t0);
                out[r] = (t3 - t2) / (double) (t1 - t0);
            }
        }
        System.out.printf(Locale.ROOT, "step median %.2f ms; gradient scores %.4f of a step (median; range "
                        + "%.4f-%.4f); outgoing sums %.4f of a step (range %.4f-%.4f)%n", median(step), median(grad),
                min(grad), max(grad), median(out), min(out), max(out));
    }

    private static double median(double[] a) {
        double[] s = a.clone();
        Arrays.sort(s);
        return s.length % 2 == 1 ? s[s.length / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
    }

    private static double min(double[] a) {
        return Arrays.stream(a).min().orElse(Double.NaN);
    }

    private static double max(double[] a) {
        return Arrays.stream(a).max().orElse(Double.NaN);
    }
}
