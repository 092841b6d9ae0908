/*
 * SPDX-License-Identifier: Apache-2.0
 */
package io.github.deadrelu.internal.report;

import io.github.deadrelu.stats.GateSnapshot;
import io.github.deadrelu.stats.LayerGates;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.OptionalDouble;
import java.util.SplittableRandom;
import java.util.stream.IntStream;

/**
 * Measures what the HTML report costs: {@link ReportState#record} per snapshot, and one write (render + atomic
 * write) after 10,000 iterations of a 2-layer MLP (784-1024-1024-10: two gated layers of 1,024 units) and of a
 * 10-layer network (ten gated layers of 256 units), the medians of several repetitions. The snapshots are synthetic
 * and busy on purpose (dead sets change every 100 iterations, re-initialisation every 1,000, a non-finite iteration
 * now and then), so the heat maps hold many distinct cells: a worst case for the page size.
 *
 * <p>Run (after {@code mvn -o -pl dl4j-deadrelu-core test-compile}):
 * <pre>
 * java -cp dl4j-deadrelu-core/target/test-classes:dl4j-deadrelu-core/target/classes:$(cat cp.txt) \
 *     io.github.deadrelu.internal.report.ReportCost [repetitions]
 * </pre>
 */
public final class ReportCost {
    private ReportCost() {
    }

    /**
     * Runs the measurement and prints one line per network.
     *
     * @param args optional repetitions (default 21)
     * @throws IOException when the temporary directory cannot be made
     */
    public static void main(String[] args) throws IOException {
        int reps = args.length > 0 ? Integer.parseInt(args[0]) : 21;
        Path dir = Files.createTempDirectory("report-cost");
        measure("MLP 784-1024-1024-10 (2 gated layers x 1024 units)", new int[]{1024, 1024}, 10_000, reps, dir);
        measure("10 gated layers x 256 units", IntStream.generate(() -> 256).limit(10).toArray(), 10_000, reps, dir);
        measure("MLP 784-1024-1024-10 (2 gated layers x 1024 units)", new int[]{1024, 1024}, 100_000, reps, dir);
    }

    private static void measure(String label, int[] widths, int iterations, int reps, Path dir) throws IOException {
        List<List<LayerGates>> variants = variants(widths, 64);
        ReportState state = new ReportState();
        state.header(new ReportHeader("MultiLayerNetwork", widths.length + 1, 1_863_690, "DeadReluListener(...)",
                "ReinitPolicy(every=1000, maturity=100)"));
        long t0 = System.nanoTime();
        for (int it = 0; it < iterations; it++) {
            List<LayerGates> layers = variants.get((it / 100) % variants.size());
            if (it % 1000 == 999 || it % 3333 == 0) {
                layers = flagged(layers, it % 1000 == 999, it % 3333 == 0);
            }
            state.record(new GateSnapshot(it, it / 1000, layers));
        }
        double recordNs = (System.nanoTime() - t0) / (double) iterations;
        Path html = dir.resolve("report.html");
        ReportWriter writer = new ReportWriter(html);
        double[] render = new double[reps];
        double[] write = new double[reps];
        for (int r = 0; r < reps; r++) {
            long a = System.nanoTime();
            String page = HtmlReport.render(state);
            long b = System.nanoTime();
            if (!writer.write(state) || page.isEmpty()) {
                throw new IllegalStateException("write failed");
            }
            long c = System.nanoTime();
            render[r] = (b - a) / 1e6;
            write[r] = (c - b) / 1e6;
        }
        System.out.printf(Locale.ROOT, "%s, %,d iterations: record %.2f us/snapshot; render %.1f ms, write "
                        + "(render + atomic write) %.1f ms (medians of %d); page %,d bytes%n", label, iterations,
                recordNs / 1000, median(render), median(write), reps, Files.size(html));
    }

    /** Snapshots with slowly changing dead sets (5 to 25% of the units), seeded. */
    private static List<List<LayerGates>> variants(int[] widths, int count) {
        SplittableRandom rnd = new SplittableRandom(1);
        List<List<LayerGates>> out = new ArrayList<>();
        for (int v = 0; v < count; v++) {
            List<LayerGates> layers = new ArrayList<>();
            for (int l = 0; l < widths.length; l++) {
                int units = widths[l];
                double p = 0.05 + 0.2 * rnd.nextDouble();
                int[] dead = IntStream.range(0, units).filter(u -> rnd.nextDouble() < p).toArray();
                double closed = 0.4 + 0.3 * rnd.nextDouble();
                layers.add(new LayerGates("layer" + l, l, units, closed, closed, dead, 1, 1, 0, 0, l > 0,
                        OptionalDouble.empty(), new double[0], false));
            }
            out.add(layers);
        }
        return out;
    }

    private static List<LayerGates> flagged(List<LayerGates> layers, boolean reinit, boolean nonFinite) {
        List<LayerGates> out = new ArrayList<>();
        for (LayerGates g : layers) {
            out.add(new LayerGates(g.name(), g.index(), g.units(), g.closedShare(), g.negativeShare(),
                    reinit ? new int[0] : g.deadUnits(), 0, 0, reinit ? g.deadUnits().length : 0, nonFinite ? 7 : 0,
                    g.recoverable(), OptionalDouble.empty(), new double[0], false));
        }
        return out;
    }

    private static double median(double[] v) {
        double[] s = v.clone();
        Arrays.sort(s);
        return s[s.length / 2];
    }
}
