/*
 * SPDX-License-Identifier: Apache-2.0
 */
package io.github.deadrelu.benchmarks;

import io.github.deadrelu.conf.layers.GateMonitors;
import io.github.deadrelu.listeners.DeadReluListener;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Supplier;
import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.optimize.api.TrainingListener;
import org.deeplearning4j.ui.model.stats.StatsListener;
import org.deeplearning4j.ui.model.storage.InMemoryStatsStorage;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;

/**
 * What monitoring costs inside real training: a plain timed {@code main} (not JMH: it needs the callbacks' time of
 * the very steps it times, alternating variants in one process, and both ND4J thread counts in one command).
 *
 * <p>For each model (MLP 784-1024-1024-10 batch 128; LeNet-sized CNN batch 64; a ResNet-style ComputationGraph with
 * BatchNormalization and ActivationLayer(ReLU), batch 32; the MLP instrumented with {@code GateMonitors.instrument})
 * one network is trained with {@code fit(DataSet)} on 8 cycled random mini-batches, and the listener is swapped
 * between rounds of {@code steps} steps: no listener, {@code DeadReluListener} (monitor only, defaults), the naive
 * counting listener ({@link NaiveCountListener}) and DL4J's {@code StatsListener} into an
 * {@code InMemoryStatsStorage} (every iteration). One repeat runs the variants in palindromic (ABBA) order,
 * {@code v0 v1 .. vk vk .. v1 v0}, so a linear drift of the machine's speed cancels. The instrumented model
 * alternates two networks with the same initial parameters: the plain one without listener and the instrumented one
 * with {@code DeadReluListener}.
 *
 * <p>Per repeat and variant, two figures:
 * <ul>
 *   <li><b>share</b>: the time spent inside the listener's callbacks ({@link TimedListener}, {@code System.nanoTime}
 *       around every callback) divided by the time of the same steps (sums): what the listener costs a step,
 *       resolved far below the machine's noise;</li>
 *   <li><b>ratio</b>: the median step time of the variant divided by the median step time without a listener in the
 *       same repeat (end to end, for the instrumented network the figure of merit).</li>
 * </ul>
 * With one ND4J thread a third figure is robust to a loaded machine: <b>CPU share</b>, the training thread's CPU time
 * inside the callbacks divided by its CPU time over the same steps (time spent descheduled counts in neither; with
 * more ND4J threads the other threads' work is missing from both, so it is printed but not meaningful there), and
 * likewise <b>CPU ratio</b>, the median CPU time of a step with the variant over that without a listener.
 * Medians and ranges over the repeats are printed as a table and written, with every per-repeat value and the
 * machine load ({@code /proc/loadavg}) at each model's start and end, to a JSON file.
 *
 * <p>Every thread count runs in its own child JVM (ND4J reads {@code OMP_NUM_THREADS} once, at load): {@code 1} sets
 * {@code OMP_NUM_THREADS=1}, {@code default} removes it. Run (about 5 to 10 minutes):
 * <pre>
 * java -cp benchmarks/target/benchmarks.jar io.github.deadrelu.benchmarks.InTrainingBenchmark
 *      [--out benchmarks/results/intraining.json] [--threads 1,default] [--models MLP,CNN,RESNET,GATE_MONITOR]
 *      [--repeats 5] [--scale 1.0] [--warmup 5] [--jit 3]
 * </pre>
 * {@code --scale} multiplies the steps per round (more for a quieter answer, less for a quick look); {@code --warmup}
 * is the warm-up per variant in seconds (the listeners' Java code is interpreted for the first few hundred steps,
 * which a short run would measure instead of the steady state; {@code DeadReluListener}'s variants also warm up for
 * at least 300 steps, at most 20 seconds); {@code --jit} is how long the listener's callbacks first run on cached
 * arrays of a small MLP, so that the JIT has compiled them (the steady state of a long run) before the first model.
 *
 * <p>Why one class of this length: a plain {@code main} that is its own harness (parent and child JVMs, rounds in ABBA
 * order, the timed listener, the statistics and the table and JSON it writes), so the one command in
 * {@code benchmarks/README.md} is all a reader has to run and read.
 */
public final class InTrainingBenchmark {

