/*
 * SPDX-License-Identifier: Apache-2.0
 */
package io.github.deadrelu.internal.report;

import io.github.deadrelu.stats.GateSnapshot;
import io.github.deadrelu.stats.LayerGates;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * Renders a {@link ReportState} as one self-contained HTML page: inline CSS and SVG only (no script, no external
 * style, font or image), so it opens from disk offline. Per gated layer: closed share and dead fraction over
 * iterations with non-finite iterations, re-initialisation events and the first 10% dead crossing marked, and a
 * units x time map of dead units; a header with the model, the listener's configuration and the policy; the latest
 * snapshot as a table; the WARN lines logged. Colours are the Okabe-Ito palette (colour-blind safe) and a
 * single-hue sequential scale for the map.
 *
 * <p>Why one class of this length: it writes one page, top to bottom (style sheet, header, table, one chart and one
 * map per layer, warnings) with the shared axis, tick and escaping helpers; the state it draws lives in
 * {@link ReportState}, so the renderer is a pure function of it.
 *
 * <p>Used by {@code DeadReluListener}, and should not be called by external code.
 */
public final class HtmlReport {
    static final String CLOSED = "#0072B2";
    static final String DEAD = "#D55E00";
    static final String REINIT = "#009E73";
    static final String NON_FINITE = "#CC79A7";
    static final String CROSSING = "#222222";
    /** Heat-map levels: 0 = no dead unit in the cell, LEVELS = every unit dead in every iteration. */
    static final int LEVELS = 8;
    private static final String ALIVE = "#f3f6fa";
    private static final int[] LIGHT = {0xc6, 0xdb, 0xef};
    private static final int[] DARK = {0x08, 0x30, 0x6b};

    private static final int W = 1160;
    private static final int ML = 58;
    private static final int MR = 18;
    private static final int PW = W - ML - MR;
    private static final int CHART_H = 230;
    private static final int MT = 36;
    private static final int MB = 40;
    private static final int EVENTS_SHOWN = 24;
    private static final DateTimeFormatter TIME =
            DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss 'UTC'", Locale.ROOT).withZone(ZoneOffset.UTC);

    private HtmlReport() {
    }

    /**
     * Renders the report as of now.
     *
     * @param state the state
     * @return the HTML page
     */
    public static String render(ReportState state) {
        return render(state, Instant.now());
    }

    /**
     * Renders the report.
     *
     * @param state the state
     * @param now   the time the page says it was written
     * @return the HTML page
     */
    public static String render(ReportState state, Instant now) {
        Objects.requireNonNull(state, "state");
        Objects.requireNonNull(now, "now");
        synchronized (state) {
            return new Page(state, now).html();
        }
    }

    /** The page under construction; holds the state's monitor for its whole life. */
    private static final class Page {
        private final ReportState state;
        private final Instant now;
        private final StringBuilder out = new StringBuilder(64 * 1024);

        Page(ReportState state, Instant now) {
            this.state = state;
            this.now = now;
        }

        String html() {
            ReportHeader h = state.header();
            GateSnapshot latest = state.latest();
            List<LayerTrack> tracks = state.tracks();
            out.append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n")
                    .append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n")
                    .append("<title>Dead ReLU report: ").append(esc(h.modelType())).append("</title>\n")
                    .append("<style>").append(CSS).append("</style>\n</head>\n<body>\n<main>\n");
            header(h, latest, tracks);
            table(latest, tracks);
            for (LayerTrack t : tracks) {
                layer(t);
            }
            warnings();
            out.append("<footer>Written by dl4j-deadrelu's DeadReluListener at ").append(TIME.format(now))
                    .append(". Self-contained: inline CSS and SVG, no script, nothing loaded from the network.")
                    .append("</footer>\n</main>\n</body>\n</html>\n");
            return out.toString();
        }

