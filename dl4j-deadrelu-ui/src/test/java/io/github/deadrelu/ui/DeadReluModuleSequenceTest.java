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
import org.junit.jupiter.api.BeforeEach;
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

    private InMemoryStatsStorage storage;
    private DeadReluModule m;

    /** A module attached to a storage that holds record 0 (iteration 10) of session "s", worker "w". */
    @BeforeEach
    void attachWithFirstRecord() {
        storage = new InMemoryStatsStorage();
        m = new DeadReluModule();
        m.onAttach(storage);
        storage.putStaticInfo(record(0, 10));
        storage.putUpdate(record(0, 10));
    }

    /** Puts record {@code sequence} (one snapshot at {@code iteration}) into the storage. */
    private void put(long sequence, int iteration) {
        storage.putUpdate(record(sequence, iteration));
    }

    /** Reads the module's data once and asserts the iterations it shows. */
    private void assertShown(String why, Integer... iterations) {
        JsonObject session = UiFixture.onlySession(new JsonObject(m.data()));
        assertEquals(List.of(iterations),
                UiFixture.ints(session.getJsonArray("layers").getJsonObject(0).getJsonArray("iterations")), why);
    }

    @Test
    @Timeout(60)
    void data_lateRecord_waitsOneRead() {
        put(2, 12);
        assertShown("record 2 waits for record 1", 10);
        put(1, 11);
        assertShown("records 1 and 2 once record 1 is there", 10, 11, 12);
        assertShown("nothing read twice", 10, 11, 12);
    }

    @Test
    @Timeout(60)
    void data_lostRecord_skippedAfterOneRead() {
        put(2, 12);
        assertShown("record 2 waits for record 1", 10);
        assertShown("record 1 is lost: skipped on the second read", 10, 12);
        put(1, 11);
        put(3, 13);
        assertShown("a record older than the ones shown is not inserted", 10, 12, 13);
    }

    @Test
    @Timeout(60)
    void data_detach_forgetsStorage() {
        assertShown("record 0", 10);
        m.onDetach(storage);
        assertEquals("{\"sessions\":[]}", m.data());
    }
}
