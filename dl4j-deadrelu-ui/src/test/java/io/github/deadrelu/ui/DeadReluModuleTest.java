/*
 * SPDX-License-Identifier: Apache-2.0
 */
package io.github.deadrelu.ui;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.deadrelu.listeners.DeadReluListener;
import io.github.deadrelu.reinit.ReinitPolicy;
import io.github.deadrelu.stats.GateSnapshot;
import io.github.deadrelu.testutil.Nets;
import io.vertx.core.json.JsonObject;
import java.io.File;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.deeplearning4j.core.storage.StatsStorageRouter;
import org.deeplearning4j.core.storage.impl.RemoteUIStatsStorageRouter;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.ui.VertxUIServer;
import org.deeplearning4j.ui.model.storage.FileStatsStorage;
import org.deeplearning4j.ui.model.storage.InMemoryStatsStorage;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.dataset.DataSet;

/** The /deadrelu page and /deadrelu/data route, served by DL4J's own UI server on a free loopback port. */
class DeadReluModuleTest {
    private static final int ITERATIONS = 100;

    /** The storage of the test (a fresh one per test). */
    private final InMemoryStatsStorage storage = new InMemoryStatsStorage();

    @AfterEach
    void stop() throws Exception {
        UiFixture.stopServer();
    }

    /** The core listener that watches the same run independently (the reference numbers). */
    private static DeadReluListener reference() {
        return DeadReluListener.builder().historySize(10_000).logReports(false).build();
    }

    /**
     * Trains a planted network {@link #ITERATIONS} iterations with a {@link DeadReluStatsListener} publishing to
     * {@code router} (flushed at the end) beside a {@link #reference()} listener.
     *
     * @return the reference listener
     */
    private static DeadReluListener trainPublishing(StatsStorageRouter router, long seed) {
        MultiLayerNetwork net = UiFixture.plantedNet(seed);
        DeadReluListener core = reference();
        DeadReluStatsListener stats = new DeadReluStatsListener(router);
        net.addListeners(stats, core);
        UiFixture.train(net, ITERATIONS);
        stats.flush();
        return core;
    }

    @Test
    @Timeout(120)
    void data_inMemoryStorage_equalsCoreSnapshots() throws Exception {
        VertxUIServer ui = UiFixture.startServer(storage);
        MultiLayerNetwork net = UiFixture.plantedNet(11);
        DeadReluListener core = reference();
        DeadReluStatsListener stats = new DeadReluStatsListener(storage);
        net.addListeners(stats, core);

        UiFixture.train(net, ITERATIONS / 2);
        stats.flush();
        JsonObject live = UiFixture.onlySession(UiFixture.data(ui));
        UiFixture.assertSessionEquals(core.history(), live);   // while training: what is there so far
        UiFixture.train(net, ITERATIONS - ITERATIONS / 2);
        stats.flush();

        List<GateSnapshot> history = core.history();
        assertEquals(ITERATIONS, history.size());
        JsonObject session = UiFixture.onlySession(UiFixture.data(ui));
        assertEquals(stats.sessionID(), session.getString("id"));
        UiFixture.assertSessionEquals(history, session);
        // the plant: 2 of 6 and 1 of 5 units dead once 1024 examples (64 iterations of 16) have passed
        JsonObject layer0 = session.getJsonArray("layers").getJsonObject(0);
        assertEquals("layer0", layer0.getString("name"));
        assertEquals(6, layer0.getInteger("units"));
        assertEquals(2.0 / 6, layer0.getJsonArray("deadFraction").getDouble(ITERATIONS - 1));
        assertEquals(0.0, layer0.getJsonArray("deadFraction").getDouble(0));
    }

    @Test
    @Timeout(120)
    void data_computationGraph_equalsCoreSnapshots() throws Exception {
        VertxUIServer ui = UiFixture.startServer(storage);
        ComputationGraph net = UiFixture.plantedNet(15).toComputationGraph();
        DeadReluListener core = reference();
        DeadReluStatsListener stats = new DeadReluStatsListener(storage);
        net.addListeners(stats, core);
        List<DataSet> batches = Nets.mlpData(64, 3).batchBy(16);
        for (int i = 0; i < ITERATIONS; i++) {
            net.fit(batches.get(i % batches.size()));
        }
        stats.flush();

        JsonObject session = UiFixture.onlySession(UiFixture.data(ui));
        assertEquals(ITERATIONS, core.history().size());
        UiFixture.assertSessionEquals(core.history(), session);
        assertEquals(2, session.getJsonArray("layers").size());
    }

