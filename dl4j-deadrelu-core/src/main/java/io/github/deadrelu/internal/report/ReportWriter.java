/*
 * SPDX-License-Identifier: Apache-2.0
 */
package io.github.deadrelu.internal.report;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes the HTML report of a {@link ReportState} to one file, atomically: the page goes to a temporary file in the
 * same directory, which then replaces the report by an atomic move (a plain replacing move where the file system has
 * no atomic move). A reader therefore sees the previous report or the new one, never a half-written file. A failure
 * never reaches the caller: {@link #write} returns false, removes its temporary file, and the first failure is logged
 * once as a WARN (later ones at DEBUG); the next call tries again.
 *
 * <p>Thread-safe. Used by {@code DeadReluListener}, and should not be called by external code.
 */
public final class ReportWriter {
    private static final Logger log = LoggerFactory.getLogger(ReportWriter.class);

    /** Writes bytes to a file: the seam tests use to fail in the middle of a write. */
    @FunctionalInterface
    interface Output {
        void write(Path file, byte[] content) throws IOException;
    }

    private final Path target;
    private final Output output;
    private boolean warned;
    private long writes;
    private long failures;

    /**
     * A writer of one report file.
     *
     * @param target the report file (missing directories are created at the first write)
     */
    public ReportWriter(Path target) {
        this(target, Files::write);
    }

    ReportWriter(Path target, Output output) {
        this.target = Objects.requireNonNull(target, "target").toAbsolutePath();
        this.output = Objects.requireNonNull(output, "output");
    }

    /**
     * Renders the state and replaces the report with it. Never throws.
     *
     * @param state the state to render
     * @return true when the report now shows this state; false when the write failed (the previous report, if any,
     *         is left as it was)
     */
    public synchronized boolean write(ReportState state) {
        Path tmp = null;
        try {
            byte[] page = HtmlReport.render(Objects.requireNonNull(state, "state")).getBytes(StandardCharsets.UTF_8);
            Path dir = target.getParent();
            Files.createDirectories(dir);
            tmp = Files.createTempFile(dir, "." + target.getFileName() + ".", ".tmp");
            output.write(tmp, page);
            try {
                Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
            }
            tmp = null;
            writes++;
            return true;
        } catch (Exception e) {
            failures++;
            if (!warned) {
                warned = true;
                log.warn("DeadReluListener: cannot write the HTML report {} ({}); training goes on, later failures "
                        + "are logged at DEBUG", target, e.toString());
            } else {
                log.debug("DeadReluListener: cannot write the HTML report {}", target, e);
            }
            return false;
        } finally {
            if (tmp != null) {
                try {
                    Files.deleteIfExists(tmp);
                } catch (IOException | RuntimeException e) {
                    log.debug("DeadReluListener: cannot delete the temporary report {}", tmp, e);
                }
            }
        }
    }

    /** @return the report file (absolute) */
    public Path target() {
        return target;
    }

    /** @return the successful writes so far */
    public synchronized long writes() {
        return writes;
    }

    /** @return the failed writes so far */
    public synchronized long failures() {
        return failures;
    }

    @Override
    public String toString() {
        return "ReportWriter(target=" + target + ", writes=" + writes() + ", failures=" + failures() + ")";
    }
}