        private void header(ReportHeader h, GateSnapshot latest, List<LayerTrack> tracks) {
            out.append("<header>\n<h1>Dead ReLU report</h1>\n<p class=\"sub\">");
            if (latest.isEmpty()) {
                out.append("No iteration recorded yet.");
            } else {
                out.append("Iterations ").append(num(state.firstIteration())).append("&#8211;")
                        .append(num(latest.iteration())).append(" &#183; epoch ").append(num(latest.epoch()))
                        .append(" &#183; ").append(num(state.snapshots())).append(" snapshots &#183; ")
                        .append(tracks.size()).append(tracks.size() == 1 ? " gated layer" : " gated layers");
            }
            out.append(" &#183; written ").append(TIME.format(now)).append("</p>\n<dl class=\"meta\">\n")
                    .append("<dt>Model</dt><dd>").append(esc(h.modelType())).append(" &#183; ")
                    .append(num(h.layers())).append(" layers &#183; ").append(num(h.parameters()))
                    .append(" parameters</dd>\n")
                    .append("<dt>Listener</dt><dd><code>").append(esc(h.configuration())).append("</code></dd>\n")
                    .append("<dt>Re-initialisation</dt><dd><code>").append(esc(h.policy()))
                    .append("</code></dd>\n</dl>\n</header>\n");
        }

        private void table(GateSnapshot latest, List<LayerTrack> tracks) {
            out.append("<section class=\"card\" id=\"latest\">\n<h2>Latest snapshot");
            if (!latest.isEmpty()) {
                out.append(" <span class=\"tag\">iteration ").append(num(latest.iteration())).append(", epoch ")
                        .append(num(latest.epoch())).append("</span>");
            }
            out.append("</h2>\n<table>\n<thead><tr><th>Layer</th><th>Units</th><th>Closed share</th>")
                    .append("<th>Negative share</th><th>Dead units</th><th>Dead fraction</th><th>Newly dead</th>")
                    .append("<th>Revived</th><th>Reopened</th><th>Re-initialised</th><th>Non-finite entries</th>")
                    .append("<th>Recoverable</th><th>Counts</th><th>First &#8805;10% dead</th>")
                    .append("<th>Re-init events (units)</th></tr></thead>\n<tbody>\n");
            for (LayerGates g : latest.layers()) {
                LayerTrack t = state.track(g.name());
                out.append("<tr><th scope=\"row\"><a href=\"#").append(anchor(g.name())).append("\">")
                        .append(esc(g.name())).append("</a></th><td>").append(num(g.units())).append("</td><td>")
                        .append(pct(g.closedShare())).append("</td><td>").append(pct(g.negativeShare()))
                        .append("</td><td>").append(num(g.deadUnits().length)).append("</td><td>")
                        .append(pct(g.deadFraction())).append("</td><td>").append(num(g.newlyDead()))
                        .append("</td><td>").append(num(g.revived())).append("</td><td>").append(num(g.reopened()))
                        .append("</td><td>")
                        .append(num(g.reinitialized())).append("</td><td")
                        .append(g.nonFinite() > 0 ? " class=\"bad\">" : ">").append(num(g.nonFinite()))
                        .append("</td><td>").append(g.recoverable() ? "yes" : "no").append("</td><td>")
                        .append(g.estimated() ? "estimated" : "exact").append("</td><td>")
                        .append(t == null || t.crossingIteration() < 0 ? "&#8212;" : num(t.crossingIteration()))
                        .append("</td><td>")
                        .append(t == null ? "&#8212;" : num(t.reinitEvents()) + " (" + num(t.reinitUnits()) + ")")
                        .append("</td></tr>\n");
            }
            out.append("</tbody>\n</table>\n</section>\n");
        }

        private void layer(LayerTrack t) {
            out.append("<section class=\"card layer\" id=\"").append(anchor(t.name())).append("\" data-layer=\"")
                    .append(esc(t.name())).append("\">\n<h2>").append(esc(t.name())).append(" <span class=\"tag\">")
                    .append("index ").append(t.index()).append(" &#183; ").append(num(t.units())).append(" units")
                    .append(" &#183; ").append(t.recoverable() ? "recoverable" : "not recoverable by training")
                    .append(t.estimated() ? " &#183; counts estimated (dropout downstream)" : "")
                    .append("</span></h2>\n");
            events(t);
            chart(t);
            heatMap(t);
            out.append("</section>\n");
        }

