/*
 * SPDX-License-Identifier: Apache-2.0
 */
package io.github.deadrelu.spark;

import io.github.deadrelu.internal.UnitCounts;
import io.github.deadrelu.storage.BinaryPersistable;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.deeplearning4j.core.storage.Persistable;

/**
 * The gate counts one worker (a Spark task's model copy, or a ParallelWrapper worker's replica) gathered in one
 * iteration: per monitored layer and per unit, closed, negative, non-finite and entry counts, and the examples they
 * cover. Published by {@link DeadReluRoutingListener} through DL4J's {@code StatsStorageRouter} mechanism and summed by
 * {@link DeadReluAggregator}.
 *
 * <p>A {@link Persistable} with a public no-arg constructor, so DL4J's stats storages can rebuild it; Java-serialisable
 * (Spark returns it with the task result). Immutable once built or decoded. The encode/decode overloads and the
 * session, worker and timestamp come from {@link BinaryPersistable}; this class writes and reads its format.
 */
public final class GateCountsUpdate extends BinaryPersistable {
    private static final long serialVersionUID = 1L;

    /** The type ID of these updates in a stats storage. */
    public static final String TYPE_ID = "DeadReluGateCounts";

    /** Format 2 adds the per-unit sums of |a| (ReDo's dormancy scores); format 1 (without them) is still read. */
    private static final int FORMAT = 2;

    /** The worker's iteration. */
    private int iteration;
    /** The worker's epoch. */
    private int epoch;
    /** The layer names, one per element of {@link #counts}. */
    private String[] layers = new String[0];
    /** The counts per layer (immutable values). */
    private UnitCounts[] counts = new UnitCounts[0];

    /** An empty update, to be filled by one of the {@code decode} methods (used by DL4J's stats storages). */
    public GateCountsUpdate() {
    }

    GateCountsUpdate(String sessionID, String workerID, long timeStamp, int iteration, int epoch,
                     Map<String, UnitCounts> counts) {
        super(Objects.requireNonNull(sessionID, "sessionID"), Objects.requireNonNull(workerID, "workerID"),
                timeStamp);
        this.iteration = iteration;
        this.epoch = epoch;
        this.layers = counts.keySet().toArray(new String[0]);
        this.counts = counts.values().toArray(new UnitCounts[0]);
    }

    /** @return the iteration the counts belong to (the worker model's iteration count) */
    public int iteration() {
        return iteration;
    }

    /** @return the worker model's epoch count */
    public int epoch() {
        return epoch;
    }

    /** @return the monitored layers this update has counts for */
    public List<String> layers() {
        return List.of(layers);
    }

    /**
     * @param layer a layer name
     * @return the examples the layer's counts cover, 0 for a layer this update does not hold
     */
    public long examples(String layer) {
        int i = Arrays.asList(layers).indexOf(layer);
        return i < 0 ? 0 : counts[i].examples();
    }

    /** @return the counts per layer, in publication order */
    Map<String, UnitCounts> counts() {
        Map<String, UnitCounts> m = new LinkedHashMap<>();
        for (int i = 0; i < layers.length; i++) {
            m.put(layers[i], counts[i]);
        }
        return m;
    }

    @Override
    public String getTypeID() {
        return TYPE_ID;
    }

    @Override
    protected void write(DataOutputStream out) throws IOException {
        out.writeInt(FORMAT);
        out.writeUTF(getSessionID() == null ? "" : getSessionID());
        out.writeUTF(getWorkerID() == null ? "" : getWorkerID());
        out.writeLong(getTimeStamp());
        out.writeInt(iteration);
        out.writeInt(epoch);
        out.writeInt(layers.length);
        for (int i = 0; i < layers.length; i++) {
            UnitCounts c = counts[i];
            out.writeUTF(layers[i]);
            out.writeLong(c.examples());
            out.writeBoolean(c.estimated());
            out.writeInt(c.units());
            for (long[] a : new long[][]{c.closedCounts(), c.negativeCounts(), c.nonFiniteCounts(), c.entryCounts()}) {
                for (long v : a) {
                    out.writeLong(v);
                }
            }
            out.writeBoolean(c.hasAbsSums());
            if (c.hasAbsSums()) {
                for (double v : c.absSums()) {
                    out.writeDouble(v);
                }
            }
        }
    }

    @Override
    protected void read(DataInputStream in, int length) throws IOException {
        int format = in.readInt();
        if (format != FORMAT && format != 1) {
            throw new IOException("format must be 1 or " + FORMAT + ", got: " + format);
        }
        String s = in.readUTF();
        String w = in.readUTF();
        long ts = in.readLong();
        int it = in.readInt();
        int ep = in.readInt();
        int n = in.readInt();
        if (n < 0) {
            throw new IOException("layer count must be >= 0, got: " + n);
        }
        String[] ls = new String[n];
        UnitCounts[] cs = new UnitCounts[n];
        for (int i = 0; i < n; i++) {
            ls[i] = in.readUTF();
            long examples = in.readLong();
            boolean estimated = in.readBoolean();
            int u = in.readInt();
            if (u < 0) {
                throw new IOException("unit count must be >= 0, got: " + u);
            }
            long[][] arrays = new long[4][u];
            for (long[] a : arrays) {
                for (int k = 0; k < u; k++) {
                    a[k] = in.readLong();
                }
            }
            double[] sums = null;
            if (format >= 2 && in.readBoolean()) {
                sums = new double[u];
                for (int k = 0; k < u; k++) {
                    sums[k] = in.readDouble();
                }
            }
            cs[i] = sums == null
                    ? new UnitCounts(arrays[0], arrays[1], arrays[2], arrays[3], examples, estimated)
                    : new UnitCounts(arrays[0], arrays[1], arrays[2], arrays[3], sums, examples, estimated);
        }
        identify(s, w, ts);
        iteration = it;
        epoch = ep;
        layers = ls;
        counts = cs;
    }

    /** A malformed encoding: the {@link IOException} that says why, unchecked. */
    @Override
    protected RuntimeException malformed(IOException cause, int length) {
        return new UncheckedIOException(cause);
    }

    @Override
    public boolean equals(Object o) {
        return this == o || o instanceof GateCountsUpdate g
                && getTimeStamp() == g.getTimeStamp() && iteration == g.iteration && epoch == g.epoch
                && Objects.equals(getSessionID(), g.getSessionID()) && Objects.equals(getWorkerID(), g.getWorkerID())
                && Arrays.equals(layers, g.layers) && Arrays.equals(counts, g.counts);
    }

    @Override
    public int hashCode() {
        return Objects.hash(getSessionID(), getWorkerID(), getTimeStamp(), iteration, epoch, Arrays.hashCode(layers),
                Arrays.hashCode(counts));
    }

    @Override
    public String toString() {
        return "GateCountsUpdate(session=" + getSessionID() + ", worker=" + getWorkerID() + ", iteration=" + iteration
                + ", epoch=" + epoch + ", layers=" + Arrays.toString(layers) + ", examples="
                + Arrays.toString(Arrays.stream(counts).mapToLong(UnitCounts::examples).toArray()) + ")";
    }
}
