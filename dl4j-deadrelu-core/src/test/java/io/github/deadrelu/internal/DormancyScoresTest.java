/*
 * SPDX-License-Identifier: Apache-2.0
 */
package io.github.deadrelu.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

/** {@link DormancyScores}: ReDo's s_j on planted sums and counts. */
class DormancyScoresTest {

    @Test
    void scores_meanOverOwnEntriesDividedByLayerMean() {
        // means 2, 0, 1, 1 (unit 0: 8 over 4 entries; unit 2: 3 over 3); layer mean 1.
        double[] s = DormancyScores.scores(new double[]{8, 0, 3, 4}, new long[]{4, 4, 3, 4}, false);
        assertArrayEquals(new double[]{2, 0, 1, 1}, s, 1e-12);
        assertArrayEquals(new int[]{1}, DormancyScores.dormant(s, 0.0));
        assertArrayEquals(new int[]{1, 2, 3}, DormancyScores.dormant(s, 1.0));
    }

    @Test
    void means_andNormalised() {
        assertArrayEquals(new double[]{2, 0, 1}, DormancyScores.means(new double[]{8, 0, 3}, new long[]{4, 0, 3}),
                1e-12);
        assertArrayEquals(new double[]{2, 0, 1}, DormancyScores.normalised(new double[]{4, 0, 2}), 1e-12);
        assertArrayEquals(new double[]{0, 0}, DormancyScores.normalised(new double[]{0, 0}));
    }

    @Test
    void scores_layerMeanZero_allZero() {
        assertArrayEquals(new double[]{0, 0, 0}, DormancyScores.scores(new double[3], new long[]{5, 5, 5}, false));
        assertArrayEquals(new double[]{0, 0}, DormancyScores.scores(new double[2], new long[]{0, 0}, false));
    }

    @Test
    void scores_nonFinite_empty() {
        assertEquals(0, DormancyScores.scores(new double[]{1, 2}, new long[]{1, 1}, true).length);
    }

    @Test
    void scores_fromCounts_finiteEntriesOnly() {
        // unit 0: 4 entries, none non-finite; unit 1: 4 entries of which 0 non-finite, all closed.
        UnitCounts c = new UnitCounts(new long[]{1, 4}, new long[]{0, 0}, new long[]{0, 0}, new long[]{4, 4}, 4,
                false);
        assertArrayEquals(new double[]{2, 0}, DormancyScores.scores(c, new double[]{4, 0}), 1e-12);
        UnitCounts nf = new UnitCounts(new long[]{1, 0}, new long[]{0, 0}, new long[]{0, 1}, new long[]{4, 4}, 4,
                false);
        assertEquals(0, DormancyScores.scores(nf, new double[]{4, 1}).length);
    }

    @Test
    void badValues_nameTheParameter() {
        assertEquals("tau must be in [0, 1], got: 1.5", assertThrows(IllegalArgumentException.class,
                () -> DormancyScores.dormant(new double[1], 1.5)).getMessage());
        assertEquals("absSums and entries must have equal lengths, got: 2 and 1", assertThrows(
                IllegalArgumentException.class, () -> DormancyScores.scores(new double[2], new long[1], false))
                .getMessage());
        assertEquals("absSums must be finite and >= 0 for unit 0, got: NaN", assertThrows(
                IllegalArgumentException.class, () -> DormancyScores.scores(new double[]{Double.NaN}, new long[]{1},
                        false)).getMessage());
    }

    @Test
    void lowest_lowestScoreFirstThenIndex_capped_sortedByIndex() {
        double[] s = {0.5, 0.0, 0.2, 0.0, 0.9};
        assertArrayEquals(new int[]{1, 3}, DormancyScores.lowest(s, 0.6, u -> true, 2));
        assertArrayEquals(new int[]{1, 2, 3}, DormancyScores.lowest(s, 0.6, u -> true, 3));
        assertArrayEquals(new int[]{2, 3}, DormancyScores.lowest(s, 0.6, u -> u != 1, 2));
        assertArrayEquals(new int[0], DormancyScores.lowest(s, 0.6, u -> true, 0));
    }
}
