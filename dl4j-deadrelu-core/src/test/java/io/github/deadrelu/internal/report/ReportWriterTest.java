/*
 * SPDX-License-Identifier: Apache-2.0
 */
package io.github.deadrelu.internal.report;

import static io.github.deadrelu.internal.report.Snapshots.gates;
import static io.github.deadrelu.testutil.Texts.assertContains;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Level;
import io.github.deadrelu.stats.GateSnapshot;
import io.github.deadrelu.testutil.LogCapture;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.jsoup.Jsoup;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ReportWriterTest {
    @TempDir
    Path dir;

    private static ReportState state(int iterations) {
        ReportState s = new ReportState();
        for (int it = 0; it < iterations; it++) {
            s.record(new GateSnapshot(it, 0, List.of(gates("d0", 0, 4, 0.5, 1, 0, 0))));
        }
        return s;
    }

    private List<Path> files() throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.sorted().toList();
        }
    }

    @Test
    void write_replacesTheReport() throws IOException {
        Path html = dir.resolve("report.html");
        ReportWriter w = new ReportWriter(html);
        assertTrue(w.write(state(3)));
        assertTrue(w.write(state(7)));
        assertEquals(List.of(html), files());
        String text = Jsoup.parse(html.toFile(), "UTF-8").selectFirst("header .sub").text();
        assertTrue(text.startsWith("Iterations 0–6 · epoch 0 · 7 snapshots"), text);
        assertEquals(2, w.writes());
    }

    @Test
    void write_failureMidWrite_previousReportIntact() throws IOException {
        Path html = dir.resolve("report.html");
        assertTrue(new ReportWriter(html).write(state(3)));
        byte[] before = Files.readAllBytes(html);
        ReportWriter failing = new ReportWriter(html, (file, content) -> {
            Files.write(file, Arrays.copyOf(content, content.length / 2));
            throw new IOException("disk full (injected)");
        });
        try (LogCapture logs = LogCapture.of(ReportWriter.class)) {
            assertFalse(failing.write(state(50)));
            assertFalse(failing.write(state(60)));
            List<String> warns = logs.messages(Level.WARN);
            assertEquals(1, warns.size(), warns.toString());
            assertContains(warns.get(0), "disk full (injected)");
        }
        assertArrayEquals(before, Files.readAllBytes(html));
        assertEquals(List.of(html), files(), "no temporary file left behind");
        assertEquals(2, failing.failures());
    }

    @Test
    void write_missingDirectory_isCreated() throws IOException {
        Path html = dir.resolve("no/such/dir/report.html");
        ReportWriter w = new ReportWriter(html);
        assertTrue(w.write(state(1)));
        assertTrue(Files.size(html) > 0);
        assertEquals(0, w.failures());
    }

    @Test
    void write_parentIsAFile_returnsFalse() throws IOException {
        Path file = Files.write(dir.resolve("plain-file"), new byte[] {1});
        ReportWriter w = new ReportWriter(file.resolve("report.html"));
        assertFalse(w.write(state(1)));
        assertEquals(1, w.failures());
    }

    @Test
    void write_recoversAfterFailure() throws IOException {
        Path html = dir.resolve("report.html");
        boolean[] fail = {true};
        ReportWriter w = new ReportWriter(html, (file, content) -> {
            if (fail[0]) {
                throw new IOException("injected");
            }
            Files.write(file, content);
        });
        assertFalse(w.write(state(1)));
        assertFalse(Files.exists(html));
        fail[0] = false;
        assertTrue(w.write(state(2)));
        assertTrue(Files.readString(html).contains("Dead ReLU report"));
        assertEquals(List.of(html), files());
    }
}
