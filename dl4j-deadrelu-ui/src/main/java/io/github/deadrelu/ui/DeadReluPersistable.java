/*
 * SPDX-License-Identifier: Apache-2.0
 */
package io.github.deadrelu.ui;

import io.github.deadrelu.stats.GateSnapshot;
import io.github.deadrelu.stats.LayerGates;
import io.github.deadrelu.storage.BinaryPersistable;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.List;
import java.util.Objects;

/**
 * Dead-ReLU numbers of one or more consecutive iterations as DL4J's UI storage holds them: per iteration and gated
 * layer its name, units, closed share, dead fraction and the units re-initialised in that iteration, from the core
 * listener's {@link GateSnapshot}s.
 *
 * <p>{@link DeadReluStatsListener} publishes one record per flush (the snapshots taken since the previous one; the
 * first record is also put as the session's static info, which registers the session in a {@code StatsStorage});
 * {@link DeadReluModule} reads them back. The type ID is {@value #TYPE_ID}. The public no-arg constructor and
 * {@link #decode(byte[])} are what {@code FileStatsStorage} (reopening a file) and the UI server's
 * {@code RemoteReceiverModule} (class name + Base64 of {@link #encode()}) use to rebuild a record; the encoding is a
 * small versioned binary form, not Java serialisation (the overloads and the session, worker and timestamp come from
 * {@link BinaryPersistable}; this class writes and reads its format).
 *
 * <p>Used by {@link DeadReluStatsListener} and {@link DeadReluModule}, and should not be constructed by external code
 * other than through the no-arg constructor and {@code decode}.
 */
public final class DeadReluPersistable extends BinaryPersistable {
    private static final long serialVersionUID = 1L;

    /** The StatsStorage type ID of every record. */
    public static final String TYPE_ID = "DeadReluListener";

    /** Leading int of the encoding: "DRU" and format version 1. */
    private static final int MAGIC = 0x44525501;

    /** Position among the records of the session and worker. */
    private long sequence;
    /** Per snapshot: the iteration. */
    private int[] iterations = new int[0];
    /** Per snapshot: the epoch. */
    private int[] epochs = new int[0];
    /** Per snapshot and layer: the layer name. */
    private String[][] layers = new String[0][];
    /** Per snapshot and layer: the units. */
    private int[][] units = new int[0][];
    /** Per snapshot and layer: the closed share. */
    private double[][] closedShare = new double[0][];
    /** Per snapshot and layer: the dead fraction. */
    private double[][] deadFraction = new double[0][];
    /** Per snapshot and layer: the units re-initialised. */
    private int[][] reinitialized = new int[0][];

    /** An empty record, to be filled by {@link #decode(byte[])} (what DL4J's storages and remote receiver call). */
    public DeadReluPersistable() {
    }

    /**
     * The record of consecutive snapshots.
     *
     * @param sessionID the session
     * @param workerID  the worker
     * @param timestamp the storage key (unique per session and worker)
     * @param sequence  0 for the first record of the session and worker, then 1, 2, ...
     * @param snapshots the snapshots, oldest first, none empty
     */
    DeadReluPersistable(String sessionID, String workerID, long timestamp, long sequence,
                        List<GateSnapshot> snapshots) {
        super(Objects.requireNonNull(sessionID, "sessionID"), Objects.requireNonNull(workerID, "workerID"),
                timestamp);
        this.sequence = sequence;
        int k = snapshots.size();
        allocate(k);
        for (int s = 0; s < k; s++) {
            GateSnapshot snap = snapshots.get(s);
            List<LayerGates> ls = snap.layers();
            snapshot(s, snap.iteration(), snap.epoch(), ls.size());
            for (int i = 0; i < ls.size(); i++) {
                LayerGates g = ls.get(i);
                layer(s, i, g.name(), g.units(), g.closedShare(), g.deadFraction(), g.reinitialized());
            }
        }
    }

    @Override
    public String getTypeID() {
        return TYPE_ID;
    }

    /**
     * The record's position among the records of its session and worker, so a reader can tell a record it has not
     * seen yet (a storage's concurrent map, or a remote post still in flight) from one that does not exist.
     *
     * @return 0 for the first record, then 1, 2, ...
     */
    public long sequence() {
        return sequence;
    }

    /** @return the number of snapshots (iterations) in this record */
    public int snapshotCount() {
        return iterations.length;
    }

    /**
     * @param s snapshot position in the record, in [0, {@link #snapshotCount()})
     * @return the training iteration of the snapshot
     */
    public int iteration(int s) {
        return iterations[s];
    }

    /**
     * @param s snapshot position in the record
     * @return the epoch of the snapshot
     */
    public int epoch(int s) {
        return epochs[s];
    }

    /**
     * @param s snapshot position in the record
     * @return the number of gated layers in the snapshot
     */
    public int layerCount(int s) {
        return layers[s].length;
    }

