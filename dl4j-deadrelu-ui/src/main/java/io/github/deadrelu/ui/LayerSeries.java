/*
 * SPDX-License-Identifier: Apache-2.0
 */
package io.github.deadrelu.ui;

import java.util.Arrays;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * The series of one gated layer on the page, bounded: every published iteration until {@link #MAX_POINTS} points,
 * then pairs of neighbouring points are merged (and again at every next overflow), so one point stands for
 * {@code stride} consecutive published iterations: it lists the last of them with its closed share and dead fraction,
 * and the sum of the units re-initialised in all of them (no event is lost). The at most {@code stride - 1} most recent
 * iterations of an unfinished group appear once the group is complete.
 */
final class LayerSeries {
    /** Points kept per series. */
    static final int MAX_POINTS = 10_000;

    private final String name;
    private int units;
    private int[] iterations = new int[64];
    private double[] closedShare = new double[64];
    private double[] deadFraction = new double[64];
    private int[] reinitialized = new int[64];
    private int size;
    private int stride = 1;
    private int pending;
    private int pendingReinit;

    LayerSeries(String name) {
        this.name = name;
    }

    String name() {
        return name;
    }

    int units() {
        return units;
    }

    int size() {
        return size;
    }

    int stride() {
        return stride;
    }

    /**
     * Adds one published iteration.
     *
     * @param iteration     the iteration
     * @param units         the layer's units
     * @param closed        closed share
     * @param dead          dead fraction
     * @param reinit        units re-initialised in that iteration
     */
    void add(int iteration, int units, double closed, double dead, int reinit) {
        this.units = units;
        pendingReinit += reinit;
        if (++pending < stride) {
            return;
        }
        if (size == iterations.length) {
            int n = Math.min(MAX_POINTS + 1, size * 2);
            iterations = Arrays.copyOf(iterations, n);
            closedShare = Arrays.copyOf(closedShare, n);
            deadFraction = Arrays.copyOf(deadFraction, n);
            reinitialized = Arrays.copyOf(reinitialized, n);
        }
        iterations[size] = iteration;
        closedShare[size] = closed;
        deadFraction[size] = dead;
        reinitialized[size] = pendingReinit;
        size++;
        pending = 0;
        pendingReinit = 0;
        if (size > MAX_POINTS) {
            halve();
        }
    }

    /** Merges points (2i, 2i+1) into one; an odd last point goes back to the unfinished group. */
    private void halve() {
        int pairs = size / 2;
        for (int i = 0; i < pairs; i++) {
            int a = 2 * i;
            int b = a + 1;
            iterations[i] = iterations[b];
            closedShare[i] = closedShare[b];
            deadFraction[i] = deadFraction[b];
            reinitialized[i] = reinitialized[a] + reinitialized[b];
        }
        if (size % 2 == 1) {
            pending = stride;
            pendingReinit = reinitialized[size - 1];
        }
        size = pairs;
        stride *= 2;
    }

    /**
     * Appends this series as one JSON object of the {@code /deadrelu/data} shape.
     *
     * @param sb the JSON being written
     */
    void appendJson(StringBuilder sb) {
        sb.append("{\"name\":");
        Json.string(sb, name);
        sb.append(",\"units\":").append(units);
        field(sb, "iterations", Arrays.stream(iterations, 0, size).mapToObj(String::valueOf));
        field(sb, "closedShare", Arrays.stream(closedShare, 0, size).mapToObj(String::valueOf));
        field(sb, "deadFraction", Arrays.stream(deadFraction, 0, size).mapToObj(String::valueOf));
        field(sb, "reinitialized", Arrays.stream(reinitialized, 0, size).mapToObj(String::valueOf));
        sb.append('}');
    }

    /** Appends {@code ,"key":[v0,v1,...]} (the values as Java prints them: {@code String.valueOf}). */
    private static void field(StringBuilder sb, String key, Stream<String> values) {
        sb.append(",\"").append(key).append("\":[").append(values.collect(Collectors.joining(","))).append(']');
    }
}
