/*
 * SPDX-License-Identifier: Apache-2.0
 */
package io.github.deadrelu.ui;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.deadrelu.listeners.DeadReluListener;
import io.github.deadrelu.reinit.ReinitPolicy;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.ui.VertxUIServer;
import org.deeplearning4j.ui.model.storage.InMemoryStatsStorage;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * Renders the /deadrelu page of a planted run (with re-initialisation events) in headless Chromium through
 * {@code tools/screenshot.sh} and writes {@code docs/deadrelu-page.png}. Runs only in the {@code screenshots} profile,
 * which sets the script and output paths.
 */
@EnabledIfSystemProperty(named = "deadrelu.screenshot.out", matches = ".+")
class DeadReluPageScreenshotTest {

    @AfterEach
    void stop() throws Exception {
        UiFixture.stopServer();
    }

    @Test
    @Timeout(300)
    void page_plantedRun_screenshot() throws Exception {
        InMemoryStatsStorage storage = new InMemoryStatsStorage();
        VertxUIServer ui = UiFixture.startServer(storage);
        MultiLayerNetwork net = UiFixture.plantedNet(31, 0.8);
        DeadReluListener core = DeadReluListener.builder().logReports(false)
                .reinitialize(ReinitPolicy.builder().every(150).maturity(0).build()).build();
        DeadReluStatsListener stats = new DeadReluStatsListener(storage, core);
        net.addListeners(stats);
        UiFixture.train(net, 1500);
        stats.flush();

        Path out = Paths.get(System.getProperty("deadrelu.screenshot.out"));
        Process p = new ProcessBuilder(System.getProperty("deadrelu.screenshot.script"),
                "http://127.0.0.1:" + ui.getPort() + "/deadrelu", out.toString(), "1280x470")
                .redirectErrorStream(true).start();
        assertTrue(p.waitFor(240, TimeUnit.SECONDS), "screenshot.sh finished");
        String log = new String(p.getInputStream().readAllBytes());
        assertEquals(0, p.exitValue(), log);
        byte[] png = Files.readAllBytes(out);
        assertArrayEquals(new byte[]{(byte) 0x89, 'P', 'N', 'G'}, Arrays.copyOf(png, 4));
        assertTrue(png.length > 10_000, "a real picture, got " + png.length + " bytes");
    }
}
