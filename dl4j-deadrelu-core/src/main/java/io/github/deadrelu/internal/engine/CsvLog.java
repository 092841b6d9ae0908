/*
 * SPDX-License-Identifier: Apache-2.0
 */
package io.github.deadrelu.internal.engine;

import io.github.deadrelu.stats.GateSnapshot;
import io.github.deadrelu.stats.LayerGates;
import java.io.BufferedReader;
import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Locale;
import java.util.Objects;
import java.util.function.Predicate;

/**
 * The one CSV writer: one row per monitored layer per iteration, with a lifecycle that loses no row and never writes
 * a file without its header.
 *
 * <ul>
 * <li>A new monitor starts its file afresh at the first row (truncated, header written), as Keras' {@code CSVLogger}
 *     does by default; with {@code append} it appends to an existing file whose first line is {@link #HEADER}, like
 *     {@code CSVLogger(append=True)}.</li>
 * <li>A resumed monitor (a deserialised copy of a listener, carried across a checkpoint) continues the run: it
 *     appends to the file with no second header.</li>
 * <li>Appending to a file whose first line is not {@link #HEADER} is refused: one WARN, CSV output off.</li>
 * <li>All rows of one iteration are built whole and written with one write; when writing fails, the partial write is
 *     cut off again, the file is closed, CSV output goes off with one WARN.</li>
 * <li>Before each write the file is checked against the file key and size this writer expects: a file deleted while
 *     open is recreated with a header and reported with one WARN; a file replaced or changed by someone else is
 *     reported with one WARN and CSV output goes off (its content is not ours to extend).</li>
 * <li>After {@link #close()}, a later write reopens the file in append mode; if it is gone by then, it is recreated
 *     with a header, with one WARN.</li>
 * </ul>
 *
 * <p>Thread-safe (synchronised). Used by dl4j-deadrelu internals, and should not be called by external code.
 */
public final class CsvLog implements Closeable {
    /**
     * The CSV header, one row per monitored layer per iteration. After {@code non_finite}: {@code reopened} (units
     * called dead that opened again although nothing feeding them changed: premature dead calls), {@code frozen} and
     * {@code recoverable} (true/false, per layer); then {@code dormant_units} (units with ReDo score s_j &lt;= the
     * dormancy threshold; empty cell without a threshold), {@code gradient_dormant_units} (units with gradient score
     * g_j &lt;= the same threshold; empty cell when gradient scores are off or there is no threshold),
     * {@code min_dormancy_score} and {@code min_gradient_score} (the smallest s_j and g_j; empty cell when the scores
     * are empty: non-finite entries, or gradient scores off).
     */
    public static final String HEADER = "iteration,epoch,layer,index,units,closed_share,negative_share,"
            + "dead_units,dead_fraction,newly_dead,revived,reinitialized,non_finite,reopened,frozen,recoverable,"
            + "dormant_units,gradient_dormant_units,min_dormancy_score,min_gradient_score";

    /** An open file the rows go to: the test seam for injected write failures. */
    interface Out extends Closeable {
        /**
         * Writes all bytes.
         *
         * @param bytes the bytes
         * @throws IOException when writing fails (some bytes may have been written)
         */
        void write(byte[] bytes) throws IOException;

        /**
         * Cuts the file to this size.
         *
         * @param size the size in bytes
         * @throws IOException when it cannot
         */
        void truncate(long size) throws IOException;
    }

    /** Opens an {@link Out}: the test seam. */
    interface Opener {
        /**
         * @param path   the file
         * @param append true to append, false to truncate
         * @return the open file
         * @throws IOException when it cannot be opened
         */
        Out open(Path path, boolean append) throws IOException;
    }

    /** The real files: a {@link FileChannel}, each write looped until every byte is out. */
    static final Opener FILES = (path, append) -> {
        FileChannel ch = append
                ? FileChannel.open(path, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.APPEND)
                : FileChannel.open(path, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING);
        return new Out() {
            @Override
            public void write(byte[] bytes) throws IOException {
                ByteBuffer b = ByteBuffer.wrap(bytes);
                while (b.hasRemaining()) {
                    ch.write(b);
                }
            }

            @Override
            public void truncate(long size) throws IOException {
                ch.truncate(size);
            }

            @Override
            public void close() throws IOException {
                ch.close();
            }
        };
    };

