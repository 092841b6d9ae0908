/*
 * SPDX-License-Identifier: Apache-2.0
 */
package io.github.deadrelu.internal.report;

import static io.github.deadrelu.internal.report.Snapshots.gates;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.deadrelu.stats.GateSnapshot;
import io.github.deadrelu.stats.LayerGates;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import org.jsoup.Jsoup;
import org.jsoup.nodes.Document;
import org.jsoup.nodes.Element;
import org.jsoup.select.Elements;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

class HtmlReportTest {
    private static final Instant NOW = Instant.parse("2026-12-01T12:00:00Z");

    /** Two layers, 1,000 iterations: d0 crosses 10% dead at 400 and is re-initialised at 500 and 900; one NaN at 700. */
    private static ReportState planted() {
        ReportState state = new ReportState();
        state.header(new ReportHeader("MultiLayerNetwork", 3, 1234, "DeadReluListener(frequency=100)",
                "ReinitPolicy(every=500, maturity=100)"));
        for (int it = 0; it < 1000; it++) {
            int dead = it < 400 ? 0 : it < 500 ? 2 : it < 800 ? 0 : 3;
            int reinit = it == 500 ? 2 : it == 900 ? 3 : 0;
            LayerGates d0 = gates("d0", 0, 10, 0.3 + it / 5000.0, reinit > 0 ? 0 : dead, reinit, 0);
            LayerGates d1 = gates("dense<1>&\"", 1, 5, 0.2, 0, 0, it == 700 ? 3 : 0);
            state.record(new GateSnapshot(it, it / 100, List.of(d0, d1)));
        }
        state.warn("DeadReluListener: layer {} has {} dead units", "d0", 2);
        state.warn("<script>alert(1)</script>");
        return state;
    }

    private static Document parse(ReportState state) {
        return Jsoup.parse(HtmlReport.render(state, NOW));
    }

    @Test
    void render_oneChartAndHeatMapPerLayer() {
        Document doc = parse(planted());
        Elements layers = doc.select("section.layer");
        assertEquals(List.of("d0", "dense<1>&\""), layers.eachAttr("data-layer"));
        for (Element layer : layers) {
            assertEquals(1, layer.select("svg.chart").size());
            assertEquals(1, layer.select("svg.heatmap").size());
            assertEquals(layer.attr("data-layer"), layer.selectFirst("h2").ownText());
            assertEquals(1, layer.select("svg.chart polyline.closed").size());
            assertEquals(1, layer.select("svg.chart polyline.dead").size());
            assertTrue(layer.select("svg.chart text.tick").size() >= 5 + 3, "tick labels");
        }
        assertEquals(List.of("d0", "dense<1>&\""), doc.select("#latest tbody th").eachText());
        assertTrue(doc.selectFirst("header").text().contains("MultiLayerNetwork · 3 layers · 1,234 parameters"));
        assertTrue(doc.selectFirst("header").text().contains("ReinitPolicy(every=500, maturity=100)"));
        assertTrue(doc.selectFirst("header").text().contains("DeadReluListener(frequency=100)"));
    }

    @Test
    void render_eventsMarked() {
        Document doc = parse(planted());
        Element d0 = doc.selectFirst("section.layer[data-layer=d0]");
        assertEquals(List.of("500", "900"), d0.select("svg.chart g.reinit").eachAttr("data-first"));
        assertEquals(List.of("2", "3"), d0.select("svg.chart g.reinit").eachAttr("data-units"));
        assertEquals(List.of("500", "900"), d0.select("li.reinit span.at").eachAttr("data-iteration"));
        assertEquals("400", d0.selectFirst("svg.chart g.crossing").attr("data-iteration"));
        assertEquals("400", d0.selectFirst("li.crossing").attr("data-iteration"));
        assertTrue(d0.select("svg.chart g.nonfinite").isEmpty());
        Element d1 = doc.select("section.layer").get(1);
        assertEquals(List.of("700"), d1.select("svg.chart g.nonfinite").eachAttr("data-first"));
        assertEquals("700", d1.selectFirst("li.nonfinite").attr("data-first"));
        assertTrue(d1.select("svg.chart g.crossing").isEmpty());
        assertTrue(d1.select("svg.chart g.reinit").isEmpty());
    }

    @Test
    void render_heatMapSaysHowItIsDownsampled() {
        Document doc = parse(planted());
        String caption = doc.selectFirst("section.layer[data-layer=d0] .scale span").text();
        // 1,000 iterations in at most 120 columns: the stride doubles 1, 2, .., 8 (120 columns full at iteration 960,
        // merged into 60) to 16; 60 + 2 full columns + 1 partial (iterations 992..999)
        assertEquals("Each cell: share of units dead in one unit over 16 recorded iterations "
                + "(10 × 63 cells; the latest column may be partial).", caption);
        // units 0, 1 were dead in iterations 400..499 and units 0..2 in 800..999 except 900 (re-initialised)
        Elements rows = doc.select("section.layer[data-layer=d0] svg.heatmap g.row");
        assertEquals(List.of("0", "1", "2"), rows.eachAttr("data-unit"));
        assertEquals(List.of("unit 0", "unit 1", "unit 2"), rows.select("title").eachText());
        assertTrue(doc.select("section.layer").get(1).select("svg.heatmap g.row").isEmpty());
    }

