/*
 * SPDX-License-Identifier: Apache-2.0
 */
package io.github.deadrelu.internal.engine;

import io.github.deadrelu.reinit.ReinitPolicy;
import java.io.Serializable;
import java.nio.file.Path;
import java.util.Objects;
import java.util.function.Consumer;
import org.nd4j.common.base.Preconditions;

/**
 * The monitor options every front end shares, validated once and immutable: each {@code with...} method checks its
 * argument and returns a new value. {@code DeadReluListener.Builder} and {@code DeadReluAggregator.Builder} keep their
 * public method names and delegate here, so the option rules live in one place.
 *
 * <p>Used by dl4j-deadrelu internals, and should not be called by external code.
 */
public final class MonitorConfig implements Serializable {
    private static final long serialVersionUID = 1L;

    /** See {@link #withDeadAfterExamples}. */
    private final int deadAfterExamples;
    /** See {@link #withFrequency}. */
    private final int frequency;
    /** See {@link #withPolicy}; null when monitoring only. */
    private final ReinitPolicy policy;
    /** See {@link #withCsv}; null for no CSV. */
    private final String csv;
    /** See {@link #withCsv}. */
    private final boolean csvAppend;
    /** See {@link #withHistorySize}. */
    private final int historySize;
    /** See {@link #withLogReports}. */
    private final boolean logReports;
    /** See {@link #withReport}; null for no report. */
    private final String report;
    /** See {@link #withDormancyThreshold}; meaningful only when {@link #dormancySet}. */
    private double dormancyThreshold;
    /** Whether {@link #withDormancyThreshold} was called (a form serialised before it reads as false). */
    private boolean dormancySet;
    /** See {@link #withGradientScores}. */
    private boolean gradientScores;
    /** See {@link #withCalibratedDeadThreshold}; 0 when off. */
    private int calibratedDeadThreshold;
    /** See {@link #withUtilityScores}. */
    private boolean utilityScores;
    /** Whether {@link #withDeadAfterExamples} was called. */
    private boolean deadAfterSet;

    private MonitorConfig(int deadAfterExamples, int frequency, ReinitPolicy policy, String csv, boolean csvAppend,
                          int historySize, boolean logReports, String report) {
        this.deadAfterExamples = deadAfterExamples;
        this.frequency = frequency;
        this.policy = policy;
        this.csv = csv;
        this.csvAppend = csvAppend;
        this.historySize = historySize;
        this.logReports = logReports;
        this.report = report;
    }

    /** @return the defaults: dead after 1024 examples, a summary every 100 iterations, monitor only, no CSV, 1000 snapshots */
    public static MonitorConfig defaults() {
        return new MonitorConfig(1024, 100, null, null, false, 1000, true, null);
    }

    /**
     * A unit is dead once it has been closed on every entry for at least this many consecutive training examples
     * (default 1024; batch-size independent; with several workers, counted over all of them).
     *
     * @param examples the streak length, >= 1
     * @return a copy with this option
     * @throws IllegalArgumentException when {@code examples < 1}
     */
    public MonitorConfig withDeadAfterExamples(int examples) {
        Preconditions.checkArgument(examples >= 1, "deadAfterExamples must be >= 1, got: %s", examples);
        Preconditions.checkState(calibratedDeadThreshold == 0, "deadAfterExamples(%s) cannot be combined with "
                + "calibratedDeadThreshold(%s): the calibrated threshold replaces the fixed streak; call one of them",
                examples, calibratedDeadThreshold);
        MonitorConfig c = keep(new MonitorConfig(examples, frequency, policy, csv, csvAppend, historySize, logReports,
                report));
        c.deadAfterSet = true;
        return c;
    }

    /**
     * Log one summary line every this many iterations (default 100; 0 = never).
     *
     * @param iterations the cadence, >= 0
     * @return a copy with this option
     * @throws IllegalArgumentException when {@code iterations < 0}
     */
    public MonitorConfig withFrequency(int iterations) {
        Preconditions.checkArgument(iterations >= 0, "frequency must be >= 0, got: %s", iterations);
        return keep(new MonitorConfig(deadAfterExamples, iterations, policy, csv, csvAppend, historySize, logReports,
                report));
    }

