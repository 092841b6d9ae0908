/*
 * SPDX-License-Identifier: Apache-2.0
 */
package io.github.deadrelu.internal.engine;

import static io.github.deadrelu.testutil.Texts.assertContains;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.deadrelu.stats.GateSnapshot;
import io.github.deadrelu.stats.LayerGates;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalDouble;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/** The CSV lifecycle of issue 10 item 11, with faults injected through the package-private {@link CsvLog.Opener}. */
class CsvLogTest {
    private final FailureGuard guard = new FailureGuard(LoggerFactory.getLogger(CsvLogTest.class), "Test");

    private static GateSnapshot snap(int iteration) {
        List<LayerGates> layers = new ArrayList<>();
        for (String name : List.of("a", "b")) {
            layers.add(new LayerGates(name, layers.size(), 2, 0.5, 0.5, new int[]{0}, 0, 0, 0, 0, true,
                    OptionalDouble.empty(), new double[]{1, 0}, false));
        }
        return new GateSnapshot(iteration, 0, layers);
    }

    private static String row(int iteration, String layer, int index) {
        return iteration + ",0," + layer + "," + index + ",2,0.500000,0.500000,1,0.500000,0,0,0,0,0,false,true,,,,";
    }

    private static List<String> rows(int... iterations) {
        List<String> out = new ArrayList<>();
        for (int it : iterations) {
            out.add(row(it, "a", 0));
            out.add(row(it, "b", 1));
        }
        return out;
    }

    private static List<String> withHeader(List<String> rows) {
        List<String> out = new ArrayList<>();
        out.add(CsvLog.HEADER);
        out.addAll(rows);
        return out;
    }

    private static List<String> read(Path f) throws IOException {
        return Files.readAllLines(f, StandardCharsets.UTF_8);
    }

    private long csvWarnings() {
        return guard.warnings().stream().filter(w -> w.contains("CSV")).count();
    }

    @Test
    void newLog_startsTheFileAfresh(@TempDir Path dir) throws IOException {
        Path f = dir.resolve("g.csv");
        Files.writeString(f, CsvLog.HEADER + "\n" + row(7, "a", 0) + "\n");
        CsvLog log = new CsvLog(f.toString(), false, false, guard);
        log.write(snap(0));
        log.close();
        assertEquals(withHeader(rows(0)), read(f));
    }

    @Test
    void append_continuesAFileWithTheSameHeaderWithoutASecondHeader(@TempDir Path dir) throws IOException {
        Path f = dir.resolve("g.csv");
        Files.writeString(f, CsvLog.HEADER + "\n" + row(7, "a", 0) + "\n");
        CsvLog log = new CsvLog(f.toString(), true, false, guard);
        log.write(snap(8));
        log.close();
        List<String> expected = new ArrayList<>(List.of(CsvLog.HEADER, row(7, "a", 0)));
        expected.addAll(rows(8));
        assertEquals(expected, read(f));
        assertEquals(0, csvWarnings());
    }

    @Test
    void append_toANewFileWritesTheHeader(@TempDir Path dir) throws IOException {
        Path f = dir.resolve("sub/g.csv");
        CsvLog log = new CsvLog(f.toString(), true, false, guard);
        log.write(snap(0));
        log.close();
        assertEquals(withHeader(rows(0)), read(f));
    }

    @Test
    void header_endsWithReopenedFrozenRecoverable_andRowsCarryThem(@TempDir Path dir) throws IOException {
        assertTrue(CsvLog.HEADER.startsWith("iteration,epoch,layer,index,units,closed_share,negative_share,"
                + "dead_units,dead_fraction,newly_dead,revived,reinitialized,non_finite,"), CsvLog.HEADER);
        assertTrue(CsvLog.HEADER.endsWith(",non_finite,reopened,frozen,recoverable,dormant_units,"
                + "gradient_dormant_units,min_dormancy_score,min_gradient_score"), CsvLog.HEADER);
        Path f = dir.resolve("g.csv");
        CsvLog log = new CsvLog(f.toString(), false, false, guard);
        LayerGates g = new LayerGates("a", 4, 2, 0.5, 0.5, new int[]{0}, 0, 1, 3, 0, 0, false,
                OptionalDouble.empty(), new double[]{1, 0}, false);
        log.write(new GateSnapshot(9, 1, List.of(g)), l -> l.index() == 4);
        log.close();
        assertEquals(List.of(CsvLog.HEADER, "9,1,a,4,2,0.500000,0.500000,1,0.500000,0,1,0,0,3,true,false,,,,"), read(f));
    }

    @Test
    void append_toAFileOfTheEarlierThirteenColumnHeader_isRefusedNamingTheVersion(@TempDir Path dir)
            throws IOException {
        Path f = dir.resolve("old.csv");
        String old = "iteration,epoch,layer,index,units,closed_share,negative_share,dead_units,dead_fraction,"
                + "newly_dead,revived,reinitialized,non_finite";
        Files.writeString(f, old + "\n1,0,a,0,2,0.5,0.5,1,0.5,0,0,0,0\n");
        CsvLog log = new CsvLog(f.toString(), true, false, guard);
        log.write(snap(2));
        assertTrue(log.isOff());
        assertEquals(List.of(old, "1,0,a,0,2,0.5,0.5,1,0.5,0,0,0,0"), read(f), "the old file is left as it is");
        assertEquals(1, csvWarnings(), guard.warnings().toString());
        assertTrue(guard.warnings().get(0).contains("earlier version with fewer columns"), guard.warnings().toString());
    }