    /** Mini-batches cycled through (a power of 2). */
    private static final int BATCHES = 8;
    /** Warm-up steps of a monitored variant at least (within {@link #MAX_WARMUP_SECONDS}). */
    private static final int MONITORED_WARMUP_STEPS = 300;
    /** Longest warm-up of one variant when its minimum of steps is not reached in the warm-up time. */
    private static final long MAX_WARMUP_SECONDS = 20;

    private InTrainingBenchmark() {
    }

    /** A listener configuration of one model. */
    private static final class Variant {
        final String name;
        final int network;
        final Supplier<TrainingListener> listener;

        Variant(String name, int network, Supplier<TrainingListener> listener) {
            this.name = name;
            this.network = network;
            this.listener = listener;
        }
    }

    /** A model: its networks (the instrumented case has two), data, variants, steps per round. */
    private static final class Case {
        final String name;
        final String description;
        final List<Model> nets;
        final DataSet[] data;
        final List<Variant> variants;
        final int steps;

        Case(String name, String description, List<Model> nets, DataSet[] data, List<Variant> variants, int steps) {
            this.name = name;
            this.description = description;
            this.nets = nets;
            this.data = data;
            this.variants = variants;
            this.steps = steps;
        }
    }

    /**
     * Runs the benchmark.
     *
     * @param args options, see the class comment
     * @throws Exception when a child JVM fails or the results cannot be written
     */
    public static void main(String[] args) throws Exception {
        Map<String, String> opt = options(args);
        if (opt.containsKey("child")) {
            child(opt);
            return;
        }
        Path out = Paths.get(opt.getOrDefault("out", "benchmarks/results/intraining-"
                + Instant.now().toString().replace(':', '-').replaceAll("\\..*", "") + ".json"));
        List<String> threadSettings = Arrays.asList(opt.getOrDefault("threads", "1,default").split(","));
        List<String> parts = new ArrayList<>();
        String java = Paths.get(System.getProperty("java.home"), "bin", "java").toString();
        for (String threads : threadSettings) {
            Path part = Files.createTempFile("intraining-" + threads + "-", ".json");
            List<String> cmd = new ArrayList<>(List.of(java, "-Xmx2g", "-cp", System.getProperty("java.class.path"),
                    InTrainingBenchmark.class.getName(), "--child", "--threads", threads, "--part", part.toString()));
            for (String k : List.of("models", "repeats", "scale", "warmup", "jit")) {
                if (opt.containsKey(k)) {
                    cmd.add("--" + k);
                    cmd.add(opt.get(k));
                }
            }
            ProcessBuilder pb = new ProcessBuilder(cmd).inheritIO();
            if (threads.equals("default")) {
                pb.environment().remove("OMP_NUM_THREADS");
            } else {
                pb.environment().put("OMP_NUM_THREADS", threads);
            }
            int rc = pb.start().waitFor();
            if (rc != 0) {
                throw new IllegalStateException("child JVM for threads=" + threads + " exited with " + rc);
            }
            parts.add(Files.readString(part, StandardCharsets.UTF_8));
            Files.delete(part);
        }
        StringBuilder json = new StringBuilder("{\n  \"benchmark\": \"InTrainingBenchmark\",\n");
        json.append("  \"date\": \"").append(Instant.now()).append("\",\n");
        json.append("  \"command\": \"").append(commandLine(args)).append("\",\n");
        json.append("  \"machine\": ").append(machine()).append(",\n");
        json.append("  \"runs\": [\n").append(String.join(",\n", parts)).append("\n  ]\n}\n");
        if (out.getParent() != null) {
            Files.createDirectories(out.getParent());
        }
        Files.writeString(out, json.toString(), StandardCharsets.UTF_8);
        System.out.println("results: " + out.toAbsolutePath());
    }

    // ------------------------------------------------------------------------------------------ one thread count