        private void events(LayerTrack t) {
            out.append("<ul class=\"events\">\n");
            if (t.crossingIteration() >= 0) {
                out.append("<li class=\"event crossing\" data-iteration=\"").append(t.crossingIteration())
                        .append("\"><b>First &#8805;10% dead</b> at iteration ").append(num(t.crossingIteration()))
                        .append(" (").append(pct(t.crossingFraction())).append(" of the units)</li>\n");
            } else {
                out.append("<li class=\"event\">Dead fraction never reached 10%.</li>\n");
            }
            if (t.nonFiniteIterations() > 0) {
                out.append("<li class=\"event nonfinite\" data-first=\"").append(t.firstNonFinite())
                        .append("\" data-last=\"").append(t.lastNonFinite()).append("\"><b>Non-finite</b> ")
                        .append("activations (NaN or infinity) in ").append(num(t.nonFiniteIterations()))
                        .append(t.nonFiniteIterations() == 1 ? " iteration" : " iterations").append(": first ")
                        .append(num(t.firstNonFinite())).append(", latest ").append(num(t.lastNonFinite()))
                        .append("</li>\n");
            } else {
                out.append("<li class=\"event\">No non-finite activation.</li>\n");
            }
            if (t.reinitEvents() > 0) {
                out.append("<li class=\"event reinit\"><b>Re-initialised</b> ").append(num(t.reinitUnits()))
                        .append(" units in ").append(num(t.reinitEvents()))
                        .append(t.reinitEvents() == 1 ? " event" : " events").append(": ");
                List<LayerTrack.Event> events = t.events();
                for (int i = 0; i < events.size() && i < EVENTS_SHOWN; i++) {
                    LayerTrack.Event e = events.get(i);
                    out.append(i == 0 ? "" : ", ").append("<span class=\"at\" data-iteration=\"")
                            .append(e.iteration()).append("\" data-units=\"").append(e.units()).append("\">")
                            .append("it. ").append(num(e.iteration())).append(" (").append(num(e.units()))
                            .append(")</span>");
                }
                if (t.reinitEvents() > Math.min(events.size(), EVENTS_SHOWN)) {
                    out.append(" and ").append(num(t.reinitEvents() - Math.min(events.size(), EVENTS_SHOWN)))
                            .append(" more");
                }
                out.append("</li>\n");
            } else {
                out.append("<li class=\"event\">No re-initialisation.</li>\n");
            }
            out.append("</ul>\n");
        }

