/*
 * SPDX-License-Identifier: Apache-2.0
 */
package io.github.deadrelu.examples.spark;

import io.github.deadrelu.reinit.ReinitPolicy;
import io.github.deadrelu.spark.DeadReluAggregator;
import io.github.deadrelu.stats.GateSnapshot;
import io.github.deadrelu.stats.LayerGates;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.weights.WeightInit;
import org.deeplearning4j.spark.api.RDDTrainingApproach;
import org.deeplearning4j.spark.impl.multilayer.SparkDl4jMultiLayer;
import org.deeplearning4j.spark.impl.paramavg.ParameterAveragingTrainingMaster;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Sgd;
import org.nd4j.linalg.lossfunctions.LossFunctions;

/**
 * Dead-ReLU monitoring and re-initialisation on Spark ({@code local[2]}, ParameterAveragingTrainingMaster), on
 * built-in synthetic data, plus the cost of the monitoring: the same training is timed without and with
 * {@link DeadReluAggregator}.
 *
 * <p>Run (from the project root; Spark needs the JDK 17 {@code --add-opens} flags, which the profile passes):
 * <pre>
 * mvn -B -q -pl dl4j-deadrelu-core,dl4j-deadrelu-spark -Pspark-example -DskipTests verify
 * </pre>
 * Arguments (optional): {@code epochs} (default 5), {@code repeats} (default 3).
 */
public final class SparkDeadReluExample {
    private static final int FEATURES = 20;
    private static final int CLASSES = 3;
    private static final int EXAMPLES = 2048;

    private SparkDeadReluExample() {
    }

    /**
     * Runs the example.
     *
     * @param args optional: epochs, repeats
     * @throws Exception when Spark fails
     */
    public static void main(String[] args) throws Exception {
        int epochs = args.length > 0 ? Integer.parseInt(args[0]) : 5;
        int repeats = args.length > 1 ? Integer.parseInt(args[1]) : 3;
        // Keep Spark's scratch files inside the build folder.
        Path local = Paths.get("target", "spark-example").toAbsolutePath();
        Files.createDirectories(local);
        SparkConf conf = new SparkConf().setMaster("local[2]").setAppName("dl4j-deadrelu-spark-example")
                .set("spark.driver.host", "127.0.0.1").set("spark.driver.bindAddress", "127.0.0.1")
                .set("spark.ui.enabled", "false").set("spark.local.dir", local.toString());
        try (JavaSparkContext sc = new JavaSparkContext(conf)) {
            JavaRDD<DataSet> data = sc.parallelize(syntheticData(EXAMPLES, 42), 2);

            // 1. Monitoring and re-initialisation: a learning rate high enough to kill ReLUs.
            System.out.println("== Training with DeadReluAggregator (Sgd lr 0.5) ==");
            SparkDl4jMultiLayer sparkNet = new SparkDl4jMultiLayer(sc, network(0.5, 1), master());
            // The two lines a Spark user adds:
            DeadReluAggregator dead = DeadReluAggregator.builder().frequency(0)
                    .reinitialize(ReinitPolicy.builder().maturity(10).build()).build().attach(sparkNet);
            for (int e = 0; e < epochs; e++) {
                sparkNet.fit(data);
                GateSnapshot s = dead.snapshot();
                Map<String, int[]> re = dead.reinitialize();
                System.out.println(String.format(Locale.ROOT, "epoch %d: %s; re-initialised: %s", e, describe(s),
                        describeReinit(re)));
            }

            // 2. Cost: the same training, timed per epoch, without and with the aggregator.
            System.out.println("== Cost per Spark epoch (local[2], " + EXAMPLES + " examples, MLP 20-32-16-3, "
                    + "batchSizePerWorker 32, averagingFrequency 4) ==");
            List<Double> without = new ArrayList<>();
            List<Double> with = new ArrayList<>();
            for (int r = 0; r < repeats; r++) {
                without.addAll(timeEpochs(sc, data, epochs, false));
                with.addAll(timeEpochs(sc, data, epochs, true));
            }
            System.out.println(String.format(Locale.ROOT, "without listener: median %.3f s/epoch (%s)",
                    median(without), without));
            System.out.println(String.format(Locale.ROOT, "with DeadReluAggregator: median %.3f s/epoch (%s)",
                    median(with), with));
            System.out.println(String.format(Locale.ROOT, "overhead: %+.1f%%",
                    100 * (median(with) / median(without) - 1)));
        }
    }

