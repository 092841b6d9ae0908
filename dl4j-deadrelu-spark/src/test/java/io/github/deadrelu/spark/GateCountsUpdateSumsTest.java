/*
 * SPDX-License-Identifier: Apache-2.0
 */
package io.github.deadrelu.spark;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.deadrelu.internal.UnitCounts;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Format 2 of {@link GateCountsUpdate} carries the sums of |a| (the aggregator's dormancy scores); format 1 reads. */
class GateCountsUpdateSumsTest {

    @Test
    void absSums_roundTrip() {
        Map<String, UnitCounts> m = new LinkedHashMap<>();
        m.put("a", new UnitCounts(new long[]{1, 0}, new long[]{1, 0}, new long[2], new long[]{4, 4},
                new double[]{0.5, 2.25}, 4, false));
        m.put("b", new UnitCounts(new long[]{0}, new long[]{0}, new long[1], new long[]{4}, 4, false));
        GateCountsUpdate u = new GateCountsUpdate("s", "w", 1, 3, 0, m);
        GateCountsUpdate q = new GateCountsUpdate();
        q.decode(u.encode());
        assertEquals(u, q);
        assertArrayEquals(new double[]{0.5, 2.25}, q.counts().get("a").absSums(), 0.0);
        assertFalse(q.counts().get("b").hasAbsSums());
    }

    /** The format-2 bytes, written out by hand (DataOutputStream's big-endian ints, longs, doubles and UTF). */
    private static final String FORMAT2 = "00000002" + "00017300017700000000000000010000000300000000" + "00000001"
            + "000161" + "0000000000000004" + "00" + "00000002"
            + "00000000000000010000000000000000" + "00000000000000010000000000000000"
            + "00000000000000000000000000000000" + "00000000000000040000000000000004"
            + "01" + "3fe0000000000000" + "4002000000000000";

    @Test
    void format2_wireBytesPinned() {
        Map<String, UnitCounts> m = new LinkedHashMap<>();
        m.put("a", new UnitCounts(new long[]{1, 0}, new long[]{1, 0}, new long[2], new long[]{4, 4},
                new double[]{0.5, 2.25}, 4, false));
        GateCountsUpdate u = new GateCountsUpdate("s", "w", 1, 3, 0, m);
        byte[] pinned = HexFormat.of().parseHex(FORMAT2);
        assertArrayEquals(pinned, u.encode());
        GateCountsUpdate q = new GateCountsUpdate();
        q.decode(pinned);
        assertEquals(u, q);
    }

    @Test
    void format1_readWithoutSums() throws IOException {
        ByteArrayOutputStream bos = new ByteArrayOutputStream();
        DataOutputStream out = new DataOutputStream(bos);
        out.writeInt(1);
        out.writeUTF("s");
        out.writeUTF("w");
        out.writeLong(1);
        out.writeInt(3);
        out.writeInt(0);
        out.writeInt(1);
        out.writeUTF("a");
        out.writeLong(4);
        out.writeBoolean(false);
        out.writeInt(1);
        for (long v : new long[]{1, 1, 0, 4}) {
            out.writeLong(v);
        }
        out.flush();
        GateCountsUpdate q = new GateCountsUpdate();
        q.decode(bos.toByteArray());
        UnitCounts c = q.counts().get("a");
        assertEquals(1, c.closed(0));
        assertTrue(!c.hasAbsSums());
    }
}
