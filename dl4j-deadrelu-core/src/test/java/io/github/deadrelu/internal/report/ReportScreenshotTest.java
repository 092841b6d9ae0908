/*
 * SPDX-License-Identifier: Apache-2.0
 */
package io.github.deadrelu.internal.report;

import ch.qos.logback.classic.Level;
import io.github.deadrelu.listeners.DeadReluListener;
import io.github.deadrelu.reinit.ReinitPolicy;
import io.github.deadrelu.stats.GateSnapshot;
import io.github.deadrelu.testutil.LogCapture;
import io.github.deadrelu.testutil.Nets;
import io.github.deadrelu.testutil.Planted;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.weights.WeightInit;
import org.jsoup.Jsoup;
import org.jsoup.nodes.Document;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.learning.config.Sgd;
import org.nd4j.linalg.lossfunctions.LossFunctions;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Renders the report of a real run and takes its screenshot for the README: a planted MLP 16-48-32-4 trained with the
 * public listener API, re-initialised by a {@link ReinitPolicy}; its snapshots (one per iteration) and its WARN lines
 * go into a {@link ReportState}; the report is written with {@link ReportWriter}; {@code tools/screenshot.sh}
 * (headless Chromium) renders it to {@code docs/report.png}.
 *
 * <p>Runs only in the {@code screenshots} profile ({@code mvn -pl dl4j-deadrelu-core -Pscreenshots test}), which
 * sets {@code deadrelu.screenshots} to the project's root directory.
 */
@EnabledIfSystemProperty(named = "deadrelu.screenshots", matches = ".+")
class ReportScreenshotTest {
    static final int ITERATIONS = 3000;
    static final int BATCH = 32;
    static final double LR = Double.parseDouble(System.getProperty("deadrelu.demo.lr", "0.05"));
    static final double SPIKE_LR = Double.parseDouble(System.getProperty("deadrelu.demo.spike", "1.0"));
    static final int SPIKE_FROM = 1500;
    static final int SPIKE_TO = 1510;

    static MultiLayerNetwork plantedNet() {
        MultiLayerConfiguration conf = new NeuralNetConfiguration.Builder().seed(42).dataType(DataType.FLOAT)
                .updater(new Sgd(LR)).weightInit(WeightInit.RELU).list()
                .layer(new DenseLayer.Builder().name("hidden0").nIn(16).nOut(48).activation(Activation.RELU).build())
                .layer(new DenseLayer.Builder().name("hidden1").nIn(48).nOut(32).activation(Activation.RELU).build())
                .layer(new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).name("out").nIn(32).nOut(4)
                        .activation(Activation.SOFTMAX).build())
                .build();
        MultiLayerNetwork net = Nets.init(conf);
        // planted: units 0..7 of hidden0 and 0..2 of hidden1 closed on every (non-negative) input; the rest as drawn
        int[] dead0 = {0, 1, 2, 3, 4, 5, 6, 7};
        int[] dead1 = {0, 1, 2};
        Planted.denseWeights(net.getLayer(0), -0.2, dead0);
        Planted.bias(net.getLayer(0), Planted.DEAD_BIAS, dead0);
        Planted.denseWeights(net.getLayer(1), -0.2, dead1);
        Planted.bias(net.getLayer(1), Planted.DEAD_BIAS, dead1);
        return net;
    }

    @Test
    @Timeout(value = 15, unit = TimeUnit.MINUTES)
    void demoReport_screenshot() throws IOException, InterruptedException {
        Path root = Path.of(System.getProperty("deadrelu.screenshots")).toAbsolutePath();
        Path html = root.resolve("dl4j-deadrelu-core/target/report-demo/REPORT.html");
        Files.createDirectories(html.getParent());
        MultiLayerNetwork net = plantedNet();
        ReinitPolicy policy = ReinitPolicy.builder().every(600).maturity(100).seed(3).build();
        DeadReluListener listener = DeadReluListener.builder().deadAfterExamples(8 * BATCH).frequency(500)
                .reinitialize(policy).build();
        net.setListeners(listener);
        List<DataSet> batches = new ArrayList<>();
        for (int b = 0; b < 8; b++) {
            batches.add(Planted.data(BATCH, new long[]{16}, 4, 100 + b));
        }
        ReportState state = new ReportState();
        state.header(ReportHeader.of(net, listener.toString(), policy.toString()));
        ReportWriter writer = new ReportWriter(html);
        try (LogCapture logs = LogCapture.of(DeadReluListener.class)) {
            int warned = 0;
            for (int it = 0; it < ITERATIONS; it++) {
                // a learning-rate spike (a misconfigured warm-up, say) kills units in the middle of the run
                net.setLearningRate(it >= SPIKE_FROM && it < SPIKE_TO ? SPIKE_LR : LR);
                net.fit(batches.get(it % batches.size()));
                GateSnapshot s = listener.snapshot();
                state.record(s);
                List<String> warns = logs.messages(Level.WARN);
                for (; warned < warns.size(); warned++) {
                    state.warn(warns.get(warned));
                }
                if ((it + 1) % 500 == 0) {
                    assertTrue(writer.write(state));
                }
            }
        }
        listener.close();
        assertTrue(writer.write(state));
        Document doc = Jsoup.parse(html.toFile(), "UTF-8");
        assertEquals(List.of("hidden0", "hidden1"), doc.select("section.layer").eachAttr("data-layer"));
        Path png = root.resolve("docs/report.png");
        Process p = new ProcessBuilder(root.resolve("tools/screenshot.sh").toString(), html.toString(),
                png.toString(), System.getProperty("deadrelu.screenshot.size", "1280x1800"))
                .inheritIO().start();
        assertTrue(p.waitFor(5, TimeUnit.MINUTES), "screenshot timed out");
        assertEquals(0, p.exitValue(), "tools/screenshot.sh failed");
        assertTrue(Files.size(png) > 10_000, "PNG too small: " + Files.size(png));
    }
}