    @Test
    void render_noExternalReference() {
        Document doc = parse(planted());
        assertTrue(doc.select("script, link, img, iframe, object, embed").isEmpty());
        for (Element e : doc.getAllElements()) {
            for (String attr : List.of("src", "href", "xlink:href", "srcset", "action")) {
                String v = e.attr(attr).toLowerCase(Locale.ROOT);
                assertFalse(v.startsWith("http:") || v.startsWith("https:") || v.startsWith("//"),
                        e.tagName() + " " + attr + "=" + v);
            }
        }
        String css = doc.select("style").html();
        assertFalse(css.contains("url(") || css.contains("@import"), css);
        assertFalse(doc.outerHtml().contains("http://") || doc.outerHtml().contains("https://"));
    }

    @Test
    void render_warningsEscaped() {
        Document doc = parse(planted());
        assertEquals(List.of("DeadReluListener: layer d0 has 2 dead units", "<script>alert(1)</script>"),
                doc.select("ol.warnings li").eachText());
        assertTrue(doc.select("script").isEmpty());
    }

    @Test
    void render_emptyState() {
        Document doc = parse(new ReportState());
        assertTrue(doc.select("section.layer").isEmpty());
        assertTrue(doc.selectFirst("header").text().contains("No iteration recorded yet."));
    }

    /** Iterations at every kind of position in the pairwise merges: first, last, even and odd bins. */
    static final int[] FLAG_AT = {0, 1, 777, 54_321, 77_777, 99_998, 99_999};

    @Test
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    void render_singleNonFiniteAmong100kStillMarked() {
        LayerGates nan = gates("d0", 0, 8, 0.4, 0, 0, 1);
        for (int at : FLAG_AT) {
            Document doc = parse(hundredThousandWithOne(nan, at));
            int width = assertOneMarkHolding(doc.select("svg.chart g.nonfinite"), at, "non-finite");
            assertTrue(width <= 100_000 / 100, at + ": a bin of " + width + " iterations");
            assertEquals(String.valueOf(at), doc.selectFirst("li.nonfinite").attr("data-first"));
            assertTrue(doc.selectFirst("li.nonfinite").text().contains("in 1 iteration"));
        }
    }

    @Test
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    void render_singleReinitAmong100kStillMarked() {
        LayerGates reinit = gates("d0", 0, 8, 0.4, 0, 3, 0);
        for (int at : FLAG_AT) {
            Elements marks = parse(hundredThousandWithOne(reinit, at)).select("svg.chart g.reinit");
            assertOneMarkHolding(marks, at, "re-initialisation");
            assertEquals("3", marks.attr("data-units"));
        }
    }

    /**
     * Exactly one mark, whose bin [data-first, data-last] holds iteration {@code at}.
     *
     * @return the bin's width in iterations
     */
    private static int assertOneMarkHolding(Elements marks, int at, String what) {
        assertEquals(1, marks.size(), what + " at " + at);
        int first = Integer.parseInt(marks.attr("data-first"));
        int last = Integer.parseInt(marks.attr("data-last"));
        assertTrue(first <= at && at <= last, at + ": " + first + ".." + last);
        return last - first + 1;
    }

    /** 100,000 iterations of layer d0 (8 units, closed share 0.4, nothing else) but {@code flagged} at {@code at}. */
    private static ReportState hundredThousandWithOne(LayerGates flagged, int at) {
        LayerGates ok = gates("d0", 0, 8, 0.4, 0, 0, 0);
        ReportState state = new ReportState();
        for (int it = 0; it < 100_000; it++) {
            state.record(new GateSnapshot(it, 0, List.of(it == at ? flagged : ok)));
        }
        return state;
    }

    @Test
    void numbers_formattedWithoutLocale() {
        assertEquals("0", HtmlReport.f(0.04));
        assertEquals("12.3", HtmlReport.f(12.34));
        assertEquals("-1.5", HtmlReport.f(-1.46));
        assertEquals("1,234,567", HtmlReport.num(1_234_567));
        assertEquals("-1,000", HtmlReport.num(-1000));
        assertEquals("999", HtmlReport.num(999));
    }

    @Test
    void niceStep_roundNumbers() {
        assertEquals(1, HtmlReport.niceStep(0.3), 0.0);
        assertEquals(200, HtmlReport.niceStep(130), 0.0);
        assertEquals(2500, HtmlReport.niceStep(2100), 0.0);
        assertEquals(100_000, HtmlReport.niceStep(99_999), 0.0);
    }
}
