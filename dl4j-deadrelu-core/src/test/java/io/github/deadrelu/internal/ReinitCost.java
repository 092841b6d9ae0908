/*
 * SPDX-License-Identifier: Apache-2.0
 */
package io.github.deadrelu.internal;

import io.github.deadrelu.reinit.OutgoingWeights;
import io.github.deadrelu.reinit.ReinitPolicy;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import org.deeplearning4j.nn.conf.layers.FeedForwardLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.dataset.DataSet;

/**
 * Measures the cost of one re-initialisation event against one training step on the MLP 784-1024-1024-10 (batch
 * 128, Adam, CPU): the medians of several repetitions. Not a benchmark suite (that is JMH's job in the benchmarks
 * module); a quick check of the performance contract "at most half a training step per event". Units are
 * either the first n of a layer or spread over it ({@code i * 1024 / n}), as dead units are.
 *
 * <p>Run (after {@code mvn -o -pl dl4j-deadrelu-core test-compile}):
 * <pre>
 * java -cp dl4j-deadrelu-core/target/test-classes:dl4j-deadrelu-core/target/classes:$(cat cp.txt) \
 *     io.github.deadrelu.internal.ReinitCost [repetitions [units,... [layers,...]]]
 * </pre>
 * With {@code -Dreinitcost.json=<file>} the medians are also written to that file as a JSON array.
 */
public final class ReinitCost {

    private ReinitCost() {
    }

    /**
     * Prints the medians.
     *
     * @param args optional repetitions (default 15), then optionally the unit counts to run (comma-separated, default
     *             {@code 1,10,102,1024}) and the layer counts (default {@code 1,2})
     */
    public static void main(String[] args) {
        int reps = args.length > 0 ? Integer.parseInt(args[0]) : 15;
        int[] counts = args.length > 1 ? ints(args[1]) : new int[]{1, 10, 102, 1024};
        int[] layerCounts = args.length > 2 ? ints(args[2]) : new int[]{1, 2};
        CostFixture f = CostFixture.mlp();
        MultiLayerNetwork net = f.net;
        DataSet ds = f.batch;
        List<LayerSpec> specs = NetworkInspector.discover(net);
        List<String> json = new ArrayList<>();
        // Steps and events alternate, and each event is divided by the step just before it, so that the (shared,
        // noisy) machine load hits both alike; the median and range of those ratios are printed.
        for (OutgoingWeights o : OutgoingWeights.values()) {
            ReinitPolicy policy = ReinitPolicy.builder().outgoing(o).seed(3).build();
            for (int n : counts) {
                for (boolean spread : n == 1 || n == 1024 ? new boolean[]{false} : new boolean[]{false, true}) {
                    int[] units = new int[n];
                    for (int i = 0; i < n; i++) {
                        units[i] = spread ? (int) ((long) i * 1024 / n) : i;
                    }
                    for (int layers : layerCounts) {
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
                                spread ? "spread" : "contiguous", layers, CostFixture.median(ev),
                                CostFixture.median(step), CostFixture.median(ratio), sr[0], sr[sr.length - 1]);
                        json.add(String.format(Locale.ROOT, "  {\"outgoing\": \"%s\", \"units\": %d, \"layout\": "
                                        + "\"%s\", \"layers\": %d, \"repetitions\": %d, \"eventMedianMs\": %.3f, "
                                        + "\"stepMedianMs\": %.3f, \"ratioMedian\": %.4f, \"ratioMin\": %.4f, "
                                        + "\"ratioMax\": %.4f}", o, n, spread ? "spread" : "contiguous", layers, reps,
                                CostFixture.median(ev), CostFixture.median(step), CostFixture.median(ratio), sr[0],
                                sr[sr.length - 1]));
                    }
                }
            }
        }
        // The floor of a whole-layer event: the layers' own weight inits drawing every incoming weight (what the
        // event must draw), paired with steps the same way.
        for (int layers : layerCounts) {
            double[] ratio = new double[reps];
            for (int r = -2; r < reps; r++) {
                long t0 = System.nanoTime();
                net.fit(ds);
                long t1 = System.nanoTime();
                for (int l = 0; l < layers; l++) {
                    FeedForwardLayer c = (FeedForwardLayer) net.getLayer(l).conf().getLayer();
                    long[] shape = {c.getNIn(), c.getNOut()};
                    c.getWeightInitFn().init(c.getNIn(), c.getNOut(), shape, 'f',
                            Nd4j.createUninitialized(DataType.FLOAT, shape[0] * shape[1]));
                }
                long t2 = System.nanoTime();
                if (r >= 0) {
                    ratio[r] = (t2 - t1) / (double) (t1 - t0);
                }
            }
            double[] sr = ratio.clone();
            Arrays.sort(sr);
            System.out.printf(Locale.ROOT, "draws only (weight init, every incoming weight) x %d layer(s): ratio "
                    + "median %.2f (range %.2f-%.2f)%n", layers, CostFixture.median(ratio), sr[0], sr[sr.length - 1]);
            json.add(String.format(Locale.ROOT, "  {\"drawsOnly\": true, \"layers\": %d, \"repetitions\": %d, "
                    + "\"ratioMedian\": %.4f, \"ratioMin\": %.4f, \"ratioMax\": %.4f}", layers, reps,
                    CostFixture.median(ratio), sr[0], sr[sr.length - 1]));
        }
        String out = System.getProperty("reinitcost.json");
        if (out != null) {
            write(out, json);
        }
    }

    private static void write(String path, List<String> rows) {
        try {
            Files.writeString(Path.of(path), "[\n" + String.join(",\n", rows) + "\n]\n");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static int[] ints(String csv) {
        return Arrays.stream(csv.split(",")).mapToInt(Integer::parseInt).toArray();
    }
}
