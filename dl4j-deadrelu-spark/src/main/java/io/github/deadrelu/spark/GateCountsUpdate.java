/*
 * SPDX-License-Identifier: Apache-2.0
 */
package io.github.deadrelu.spark;

import io.github.deadrelu.internal.BinaryRecord;
import io.github.deadrelu.internal.UnitCounts;
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
 * session, worker and timestamp come from {@link BinaryRecord}; this class writes and reads its format.
 */
public final class GateCountsUpdate extends BinaryRecord implements Persistable {
    private static final long serialVersionUID = 1L;

    /** The type ID of these updates in a stats storage. */
    public static final String TYPE_ID = "DeadReluGateCounts";

    /** Format 2 adds the per-unit sums of |a| (ReDo's dormancy scores); format 1 (without them) is still read. */
    private static final int FORMAT = 2;

    /** The worker's iteration. */
    private int iteration;
    /** The worker's epoch. */
    private int epoch;
    /** The layer names, one per row of the arrays below. */
    private String[] layers;
    /** Examples counted per layer. */
    private long[] examples;
    /** Whether each layer's counts are estimates. */
    private boolean[] estimated;
    /** Closed entries per layer and unit. */
    private long[][] closed;
    /** Negative entries per layer and unit. */
    private long[][] negative;
    /** Non-finite entries per layer and unit. */
    private long[][] nonFinite;
    /** Counted entries per layer and unit. */
    private long[][] entries;
    /** Per layer, the sums of |a| per unit, or null when the counts carried none. */
    private double[][] absSums;

    /** An empty update, to be filled by one of the {@code decode} methods (used by DL4J's stats storages). */
    public GateCountsUpdate() {
        this.layers = new String[0];
        this.examples = new long[0];
        this.estimated = new boolean[0];
        this.closed = new long[0][];
        this.negative = new long[0][];
        this.nonFinite = new long[0][];
        this.entries = new long[0][];
        this.absSums = new double[0][];
    }

    GateCountsUpdate(String sessionID, String workerID, long timeStamp, int iteration, int epoch,
                     Map<String, UnitCounts> counts) {
        super(Objects.requireNonNull(sessionID, "sessionID"), Objects.requireNonNull(workerID, "workerID"),
                timeStamp);
        this.iteration = iteration;
        this.epoch = epoch;
        int n = counts.size();
        layers = new String[n];
        examples = new long[n];
        estimated = new boolean[n];
        closed = new long[n][];
        negative = new long[n][];
        nonFinite = new long[n][];
        entries = new long[n][];
        absSums = new double[n][];
        int i = 0;
        for (Map.Entry<String, UnitCounts> e : counts.entrySet()) {
            UnitCounts c = e.getValue();
            int u = c.units();
            layers[i] = e.getKey();
            examples[i] = c.examples();
            estimated[i] = c.estimated();
            closed[i] = new long[u];
            negative[i] = new long[u];
            nonFinite[i] = new long[u];
            entries[i] = new long[u];
            for (int k = 0; k < u; k++) {
                closed[i][k] = c.closed(k);
                negative[i][k] = c.negative(k);
                nonFinite[i][k] = c.nonFinite(k);
                entries[i][k] = c.entries(k);
            }
            absSums[i] = c.hasAbsSums() ? c.absSums() : null;
            i++;
        }
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
        return i < 0 ? 0 : examples[i];
    }

    /** @return the counts per layer, in publication order */
    Map<String, UnitCounts> counts() {
        Map<String, UnitCounts> m = new LinkedHashMap<>();
        for (int i = 0; i < layers.length; i++) {
            m.put(layers[i], absSums[i] == null
                    ? new UnitCounts(closed[i], negative[i], nonFinite[i], entries[i], examples[i], estimated[i])
                    : new UnitCounts(closed[i], negative[i], nonFinite[i], entries[i], absSums[i], examples[i],
                    estimated[i]));
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
            out.writeUTF(layers[i]);
            out.writeLong(examples[i]);
            out.writeBoolean(estimated[i]);
            out.writeInt(closed[i].length);
            for (long[] a : new long[][]{closed[i], negative[i], nonFinite[i], entries[i]}) {
                for (long v : a) {
                    out.writeLong(v);
                }
            }
            out.writeBoolean(absSums[i] != null);
            if (absSums[i] != null) {
                for (double v : absSums[i]) {
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
        long[] ex = new long[n];
        boolean[] est = new boolean[n];
        long[][][] arrays = new long[4][n][];
        double[][] sums = new double[n][];
        for (int i = 0; i < n; i++) {
            ls[i] = in.readUTF();
            ex[i] = in.readLong();
            est[i] = in.readBoolean();
            int u = in.readInt();
            if (u < 0) {
                throw new IOException("unit count must be >= 0, got: " + u);
            }
            for (int a = 0; a < 4; a++) {
                arrays[a][i] = new long[u];
                for (int k = 0; k < u; k++) {
                    arrays[a][i][k] = in.readLong();
                }
            }
            if (format >= 2 && in.readBoolean()) {
                sums[i] = new double[u];
                for (int k = 0; k < u; k++) {
                    sums[i][k] = in.readDouble();
                }
            }
        }
        identify(s, w, ts);
        iteration = it;
        epoch = ep;
        layers = ls;
        examples = ex;
        estimated = est;
        closed = arrays[0];
        negative = arrays[1];
        nonFinite = arrays[2];
        entries = arrays[3];
        absSums = sums;
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
                && Arrays.equals(layers, g.layers) && Arrays.equals(examples, g.examples)
                && Arrays.equals(estimated, g.estimated) && Arrays.deepEquals(closed, g.closed)
                && Arrays.deepEquals(negative, g.negative) && Arrays.deepEquals(nonFinite, g.nonFinite)
                && Arrays.deepEquals(entries, g.entries) && Arrays.deepEquals(absSums, g.absSums);
    }

    @Override
    public int hashCode() {
        return Objects.hash(getSessionID(), getWorkerID(), getTimeStamp(), iteration, epoch, Arrays.hashCode(layers),
                Arrays.deepHashCode(closed));
    }

    @Override
    public String toString() {
        return "GateCountsUpdate(session=" + getSessionID() + ", worker=" + getWorkerID() + ", iteration=" + iteration
                + ", epoch=" + epoch + ", layers=" + Arrays.toString(layers) + ", examples="
                + Arrays.toString(examples) + ")";
    }
}