        private void chart(LayerTrack t) {
            List<LayerTrack.Point> points = t.points();
            int ph = CHART_H - MT - MB;
            double x0 = points.get(0).first;
            double x1 = Math.max(points.get(points.size() - 1).last, x0 + 1);
            Scale sx = v -> ML + (v - x0) / (x1 - x0) * PW;
            Scale sy = v -> MT + (1 - v) * ph;
            out.append("<svg class=\"chart\" viewBox=\"0 0 ").append(W).append(' ').append(CHART_H)
                    .append("\" role=\"img\" aria-label=\"closed share and dead fraction of layer ")
                    .append(esc(t.name())).append(" over iterations\">\n");
            legend(t);
            // grid and y axis
            for (int i = 0; i <= 4; i++) {
                double v = i / 4.0;
                double y = sy.at(v);
                out.append("<line class=\"grid\" x1=\"").append(ML).append("\" x2=\"").append(ML + PW)
                        .append("\" y1=\"").append(f(y)).append("\" y2=\"").append(f(y)).append("\"/>")
                        .append("<text class=\"tick\" x=\"").append(ML - 6).append("\" y=\"").append(f(y + 4))
                        .append("\" text-anchor=\"end\">").append(i * 25).append("%</text>\n");
            }
            xAxis(x0, x1, sx, MT + ph);
            out.append("<text class=\"label\" x=\"").append(ML + PW / 2).append("\" y=\"").append(CHART_H - 4)
                    .append("\" text-anchor=\"middle\">iteration</text>\n");
            // non-finite spans (behind the lines)
            for (LayerTrack.Point p : points) {
                if (p.nonFiniteIterations > 0) {
                    double a = sx.at(p.first);
                    double w = Math.max(3, sx.at(p.last) - a);
                    a = Math.min(a, ML + PW - w);
                    out.append("<g class=\"nonfinite\" data-first=\"").append(p.first).append("\" data-last=\"")
                            .append(p.last).append("\"><title>").append(num(p.nonFiniteIterations))
                            .append(" non-finite iteration(s) in iterations ").append(num(p.first)).append("&#8211;")
                            .append(num(p.last)).append("</title><rect x=\"").append(f(a)).append("\" y=\"")
                            .append(MT).append("\" width=\"").append(f(w)).append("\" height=\"").append(ph)
                            .append("\" fill=\"").append(NON_FINITE).append("\" fill-opacity=\"0.28\"/><rect x=\"")
                            .append(f(a)).append("\" y=\"").append(MT + ph - 7).append("\" width=\"").append(f(w))
                            .append("\" height=\"7\" fill=\"").append(NON_FINITE).append("\"/></g>\n");
                }
            }
            band(points, sx, sy, true);
            band(points, sx, sy, false);
            line(points, sx, sy, true);
            line(points, sx, sy, false);
            for (LayerTrack.Point p : points) {
                if (p.reinitIterations > 0) {
                    double x = sx.at(mid(p));
                    out.append("<g class=\"reinit\" data-first=\"").append(p.first).append("\" data-last=\"")
                            .append(p.last).append("\" data-units=\"").append(p.reinitUnits).append("\"><title>")
                            .append("re-initialised ").append(num(p.reinitUnits)).append(" unit(s) ")
                            .append(p.first == p.last ? "at iteration " + num(p.first)
                                    : "in iterations " + num(p.first) + "&#8211;" + num(p.last))
                            .append("</title><line x1=\"").append(f(x)).append("\" x2=\"").append(f(x))
                            .append("\" y1=\"").append(MT).append("\" y2=\"").append(MT + ph)
                            .append("\" stroke=\"").append(REINIT).append("\" stroke-width=\"1.5\" ")
                            .append("stroke-dasharray=\"4 3\"/><path d=\"M").append(f(x - 5)).append(' ')
                            .append(MT - 1).append("L").append(f(x + 5)).append(' ').append(MT - 1).append("L")
                            .append(f(x)).append(' ').append(MT + 7).append("Z\" fill=\"").append(REINIT)
                            .append("\"/></g>\n");
                }
            }
            if (t.crossingIteration() >= 0) {
                double x = sx.at(t.crossingIteration());
                boolean right = x > ML + PW * 0.8;
                out.append("<g class=\"crossing\" data-iteration=\"").append(t.crossingIteration())
                        .append("\"><line x1=\"").append(f(x)).append("\" x2=\"").append(f(x)).append("\" y1=\"")
                        .append(MT).append("\" y2=\"").append(MT + ph).append("\" stroke=\"").append(CROSSING)
                        .append("\" stroke-width=\"1.2\" stroke-dasharray=\"1 3\"/><circle cx=\"").append(f(x))
                        .append("\" cy=\"").append(f(sy.at(LayerTrack.CROSSING))).append("\" r=\"4\" fill=\"")
                        .append(CROSSING).append("\"/><text class=\"note\" x=\"").append(f(right ? x - 7 : x + 7))
                        .append("\" y=\"").append(MT + 16).append("\" text-anchor=\"")
                        .append(right ? "end" : "start").append("\">&#8805;10% dead from iteration ")
                        .append(num(t.crossingIteration())).append("</text></g>\n");
            }
            out.append("<rect class=\"frame\" x=\"").append(ML).append("\" y=\"").append(MT).append("\" width=\"")
                    .append(PW).append("\" height=\"").append(ph).append("\"/>\n</svg>\n");
            out.append("<p class=\"caption\">");
            if (t.seriesStride() == 1) {
                out.append("One point per recorded iteration (").append(num(t.records())).append(" iterations).");
            } else {
                out.append("Each point: mean of ").append(num(t.seriesStride())).append(" recorded iterations ")
                        .append("(shaded: their minimum to maximum); ").append(num(t.records()))
                        .append(" iterations in ").append(num(points.size())).append(" points. A non-finite ")
                        .append("or re-initialisation mark covers every iteration of its point.");
            }
            out.append(" Closed share: closed entries / finite entries of the latest mini-batch; dead fraction: ")
                    .append("dead units / units.</p>\n");
        }

