/*
 * SPDX-License-Identifier: Apache-2.0
 */
package io.github.deadrelu.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.ActivationLayer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;

/** The registry between self-counting layers and the listener: per layer object, weakly held, thread-safe. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class GateMonitorCountsTest {

    private static Layer layer() {
        NeuralNetConfiguration conf = new NeuralNetConfiguration.Builder()
                .layer(new ActivationLayer.Builder().activation(Activation.RELU).build()).build();
        return new org.deeplearning4j.nn.layers.ActivationLayer(conf, DataType.FLOAT);
    }

    private static UnitCounts counts(long closed) {
        return new UnitCounts(new long[]{closed, 0}, new long[]{closed, 0}, new long[2], new long[]{4, 4},
                new double[]{1, 2}, 4, false);
    }

    @Test
    void peekLeavesTheSum_takeReturnsItAndForgets() {
        Layer l = layer();
        assertNull(GateMonitorCounts.peek(l));
        assertNull(GateMonitorCounts.take(l));
        GateMonitorCounts.record(l, counts(1), "l");
        GateMonitorCounts.record(l, counts(2), "l");
        assertEquals(3, GateMonitorCounts.peek(l).closed(0));
        assertEquals(3, GateMonitorCounts.peek(l).closed(0), "peeking again: the same counts");
        GateMonitorCounts.recordBlocked(l, new double[]{4, 0}, new double[]{1, 0});
        GateMonitorCounts.recordBlocked(l, new double[]{4, 2}, new double[]{3, 0});
        assertArrayEquals(new double[]{0.5, 0}, GateMonitorCounts.unitBlockedGradientShares(l), 0.0);
        assertEquals(4 / 10.0, GateMonitorCounts.blockedGradientShare(l).getAsDouble(), 0.0);
        UnitCounts c = GateMonitorCounts.take(l);
        assertEquals(3, c.closed(0));
        assertEquals(8, c.examples());
        assertArrayEquals(new double[]{2, 4}, c.absSums(), 0.0);
        assertNull(GateMonitorCounts.take(l), "taking forgets");
        assertNull(GateMonitorCounts.peek(l));
        assertFalse(GateMonitorCounts.blockedGradientShare(l).isPresent(), "and the gradient sums too");
        assertEquals(0, GateMonitorCounts.unitBlockedGradientShares(l).length);
    }

    @Test
    void keyedByIdentity_notByEquals() {
        Layer a = layer();
        Layer b = layer();
        // DL4J layers compare by value (AbstractLayer's equals), so a map keyed by equals would mix them up.
        GateMonitorCounts.record(a, counts(1), "a");
        assertNull(GateMonitorCounts.take(b), "another layer object, even an equal one, has its own counts");
        assertEquals(1, GateMonitorCounts.take(a).closed(0));
    }

    @Test
    void unitsChange_earlierCountsDropped() {
        Layer l = layer();
        GateMonitorCounts.record(l, counts(1), "l");
        GateMonitorCounts.record(l, new UnitCounts(new long[3], new long[3], new long[3], new long[]{1, 1, 1}, 1,
                false), "l");
        assertEquals(3, GateMonitorCounts.take(l).units());
    }

    @Test
    void concurrentRecords_allCounted() throws Exception {
        Layer l = layer();
        List<Thread> threads = new ArrayList<>();
        for (int t = 0; t < 4; t++) {
            Thread th = new Thread(() -> {
                for (int i = 0; i < 500; i++) {
                    GateMonitorCounts.record(l, counts(1), "l");
                }
            });
            threads.add(th);
            th.start();
        }
        for (Thread th : threads) {
            th.join();
        }
        UnitCounts c = GateMonitorCounts.take(l);
        assertEquals(2000, c.closed(0));
        assertEquals(8000, c.examples());
    }

    @Test
    void collectedLayersLeaveNothing() throws Exception {
        int before = GateMonitorCounts.size();
        for (int i = 0; i < 50; i++) {
            GateMonitorCounts.record(layer(), counts(1), "garbage");
        }
        // Unreferenced layers are weakly held: a full collection clears them (System.gc() is a full collection
        // with the JVM's default G1 and explicit GC enabled, as in this build).
        for (int i = 0; i < 20 && GateMonitorCounts.size() > before; i++) {
            System.gc();
            Thread.sleep(50);
        }
        assertTrue(GateMonitorCounts.size() <= before, "entries left: " + GateMonitorCounts.size());
    }
}
