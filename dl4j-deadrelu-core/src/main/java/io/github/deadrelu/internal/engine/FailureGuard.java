/*
 * SPDX-License-Identifier: Apache-2.0
 */
package io.github.deadrelu.internal.engine;

import io.github.deadrelu.internal.SingleThreaded;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.slf4j.Logger;

/**
 * The one failure guard of every front end: nothing the library does escapes into training. A callback body runs
 * through {@link #callback}; the first failure of a kind is logged in full once, later ones are counted. A failing
 * layer is dropped by the caller after {@link #layerFailed} logged its one WARN. Every WARN text goes through
 * {@link #warnOnce}, which also keeps the most recent ones (bounded) for a report.
 *
 * <p>Logs through the front end's own logger, so a user's logging configuration for {@code DeadReluListener} or
 * {@code DeadReluAggregator} applies. Thread-safe. Used by dl4j-deadrelu internals, and should not be called by
 * external code.
 */
public final class FailureGuard {
    /** How many WARN texts are kept for {@link #warnings()}. */
    public static final int KEPT_WARNINGS = 100;

    private final Logger log;
    private final String who;
    private final Set<String> warned = new HashSet<>();
    private final ArrayDeque<String> warnings = new ArrayDeque<>();
    private final Set<String> failedCallbacks = new HashSet<>();
    private final AtomicLong failures = new AtomicLong();
    private volatile Consumer<String> sink;

    /**
     * Creates a guard.
     *
     * @param log the front end's logger
     * @param who the front end's name, the prefix of its messages (e.g. "DeadReluListener")
     */
    public FailureGuard(Logger log, String who) {
        this.log = log;
        this.who = who;
    }

    /** @return the logger messages go to */
    public Logger log() {
        return log;
    }

    /** @return the front end's name, the prefix of its messages */
    public String who() {
        return who;
    }

    /**
     * Logs a WARN the first time this key and message are seen.
     *
     * @param key     what the warning is about (a layer and a reason, say)
     * @param message the text
     * @return true when it was logged now
     */
    public boolean warnOnce(String key, String message) {
        synchronized (warned) {
            if (!warned.add(key + '\u0000' + message)) {
                return false;
            }
            keep(message);
        }
        log.warn("{}", message);
        return true;
    }

    /**
     * Logs a WARN the first time this key is seen, whatever the message.
     *
     * @param key     what the warning is about
     * @param message the text
     * @return true when it was logged now
     */
    public boolean warnOnceFor(String key, String message) {
        synchronized (warned) {
            if (!warned.add(key)) {
                return false;
            }
            keep(message);
        }
        log.warn("{}", message);
        return true;
    }

    private void keep(String message) {
        warnings.addLast(message);
        while (warnings.size() > KEPT_WARNINGS) {
            warnings.removeFirst();
        }
        Consumer<String> s = sink;
        if (s != null) {
            try {
                s.accept(message);
            } catch (RuntimeException | LinkageError | AssertionError e) {
                log.debug("{}: the warning sink failed", who, e);
            }
        }
    }

    /**
     * Sets where every WARN text kept for {@link #warnings()} also goes, as it is logged (an HTML report, say); a
     * failure inside it is swallowed.
     *
     * @param sink the sink, or null for none
     */
    public void warningSink(Consumer<String> sink) {
        this.sink = sink;
    }

    /** @return the WARN texts logged so far, oldest first, at most {@link #KEPT_WARNINGS} (a copy) */
    public List<String> warnings() {
        synchronized (warned) {
            return new ArrayList<>(warnings);
        }
    }

    /**
     * Logs the one WARN of a layer that failed and is dropped from {@code what} from now on.
     *
     * @param layer the layer name
     * @param what  what failed, e.g. "count the gates of", "track"
     * @param e     the failure
     */
    public void layerFailed(String layer, String what, Throwable e) {
        warnOnceFor(layer + "#failed:" + what, who + ": cannot " + what + " layer " + layer + " (" + e
                + "); it is no longer monitored");
    }

    /**
     * Runs a callback body; a failure is logged (in full the first time per callback, then counted) and swallowed.
     * The body runs inside {@link SingleThreaded}: every front end's callback work (counting, tracking, reporting,
     * re-initialisation) runs its ND4J and BLAS ops on the calling thread, so that it does not pay the thread-pool
     * hand-offs between OpenBLAS and OpenMP that cost each small op up to milliseconds at ND4J's default thread count.
     *
     * @param callback the callback name, e.g. "iterationDone"
     * @param body     the body
     */
    public void callback(String callback, Runnable body) {
        try {
            SingleThreaded.run(body);
        } catch (RuntimeException | LinkageError | AssertionError e) {
            failed(callback, e);
        }
    }

    /**
     * Runs a callback body that returns a value; a failure is logged as in {@link #callback} and gives {@code orElse}.
     *
     * @param callback the callback name
     * @param body     the body
     * @param orElse   the value on failure
     * @param <T>      the value type
     * @return the body's value, or {@code orElse}
     */
    public <T> T call(String callback, Supplier<T> body, T orElse) {
        try {
            return body.get();
        } catch (RuntimeException | LinkageError | AssertionError e) {
            failed(callback, e);
            return orElse;
        }
    }

    private void failed(String callback, Throwable e) {
        failures.incrementAndGet();
        boolean first;
        synchronized (warned) {
            first = failedCallbacks.add(callback);
            if (first) {
                keep(who + ": " + callback + " failed: " + e);
            }
        }
        if (first) {
            log.error("{}: {} failed; training goes on (further failures of this callback are counted, not "
                    + "logged)", who, callback, e);
        }
    }

    /** @return the callback failures swallowed so far */
    public long failures() {
        return failures.get();
    }
}
