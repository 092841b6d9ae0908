/*
 * SPDX-License-Identifier: Apache-2.0
 */
package io.github.deadrelu.internal;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;

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
        CostFixture f = CostFixture.mlp();
        MultiLayerNetwork net = f.net;
        DataSet ds = f.batch;
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
                        + "%.4f-%.4f); outgoing sums %.4f of a step (range %.4f-%.4f)%n", CostFixture.median(step),
                CostFixture.median(grad), min(grad), max(grad), CostFixture.median(out), min(out), max(out));
    }


    private static double min(double[] a) {
        return Arrays.stream(a).min().orElse(Double.NaN);
    }

    private static double max(double[] a) {
        return Arrays.stream(a).max().orElse(Double.NaN);
    }
}