    @Test
    @Timeout(120)
    void data_reinitialisingDelegate_marksEvents() throws Exception {
        VertxUIServer ui = UiFixture.startServer(storage);
        MultiLayerNetwork net = UiFixture.plantedNet(12);
        DeadReluListener core = DeadReluListener.builder().historySize(10_000).logReports(false)
                .reinitialize(ReinitPolicy.builder().every(80).maturity(0).build()).build();
        DeadReluStatsListener stats = new DeadReluStatsListener(storage, core);
        net.addListeners(stats);
        UiFixture.train(net, ITERATIONS);
        stats.flush();

        JsonObject session = UiFixture.onlySession(UiFixture.data(ui));
        UiFixture.assertSessionEquals(core.history(), session);
        JsonObject layer0 = session.getJsonArray("layers").getJsonObject(0);
        List<Integer> reinit = UiFixture.ints(layer0.getJsonArray("reinitialized"));
        List<Integer> its = UiFixture.ints(layer0.getJsonArray("iterations"));
        assertEquals(2, reinit.stream().mapToInt(Integer::intValue).sum(), reinit::toString);
        assertEquals(80, (int) its.get(reinit.indexOf(2)), "the two planted units of layer0 are re-drawn at 80");
    }

    @Test
    @Timeout(120)
    void page_selfContained_pollsDataRoute() throws Exception {
        VertxUIServer ui = UiFixture.startServer();
        HttpResponse<String> r = UiFixture.get(ui, "/deadrelu");
        assertEquals(200, r.statusCode());
        assertTrue(r.headers().firstValue("content-type").orElse("").startsWith("text/html"));
        String html = r.body();
        assertTrue(html.contains("/deadrelu/data"), "the page polls the data route");
        Matcher m = Pattern.compile("(?i)(src|href)\\s*=\\s*[\"']?\\s*(https?:)?//").matcher(html);
        assertFalse(m.find(), () -> "network reference: " + m.group());
        assertFalse(html.toLowerCase().contains("<link"), "no external style sheet");
        assertFalse(Pattern.compile("(?i)<script[^>]+src").matcher(html).find(), "no external script");
        assertEquals("{\"sessions\":[]}", UiFixture.get(ui, "/deadrelu/data").body());
    }

    @Test
    @Timeout(180)
    void data_fileStatsStorage_reopenedShowsFinishedRun(@TempDir Path dir) throws Exception {
        File file = dir.resolve("ui-stats.dl4j").toFile();
        VertxUIServer ui = UiFixture.startServer();
        FileStatsStorage storage = new FileStatsStorage(file);
        ui.attach(storage);
        DeadReluListener core = trainPublishing(storage, 13);
        String during = UiFixture.get(ui, "/deadrelu/data").body();
        ui.detach(storage);
        storage.close();
        UiFixture.stopServer();

        VertxUIServer again = UiFixture.startServer();
        FileStatsStorage reopened = new FileStatsStorage(file);
        try {
            again.attach(reopened);
            String after = UiFixture.get(again, "/deadrelu/data").body();
            assertEquals(during, after);
            UiFixture.assertSessionEquals(core.history(), UiFixture.onlySession(new JsonObject(after)));
        } finally {
            again.detach(reopened);
            reopened.close();
        }
    }

    @Test
    @Timeout(180)
    void data_remoteRouter_arrivesThroughRemoteReceiver() throws Exception {
        VertxUIServer ui = UiFixture.startServer();
        ui.enableRemoteListener(storage, true);
        RemoteUIStatsStorageRouter remote = new RemoteUIStatsStorageRouter("http://127.0.0.1:" + ui.getPort());
        try {
            DeadReluListener core = trainPublishing(remote, 14);

            JsonObject data = UiFixture.data(ui);
            while (points(data) < ITERATIONS) {   // the router posts from its own thread; the test timeout bounds this
                Thread.sleep(100);
                data = UiFixture.data(ui);
            }
            UiFixture.assertSessionEquals(core.history(), UiFixture.onlySession(data));
        } finally {
            remote.shutdown();
        }
    }

    private static int points(JsonObject data) {
        if (data.getJsonArray("sessions").isEmpty()) {
            return 0;
        }
        return UiFixture.onlySession(data).getJsonArray("layers").getJsonObject(0).getJsonArray("iterations").size();
    }
}
