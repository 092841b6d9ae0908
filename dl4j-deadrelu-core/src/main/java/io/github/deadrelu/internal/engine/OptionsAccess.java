/*
 * SPDX-License-Identifier: Apache-2.0
 */
package io.github.deadrelu.internal.engine;

import java.util.Objects;
import java.util.function.Function;

/**
 * Reads the {@link MonitorConfig} out of a front end's builder, which extends the public
 * {@code io.github.deadrelu.listeners.MonitorOptions} and keeps its config private, so that no internal type appears in
 * a public or protected signature of an API package. {@code MonitorOptions} installs the reader when its class is
 * initialised (before any builder exists); a front end in another package (the Spark module's aggregator) calls
 * {@link #configOf(Object)} in its {@code build()}. The engine does not import {@code listeners}: the reader is a
 * plain function.
 *
 * <p>Used by dl4j-deadrelu internals, and should not be called by external code.
 */
public final class OptionsAccess {
    private static volatile Function<Object, MonitorConfig> reader;

    private OptionsAccess() {
    }

    /**
     * Installs the reader; called once, by {@code MonitorOptions}' static initialiser.
     *
     * @param r the reader
     * @throws IllegalStateException when a reader is installed already
     */
    public static synchronized void install(Function<Object, MonitorConfig> r) {
        Objects.requireNonNull(r, "reader");
        if (reader != null) {
            throw new IllegalStateException("reader must be installed once, got a second one: " + r);
        }
        reader = r;
    }

    /**
     * The options a builder holds now.
     *
     * @param options a {@code MonitorOptions} builder
     * @return its config
     * @throws IllegalStateException when no reader is installed (no builder class was initialised)
     */
    public static MonitorConfig configOf(Object options) {
        Function<Object, MonitorConfig> r = reader;
        if (r == null) {
            throw new IllegalStateException("options must be a MonitorOptions builder, got: " + options);
        }
        return r.apply(Objects.requireNonNull(options, "options"));
    }
}