        private void legend(LayerTrack t) {
            int x = ML;
            int y = 16;
            x = legendItem(x, y, "<line x1=\"0\" x2=\"22\" y1=\"0\" y2=\"0\" stroke=\"" + CLOSED
                    + "\" stroke-width=\"2.5\"/>", "closed share");
            x = legendItem(x, y, "<line x1=\"0\" x2=\"22\" y1=\"0\" y2=\"0\" stroke=\"" + DEAD
                    + "\" stroke-width=\"2.5\"/>", "dead fraction");
            x = legendItem(x, y, "<line x1=\"11\" x2=\"11\" y1=\"-8\" y2=\"8\" stroke=\"" + REINIT
                    + "\" stroke-width=\"1.5\" stroke-dasharray=\"4 3\"/>", "re-initialisation");
            x = legendItem(x, y, "<rect x=\"4\" y=\"-7\" width=\"14\" height=\"14\" fill=\"" + NON_FINITE
                    + "\" fill-opacity=\"0.5\"/>", "non-finite iteration");
            legendItem(x, y, "<circle cx=\"11\" cy=\"0\" r=\"4\" fill=\"" + CROSSING + "\"/>",
                    "first \u2265 10% dead");
        }

        private int legendItem(int x, int y, String swatch, String text) {
            out.append("<g class=\"legend\" transform=\"translate(").append(x).append(',').append(y).append(")\">")
                    .append(swatch).append("<text x=\"28\" y=\"4\">").append(esc(text)).append("</text></g>\n");
            return x + 40 + (int) Math.round(text.length() * 7.2);
        }

        private void xAxis(double x0, double x1, Scale sx, double y) {
            double step = niceStep((x1 - x0) / 8);
            double first = Math.ceil(x0 / step) * step;
            for (double v = first; v <= x1 + 1e-9; v += step) {
                double x = sx.at(v);
                out.append("<line class=\"tickmark\" x1=\"").append(f(x)).append("\" x2=\"").append(f(x))
                        .append("\" y1=\"").append(f(y)).append("\" y2=\"").append(f(y + 5)).append("\"/>")
                        .append("<text class=\"tick\" x=\"").append(f(x)).append("\" y=\"").append(f(y + 18))
                        .append("\" text-anchor=\"middle\">").append(num(Math.round(v))).append("</text>\n");
            }
        }

        private void band(List<LayerTrack.Point> points, Scale sx, Scale sy, boolean closed) {
            boolean any = false;
            for (LayerTrack.Point p : points) {
                any |= closed ? p.closedMax > p.closedMin : p.deadMax > p.deadMin;
            }
            if (!any) {
                return;
            }
            out.append("<path class=\"band\" fill=\"").append(closed ? CLOSED : DEAD)
                    .append("\" fill-opacity=\"0.16\" d=\"");
            for (int i = 0; i < points.size(); i++) {
                LayerTrack.Point p = points.get(i);
                out.append(i == 0 ? 'M' : 'L').append(f(sx.at(mid(p)))).append(' ')
                        .append(f(sy.at(closed ? p.closedMax : p.deadMax)));
            }
            for (int i = points.size() - 1; i >= 0; i--) {
                LayerTrack.Point p = points.get(i);
                out.append('L').append(f(sx.at(mid(p)))).append(' ')
                        .append(f(sy.at(closed ? p.closedMin : p.deadMin)));
            }
            out.append("Z\"/>\n");
        }

        private void line(List<LayerTrack.Point> points, Scale sx, Scale sy, boolean closed) {
            out.append("<polyline class=\"").append(closed ? "closed" : "dead").append("\" fill=\"none\" stroke=\"")
                    .append(closed ? CLOSED : DEAD).append("\" stroke-width=\"2\" stroke-linejoin=\"round\" points=\"");
            for (int i = 0; i < points.size(); i++) {
                LayerTrack.Point p = points.get(i);
                out.append(i == 0 ? "" : " ").append(f(sx.at(mid(p)))).append(',')
                        .append(f(sy.at(closed ? p.closedMean() : p.deadMean())));
            }
            out.append("\"/>\n");
            if (points.size() == 1) {
                LayerTrack.Point p = points.get(0);
                out.append("<circle cx=\"").append(f(sx.at(mid(p)))).append("\" cy=\"")
                        .append(f(sy.at(closed ? p.closedMean() : p.deadMean()))).append("\" r=\"3\" fill=\"")
                        .append(closed ? CLOSED : DEAD).append("\"/>\n");
            }
        }