    /**
     * Re-initialise dead units per this policy (default: none, monitor only).
     *
     * @param p the policy
     * @return a copy with this option
     * @throws NullPointerException  when {@code p} is null
     * @throws IllegalStateException when a policy was already set
     */
    public MonitorConfig withPolicy(ReinitPolicy p) {
        Objects.requireNonNull(p, "policy");
        Preconditions.checkState(this.policy == null, "reinitialize was already set to %s", this.policy);
        return keep(new MonitorConfig(deadAfterExamples, frequency, p, csv, csvAppend, historySize, logReports, report));
    }

    /**
     * Write one CSV row per monitored layer per iteration to this file.
     *
     * @param file   the file
     * @param append false: start the file afresh (truncated, header written) at the first row, as Keras'
     *               {@code CSVLogger} does by default; true: append to an existing file whose header is this one
     *               (a file with another header is refused with one WARN), like {@code CSVLogger(append=True)}
     * @return a copy with this option
     * @throws NullPointerException when {@code file} is null
     */
    public MonitorConfig withCsv(Path file, boolean append) {
        Objects.requireNonNull(file, "file");
        return keep(new MonitorConfig(deadAfterExamples, frequency, policy, file.toString(), append, historySize,
                logReports, report));
    }

    /**
     * Keep this many snapshots in the history (default 1000).
     *
     * @param snapshots the bound, >= 1
     * @return a copy with this option
     * @throws IllegalArgumentException when {@code snapshots < 1}
     */
    public MonitorConfig withHistorySize(int snapshots) {
        Preconditions.checkArgument(snapshots >= 1, "historySize must be >= 1, got: %s", snapshots);
        return keep(new MonitorConfig(deadAfterExamples, frequency, policy, csv, csvAppend, snapshots, logReports, report));
    }

    /**
     * Whether to log the summary line (default true); warnings are always logged.
     *
     * @param log true to log
     * @return a copy with this option
     */
    public MonitorConfig withLogReports(boolean log) {
        return keep(new MonitorConfig(deadAfterExamples, frequency, policy, csv, csvAppend, historySize, log, report));
    }

    /**
     * Write a self-contained HTML report (inline CSS and SVG, nothing loaded from the network) to this file, rewritten
     * atomically (a temporary file in the same directory, then a move) at every summary ({@code frequency}), at every
     * epoch end and at {@code close()}. A failed write never stops training: one WARN, the next write tries again.
     *
     * @param html the report file (missing directories are created when it is first written)
     * @return a copy with this option
     * @throws NullPointerException when {@code html} is null
     */
    public MonitorConfig withReport(Path html) {
        Objects.requireNonNull(html, "html");
        return keep(new MonitorConfig(deadAfterExamples, frequency, policy, csv, csvAppend, historySize, logReports,
                html.toString()));
    }

    /** A copy of this value (every option) with {@code change} applied to it. */
    private MonitorConfig copy(Consumer<MonitorConfig> change) {
        MonitorConfig c = keep(new MonitorConfig(deadAfterExamples, frequency, policy, csv, csvAppend, historySize,
                logReports, report));
        change.accept(c);
        return c;
    }

    /** Carries the options outside the constructor's arguments from this value into {@code c}. */
    private MonitorConfig keep(MonitorConfig c) {
        c.dormancyThreshold = dormancyThreshold;
        c.dormancySet = dormancySet;
        c.gradientScores = gradientScores;
        c.calibratedDeadThreshold = calibratedDeadThreshold;
        c.deadAfterSet = deadAfterSet;
        c.utilityScores = utilityScores;
        return c;
    }

    /**
     * Report the units whose ReDo score s_j (mean |a_j| over the layer's mean of those means) is at most tau as
     * dormant ({@code LayerGates.dormantUnits()}, the CSV and the summary line). The scores themselves are always
     * computed.
     *
     * @param tau the threshold, in [0, 1]
     * @return a copy with this option
     * @throws IllegalArgumentException when {@code tau} is not in [0, 1]
     */
    public MonitorConfig withDormancyThreshold(double tau) {
        Preconditions.checkArgument(tau >= 0 && tau <= 1, "dormancyThreshold must be in [0, 1], got: %s", tau);
        return copy(c -> {
            c.dormancyThreshold = tau;
            c.dormancySet = true;
        });
    }

    /**
     * Measure GraMa's gradient score of every gated layer's units from the raw gradient in
     * {@code onGradientCalculation} (default false).
     *
     * @param on true to measure
     * @return a copy with this option
     */
    public MonitorConfig withGradientScores(boolean on) {
        return copy(c -> c.gradientScores = on);
    }

