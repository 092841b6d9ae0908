/*
 * SPDX-License-Identifier: Apache-2.0
 */
package io.github.deadrelu.internal.engine;

import io.github.deadrelu.internal.report.ReportHeader;
import io.github.deadrelu.internal.report.ReportState;
import io.github.deadrelu.internal.report.ReportWriter;
import io.github.deadrelu.reinit.ReinitPolicy;
import io.github.deadrelu.stats.GateSnapshot;
import java.nio.file.Paths;
import java.util.List;
import org.deeplearning4j.nn.api.Model;

/**
 * The HTML report of {@code report(Path)} on the engine's {@link EngineEvents} hook: the header at discovery, every
 * snapshot recorded, every WARN the front end logs kept, and the file rewritten (atomically, never throwing) at every
 * summary, every epoch end and {@code close()}. The engine calls it inside its failure guard.
 *
 * <p>Used by dl4j-deadrelu internals, and should not be called by external code.
 */
final class HtmlReportHook implements EngineEvents {
    private final ReportState state = new ReportState();
    private final ReportWriter writer;

    /**
     * A report.
     *
     * @param file the HTML file
     */
    HtmlReportHook(String file) {
        this.writer = new ReportWriter(Paths.get(file));
    }

    /**
     * Sets the header.
     *
     * @param model         the network
     * @param configuration the front end's configuration
     * @param policy        the policy, or null
     */
    void header(Model model, String configuration, ReinitPolicy policy) {
        state.header(ReportHeader.of(model, configuration, policy == null ? null : policy.toString()));
    }

    /**
     * Records one snapshot.
     *
     * @param snap the snapshot
     */
    void record(GateSnapshot snap) {
        state.record(snap);
    }

    /**
     * Keeps one WARN text.
     *
     * @param line the text
     */
    void warn(String line) {
        state.warn(line);
    }

    @Override
    public void report(Moment moment, GateSnapshot latest, List<GateSnapshot> history, List<String> warnings) {
        writer.write(state);
    }
}
