/*
 * SPDX-License-Identifier: Apache-2.0
 */
package io.github.deadrelu.listeners;

import io.github.deadrelu.reinit.ReinitPolicy;
import java.nio.file.Path;

/**
 * The options every dead-ReLU front end takes, documented once: {@link DeadReluListener.Builder} and the Spark
 * module's {@code DeadReluAggregator.Builder} implement it, each validating through the same rules, so code can set
 * the shared options on either. Every argument is validated as it is set.
 *
 * @param <B> the builder type, returned for chaining
 */
public interface MonitorOptions<B extends MonitorOptions<B>> {

    /**
     * A unit is dead once it has been closed on every entry for at least this many consecutive training examples
     * (default 1024; batch-size independent).
     *
     * @param examples the streak length, >= 1
     * @return this builder, for chaining
     * @throws IllegalArgumentException when {@code examples < 1}
     */
    B deadAfterExamples(int examples);

    /**
     * Log one summary line every this many iterations (default 100; 0 = never).
     *
     * @param iterations the cadence, >= 0
     * @return this builder, for chaining
     * @throws IllegalArgumentException when {@code iterations < 0}
     */
    B frequency(int iterations);

    /**
     * Re-initialise dead units per this policy (default: none, monitor only).
     *
     * @param policy the policy
     * @return this builder, for chaining
     * @throws NullPointerException  when {@code policy} is null
     * @throws IllegalStateException when a policy was already set
     */
    B reinitialize(ReinitPolicy policy);

    /**
     * Write a self-contained HTML report to this file (inline CSS and SVG, nothing loaded from the network),
     * rewritten at every summary ({@code frequency}); a failed write never stops training (one WARN, the next write
     * tries again). It shows per monitored layer closed share and dead fraction over iterations (non-finite
     * iterations, re-initialisation events and the first 10% dead crossing marked) and a units x time map of dead
     * units, the model, this configuration and the policy, the latest snapshot and the WARN lines logged.
     *
     * @param html the report file
     * @return this builder, for chaining
     * @throws NullPointerException when {@code html} is null
     */
    B report(Path html);

    /**
     * Keep this many snapshots in the front end's {@code history()} (default 1000).
     *
     * @param snapshots the bound, >= 1
     * @return this builder, for chaining
     * @throws IllegalArgumentException when {@code snapshots < 1}
     */
    B historySize(int snapshots);

    /**
     * Whether to log the summary line (default true); warnings are always logged.
     *
     * @param log true to log
     * @return this builder, for chaining
     */
    B logReports(boolean log);
}
