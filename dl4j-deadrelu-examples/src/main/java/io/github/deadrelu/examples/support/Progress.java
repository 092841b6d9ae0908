/*
 * Copyright the dl4j-deadrelu contributors.
 *
 * Licensed under the Apache License, Version 2.0 (the "License"); you may not use this file except in compliance with
 * the License. You may obtain a copy of the License at https://www.apache.org/licenses/LICENSE-2.0
 *
 * Unless required by applicable law or agreed to in writing, software distributed under the License is distributed on
 * an "AS IS" BASIS, WITHOUT WARRANTIES OR CONDITIONS OF ANY KIND, either express or implied. See the License for the
 * specific language governing permissions and limitations under the License.
 *
 * SPDX-License-Identifier: Apache-2.0
 */

package io.github.deadrelu.examples.support;

import java.io.Console;
import java.io.PrintStream;
import java.time.Duration;
import java.util.Locale;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A progress line for work that takes more than a few seconds: done/total, percentage, elapsed time and an estimate of
 * the time left. On an interactive console the line is redrawn in place on standard error (at most five times a
 * second); otherwise (a pipe, a CI log, a test) it becomes one INFO log line every ten seconds, so logs stay short.
 * <pre>{@code
 * Progress progress = new Progress("born-dead trials", totalTrials);
 * for (...) { ...; progress.advance(1); }
 * progress.finish();
 * }</pre>
 * The methods are synchronized, so worker threads may share one instance.
 */
public final class Progress {

    private static final Logger log = LoggerFactory.getLogger(Progress.class);
    private static final long REDRAW_NANOS = 200_000_000L;
    private static final long LOG_NANOS = 10_000_000_000L;

    private final String task;
    private final long total;
    private final long start = System.nanoTime();
    private final PrintStream console;
    private long done;
    private long lastReport = start;

    /**
     * Starts measuring a task.
     *
     * @param task  a short name shown at the start of the line
     * @param total the number of steps the task has, at least 1
     * @throws IllegalArgumentException if {@code total} is below 1
     */
    public Progress(String task, long total) {
        Checks.requireAtLeast("total", total, 1);
        this.task = task;
        this.total = total;
        Console c = System.console();
        this.console = c != null ? System.err : null;
    }

    /**
     * Records finished steps and reports if enough time has passed since the last report.
     *
     * @param steps the number of steps just finished, at least 0
     * @throws IllegalArgumentException if {@code steps} is negative
     */
    public synchronized void advance(long steps) {
        Checks.requireAtLeast("steps", steps, 0);
        done = Math.min(total, done + steps);
        long now = System.nanoTime();
        if (now - lastReport >= (console != null ? REDRAW_NANOS : LOG_NANOS)) {
            lastReport = now;
            report(now);
        }
    }

    /**
     * Reports the final line (done/total and the elapsed time) and ends the console line.
     *
     * @return the time since this progress was created
     */
    public synchronized Duration finish() {
        long now = System.nanoTime();
        if (console != null) {
            console.print('\r' + line(now) + '\n');
            console.flush();
        } else {
            log.info("{}", line(now));
        }
        return Duration.ofNanos(now - start);
    }

    /**
     * Returns the time since this progress was created.
     *
     * @return the elapsed time
     */
    public Duration elapsed() {
        return Duration.ofNanos(System.nanoTime() - start);
    }

    private void report(long now) {
        if (console != null) {
            console.print('\r' + line(now));
            console.flush();
        } else {
            log.info("{}", line(now));
        }
    }

    private String line(long now) {
        long elapsed = now - start;
        String eta = done == 0 ? "?" : format((long) (elapsed * ((double) (total - done) / done)));
        return String.format(Locale.ROOT, "%s: %d/%d (%.0f%%), elapsed %s, left %s", task, done, total,
                100.0 * done / total, format(elapsed), done == total ? "0:00" : eta);
    }

    /** Formats nanoseconds as {@code m:ss} (or {@code h:mm:ss} from one hour). */
    static String format(long nanos) {
        long s = Math.round(nanos / 1e9);
        return s >= 3600
                ? String.format(Locale.ROOT, "%d:%02d:%02d", s / 3600, (s / 60) % 60, s % 60)
                : String.format(Locale.ROOT, "%d:%02d", s / 60, s % 60);
    }
}