    @Test
    void resumed_appendsAndRefusesAnotherHeaderWithOneWarn(@TempDir Path dir) throws IOException {
        Path ok = dir.resolve("ok.csv");
        Files.writeString(ok, CsvLog.HEADER + "\n");
        CsvLog log = new CsvLog(ok.toString(), false, true, guard);
        log.write(snap(3));
        log.close();
        assertEquals(withHeader(rows(3)), read(ok));

        Path other = dir.resolve("other.csv");
        Files.writeString(other, "x,y\n1,2\n");
        CsvLog refused = new CsvLog(other.toString(), false, true, guard);
        refused.write(snap(4));
        refused.write(snap(5));
        assertTrue(refused.isOff());
        assertEquals(List.of("x,y", "1,2"), read(other), "a file with another header is left as it is");
        assertEquals(1, csvWarnings(), guard.warnings().toString());
    }

    @Test
    void failingWrite_cutsThePartialRowClosesTheFileOneWarn(@TempDir Path dir) throws IOException {
        // A full disk: the third write puts out half its bytes, then fails.
        Path f = dir.resolve("g.csv");
        AtomicInteger writes = new AtomicInteger();
        AtomicBoolean closed = new AtomicBoolean();
        CsvLog.Opener full = (path, append) -> {
            CsvLog.Out real = CsvLog.FILES.open(path, append);
            return new CsvLog.Out() {
                @Override
                public void write(byte[] bytes) throws IOException {
                    if (writes.incrementAndGet() == 3) {
                        real.write(java.util.Arrays.copyOf(bytes, bytes.length / 2));
                        throw new IOException("No space left on device");
                    }
                    real.write(bytes);
                }

                @Override
                public void truncate(long size) throws IOException {
                    real.truncate(size);
                }

                @Override
                public void close() throws IOException {
                    closed.set(true);
                    real.close();
                }
            };
        };
        CsvLog log = new CsvLog(f.toString(), false, false, guard, full);
        log.write(snap(0));   // header + rows: writes 1 and 2
        log.write(snap(1));   // write 3 fails half-way
        log.write(snap(2));   // off: nothing
        assertTrue(closed.get(), "the file is closed when writing fails");
        assertTrue(log.isOff());
        assertEquals(withHeader(rows(0)), read(f), "no cut-off last row");
        assertTrue(Files.readString(f).endsWith("\n"));
        assertEquals(1, csvWarnings(), guard.warnings().toString());
        assertTrue(guard.warnings().get(0).contains("No space left on device"));
    }

    @Test
    void deletedFile_recreatedWithHeaderReportedOnce(@TempDir Path dir) throws IOException {
        Path f = dir.resolve("g.csv");
        CsvLog log = new CsvLog(f.toString(), false, false, guard);
        log.write(snap(0));
        Files.delete(f);
        log.write(snap(1));
        Files.delete(f);
        log.write(snap(2));
        log.close();
        assertEquals(withHeader(rows(2)), read(f));
        assertEquals(1, guard.warnings().stream().filter(w -> w.contains("was deleted")).count(),
                guard.warnings().toString());
    }

    @Test
    void replacedFile_reportedOnceAndCsvOff(@TempDir Path dir) throws IOException {
        Path f = dir.resolve("g.csv");
        CsvLog log = new CsvLog(f.toString(), false, false, guard);
        log.write(snap(0));
        Path other = dir.resolve("other.csv");
        Files.writeString(other, "someone else's file\n");
        Files.move(other, f, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        log.write(snap(1));
        log.write(snap(2));
        assertTrue(log.isOff());
        assertEquals(List.of("someone else's file"), read(f));
        assertEquals(1, csvWarnings(), guard.warnings().toString());
        assertContains(guard.warnings().get(0), "replaced");
    }

    @Test
    void appendedBySomeoneElse_reportedOnceAndCsvOff(@TempDir Path dir) throws IOException {
        Path f = dir.resolve("g.csv");
        CsvLog log = new CsvLog(f.toString(), false, false, guard);
        log.write(snap(0));
        Files.writeString(f, "junk\n", java.nio.file.StandardOpenOption.APPEND);
        log.write(snap(1));
        assertTrue(log.isOff());
        assertEquals(1, csvWarnings());
    }

    @Test
    void afterClose_reopensInAppendModeAndRecreatesAGoneFileWithHeader(@TempDir Path dir) throws IOException {
        Path f = dir.resolve("g.csv");
        CsvLog log = new CsvLog(f.toString(), false, false, guard);
        log.write(snap(0));
        log.close();
        log.write(snap(1));
        log.close();
        assertEquals(withHeader(rows(0, 1)), read(f));
        assertEquals(0, csvWarnings());

        Files.delete(f);
        log.write(snap(2));
        log.close();
        assertEquals(withHeader(rows(2)), read(f), "never a headerless new file");
        assertEquals(1, guard.warnings().stream().filter(w -> w.contains("gone")).count(),
                guard.warnings().toString());
        assertFalse(log.isOff());
    }

    @Test
    void parentIsAFile_oneWarnNoThrow(@TempDir Path dir) throws IOException {
        Path notADir = dir.resolve("file");
        Files.writeString(notADir, "x");
        CsvLog log = new CsvLog(notADir.resolve("g.csv").toString(), false, false, guard);
        log.write(snap(0));
        log.write(snap(1));
        assertTrue(log.isOff());
        assertEquals(1, csvWarnings());
    }
}