        private void heatMap(LayerTrack t) {
            List<LayerTrack.Column> cols = t.columns();
            int rows = t.rows();
            int cellH = Math.max(4, Math.min(14, 128 / rows));
            int top = 8;
            int hh = rows * cellH;
            int height = top + hh + 36;
            long total = 0;
            for (LayerTrack.Column c : cols) {
                total += c.n;
            }
            double[] xs = new double[cols.size() + 1];
            long cum = 0;
            for (int i = 0; i < cols.size(); i++) {
                xs[i] = ML + (double) cum / total * PW;
                cum += cols.get(i).n;
            }
            xs[cols.size()] = ML + PW;
            out.append("<h3>Dead units over time</h3>\n<svg class=\"heatmap\" viewBox=\"0 0 ").append(W).append(' ')
                    .append(height).append("\" shape-rendering=\"crispEdges\" role=\"img\" aria-label=\"dead units of layer ").append(esc(t.name()))
                    .append(" over iterations\">\n<rect x=\"").append(ML).append("\" y=\"").append(top)
                    .append("\" width=\"").append(PW).append("\" height=\"").append(hh).append("\" fill=\"")
                    .append(ALIVE).append("\"/>\n");
            for (int r = 0; r < rows; r++) {
                int ru = t.rowUnits(r);
                int u0 = r * t.blockSize();
                String unitsLabel = ru == 1 ? "unit " + u0 : "units " + u0 + "&#8211;" + (u0 + ru - 1);
                boolean opened = false;
                int c = 0;
                while (c < cols.size()) {
                    int level = level(cols.get(c).deadSums[r] / ((double) cols.get(c).n * ru));
                    int end = c + 1;
                    while (end < cols.size()
                            && level(cols.get(end).deadSums[r] / ((double) cols.get(end).n * ru)) == level) {
                        end++;
                    }
                    if (level > 0) {
                        if (!opened) {
                            opened = true;
                            out.append("<g class=\"row\" data-unit=\"").append(u0).append("\"><title>")
                                    .append(unitsLabel).append("</title>");
                        }
                        out.append("<rect x=\"").append(f(xs[c])).append("\" y=\"").append(top + r * cellH)
                                .append("\" width=\"").append(f(xs[end] - xs[c] + 0.3)).append("\" height=\"")
                                .append(cellH).append("\" fill=\"").append(COLOURS[level]).append("\"/>");
                    }
                    c = end;
                }
                if (opened) {
                    out.append("</g>\n");
                }
            }
            // y labels: unit ranges
            int every = Math.max(1, (int) Math.ceil(rows / (hh / 14.0)));
            for (int r = 0; r < rows; r += every) {
                int u0 = r * t.blockSize();
                int ru = t.rowUnits(r);
                out.append("<text class=\"tick\" x=\"").append(ML - 6).append("\" y=\"")
                        .append(f(top + r * cellH + cellH / 2.0 + 4)).append("\" text-anchor=\"end\">")
                        .append(ru == 1 ? String.valueOf(u0) : u0 + "&#8211;" + (u0 + ru - 1)).append("</text>\n");
            }
            out.append("<text class=\"label\" transform=\"translate(12,").append(top + hh / 2)
                    .append(") rotate(-90)\" text-anchor=\"middle\">unit</text>\n");
            // x ticks: iterations, placed through the columns (their widths follow their iteration counts)
            LayerTrack.Column first = cols.get(0);
            LayerTrack.Column last = cols.get(cols.size() - 1);
            double x0 = first.first;
            double x1 = Math.max(last.last, x0 + 1);
            int ci = 0;
            double step = niceStep((x1 - x0) / 8);
            for (double v = Math.ceil(x0 / step) * step; v <= x1 + 1e-9; v += step) {
                while (ci + 1 < cols.size() && cols.get(ci + 1).first <= v) {
                    ci++;
                }
                LayerTrack.Column c = cols.get(ci);
                double within = c.last == c.first ? 0 : Math.min(1, Math.max(0, (v - c.first) / (c.last - c.first + 1)));
                double x = xs[ci] + within * (xs[ci + 1] - xs[ci]);
                out.append("<line class=\"tickmark\" x1=\"").append(f(x)).append("\" x2=\"").append(f(x))
                        .append("\" y1=\"").append(top + hh).append("\" y2=\"").append(top + hh + 5).append("\"/>")
                        .append("<text class=\"tick\" x=\"").append(f(x)).append("\" y=\"").append(top + hh + 18)
                        .append("\" text-anchor=\"middle\">").append(num(Math.round(v))).append("</text>\n");
            }
            out.append("<text class=\"label\" x=\"").append(ML + PW / 2).append("\" y=\"").append(height - 3)
                    .append("\" text-anchor=\"middle\">iteration</text>\n<rect class=\"frame\" x=\"").append(ML)
                    .append("\" y=\"").append(top).append("\" width=\"").append(PW).append("\" height=\"").append(hh)
                    .append("\"/>\n</svg>\n<div class=\"caption scale\"><span>Each cell: share of units dead in ")
                    .append(t.blockSize() == 1 ? "one unit" : "a block of " + t.blockSize() + " units")
                    .append(" over ").append(t.heatStride() == 1 ? "one recorded iteration"
                            : num(t.heatStride()) + " recorded iterations")
                    .append(" (").append(num(rows)).append(" &#215; ").append(num(cols.size()))
                    .append(" cells; the latest column may be partial).</span><span class=\"ramp\">");
            for (int l = 0; l <= LEVELS; l += 2) {
                out.append("<i style=\"background:").append(COLOURS[l]).append("\"></i>")
                        .append(l * 100 / LEVELS).append("%");
            }
            out.append(" dead</span></div>\n");
        }

