/*
 * SPDX-License-Identifier: Apache-2.0
 */
package io.github.deadrelu.listeners;

import static io.github.deadrelu.listeners.DeadReluListenerPlantedTest.gates;
import static io.github.deadrelu.testutil.Texts.assertContains;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.deadrelu.stats.LayerGates;
import io.github.deadrelu.testutil.Nets;
import io.github.deadrelu.testutil.Planted;
import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;

/**
 * {@code calibratedDeadThreshold} through the listener. Layer 0 planted: all weights 0 except W[0, 0] = 1; unit 0 has
 * bias -0.5 and fires only on an example whose feature 0 is 1 (one example every {@value #PERIOD} mini-batches of
 * {@value #MB}: once in 3,008 examples); unit 2 has bias -0.5 and never fires; the others have bias 0.5 (always open).
 */
@Timeout(120)
class DeadReluListenerCalibratedTest {
    private static final int MB = 32;
    private static final int PERIOD = 94;
    private static final int MAX = 4096;

    private static DataSet batch(int k) {
        INDArray f = Nd4j.zeros(DataType.FLOAT, MB, Nets.N_IN);
        if (k % PERIOD == 0) {
            f.putScalar(0, 0, 1.0);
        }
        INDArray l = Nd4j.zeros(DataType.FLOAT, MB, Nets.CLASSES);
        for (int i = 0; i < MB; i++) {
            l.putScalar(i, i % Nets.CLASSES, 1.0);
        }
        return new DataSet(f, l);
    }

    private static MultiLayerNetwork net() {
        MultiLayerNetwork net = Nets.mlp(1);
        Layer l0 = net.getLayer(0);
        Planted.byBias(l0, 0, 2);
        l0.getParam("W").putScalar(0, 0, 1.0);
        return net;
    }

    /** Trains {@code batches} mini-batches; returns the first iteration at which each unit was dead (-1: never). */
    private static int[] firstDead(DeadReluListener l, int batches) {
        MultiLayerNetwork net = net();
        net.setListeners(l);
        int[] first = new int[6];
        java.util.Arrays.fill(first, -1);
        for (int k = 0; k < batches; k++) {
            net.fit(batch(k));
            LayerGates g = gates(l, "layer0");
            for (int u : g.deadUnits()) {
                if (first[u] < 0) {
                    first[u] = k;
                }
            }
        }
        return first;
    }

    @Test
    void rareFiringUnitNotDead_neverFiringUnitDeadAtMax() {
        int[] first = firstDead(DeadReluListener.builder().calibratedDeadThreshold(MAX).frequency(0).build(), 300);
        assertEquals(-1, first[0], "fires once in 3,008 examples: never called dead");
        assertEquals(MAX / MB - 1, first[2], "never fires: dead once its streak reaches 4,096 examples");
        assertArrayEquals(new int[]{-1, -1}, new int[]{first[1], first[3]});
    }

    @Test
    void fixedStreak_callsTheRareUnitDead() {
        int[] first = firstDead(DeadReluListener.builder().deadAfterExamples(1024).frequency(0).build(), 300);
        assertEquals(1024 / MB, first[0], "the fixed 1,024 streak calls it dead after its first firing");
        assertEquals(1024 / MB - 1, first[2]);
    }

    @Test
    void validation_andRefusedWithDeadAfterExamples() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> DeadReluListener.builder().calibratedDeadThreshold(0));
        assertEquals("calibratedDeadThreshold must be >= 1, got: 0", e.getMessage());
        IllegalStateException a = assertThrows(IllegalStateException.class,
                () -> DeadReluListener.builder().deadAfterExamples(256).calibratedDeadThreshold(20_000));
        assertTrue(a.getMessage().contains("calibratedDeadThreshold(20000)")
                && a.getMessage().contains("deadAfterExamples(256)"), a.getMessage());
        IllegalStateException b = assertThrows(IllegalStateException.class,
                () -> DeadReluListener.builder().calibratedDeadThreshold(20_000).deadAfterExamples(256));
        assertTrue(b.getMessage().contains("calibratedDeadThreshold(20000)")
                && b.getMessage().contains("deadAfterExamples(256)"), b.getMessage());
        String s = DeadReluListener.builder().calibratedDeadThreshold(20_000).build().toString();
        assertContains(s, "calibratedDeadThreshold=20000");
        assertFalse(DeadReluListener.builder().build().toString().contains("calibrated"));
    }
}