    /**
     * @param s snapshot position in the record
     * @param i layer position in the snapshot, in [0, {@link #layerCount(int)})
     * @return the layer's DL4J name
     */
    public String layer(int s, int i) {
        return layers[s][i];
    }

    /**
     * @param s snapshot position in the record
     * @param i layer position in the snapshot
     * @return the layer's number of units
     */
    public int units(int s, int i) {
        return units[s][i];
    }

    /**
     * @param s snapshot position in the record
     * @param i layer position in the snapshot
     * @return closed entries / finite entries in that iteration ({@link LayerGates#closedShare()})
     */
    public double closedShare(int s, int i) {
        return closedShare[s][i];
    }

    /**
     * @param s snapshot position in the record
     * @param i layer position in the snapshot
     * @return dead units / units ({@link LayerGates#deadFraction()})
     */
    public double deadFraction(int s, int i) {
        return deadFraction[s][i];
    }

    /**
     * @param s snapshot position in the record
     * @param i layer position in the snapshot
     * @return units re-initialised in that iteration ({@link LayerGates#reinitialized()})
     */
    public int reinitialized(int s, int i) {
        return reinitialized[s][i];
    }

    @Override
    protected void write(DataOutputStream out) throws IOException {
        out.writeInt(MAGIC);
        out.writeUTF(getSessionID());
        out.writeUTF(getWorkerID());
        out.writeLong(getTimeStamp());
        out.writeLong(sequence);
        out.writeInt(iterations.length);
        for (int s = 0; s < iterations.length; s++) {
            out.writeInt(iterations[s]);
            out.writeInt(epochs[s]);
            out.writeInt(layers[s].length);
            for (int i = 0; i < layers[s].length; i++) {
                out.writeUTF(layers[s][i]);
                out.writeInt(units[s][i]);
                out.writeDouble(closedShare[s][i]);
                out.writeDouble(deadFraction[s][i]);
                out.writeInt(reinitialized[s][i]);
            }
        }
    }

    @Override
    protected void read(DataInputStream in, int length) throws IOException {
        int magic = in.readInt();
        if (magic != MAGIC) {
            throw new IllegalArgumentException("encoding must start with " + Integer.toHexString(MAGIC)
                    + ", got: " + Integer.toHexString(magic));
        }
        identify(in.readUTF(), in.readUTF(), in.readLong());
        sequence = in.readLong();
        int k = count(in.readInt(), length, "snapshot count");
        allocate(k);
        for (int s = 0; s < k; s++) {
            int iteration = in.readInt();
            int epoch = in.readInt();
            int n = count(in.readInt(), length, "layer count");
            snapshot(s, iteration, epoch, n);
            for (int i = 0; i < n; i++) {
                // the arguments are read in order: name, units, closed share, dead fraction, re-initialised
                layer(s, i, in.readUTF(), in.readInt(), in.readDouble(), in.readDouble(), in.readInt());
            }
        }
    }

    /** A short encoding: {@code IllegalArgumentException} with the length given. */
    @Override
    protected RuntimeException malformed(IOException cause, int length) {
        return new IllegalArgumentException("encoding must be complete, got: " + length + " bytes", cause);
    }

    /** Allocates the per-snapshot arrays for {@code k} snapshots. */
    private void allocate(int k) {
        iterations = new int[k];
        epochs = new int[k];
        layers = new String[k][];
        units = new int[k][];
        closedShare = new double[k][];
        deadFraction = new double[k][];
        reinitialized = new int[k][];
    }

    /** Sets snapshot {@code s}'s iteration and epoch and allocates its per-layer arrays for {@code n} layers. */
    private void snapshot(int s, int iteration, int epoch, int n) {
        iterations[s] = iteration;
        epochs[s] = epoch;
        layers[s] = new String[n];
        units[s] = new int[n];
        closedShare[s] = new double[n];
        deadFraction[s] = new double[n];
        reinitialized[s] = new int[n];
    }

    /** Sets layer {@code i} of snapshot {@code s}. */
    private void layer(int s, int i, String name, int unitCount, double closed, double dead, int reinit) {
        layers[s][i] = name;
        units[s][i] = unitCount;
        closedShare[s][i] = closed;
        deadFraction[s][i] = dead;
        reinitialized[s][i] = reinit;
    }

    private static int count(int n, int bytes, String what) {
        if (n < 0 || n > bytes) {
            throw new IllegalArgumentException(what + " must be in [0, " + bytes + "], got: " + n);
        }
        return n;
    }

    @Override
    public String toString() {
        return "DeadReluPersistable(session=" + getSessionID() + ", worker=" + getWorkerID() + ", sequence=" + sequence
                + ", snapshots=" + iterations.length + ")";
    }
}