        private void warnings() {
            List<String> w = state.warnings();
            out.append("<section class=\"card\" id=\"warnings\">\n<h2>Warnings <span class=\"tag\">")
                    .append(num(w.size() + state.droppedWarnings())).append(" logged</span></h2>\n");
            if (w.isEmpty()) {
                out.append("<p class=\"none\">No WARN was logged.</p>\n");
            } else {
                out.append("<ol class=\"warnings\">\n");
                for (String line : w) {
                    out.append("<li>").append(esc(line)).append("</li>\n");
                }
                out.append("</ol>\n");
                if (state.droppedWarnings() > 0) {
                    out.append("<p class=\"none\">").append(num(state.droppedWarnings()))
                            .append(" later WARN lines are not shown (the report keeps the first ").append(w.size())
                            .append(").</p>\n");
                }
            }
            out.append("</section>\n");
        }
    }

    /** A map from data to SVG coordinates. */
    @FunctionalInterface
    private interface Scale {
        double at(double v);
    }

    private static double mid(LayerTrack.Point p) {
        return (p.first + (double) p.last) / 2;
    }

    /** @return the heat-map level of a dead share: 0 only for no dead unit at all */
    static int level(double share) {
        if (!(share > 0)) {
            return 0;
        }
        return Math.max(1, Math.min(LEVELS, (int) Math.round(share * LEVELS)));
    }

    /** The colour of each heat-map level, 0 (no dead unit) to {@link #LEVELS}. */
    private static final String[] COLOURS = colours();

    private static String[] colours() {
        String[] c = new String[LEVELS + 1];
        c[0] = ALIVE;
        for (int level = 1; level <= LEVELS; level++) {
            c[level] = colour(level);
        }
        return c;
    }

    private static String colour(int level) {
        double t = (level - 1) / (double) (LEVELS - 1);
        StringBuilder s = new StringBuilder("#");
        for (int i = 0; i < 3; i++) {
            s.append(String.format(Locale.ROOT, "%02x", (int) Math.round(LIGHT[i] + t * (DARK[i] - LIGHT[i]))));
        }
        return s.toString();
    }

    static double niceStep(double raw) {
        if (!(raw > 0)) {
            return 1;
        }
        double mag = Math.pow(10, Math.floor(Math.log10(raw)));
        double norm = raw / mag;
        double nice = norm <= 1 ? 1 : norm <= 2 ? 2 : norm <= 2.5 ? 2.5 : norm <= 5 ? 5 : 10;
        return Math.max(1, nice * mag);
    }

    /** @return v rounded to one decimal, as SVG wants it (no locale, no exponent); a hot path, so no format() */
    static String f(double v) {
        long tenths = Math.round(v * 10);
        long abs = Math.abs(tenths);
        return (tenths < 0 ? "-" : "") + abs / 10 + (abs % 10 == 0 ? "" : "." + abs % 10);
    }

    /** @return v with thousands separators ("1,234") */
    static String num(long v) {
        String digits = Long.toString(Math.abs(v));
        StringBuilder b = new StringBuilder(digits.length() + 8);
        if (v < 0) {
            b.append('-');
        }
        for (int i = 0; i < digits.length(); i++) {
            if (i > 0 && (digits.length() - i) % 3 == 0) {
                b.append(',');
            }
            b.append(digits.charAt(i));
        }
        return b.toString();
    }