    private static void child(Map<String, String> opt) throws IOException {
        String threads = opt.get("threads");
        int repeats = Integer.parseInt(opt.getOrDefault("repeats", "5"));
        double scale = Double.parseDouble(opt.getOrDefault("scale", "1.0"));
        double warmupSeconds = Double.parseDouble(opt.getOrDefault("warmup", "5"));
        double jitSeconds = Double.parseDouble(opt.getOrDefault("jit", "3"));
        List<String> models = Arrays.asList(opt.getOrDefault("models", "MLP,CNN,RESNET,GATE_MONITOR").split(","));
        StringBuilder json = new StringBuilder();
        json.append("    {\"threads\": \"").append(threads).append("\", \"OMP_NUM_THREADS\": \"")
                .append(System.getenv().getOrDefault("OMP_NUM_THREADS", "")).append("\", \"warmupSecondsPerVariant\": ")
                .append(warmupSeconds).append(", \"jitPreWarmSeconds\": ").append(jitSeconds)
                .append(", \"nd4jMaxThreads\": ")
                .append(Nd4j.getEnvironment().maxThreads()).append(", \"nd4jMaxMasterThreads\": ")
                .append(Nd4j.getEnvironment().maxMasterThreads()).append(", \"repeats\": ").append(repeats)
                .append(", \"models\": [\n");
        List<String> table = new ArrayList<>();
        boolean firstModel = true;
        preWarmJit(jitSeconds);
        for (String m : models) {
            Case c = build(m, scale);
            String loadStart = loadavg();
            // Warm-up: every variant for warmupSeconds (JIT: the listeners' Java code runs interpreted for the first
            // few hundred steps; workspaces learning their sizes), then the measured repeats.
            for (Variant v : c.variants) {
                long start = System.nanoTime();
                long until = start + (long) (warmupSeconds * 1e9);
                // The monitored variants also get at least MONITORED_WARMUP_STEPS steps (the JIT compiles the
                // listener's per-unit loops after a few hundred calls), within MAX_WARMUP_SECONDS.
                boolean monitored = v.name.equals("DEAD_RELU") || v.name.equals("GATE_MONITOR");
                int minSteps = monitored ? MONITORED_WARMUP_STEPS : 0;
                int done = 0;
                do {
                    round(c, v, c.steps, 0);
                    done += c.steps;
                } while (System.nanoTime() < until
                        || done < minSteps && System.nanoTime() - start < MAX_WARMUP_SECONDS * 1_000_000_000L);
            }
            Map<String, List<double[]>> perRepeat = new LinkedHashMap<>();
            List<String> loads = new ArrayList<>();
            for (int r = 0; r < repeats; r++) {
                Map<String, List<long[]>> steps = new LinkedHashMap<>();
                List<Variant> order = new ArrayList<>(c.variants);
                List<Variant> rev = new ArrayList<>(c.variants);
                java.util.Collections.reverse(rev);
                order.addAll(rev);
                for (Variant v : order) {
                    steps.computeIfAbsent(v.name, k -> new ArrayList<>()).addAll(round(c, v, c.steps, r));
                }
                double baseMedian = medianStep(steps.get(c.variants.get(0).name));
                double baseCpuMedian = medianCol(steps.get(c.variants.get(0).name), 4);
                for (Variant v : c.variants) {
                    List<long[]> s = steps.get(v.name);
                    long stepSum = 0;
                    long cbSum = 0;
                    long fwSum = 0;
                    long itSum = 0;
                    long stepCpu = 0;
                    long cbCpu = 0;
                    for (long[] x : s) {
                        stepSum += x[0];
                        cbSum += x[1];
                        fwSum += x[2];
                        itSum += x[3];
                        stepCpu += x[4];
                        cbCpu += x[5];
                    }
                    double med = medianStep(s);
                    // {median step ms, mean callback us, share, ratio, mean onForwardPass us, mean iterationDone us,
                    //  CPU share (callbacks' CPU time / the steps' CPU time, training thread), CPU ratio (median step
                    //  CPU time / that without listener)}
                    perRepeat.computeIfAbsent(v.name, k -> new ArrayList<>()).add(new double[]{med / 1e6,
                            cbSum / 1e3 / s.size(), (double) cbSum / stepSum, med / baseMedian,
                            fwSum / 1e3 / s.size(), itSum / 1e3 / s.size(), (double) cbCpu / stepCpu,
                            medianCol(s, 4) / baseCpuMedian});
                }
                loads.add(loadavg());
            }
            String loadEnd = loadavg();
            if (!firstModel) {
                json.append(",\n");
            }
            firstModel = false;
            json.append("      {\"model\": \"").append(c.name).append("\", \"description\": \"").append(c.description)
                    .append("\", \"stepsPerRound\": ").append(c.steps).append(", \"loadStart\": \"").append(loadStart)
                    .append("\", \"loadEnd\": \"").append(loadEnd).append("\", \"loadPerRepeat\": ")
                    .append(strings(loads)).append(", \"variants\": [\n");
            boolean firstVariant = true;
            for (Map.Entry<String, List<double[]>> e : perRepeat.entrySet()) {
                List<double[]> rs = e.getValue();
                double[] step = col(rs, 0);
                double[] cb = col(rs, 1);
                double[] share = col(rs, 2);
                double[] ratio = col(rs, 3);
                if (!firstVariant) {
                    json.append(",\n");
                }
                firstVariant = false;
                json.append("        {\"variant\": \"").append(e.getKey()).append("\", \"stepMs\": ").append(arr(step))
                        .append(", \"callbackUsPerStep\": ").append(arr(cb))
                        .append(", \"onForwardPassUsPerStep\": ").append(arr(col(rs, 4)))
                        .append(", \"iterationDoneUsPerStep\": ").append(arr(col(rs, 5)))
                        .append(", \"cpuShare\": ").append(arr(col(rs, 6)))
                        .append(", \"cpuRatio\": ").append(arr(col(rs, 7))).append(", \"share\": ")
                        .append(arr(share)).append(", \"ratio\": ").append(arr(ratio))
                        .append(", \"median\": {\"stepMs\": ").append(num(median(step)))
                        .append(", \"callbackUsPerStep\": ").append(num(median(cb)))
                        .append(", \"share\": ").append(num(median(share)))
                        .append(", \"cpuShare\": ").append(num(median(col(rs, 6))))
                        .append(", \"cpuRatio\": ").append(num(median(col(rs, 7))))
                        .append(", \"ratio\": ").append(num(median(ratio))).append("}}");
                table.add(String.format(Locale.ROOT, "| %s | %s | %s | %.2f ms | %s | %s | %s | %s | %s | %s |", threads,
                        c.name, e.getKey(), median(step), median(cb) == 0 ? "-"
                                : String.format(Locale.ROOT, "%.0f us (forward %.0f, iterationDone %.0f)", median(cb),
                                median(col(rs, 4)), median(col(rs, 5))),
                        median(cb) == 0 ? "-" : pct(share), median(cb) == 0 ? "-" : pct(col(rs, 6)),
                        range(ratio, "%.3f"), range(col(rs, 7), "%.3f"), loadStart + " / " + loadEnd));
            }
            json.append("\n      ]}");
            System.err.println("[InTrainingBenchmark] threads=" + threads + " " + c.name + " done, load " + loadEnd);
        }
        json.append("\n    ]}");
        Files.writeString(Paths.get(opt.get("part")), json.toString(), StandardCharsets.UTF_8);
        System.out.println();
        System.out.println("| ND4J threads | model | variant | step (median) | in callbacks per step | share of the step "
                + "(median, range) | CPU share (median, range) | end-to-end ratio (median, range) | CPU ratio (median, "
                + "range) | load start / end |");
        System.out.println("|---|---|---|---|---|---|---|---|---|---|");
        table.forEach(System.out::println);
        System.out.println();
    }

