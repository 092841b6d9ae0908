/*
 * SPDX-License-Identifier: Apache-2.0
 */
package io.github.deadrelu.stats;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The gates of every monitored layer of a network after one training iteration. Immutable.
 *
 * <p>{@code DeadReluListener#snapshot()} returns an empty snapshot (iteration -1, no layers) before the first step.
 */
public final class GateSnapshot {
    private static final GateSnapshot EMPTY = new GateSnapshot(-1, 0, List.of());

    private final int iteration;
    private final int epoch;
    private final List<LayerGates> layers;

    /**
     * Creates a snapshot. Used by dl4j-deadrelu internals, and should not be called by external code.
     *
     * @param iteration the iteration (DL4J's count before its increment: 0 for the first step)
     * @param epoch     the epoch
     * @param layers    the layers in network order (copied)
     */
    public GateSnapshot(int iteration, int epoch, List<LayerGates> layers) {
        this.iteration = iteration;
        this.epoch = epoch;
        this.layers = List.copyOf(Objects.requireNonNull(layers, "layers"));
    }

    /** @return the empty snapshot: iteration -1, epoch 0, no layers */
    public static GateSnapshot empty() {
        return EMPTY;
    }

    /** @return the iteration this snapshot was taken at, -1 for the empty snapshot */
    public int iteration() {
        return iteration;
    }

    /** @return the epoch this snapshot was taken in */
    public int epoch() {
        return epoch;
    }

    /** @return the monitored layers in network order (MLN index order; CG topological order), unmodifiable */
    public List<LayerGates> layers() {
        return layers;
    }

    /**
     * Finds a layer by its DL4J name.
     *
     * @param name the layer (vertex) name
     * @return the layer, or empty when no monitored layer has that name
     */
    public Optional<LayerGates> layer(String name) {
        Objects.requireNonNull(name, "name");
        return layers.stream().filter(l -> l.name().equals(name)).findFirst();
    }

    /** @return true for the snapshot taken before the first step */
    public boolean isEmpty() {
        return iteration < 0 && layers.isEmpty();
    }

    @Override
    public boolean equals(Object o) {
        return this == o || o instanceof GateSnapshot s
                && iteration == s.iteration && epoch == s.epoch && layers.equals(s.layers);
    }

    @Override
    public int hashCode() {
        return Objects.hash(iteration, epoch, layers);
    }

    @Override
    public String toString() {
        return "GateSnapshot(iteration=" + iteration + ", epoch=" + epoch + ", layers=" + layers + ")";
    }
}