    private final Path path;
    private final boolean append;
    private final FailureGuard guard;
    private final Opener opener;
    private boolean resumed;
    private Out out;
    private boolean off;
    private boolean started;
    private Object fileKey;
    private long expectedSize;

    /**
     * A writer for one file.
     *
     * @param file    the file
     * @param append  append to an existing file with this header instead of starting it afresh
     * @param resumed continue a run this file was written by (a deserialised copy): append, no second header
     * @param guard   where the WARNs go
     */
    public CsvLog(String file, boolean append, boolean resumed, FailureGuard guard) {
        this(file, append, resumed, guard, FILES);
    }

    CsvLog(String file, boolean append, boolean resumed, FailureGuard guard, Opener opener) {
        this.path = Paths.get(Objects.requireNonNull(file, "file"));
        this.append = append;
        this.resumed = resumed;
        this.guard = guard;
        this.opener = opener;
    }

    /** @return whether CSV output is off after a failure or a refused file */
    public synchronized boolean isOff() {
        return off;
    }

    /**
     * Writes the rows of one snapshot (one write), opening the file first if needed; never throws. Every layer is
     * written as not frozen.
     *
     * @param snap the snapshot
     */
    public void write(GateSnapshot snap) {
        write(snap, g -> false);
    }

    /**
     * Writes the rows of one snapshot (one write), opening the file first if needed; never throws.
     *
     * @param snap   the snapshot
     * @param frozen whether a layer's incoming weights are frozen
     */
    public synchronized void write(GateSnapshot snap, Predicate<LayerGates> frozen) {
        write(snap, frozen, Double.NaN);
    }

    /**
     * Writes the rows of one snapshot (one write), opening the file first if needed; never throws.
     *
     * @param snap              the snapshot
     * @param frozen            whether a layer's incoming weights are frozen
     * @param dormancyThreshold the listener's dormancy threshold, or NaN for none
     */
    public synchronized void write(GateSnapshot snap, Predicate<LayerGates> frozen, double dormancyThreshold) {
        if (off) {
            return;
        }
        StringBuilder rows = new StringBuilder();
        for (LayerGates g : snap.layers()) {
            rows.append(row(snap, g, frozen.test(g), dormancyThreshold)).append('\n');
        }
        try {
            if (out != null && !stillOurs()) {
                return;
            }
            if (out == null && !open()) {
                return;
            }
            put(rows.toString().getBytes(StandardCharsets.UTF_8));
        } catch (IOException | RuntimeException e) {
            fail("cannot write CSV file " + path + " (" + e + "); CSV output disabled");
        }
    }

    /** Whether the open file is still the one this writer wrote; handles a deleted or replaced file. */
    private boolean stillOurs() throws IOException {
        BasicFileAttributes a;
        try {
            a = Files.readAttributes(path, BasicFileAttributes.class);
        } catch (NoSuchFileException e) {
            guard.warnOnceFor("csv#deleted", guard.who() + ": CSV file " + path + " was deleted while it was "
                    + "written; it is recreated with a header (the rows written before are gone)");
            closeQuietly();
            started = false;
            resumed = false;
            return open();
        }
        if (!Objects.equals(a.fileKey(), fileKey) || a.size() != expectedSize) {
            fail("CSV file " + path + " was replaced or changed by something else while it was written (expected "
                    + expectedSize + " bytes of file " + fileKey + ", found " + a.size() + " bytes of file "
                    + a.fileKey() + "); CSV output disabled");
            return false;
        }
        return true;
    }

    /** Opens the file per the lifecycle; false when CSV output went off. */
    private boolean open() throws IOException {
        if (path.getParent() != null) {
            Files.createDirectories(path.getParent());
        }
        boolean exists = Files.isRegularFile(path) && Files.size(path) > 0;
        boolean continuing = started || resumed || append;
        if (continuing && exists) {
            String first;
            try (BufferedReader r = Files.newBufferedReader(path, StandardCharsets.UTF_8)) {
                first = r.readLine();
            }
            if (!HEADER.equals(first)) {
                boolean older = first != null && !first.isEmpty() && HEADER.startsWith(first + ",");
                fail("CSV file " + path + " has another header (" + first + ")" + (older ? ", written by an "
                        + "earlier version with fewer columns (this one writes " + HEADER + ")" : "")
                        + ", so rows are not appended to it; CSV output disabled");
                return false;
            }
            out = opener.open(path, true);
            remember();
        } else {
            if (started) {
                guard.warnOnceFor("csv#gone", guard.who() + ": CSV file " + path + " was gone when writing resumed "
                        + "after close(); it is recreated with a header");
            }
            out = opener.open(path, false);
            expectedSize = 0;
            fileKey = key();
            put((HEADER + '\n').getBytes(StandardCharsets.UTF_8));
        }
        started = true;
        return true;
    }