    /**
     * Brings the listener's Java code to the JIT's steady state before anything is measured: its callbacks on the
     * cached activations of a small MLP (784-256-256-10, batch 32, the same dense-ReLU paths), for {@code seconds}.
     * A long training run reaches that state after a few thousand steps; without this the first model would be
     * measured with the listener's per-unit loops interpreted or compiled without optimisation (the first 100 steps
     * of the MLP cost about 3x the steady state).
     */
    private static void preWarmJit(double seconds) {
        if (seconds <= 0) {
            return;
        }
        MultiLayerNetwork net = Networks.mlp(256);
        DataSet ds = Networks.batch(32);
        List<org.nd4j.linalg.api.ndarray.INDArray> acts = new ArrayList<>(
                net.feedForward(ds.getFeatures(), true).subList(0, net.getnLayers()));
        DeadReluListener l = DeadReluListener.builder().frequency(0).build();
        long until = System.nanoTime() + (long) (seconds * 1e9);
        for (int it = 0; System.nanoTime() < until; it++) {
            l.onForwardPass(net, acts);
            l.iterationDone(net, it, 0);
        }
    }

    /**
     * Trains {@code steps} steps of one variant; returns {step ns, callback ns, onForwardPass ns, iterationDone ns,
     * step CPU ns, callback CPU ns} per step (CPU: of the training thread).
     */
    private static List<long[]> round(Case c, Variant v, int steps, int repeat) {
        Model net = c.nets.get(v.network);
        TrainingListener l = v.listener.get();
        TimedListener timed = l == null ? null : new TimedListener(l);
        setListener(net, timed);
        List<long[]> out = new ArrayList<>(steps);
        int start = (repeat * 977) & (BATCHES - 1);
        for (int i = 0; i < steps; i++) {
            DataSet ds = c.data[(start + i) & (BATCHES - 1)];
            long cb0 = timed == null ? 0 : timed.nanos();
            long fw0 = timed == null ? 0 : timed.forwardNanos();
            long it0 = timed == null ? 0 : timed.iterationDoneNanos();
            long cpu0 = timed == null ? 0 : timed.cpuNanos();
            long c0 = TimedListener.threadCpu();
            long t0 = System.nanoTime();
            if (net instanceof MultiLayerNetwork) {
                ((MultiLayerNetwork) net).fit(ds);
            } else {
                ((ComputationGraph) net).fit(ds);
            }
            long t1 = System.nanoTime();
            long c1 = TimedListener.threadCpu();
            out.add(timed == null ? new long[]{t1 - t0, 0, 0, 0, c1 - c0, 0} : new long[]{t1 - t0, timed.nanos() - cb0,
                    timed.forwardNanos() - fw0, timed.iterationDoneNanos() - it0, c1 - c0, timed.cpuNanos() - cpu0});
        }
        setListener(net, null);
        return out;
    }

