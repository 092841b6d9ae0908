/*
 * SPDX-License-Identifier: Apache-2.0
 */
package io.github.deadrelu.examples.plasticity;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;

@Timeout(60)
class SlowlyChangingRegressionTest {

    @Test
    void shapes() {
        DataSet d = new SlowlyChangingRegression(1).next(7);
        assertArrayEquals(new long[]{7, 20}, d.getFeatures().shape());
        assertArrayEquals(new long[]{7, 1}, d.getLabels().shape());
    }

    @Test
    void deterministic_independentOfBatchSizes() {
        SlowlyChangingRegression a = new SlowlyChangingRegression(5, true, 50);
        SlowlyChangingRegression b = new SlowlyChangingRegression(5, true, 50);
        DataSet one = a.next(120);
        DataSet parts = DataSet.merge(java.util.List.of(b.next(7), b.next(100), b.next(13)));
        assertEquals(one.getFeatures(), parts.getFeatures());
        assertEquals(one.getLabels(), parts.getLabels());
        assertNotEquals(one.getFeatures(), new SlowlyChangingRegression(6, true, 50).next(120).getFeatures());
    }

    @Test
    void oneSlowBitFlipsAtEachPeriod_fastBitsVary_targetIsTheNetwork() {
        SlowlyChangingRegression s = new SlowlyChangingRegression(3);
        int n = 3 * SlowlyChangingRegression.FLIP_AFTER;
        double[][] x = s.next(n).getFeatures().toDoubleMatrix();
        for (int e = 1; e < n; e++) {
            int changed = 0;
            for (int k = 0; k < SlowlyChangingRegression.FLIPPING_BITS; k++) {
                changed += x[e][k] != x[e - 1][k] ? 1 : 0;
            }
            assertEquals(e % SlowlyChangingRegression.FLIP_AFTER == 0 ? 1 : 0, changed, "example " + e);
        }
        double fastOnes = 0;
        for (int e = 0; e < n; e++) {
            for (int k = SlowlyChangingRegression.FLIPPING_BITS; k < 20; k++) {
                assertTrue(x[e][k] == 0 || x[e][k] == 1);
                fastOnes += x[e][k];
            }
        }
        double share = fastOnes / (n * 5.0);
        assertTrue(share > 0.48 && share < 0.52, "share of fast bits set: " + share);
        SlowlyChangingRegression again = new SlowlyChangingRegression(3);
        DataSet d = again.next(50);
        for (int e = 0; e < 50; e++) {
            assertEquals(again.target(d.getFeatures().getRow(e).toDoubleVector()), d.getLabels().getDouble(e, 0));
        }
    }

    @Test
    void targets_integerValuedAndNotConstant() {
        double[] y = new SlowlyChangingRegression(11).next(2000).getLabels().toDoubleVector();
        java.util.Set<Double> values = new java.util.HashSet<>();
        for (double v : y) {
            assertEquals(Math.rint(v), v);
            values.add(v);
        }
        assertTrue(values.size() > 3, "targets: " + values);
        assertEquals(2000, Nd4j.createFromArray(y).length());
    }

    @Test
    void reDrawAll_manyBitsChangeAtAPeriod() {
        SlowlyChangingRegression s = new SlowlyChangingRegression(2, false, 10);
        double[][] x = s.next(200).getFeatures().toDoubleMatrix();
        int changedTotal = 0;
        for (int e = 10; e < 200; e += 10) {
            for (int k = 0; k < 15; k++) {
                changedTotal += x[e][k] != x[e - 1][k] ? 1 : 0;
            }
        }
        assertTrue(changedTotal > 19 * 3, "bits changed over 19 periods: " + changedTotal);
    }

    @Test
    void badValues() {
        assertEquals("flipAfter must be >= 1, got: 0", assertThrows(IllegalArgumentException.class,
                () -> new SlowlyChangingRegression(1, true, 0)).getMessage());
        assertEquals("batch must be >= 1, got: 0", assertThrows(IllegalArgumentException.class,
                () -> new SlowlyChangingRegression(1).next(0)).getMessage());
    }
}
