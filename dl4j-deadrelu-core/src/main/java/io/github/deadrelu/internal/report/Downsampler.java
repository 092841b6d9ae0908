/*
 * SPDX-License-Identifier: Apache-2.0
 */
package io.github.deadrelu.internal.report;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.function.Supplier;

/**
 * A series of bins over time with a fixed capacity: each bin holds {@code stride} consecutive records; when the
 * series is full, neighbouring bins are merged pairwise and the stride doubles. Memory is bounded by the capacity over
 * any run length; the first and the latest record always stay in the series, and a bin keeps whatever its merge keeps
 * (sums, minima, maxima, flags).
 *
 * @param <B> the bin type
 */
final class Downsampler<B extends Downsampler.Bin<B>> {

    /**
     * One bin: the span of iterations it covers, the records it holds, and how to merge it with the next one.
     *
     * @param <B> the bin type
     */
    abstract static class Bin<B extends Bin<B>> {
        /** First and last iteration in the bin, -1 while empty. */
        int first = -1;
        int last = -1;
        /** Records in the bin. */
        int n;

        /** Counts one record of {@code iteration}. */
        final void at(int iteration) {
            if (first < 0) {
                first = iteration;
            }
            last = iteration;
            n++;
        }

        /** @return the records added to this bin */
        final int count() {
            return n;
        }

        /**
         * Merges this bin with the one that follows it in time: the span, then {@link #mergeValues}.
         *
         * @param next the next bin
         * @return this bin, updated
         */
        @SuppressWarnings("unchecked")
        final B merge(B next) {
            last = next.last;
            n += next.n;
            mergeValues(next);
            return (B) this;
        }

        /** Adds the values of the next bin to this one (the span is already merged). */
        abstract void mergeValues(B next);
    }

    private final int capacity;
    private final Supplier<B> fresh;
    private List<B> full;
    private B open;
    private int stride = 1;
    private long records;

    /**
     * @param capacity the maximal number of bins, even and >= 2
     * @param fresh    makes an empty bin
     */
    Downsampler(int capacity, Supplier<B> fresh) {
        if (capacity < 2 || capacity % 2 != 0) {
            throw new IllegalArgumentException("capacity must be even and >= 2, got: " + capacity);
        }
        this.capacity = capacity;
        this.fresh = fresh;
        this.full = new ArrayList<>(capacity);
    }

    /** @return the bin the next record goes into; call {@link #added()} after filling it */
    B open() {
        if (open == null) {
            open = fresh.get();
        }
        return open;
    }

    /** Closes the open bin when it holds {@code stride} records, halving the series when it is full. */
    void added() {
        records++;
        if (open != null && open.count() >= stride) {
            full.add(open);
            open = null;
            if (full.size() >= capacity) {
                List<B> merged = new ArrayList<>(capacity);
                for (int i = 0; i + 1 < full.size(); i += 2) {
                    merged.add(full.get(i).merge(full.get(i + 1)));
                }
                full = merged;
                stride *= 2;
            }
        }
    }

    /** @return the bins in time order, the open (partial) one last; at most {@code capacity} */
    List<B> bins() {
        if (open == null) {
            return Collections.unmodifiableList(full);
        }
        List<B> all = new ArrayList<>(full.size() + 1);
        all.addAll(full);
        all.add(open);
        return all;
    }

    /** @return records per complete bin */
    int stride() {
        return stride;
    }

    /** @return the records added so far */
    long records() {
        return records;
    }

    /** @return the maximal number of bins */
    int capacity() {
        return capacity;
    }
}
