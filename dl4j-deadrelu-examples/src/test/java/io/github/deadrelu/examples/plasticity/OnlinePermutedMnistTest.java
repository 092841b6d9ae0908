/*
 * SPDX-License-Identifier: Apache-2.0
 */
package io.github.deadrelu.examples.plasticity;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import java.util.Arrays;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;

@Timeout(60)
class OnlinePermutedMnistTest {

    private static final int N = 12;
    private static final int PIXELS = 6;

    /** Digit i: pixel p = 10 * i + p; label i % 3. */
    private static DataSet digits() {
        INDArray x = Nd4j.create(DataType.FLOAT, N, PIXELS);
        INDArray y = Nd4j.create(DataType.FLOAT, N, 3);
        for (int i = 0; i < N; i++) {
            for (int p = 0; p < PIXELS; p++) {
                x.putScalar(i, p, 10 * i + p);
            }
            y.putScalar(i, i % 3, 1);
        }
        return new DataSet(x, y);
    }

    @Test
    void eachTaskShowsEveryDigitOnce_withTheTasksPermutation() {
        OnlinePermutedMnist s = new OnlinePermutedMnist(digits(), 4);
        for (int t = 0; t < 3; t++) {
            assertEquals(t, s.task());
            DataSet d = s.next(N);
            int[] perm = s.permutation(t);
            Set<Integer> seen = new HashSet<>();
            for (int e = 0; e < N; e++) {
                int digit = (int) (d.getFeatures().getDouble(e, 0) - perm[0]) / 10;
                seen.add(digit);
                for (int p = 0; p < PIXELS; p++) {
                    assertEquals(10 * digit + perm[p], d.getFeatures().getDouble(e, p), 1e-6);
                }
                assertEquals(1.0, d.getLabels().getDouble(e, digit % 3));
            }
            assertEquals(N, seen.size());
        }
        assertFalse(Arrays.equals(s.permutation(0), s.permutation(1)));
        int[] sorted = s.permutation(2).clone();
        Arrays.sort(sorted);
        assertArrayEquals(new int[]{0, 1, 2, 3, 4, 5}, sorted);
    }

    @Test
    void deterministic_independentOfBatchSizes_acrossTaskBoundaries() {
        OnlinePermutedMnist a = new OnlinePermutedMnist(digits(), 9);
        OnlinePermutedMnist b = new OnlinePermutedMnist(digits(), 9);
        DataSet one = a.next(30);
        DataSet parts = DataSet.merge(java.util.List.of(b.next(5), b.next(1), b.next(20), b.next(4)));
        assertEquals(one.getFeatures(), parts.getFeatures());
        assertEquals(one.getLabels(), parts.getLabels());
        assertArrayEquals(new long[]{30, PIXELS}, one.getFeatures().shape());
        assertArrayEquals(new long[]{30, 3}, one.getLabels().shape());
        assertEquals(2, a.task());
        assertNotEquals(one.getFeatures(), new OnlinePermutedMnist(digits(), 10).next(30).getFeatures());
    }
}