    /**
     * Give every unit its own dead threshold from the gaps between its firings (SNR: the 0.9-quantile of its gaps,
     * doubled after a gap at least as long as the threshold, clamped to [batch size, maxExamples]) instead of the
     * fixed {@code deadAfterExamples}.
     *
     * @param maxExamples the largest threshold, in examples, >= 1 (SNR's tau_max; 20,000 recommended)
     * @return a copy with this option
     * @throws IllegalArgumentException when {@code maxExamples < 1}
     * @throws IllegalStateException    when {@code deadAfterExamples} was set explicitly
     */
    public MonitorConfig withCalibratedDeadThreshold(int maxExamples) {
        Preconditions.checkArgument(maxExamples >= 1, "calibratedDeadThreshold must be >= 1, got: %s", maxExamples);
        Preconditions.checkState(!deadAfterSet, "calibratedDeadThreshold(%s) cannot be combined with "
                + "deadAfterExamples(%s): the calibrated threshold replaces the fixed streak; call one of them",
                maxExamples, deadAfterExamples);
        return copy(c -> c.calibratedDeadThreshold = maxExamples);
    }

    /**
     * Track Continual Backprop's contribution utility of every monitored layer's units and report it in the snapshot
     * ({@code LayerGates.utilityScores()}) also without a {@code LOW_UTILITY} policy (default false; a
     * {@code LOW_UTILITY} policy tracks it anyway).
     *
     * @param on true to track
     * @return a copy with this option
     */
    public MonitorConfig withUtilityScores(boolean on) {
        return copy(c -> c.utilityScores = on);
    }

    /** @return whether the utility is tracked without a {@code LOW_UTILITY} policy ({@link #withUtilityScores}) */
    public boolean utilityScores() {
        return utilityScores;
    }

    /** @return the dormancy threshold tau, or NaN when none is set (no dormant set) */
    public double dormancyThreshold() {
        return dormancySet ? dormancyThreshold : Double.NaN;
    }

    /** @return whether gradient scores are measured */
    public boolean gradientScores() {
        return gradientScores;
    }

    /** @return the calibrated threshold's largest value in examples, or 0 when the fixed streak is used */
    public int calibratedDeadThreshold() {
        return calibratedDeadThreshold;
    }

    /** @return the HTML report file name, or null for no report */
    public String report() {
        return report;
    }

    /** @return the streak length in examples after which a unit is dead */
    public int deadAfterExamples() {
        return deadAfterExamples;
    }

    /** @return the summary cadence in iterations (0 = never) */
    public int frequency() {
        return frequency;
    }

    /** @return the re-initialisation policy, or null when monitoring only */
    public ReinitPolicy policy() {
        return policy;
    }

    /** @return the CSV file name, or null for no CSV */
    public String csv() {
        return csv;
    }

    /** @return whether the CSV file is appended to rather than started afresh */
    public boolean csvAppend() {
        return csvAppend;
    }

    /** @return the history bound in snapshots */
    public int historySize() {
        return historySize;
    }

    /** @return whether the summary line is logged */
    public boolean logReports() {
        return logReports;
    }

    /** @return whether a summary line is due at this iteration */
    boolean summaryDue(int iteration) {
        return logReports && frequency > 0 && iteration % frequency == 0;
    }

    /**
     * The options in the front ends' {@code toString} form.
     *
     * @return {@code deadAfterExamples=..., frequency=..., reinitialize=..., csv=..., historySize=..., logReports=...}
     *         and {@code , report=...} when a report is written, {@code , dormancyThreshold=...},
     *         {@code , gradientScores=true}, {@code , utilityScores=true} and {@code , calibratedDeadThreshold=...}
     *         when set
     */
    @Override
    public String toString() {
        return "deadAfterExamples=" + deadAfterExamples + ", frequency=" + frequency + ", reinitialize="
                + (policy == null ? "none" : policy) + ", csv=" + csv + (csvAppend ? " (append)" : "")
                + ", historySize=" + historySize + ", logReports=" + logReports
                + (report == null ? "" : ", report=" + report)
                + (dormancySet ? ", dormancyThreshold=" + dormancyThreshold : "")
                + (gradientScores ? ", gradientScores=true" : "")
                + (utilityScores ? ", utilityScores=true" : "")
                + (calibratedDeadThreshold > 0 ? ", calibratedDeadThreshold=" + calibratedDeadThreshold : "");
    }
}
