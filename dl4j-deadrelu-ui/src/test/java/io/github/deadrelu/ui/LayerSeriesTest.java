/*
 * SPDX-License-Identifier: Apache-2.0
 */
package io.github.deadrelu.ui;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonObject;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The bounded series behind /deadrelu/data: every point up to 10,000, merged pairs beyond, no event lost. */
class LayerSeriesTest {

    private static JsonObject json(LayerSeries s) {
        StringBuilder sb = new StringBuilder();
        s.appendJson(sb);
        return new JsonObject(sb.toString());
    }

    @Test
    @Timeout(60)
    void add_upToMax_keepsEveryIteration() {
        LayerSeries s = new LayerSeries("dense \"0\"");
        for (int i = 0; i < LayerSeries.MAX_POINTS; i++) {
            s.add(i, 8, i / 10_000.0, 0.125, i % 1000 == 0 ? 3 : 0);
        }
        JsonObject j = json(s);
        assertEquals("dense \"0\"", j.getString("name"));
        assertEquals(8, j.getInteger("units"));
        List<Integer> its = UiFixture.ints(j.getJsonArray("iterations"));
        assertEquals(LayerSeries.MAX_POINTS, its.size());
        assertEquals(1, s.stride());
        for (int i = 0; i < its.size(); i++) {
            assertEquals(i, (int) its.get(i));
            assertEquals(i / 10_000.0, j.getJsonArray("closedShare").getDouble(i));
        }
    }

    @Test
    @Timeout(60)
    void add_beyondMax_mergesPairsAndKeepsEveryEvent() {
        LayerSeries s = new LayerSeries("l");
        int n = 25_001;
        int events = 0;
        for (int i = 0; i < n; i++) {
            int r = i % 7 == 0 ? 1 : 0;
            events += r;
            s.add(i, 4, 0.5, i / (double) n, r);
        }
        JsonObject j = json(s);
        List<Integer> its = UiFixture.ints(j.getJsonArray("iterations"));
        assertTrue(its.size() <= LayerSeries.MAX_POINTS, "at most 10,000 points, got: " + its.size());
        assertEquals(4, s.stride());                 // 10,001 -> 5,000 (stride 2) ... 10,001 -> 5,000 (stride 4)
        for (int k = 0; k < its.size(); k++) {
            assertEquals(4 * k + 3, (int) its.get(k), "each point is the last of its 4 iterations");
            assertEquals(its.get(k) / (double) n, j.getJsonArray("deadFraction").getDouble(k));
        }
        int shown = UiFixture.ints(j.getJsonArray("reinitialized")).stream().mapToInt(Integer::intValue).sum();
        int last = its.get(its.size() - 1);
        int pendingEvents = 0;
        for (int i = last + 1; i < n; i++) {
            pendingEvents += i % 7 == 0 ? 1 : 0;
        }
        assertEquals(events, shown + pendingEvents, "every event is in a point or in the unfinished group");
    }
}