    private void remember() throws IOException {
        BasicFileAttributes a = Files.readAttributes(path, BasicFileAttributes.class);
        fileKey = a.fileKey();
        expectedSize = a.size();
    }

    private Object key() throws IOException {
        return Files.readAttributes(path, BasicFileAttributes.class).fileKey();
    }

    /** One write; on failure the partial bytes are cut off again and the file is closed. */
    private void put(byte[] bytes) throws IOException {
        try {
            out.write(bytes);
        } catch (IOException e) {
            try {
                out.truncate(expectedSize);
            } catch (IOException | RuntimeException ignored) {
                // the WARN below says CSV output is off; nothing more to do
            }
            throw e;
        }
        expectedSize += bytes.length;
    }

    private void fail(String message) {
        off = true;
        closeQuietly();
        guard.warnOnceFor("csv#off", guard.who() + ": " + message);
    }

    private void closeQuietly() {
        if (out != null) {
            try {
                out.close();
            } catch (IOException | RuntimeException ignored) {
                // closing after a failure: the failure was reported
            }
            out = null;
        }
    }

    /** Closes the file, if open; a later {@link #write} reopens it in append mode. Never throws. */
    @Override
    public synchronized void close() {
        if (out != null) {
            try {
                out.close();
            } catch (IOException e) {
                guard.warnOnceFor("csv#close", guard.who() + ": could not close CSV file " + path + ": " + e);
            }
            out = null;
        }
    }

    /**
     * One CSV row.
     *
     * @param snap   the snapshot (iteration, epoch)
     * @param g      the layer
     * @param frozen whether the layer's incoming weights are frozen
     * @return the row, without line end
     */
    public static String row(GateSnapshot snap, LayerGates g, boolean frozen) {
        return row(snap, g, frozen, Double.NaN);
    }

    /**
     * One CSV row.
     *
     * @param snap              the snapshot (iteration, epoch)
     * @param g                 the layer
     * @param frozen            whether the layer's incoming weights are frozen
     * @param dormancyThreshold the dormancy threshold, or NaN for none (then the two dormant-unit cells are empty)
     * @return the row, without line end
     */
    public static String row(GateSnapshot snap, LayerGates g, boolean frozen, double dormancyThreshold) {
        double[] s = g.dormancyScores();
        double[] gs = g.gradientScores();
        boolean tau = !Double.isNaN(dormancyThreshold);
        return String.format(Locale.ROOT, "%d,%d,%s,%d,%d,%.6f,%.6f,%d,%.6f,%d,%d,%d,%d,%d,%s,%s,%s,%s,%s,%s",
                snap.iteration(), snap.epoch(), field(g.name()), g.index(), g.units(), g.closedShare(),
                g.negativeShare(), g.deadUnits().length, g.deadFraction(), g.newlyDead(), g.revived(),
                g.reinitialized(), g.nonFinite(), g.reopened(), frozen, g.recoverable(),
                tau ? String.valueOf(g.dormantUnits().length) : "",
                tau && gs.length > 0 ? String.valueOf(atMost(gs, dormancyThreshold)) : "", min(s), min(gs));
    }

    /** @return how many values are at most {@code t} */
    private static int atMost(double[] v, double t) {
        int n = 0;
        for (double x : v) {
            if (x <= t) {
                n++;
            }
        }
        return n;
    }

    /** @return the smallest value with six decimals, or the empty cell for no value */
    private static String min(double[] v) {
        if (v.length == 0) {
            return "";
        }
        double m = Double.POSITIVE_INFINITY;
        for (double x : v) {
            m = Math.min(m, x);
        }
        return String.format(Locale.ROOT, "%.6f", m);
    }

    private static String field(String s) {
        if (s.indexOf(',') < 0 && s.indexOf('"') < 0 && s.indexOf('\n') < 0) {
            return s;
        }
        return '"' + s.replace("\"", "\"\"") + '"';
    }
}
