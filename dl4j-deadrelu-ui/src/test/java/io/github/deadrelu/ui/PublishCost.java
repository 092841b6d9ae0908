/*
 * SPDX-License-Identifier: Apache-2.0
 */
package io.github.deadrelu.ui;

import io.github.deadrelu.listeners.DeadReluListener;
import java.io.File;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.weights.WeightInit;
import org.deeplearning4j.optimize.api.TrainingListener;
import org.deeplearning4j.ui.model.storage.FileStatsStorage;
import org.deeplearning4j.ui.model.stats.StatsListener;
import org.deeplearning4j.ui.model.storage.InMemoryStatsStorage;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.lossfunctions.LossFunctions;

/**
 * Measures what publishing to the UI adds per iteration, on an MLP 784-256-256-10 (batch 64, Adam, CPU): the time
 * spent in {@code iterationDone} of the core {@code DeadReluListener} alone, of {@code DeadReluStatsListener} (which
 * calls the same listener, then publishes) to an {@code InMemoryStatsStorage} and to a {@code FileStatsStorage}, and,
 * for scale, of DL4J's own {@code StatsListener} on a {@code FileStatsStorage}. Each is the mean per call over 200
 * iterations (so the records put every 500 ms count), median over several runs, in wall and thread-CPU time (CPU time
 * is what a loaded machine does not blur). Not a benchmark suite; a quick check for the module README.
 *
 * <p>Run (after {@code mvn -o -pl dl4j-deadrelu-ui -am test-compile dependency:build-classpath
 * -Dmdep.outputFile=/tmp/ui-cp.txt -Dmdep.includeScope=test}):
 * <pre>
 * java -cp dl4j-deadrelu-ui/target/test-classes:dl4j-deadrelu-ui/target/classes:$(cat /tmp/ui-cp.txt) \
 *     io.github.deadrelu.ui.PublishCost [runs]
 * </pre>
 */
public final class PublishCost {
    private static final int STEPS = 200;
    private static final ThreadMXBean CPU = ManagementFactory.getThreadMXBean();

    private PublishCost() {
    }

    /** Forwards every callback and records the wall and CPU nanoseconds of each {@code iterationDone}. */
    private static final class Timed extends ForwardingListener {
        final TrainingListener inner;
        final long[] wall = new long[STEPS];
        final long[] cpu = new long[STEPS];
        int n;
        boolean on;

        Timed(TrainingListener inner) {
            super(inner);
            this.inner = inner;
        }

        @Override
        public void iterationDone(Model model, int iteration, int epoch) {
            long w = System.nanoTime();
            long c = CPU.getCurrentThreadCpuTime();
            inner.iterationDone(model, iteration, epoch);
            if (on) {
                cpu[n] = CPU.getCurrentThreadCpuTime() - c;
                wall[n++] = System.nanoTime() - w;
            }
        }
    }

    /**
     * Prints the medians of each variant.
     *
     * @param args optional number of runs (default 5)
     * @throws Exception when the file storage cannot be created
     */
    public static void main(String[] args) throws Exception {
        int runs = args.length > 0 ? Integer.parseInt(args[0]) : 5;
        Nd4j.getRandom().setSeed(1);
        INDArray labels = Nd4j.zeros(DataType.FLOAT, 64, 10);
        for (int i = 0; i < 64; i++) {
            labels.putScalar(i, i % 10, 1.0);
        }
        DataSet batch = new DataSet(Nd4j.rand(DataType.FLOAT, 64, 784), labels);
        File dir = Files.createTempDirectory("publish-cost").toFile();
        String[] names = {"core listener", "+ InMemoryStatsStorage", "+ FileStatsStorage",
            "DL4J StatsListener, file"};
        int variants = names.length;
        double[][] wall = new double[variants][runs];
        double[][] cpu = new double[variants][runs];
        double[] step = new double[runs];
        for (int r = 0; r < runs; r++) {
            FileStatsStorage storage = new FileStatsStorage(new File(dir, "run" + r + ".dl4j"));
            FileStatsStorage dl4j = new FileStatsStorage(new File(dir, "stats" + r + ".dl4j"));
            TrainingListener[] ls = {quiet(), new DeadReluStatsListener(new InMemoryStatsStorage(), quiet()),
                    new DeadReluStatsListener(storage, quiet()), new StatsListener(dl4j)};
            for (int v = 0; v < variants; v++) {
                Timed t = new Timed(ls[v]);
                double s = run(batch, t);
                wall[v][r] = mean(t.wall) / 1e3;
                cpu[v][r] = mean(t.cpu) / 1e3;
                if (v == 0) {
                    step[r] = s;
                }
            }
            storage.close();
            dl4j.close();
        }
        System.out.printf(Locale.ROOT, "MLP 784-256-256-10, batch 64: one training step with the core listener %.2f ms "
                + "(median of %d runs)%n", median(step), runs);
        for (int v = 0; v < variants; v++) {
            System.out.printf(Locale.ROOT, "iterationDone, %-24s wall %8.1f us, cpu %8.1f us "
                    + "(median over runs of the mean per call)%n", names[v], median(wall[v]), median(cpu[v]));
        }
    }

    private static DeadReluListener quiet() {
        return DeadReluListener.builder().logReports(false).build();
    }

    /** Trains 20 warm-up and {@link #STEPS} timed iterations; returns the mean ms per timed step. */
    private static double run(DataSet batch, Timed listener) {
        MultiLayerNetwork net = new MultiLayerNetwork(new NeuralNetConfiguration.Builder().seed(7)
                .dataType(DataType.FLOAT).updater(new Adam(1e-3)).weightInit(WeightInit.RELU).list(
                        new DenseLayer.Builder().nIn(784).nOut(256).activation(Activation.RELU).build(),
                        new DenseLayer.Builder().nIn(256).nOut(256).activation(Activation.RELU).build(),
                        new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nIn(256).nOut(10)
                                .activation(Activation.SOFTMAX).build())
                .build());
        net.init();
        net.addListeners(listener);
        for (int i = 0; i < 20; i++) {
            net.fit(batch);
        }
        listener.on = true;
        long t0 = System.nanoTime();
        for (int i = 0; i < STEPS; i++) {
            net.fit(batch);
        }
        return (System.nanoTime() - t0) / 1e6 / STEPS;
    }

    private static double mean(long[] v) {
        return Arrays.stream(v).average().orElse(0);
    }

    private static double median(double[] v) {
        double[] s = v.clone();
        Arrays.sort(s);
        return s.length % 2 == 1 ? s[s.length / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
    }
}