    private static String pct(double v) {
        return String.format(Locale.ROOT, "%.1f%%", v * 100);
    }

    static String anchor(String layer) {
        return "layer-" + layer.replaceAll("[^A-Za-z0-9_-]", "_");
    }

    static String esc(String s) {
        StringBuilder b = new StringBuilder(s.length() + 16);
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '&': b.append("&amp;"); break;
                case '<': b.append("&lt;"); break;
                case '>': b.append("&gt;"); break;
                case '"': b.append("&quot;"); break;
                case '\'': b.append("&#39;"); break;
                default: b.append(c);
            }
        }
        return b.toString();
    }

    private static final String CSS = String.join("\n",
            "",
            ":root{--ink:#1d2330;--muted:#5b6475;--line:#e3e7ee;--card:#fff;--bg:#f6f7f9}",
            "*{box-sizing:border-box}",
            "body{margin:0;background:var(--bg);color:var(--ink);"
                    + "font:14px/1.45 system-ui,-apple-system,'Segoe UI',Roboto,'Helvetica Neue',Arial,sans-serif}",
            "main{max-width:1240px;margin:0 auto;padding:24px 28px 40px}",
            "h1{font-size:26px;margin:0 0 4px;letter-spacing:-.01em}",
            "h2{font-size:18px;margin:0 0 10px}",
            "h3{font-size:14px;margin:16px 0 4px;color:var(--muted);font-weight:600}",
            ".sub{margin:0 0 14px;color:var(--muted)}",
            ".tag{font-size:13px;font-weight:400;color:var(--muted);margin-left:6px}",
            "header{margin-bottom:18px}",
            ".meta{display:grid;grid-template-columns:max-content 1fr;gap:4px 16px;margin:0;padding:12px 16px;"
                    + "background:var(--card);border:1px solid var(--line);border-radius:8px}",
            ".meta dt{font-weight:600}.meta dd{margin:0;overflow-wrap:anywhere}",
            "code{font:12.5px/1.4 ui-monospace,SFMono-Regular,Menlo,Consolas,monospace}",
            ".card{background:var(--card);border:1px solid var(--line);border-radius:8px;padding:16px 18px;"
                    + "margin:0 0 18px}",
            "table{border-collapse:collapse;width:100%;font-variant-numeric:tabular-nums}",
            "th,td{padding:5px 8px;border-bottom:1px solid var(--line);text-align:right;white-space:nowrap}",
            "thead th{font-size:12px;color:var(--muted);font-weight:600;white-space:normal;vertical-align:bottom}",
            "tbody th,thead th:first-child{text-align:left}",
            "td.bad{color:#a3347a;font-weight:600}",
            "a{color:" + CLOSED + ";text-decoration:none}",
            ".events{list-style:none;padding:0;margin:0 0 6px;display:flex;flex-wrap:wrap;gap:4px 18px;"
                    + "color:var(--muted)}",
            ".events b{color:var(--ink)}",
            ".events .crossing b{border-bottom:2px dotted " + CROSSING + "}",
            ".events .nonfinite b{color:#a3347a}.events .reinit b{color:#007a57}",
            "svg{display:block;width:100%;height:auto}",
            "svg text{font:12px system-ui,-apple-system,'Segoe UI',Roboto,Arial,sans-serif;fill:var(--muted)}",
            "svg .legend text{fill:var(--ink)}",
            "svg .note{fill:var(--ink);font-weight:600;paint-order:stroke;stroke:#fff;stroke-width:4px;"
                    + "stroke-linejoin:round}",
            "svg .label{font-size:12px}",
            ".grid{stroke:var(--line);stroke-width:1}.tickmark{stroke:#9aa3b2}",
            ".frame{fill:none;stroke:#c9cfd9}",
            ".caption{color:var(--muted);font-size:12.5px;margin:4px 0 0}",
            ".scale{display:flex;justify-content:space-between;gap:16px;flex-wrap:wrap}",
            ".ramp i{display:inline-block;width:18px;height:11px;margin:0 3px 0 8px;vertical-align:-1px;"
                    + "border:1px solid #c9cfd9}",
            ".warnings{margin:0;padding-left:22px;font:12.5px/1.5 ui-monospace,SFMono-Regular,Menlo,monospace}",
            ".none{color:var(--muted);margin:0}",
            "footer{color:var(--muted);font-size:12px;margin-top:8px}",
            "");
}
