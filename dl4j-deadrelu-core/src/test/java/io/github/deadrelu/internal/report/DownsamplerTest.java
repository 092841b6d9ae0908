/*
 * SPDX-License-Identifier: Apache-2.0
 */
package io.github.deadrelu.internal.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class DownsamplerTest {
    /** A bin that sums its iterations. */
    static final class Sum extends Downsampler.Bin<Sum> {
        long sum;

        @Override
        void mergeValues(Sum next) {
            sum += next.sum;
        }
    }

    private static Downsampler<Sum> fed(int capacity, int records) {
        Downsampler<Sum> d = new Downsampler<>(capacity, Sum::new);
        for (int it = 0; it < records; it++) {
            Sum s = d.open();
            s.at(it);
            s.sum += it;
            d.added();
        }
        return d;
    }

    @Test
    void added_belowCapacity_oneBinPerRecord() {
        List<Sum> bins = fed(8, 7).bins();
        assertEquals(7, bins.size());
        assertEquals(1, fed(8, 7).stride());
        assertEquals(6, bins.get(6).first);
    }

    @Test
    void added_full_mergesPairsAndDoublesStride() {
        Downsampler<Sum> d = fed(8, 8);
        assertEquals(2, d.stride());
        assertEquals(4, d.bins().size());
        assertEquals(List.of(0, 2, 4, 6), d.bins().stream().map(b -> b.first).toList());
        assertEquals(List.of(1, 3, 5, 7), d.bins().stream().map(b -> b.last).toList());
        assertEquals(List.of(1L, 5L, 9L, 13L), d.bins().stream().map(b -> b.sum).toList());
    }

    @Test
    void added_anyLength_boundedAndComplete() {
        for (int records : new int[]{1, 9, 100, 1023, 1024, 1025, 77_777}) {
            Downsampler<Sum> d = fed(16, records);
            List<Sum> bins = d.bins();
            assertTrue(bins.size() <= 16, records + ": " + bins.size());
            assertEquals(0, bins.get(0).first);
            assertEquals(records - 1, bins.get(bins.size() - 1).last);
            assertEquals(records, bins.stream().mapToLong(b -> b.n).sum());
            assertEquals((long) records * (records - 1) / 2, bins.stream().mapToLong(b -> b.sum).sum());
            for (int i = 0; i + 1 < bins.size(); i++) {
                assertEquals(d.stride(), bins.get(i).n);
                assertEquals(bins.get(i).last + 1, bins.get(i + 1).first);
            }
        }
    }

    @Test
    void constructor_oddCapacity() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new Downsampler<>(5, Sum::new));
        assertEquals("capacity must be even and >= 2, got: 5", e.getMessage());
    }
}