    private static void setListener(Model net, TrainingListener l) {
        if (net instanceof MultiLayerNetwork) {
            if (l == null) {
                ((MultiLayerNetwork) net).setListeners();
            } else {
                ((MultiLayerNetwork) net).setListeners(l);
            }
        } else {
            if (l == null) {
                ((ComputationGraph) net).setListeners();
            } else {
                ((ComputationGraph) net).setListeners(l);
            }
        }
    }

    /**
     * The models. Listeners are created once per case and reused across rounds (as a user's listener lives through
     * training); the timing wrapper is new per round.
     */
    private static Case build(String model, double scale) {
        switch (model) {
            case "MLP": {
                MultiLayerNetwork net = Networks.mlp(1024);
                return new Case("MLP", "MLP 784-1024-1024-10, batch 128, Adam", List.of(net),
                        Networks.batches(128, BATCHES), standardVariants(), steps(20, scale));
            }
            case "CNN": {
                MultiLayerNetwork net = Networks.cnn();
                return new Case("CNN", "LeNet-sized CNN conv5x5x20-pool-conv5x5x50-pool-dense500-10, batch 64, Adam",
                        List.of(net), Networks.batches(64, BATCHES), standardVariants(), steps(6, scale));
            }
            case "RESNET": {
                ComputationGraph net = Networks.resnet();
                return new Case("RESNET", "ResNet-style ComputationGraph, stem + 2 residual blocks, 16 channels at "
                        + "14x14, conv-BatchNormalization-ActivationLayer(ReLU), batch 32, Adam", List.of(net),
                        Networks.batches(32, BATCHES), standardVariants(), steps(8, scale));
            }
            case "GATE_MONITOR": {
                MultiLayerNetwork plain = Networks.mlp(1024);
                MultiLayerNetwork instrumented = GateMonitors.instrument(plain.clone());
                DeadReluListener gm = DeadReluListener.builder().build();
                return new Case("GATE_MONITOR", "the MLP passed through GateMonitors.instrument, with "
                        + "DeadReluListener, against the plain MLP without listener", List.of(plain, instrumented),
                        Networks.batches(128, BATCHES), List.of(new Variant("NONE", 0, () -> null),
                        new Variant("GATE_MONITOR", 1, () -> gm)), steps(20, scale));
            }
            default:
                throw new IllegalArgumentException("model must be one of MLP, CNN, RESNET, GATE_MONITOR, got: " + model);
        }
    }

