/*
 * SPDX-License-Identifier: Apache-2.0
 */
package io.github.deadrelu.ui;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.HexFormat;
import org.junit.jupiter.api.Test;

/** The bytes of {@link DeadReluPersistable}'s encoding, pinned: a file written by an older build still reads. */
class DeadReluPersistableWireTest {

    /** Version-1 bytes written out by hand (DataOutputStream's big-endian ints, longs, doubles and UTF). */
    private static final String VERSION1 = "44525501" + "000173" + "000177" + "0000000000000005"
            + "0000000000000001" + "00000001" + "00000002" + "00000000" + "00000001"
            + "000164" + "00000003" + "3fd0000000000000" + "3fe0000000000000" + "00000001";

    @Test
    void version1_decodesAndEncodesTheSameBytes() {
        byte[] pinned = HexFormat.of().parseHex(VERSION1);
        DeadReluPersistable p = new DeadReluPersistable();
        p.decode(pinned);
        assertEquals("s", p.getSessionID());
        assertEquals("w", p.getWorkerID());
        assertEquals(5, p.getTimeStamp());
        assertEquals(1, p.sequence());
        assertEquals(1, p.snapshotCount());
        assertEquals(2, p.iteration(0));
        assertEquals(0, p.epoch(0));
        assertEquals(1, p.layerCount(0));
        assertEquals("d", p.layer(0, 0));
        assertEquals(3, p.units(0, 0));
        assertEquals(0.25, p.closedShare(0, 0));
        assertEquals(0.5, p.deadFraction(0, 0));
        assertEquals(1, p.reinitialized(0, 0));
        assertArrayEquals(pinned, p.encode());
        assertEquals(pinned.length, p.encodingLengthBytes());
    }
}
