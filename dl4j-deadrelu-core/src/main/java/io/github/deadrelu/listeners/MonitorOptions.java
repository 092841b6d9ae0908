/*
 * SPDX-License-Identifier: Apache-2.0
 */
package io.github.deadrelu.listeners;

import io.github.deadrelu.internal.engine.MonitorConfig;
import io.github.deadrelu.internal.engine.OptionsAccess;
import io.github.deadrelu.reinit.ReinitPolicy;
import java.nio.file.Path;
import java.util.function.UnaryOperator;

/**
 * The builder base of every dead-ReLU front end (as DL4J's {@code BaseLayer.Builder<T>} is of its layers): the options
 * they share, their validation and their Javadoc live here once. {@link DeadReluListener.Builder} and the Spark
 * module's {@code DeadReluAggregator.Builder} extend it and add their own options ({@code gradientScores} and
 * {@code forwardTo}); each option returns the concrete builder, so chains such as
 * {@code DeadReluListener.builder().frequency(100).csv(path).build()} read as before. Every argument is validated as
 * it is set.
 *
 * <p>To add an option every front end takes: one method here, {@code return with(c -> c.withX(x));}, with its rule
 * in {@code MonitorConfig.withX}. An option of one front end goes to its own builder the same way.
 *
 * @param <B> the concrete builder type, returned for chaining
 */
public abstract class MonitorOptions<B extends MonitorOptions<B>> {

    static {
        OptionsAccess.install(o -> ((MonitorOptions<?>) o).config);
    }

    /** The options set so far (validated, immutable; replaced by each option). */
    private MonitorConfig config = MonitorConfig.defaults();

    /** A builder with the defaults: monitor only, dead after 1024 examples, a summary every 100 iterations. */
    protected MonitorOptions() {
    }

    /** Replaces the options by {@code change} of them (which validates) and returns this builder. */
    final B with(UnaryOperator<MonitorConfig> change) {
        config = change.apply(config);
        @SuppressWarnings("unchecked")
        B self = (B) this;
        return self;
    }

    /** @return the options set so far */
    final MonitorConfig config() {
        return config;
    }

    /**
     * A unit is dead once it has been closed on every entry for at least this many consecutive training examples
     * (default 1024; batch-size independent). On the aggregator the examples are counted over all workers, and a unit
     * is dead only when it is closed on every worker's data.
     *
     * @param examples the streak length, >= 1
     * @return this builder, for chaining
     * @throws IllegalArgumentException when {@code examples < 1}
     * @throws IllegalStateException    when {@link #calibratedDeadThreshold(int)} was called too
     */
    public final B deadAfterExamples(int examples) {
        return with(c -> c.withDeadAfterExamples(examples));
    }

    /**
     * Log one summary line every this many iterations (default 100; 0 = never).
     *
     * @param iterations the cadence, >= 0
     * @return this builder, for chaining
     * @throws IllegalArgumentException when {@code iterations < 0}
     */
    public final B frequency(int iterations) {
        return with(c -> c.withFrequency(iterations));
    }

    /**
     * Re-initialise dead units per this policy (default: none, monitor only). The listener re-initialises every
     * {@code policy.every()} iterations; the aggregator only when its {@code reinitialize()} is called (between
     * {@code fit} calls), which this option enables.
     *
     * @param policy the policy
     * @return this builder, for chaining
     * @throws NullPointerException  when {@code policy} is null
     * @throws IllegalStateException when a policy was already set
     */
    public final B reinitialize(ReinitPolicy policy) {
        return with(c -> c.withPolicy(policy));
    }

    /**
     * Write one CSV row per monitored layer per iteration to this file, started afresh (truncated, header
     * {@value DeadReluListener#CSV_HEADER}) at the first row, as Keras' {@code CSVLogger} does by default. A
     * deserialised copy of the listener continues the file (appends, no second header). {@code close()} closes the
     * file; a later row reopens it in append mode.
     *
     * @param file the file
     * @return this builder, for chaining
     * @throws NullPointerException when {@code file} is null
     */
    public final B csv(Path file) {
        return with(c -> c.withCsv(file, false));
    }

    /**
     * Like {@link #csv(Path)}; with {@code append} an existing file is continued instead of started afresh, like
     * Keras' {@code CSVLogger(append=True)}: rows are appended, the header is written only to a new or empty file,
     * and a file whose first line is not the header is refused with one WARN (CSV output off).
     *
     * @param file   the file
     * @param append true to append to an existing file
     * @return this builder, for chaining
     * @throws NullPointerException when {@code file} is null
     */
    public final B csv(Path file, boolean append) {
        return with(c -> c.withCsv(file, append));
    }

    /**
     * Write a self-contained HTML report to this file (inline CSS and SVG, nothing loaded from the network),
     * rewritten at every summary ({@code frequency}), every epoch end and {@code close()}; a failed write never stops
     * training (one WARN, the next write tries again). It shows per monitored layer closed share and dead fraction
     * over iterations (non-finite iterations, re-initialisation events and the first 10% dead crossing marked) and a
     * units x time map of dead units, the model, this configuration and the policy, the latest snapshot and the WARN
     * lines logged.
     *
     * @param html the report file
     * @return this builder, for chaining
     * @throws NullPointerException when {@code html} is null
     */
    public final B report(Path html) {
        return with(c -> c.withReport(html));
    }

    /**
     * Keep this many snapshots in the front end's {@code history()} (default 1000).
     *
     * @param snapshots the bound, >= 1
     * @return this builder, for chaining
     * @throws IllegalArgumentException when {@code snapshots < 1}
     */
    public final B historySize(int snapshots) {
        return with(c -> c.withHistorySize(snapshots));
    }

    /**
     * Whether to log the summary line (default true); warnings are always logged.
     *
     * @param log true to log
     * @return this builder, for chaining
     */
    public final B logReports(boolean log) {
        return with(c -> c.withLogReports(log));
    }

    /**
     * Report the tau-dormant units (ReDo): those whose dormancy score s_j, the unit's mean |a| over the layer's mean
     * of those means in the latest mini-batch, is at most tau ({@code LayerGates.dormantUnits()}, the CSV's
     * {@code dormant_units}, the summary line). The scores ({@code LayerGates.dormancyScores()}) are computed for
     * every monitored layer whether or not a threshold is set (on the aggregator from the workers' summed |a|).
     * Reporting only: re-initialisation by dormancy is
     * {@code ReinitPolicy.builder().select(UnitSelection.DORMANT).threshold(t)}.
     *
     * @param tau the threshold, in [0, 1] (ReDo uses 0.025 and 0.1)
     * @return this builder, for chaining
     * @throws IllegalArgumentException when {@code tau} is not in [0, 1]
     */
    public final B dormancyThreshold(double tau) {
        return with(c -> c.withDormancyThreshold(tau));
    }

    /**
     * Give every unit its own dead threshold from the gaps between its firings (SNR, Farias and Jozefiak, ICLR 2025)
     * instead of the fixed {@code deadAfterExamples}: after a firing gap g, the threshold doubles when g was at least
     * the threshold, else becomes the 0.9-quantile of the unit's gaps; clamped to [batch size, maxExamples]. A unit
     * that fires once in a few thousand examples is then not called dead.
     *
     * @param maxExamples the largest threshold in examples, >= 1 (SNR recommends 20,000)
     * @return this builder, for chaining
     * @throws IllegalArgumentException when {@code maxExamples < 1}
     * @throws IllegalStateException    when {@code deadAfterExamples} was called too
     */
    public final B calibratedDeadThreshold(int maxExamples) {
        return with(c -> c.withCalibratedDeadThreshold(maxExamples));
    }
}