    private static List<Variant> standardVariants() {
        DeadReluListener dead = DeadReluListener.builder().build();
        NaiveCountListener naive = new NaiveCountListener();
        StatsListener stats = new StatsListener(new InMemoryStatsStorage(), 1);
        return List.of(new Variant("NONE", 0, () -> null), new Variant("DEAD_RELU", 0, () -> dead),
                new Variant("NAIVE_COUNT", 0, () -> naive), new Variant("STATS_LISTENER", 0, () -> stats));
    }

    private static int steps(int base, double scale) {
        return Math.max(2, (int) Math.round(base * scale));
    }

    // ------------------------------------------------------------------------------------------ helpers

    private static double medianStep(List<long[]> s) {
        return medianCol(s, 0);
    }

    private static double medianCol(List<long[]> s, int k) {
        double[] v = new double[s.size()];
        for (int i = 0; i < v.length; i++) {
            v[i] = s.get(i)[k];
        }
        return median(v);
    }

    private static double[] col(List<double[]> rs, int k) {
        double[] v = new double[rs.size()];
        for (int i = 0; i < v.length; i++) {
            v[i] = rs.get(i)[k];
        }
        return v;
    }

    static double median(double[] v) {
        double[] s = v.clone();
        Arrays.sort(s);
        int n = s.length;
        return n == 0 ? Double.NaN : n % 2 == 1 ? s[n / 2] : (s[n / 2 - 1] + s[n / 2]) / 2;
    }

    private static String pct(double[] share) {
        double[] s = share.clone();
        Arrays.sort(s);
        return String.format(Locale.ROOT, "%.2f%% (%.2f to %.2f)", 100 * median(share), 100 * s[0],
                100 * s[s.length - 1]);
    }

    private static String range(double[] v, String fmt) {
        double[] s = v.clone();
        Arrays.sort(s);
        return String.format(Locale.ROOT, fmt + " (" + fmt + " to " + fmt + ")", median(v), s[0], s[s.length - 1]);
    }

    private static String arr(double[] v) {
        StringBuilder sb = new StringBuilder("[");
        for (int i = 0; i < v.length; i++) {
            sb.append(i == 0 ? "" : ", ").append(num(v[i]));
        }
        return sb.append(']').toString();
    }

    private static String num(double v) {
        return Double.isFinite(v) ? String.format(Locale.ROOT, "%.6g", v) : "null";
    }

    private static String strings(List<String> v) {
        StringBuilder sb = new StringBuilder("[");
        for (int i = 0; i < v.size(); i++) {
            sb.append(i == 0 ? "" : ", ").append('"').append(v.get(i)).append('"');
        }
        return sb.append(']').toString();
    }

    /** The 1-, 5- and 15-minute load averages, as {@code uptime} prints them. */
    static String loadavg() {
        try {
            String[] f = Files.readString(Paths.get("/proc/loadavg")).trim().split("\\s+");
            return f[0] + " " + f[1] + " " + f[2];
        } catch (IOException | RuntimeException e) {
            return "unknown";
        }
    }

    private static String machine() {
        String cpu = "unknown";
        try {
            cpu = Files.readAllLines(Paths.get("/proc/cpuinfo")).stream().filter(l -> l.startsWith("model name"))
                    .findFirst().map(l -> l.replaceAll(".*:\\s*", "")).orElse("unknown");
        } catch (IOException | RuntimeException e) {
            // keep "unknown"
        }
        return "{\"cpus\": " + Runtime.getRuntime().availableProcessors() + ", \"cpu\": \"" + cpu.replace("\"", "")
                + "\", \"java\": \"" + System.getProperty("java.version") + "\", \"os\": \""
                + System.getProperty("os.name") + " " + System.getProperty("os.version") + "\"}";
    }

    private static String commandLine(String[] args) {
        return ("java -cp benchmarks/target/benchmarks.jar " + InTrainingBenchmark.class.getName() + " "
                + String.join(" ", args)).trim().replace("\"", "'");
    }

    private static Map<String, String> options(String[] args) {
        Map<String, String> m = new LinkedHashMap<>();
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            if (!a.startsWith("--")) {
                throw new IllegalArgumentException("arguments must be --option [value], got: " + a);
            }
            String k = a.substring(2);
            if (k.equals("child")) {
                m.put(k, "true");
            } else if (i + 1 < args.length) {
                m.put(k, args[++i]);
            } else {
                throw new IllegalArgumentException(a + " must be followed by a value");
            }
        }
        return m;
    }
}