    private static List<Double> timeEpochs(JavaSparkContext sc, JavaRDD<DataSet> data, int epochs, boolean monitor) {
        SparkDl4jMultiLayer sparkNet = new SparkDl4jMultiLayer(sc, network(0.05, 7), master());
        if (monitor) {
            DeadReluAggregator.builder().frequency(0).build().attach(sparkNet);
        }
        List<Double> times = new ArrayList<>();
        sparkNet.fit(data);     // warm-up epoch, not timed
        for (int e = 0; e < epochs; e++) {
            long t0 = System.nanoTime();
            sparkNet.fit(data);
            times.add(Math.round((System.nanoTime() - t0) / 1e6) / 1e3);
        }
        return times;
    }

    private static double median(List<Double> xs) {
        double[] a = xs.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        return a.length % 2 == 1 ? a[a.length / 2] : (a[a.length / 2 - 1] + a[a.length / 2]) / 2;
    }

    private static ParameterAveragingTrainingMaster master() {
        // Direct: no export files outside the build folder.
        return new ParameterAveragingTrainingMaster.Builder(1).batchSizePerWorker(32).averagingFrequency(4)
                .workerPrefetchNumBatches(0).saveUpdater(true).rddTrainingApproach(RDDTrainingApproach.Direct)
                .build();
    }

    private static MultiLayerNetwork network(double lr, long seed) {
        MultiLayerConfiguration conf = new NeuralNetConfiguration.Builder().seed(seed).updater(new Sgd(lr))
                .weightInit(WeightInit.RELU).list()
                .layer(new DenseLayer.Builder().nIn(FEATURES).nOut(32).activation(Activation.RELU).build())
                .layer(new DenseLayer.Builder().nIn(32).nOut(16).activation(Activation.RELU).build())
                .layer(new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nIn(16).nOut(CLASSES)
                        .activation(Activation.SOFTMAX).build())
                .build();
        MultiLayerNetwork net = new MultiLayerNetwork(conf);
        net.init();
        return net;
    }

    /** Three Gaussian clusters in 20 dimensions, one example per DataSet. */
    private static List<DataSet> syntheticData(int n, long seed) {
        Random rnd = new Random(seed);
        double[][] centres = new double[CLASSES][FEATURES];
        for (double[] c : centres) {
            for (int j = 0; j < FEATURES; j++) {
                c[j] = rnd.nextGaussian() * 2;
            }
        }
        List<DataSet> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            int k = i % CLASSES;
            float[] f = new float[FEATURES];
            for (int j = 0; j < FEATURES; j++) {
                f[j] = (float) (centres[k][j] + rnd.nextGaussian());
            }
            float[] l = new float[CLASSES];
            l[k] = 1;
            out.add(new DataSet(Nd4j.create(f, 1, FEATURES), Nd4j.create(l, 1, CLASSES)));
        }
        return out;
    }

    private static String describe(GateSnapshot s) {
        StringBuilder sb = new StringBuilder("iteration " + s.iteration());
        for (LayerGates g : s.layers()) {
            sb.append(String.format(Locale.ROOT, "; %s %d/%d dead, closed %.1f%%", g.name(), g.deadUnits().length,
                    g.units(), 100 * g.closedShare()));
        }
        return sb.toString();
    }

    private static String describeReinit(Map<String, int[]> re) {
        if (re.isEmpty()) {
            return "none";
        }
        StringBuilder sb = new StringBuilder();
        re.forEach((k, v) -> sb.append(sb.length() == 0 ? "" : ", ").append(k).append(' ').append(Arrays.toString(v)));
        return sb.toString();
    }
}
