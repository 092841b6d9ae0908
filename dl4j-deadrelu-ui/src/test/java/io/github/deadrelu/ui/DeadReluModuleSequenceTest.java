/*
 * SPDX-License-Identifier: Apache-2.0
 */
package io.github.deadrelu.ui;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.github.deadrelu.stats.GateSnapshot;
import io.github.deadrelu.stats.LayerGates;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.OptionalDouble;
import org.deeplearning4j.ui.model.storage.InMemoryStatsStorage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * How {@link DeadReluModule} reads records that arrive out of order or never: it consumes them in sequence order,
 * waits one read for a missing record, then skips it.
 */
class DeadReluModuleSequenceTest {

    /** A record of one snapshot at {@code iteration}, with layer "l" of 4 units at closed share iteration / 100. */
    private static DeadReluPersistable record(long sequence, int iteration) {
        LayerGates g = new LayerGates("l", 0, 4, iteration / 100.0, 0.0, new int[0], 0, 0, 0, 0, true,
                OptionalDouble.empty(), new double[4], false);
        return new DeadReluPersistable("s", "w", 1000 + sequence, sequence,
                List.of(new GateSnapshot(iteration, 0, List.of(g))));
    }

    /** A module attached to {@code storage}, which holds record 0 (iteration 10) of session "s", worker "w". */
    private static DeadReluModule attachedWithFirstRecord(InMemoryStatsStorage storage) {
        DeadReluModule m = new DeadReluModule();
        m.onAttach(storage);
        storage.putStaticInfo(record(0, 10));
        storage.putUpdate(record(0, 10));
        return m;
    }

    private static List<Integer> iterations(DeadReluModule m) {
        JsonObject session = UiFixture.onlySession(new JsonObject(m.data()));
        return UiFixture.ints(session.getJsonArray("layers").getJsonObject(0).getJsonArray("iterations"));
    }

    @Test
    @Timeout(60)
    void data_lateRecord_waitsOneRead() {
        InMemoryStatsStorage storage = new InMemoryStatsStorage();
        DeadReluModule m = attachedWithFirstRecord(storage);
        storage.putUpdate(record(2, 12));
        assertEquals(List.of(10), iterations(m), "record 2 waits for record 1");
        storage.putUpdate(record(1, 11));
        assertEquals(List.of(10, 11, 12), iterations(m));
        assertEquals(List.of(10, 11, 12), iterations(m), "nothing read twice");
    }

    @Test
    @Timeout(60)
    void data_lostRecord_skippedAfterOneRead() {
        InMemoryStatsStorage storage = new InMemoryStatsStorage();
        DeadReluModule m = attachedWithFirstRecord(storage);
        storage.putUpdate(record(2, 12));
        assertEquals(List.of(10), iterations(m));
        assertEquals(List.of(10, 12), iterations(m), "record 1 is lost: skipped on the second read");
        storage.putUpdate(record(1, 11));
        storage.putUpdate(record(3, 13));
        assertEquals(List.of(10, 12, 13), iterations(m), "a record older than the ones shown is not inserted");
    }

    @Test
    @Timeout(60)
    void data_detach_forgetsStorage() {
        InMemoryStatsStorage storage = new InMemoryStatsStorage();
        DeadReluModule m = attachedWithFirstRecord(storage);
        assertEquals(List.of(10), iterations(m));
        m.onDetach(storage);
        assertEquals("{\"sessions\":[]}", m.data());
    }
}
