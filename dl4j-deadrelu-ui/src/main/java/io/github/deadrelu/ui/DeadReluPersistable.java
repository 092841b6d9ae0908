/*
 * SPDX-License-Identifier: Apache-2.0
 */
package io.github.deadrelu.ui;

import io.github.deadrelu.stats.GateSnapshot;
import io.github.deadrelu.stats.LayerGates;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.Objects;
import org.deeplearning4j.core.storage.Persistable;

/**
 * One iteration of dead-ReLU numbers as DL4J's UI storage holds them: per gated layer its name, units, closed share,
 * dead fraction and the units re-initialised in that iteration, from one {@link GateSnapshot}.
 *
 * <p>{@link DeadReluStatsListener} publishes one per iteration (the first also as the session's static info, which
 * registers the session in a {@code StatsStorage}); {@link DeadReluModule} reads them back. The type ID is
 * {@value #TYPE_ID}. The public no-arg constructor and {@link #decode(byte[])} are what {@code FileStatsStorage}
 * (reopening a file) and the UI server's {@code RemoteReceiverModule} (class name + Base64 of {@link #encode()}) use to
 * rebuild an instance; the encoding is a small versioned binary form, not Java serialisation.
 *
 * <p>Used by {@link DeadReluStatsListener} and {@link DeadReluModule}, and should not be constructed by external code
 * other than through the no-arg constructor and {@code decode}.
 */
public final class DeadReluPersistable implements Persistable {
    private static final long serialVersionUID = 1L;

    /** The StatsStorage type ID of every record. */
    public static final String TYPE_ID = "DeadReluListener";

    /** Leading int of the encoding: "DRU" and format version 1. */
    private static final int MAGIC = 0x44525501;

    private String sessionID;
    private String workerID;
    private long timestamp;
    private long sequence;
    private int iteration;
    private int epoch;
    private String[] layers = new String[0];
    private int[] units = new int[0];
    private double[] closedShare = new double[0];
    private double[] deadFraction = new double[0];
    private int[] reinitialized = new int[0];

    /** An empty record, to be filled by {@link #decode(byte[])} (what DL4J's storages and remote receiver call). */
    public DeadReluPersistable() {
    }

    /**
     * The record of one snapshot.
     *
     * @param sessionID the session
     * @param workerID  the worker
     * @param timestamp the storage key (unique per session and worker)
     * @param sequence  0 for the first record of the session and worker, then 1, 2, ...
     * @param snapshot  the snapshot
     */
    DeadReluPersistable(String sessionID, String workerID, long timestamp, long sequence, GateSnapshot snapshot) {
        this.sessionID = Objects.requireNonNull(sessionID, "sessionID");
        this.workerID = Objects.requireNonNull(workerID, "workerID");
        this.timestamp = timestamp;
        this.sequence = sequence;
        this.iteration = snapshot.iteration();
        this.epoch = snapshot.epoch();
        List<LayerGates> ls = snapshot.layers();
        int n = ls.size();
        layers = new String[n];
        units = new int[n];
        closedShare = new double[n];
        deadFraction = new double[n];
        reinitialized = new int[n];
        for (int i = 0; i < n; i++) {
            LayerGates g = ls.get(i);
            layers[i] = g.name();
            units[i] = g.units();
            closedShare[i] = g.closedShare();
            deadFraction[i] = g.deadFraction();
            reinitialized[i] = g.reinitialized();
        }
    }

    @Override
    public String getSessionID() {
        return sessionID;
    }

    @Override
    public String getTypeID() {
        return TYPE_ID;
    }

    @Override
    public String getWorkerID() {
        return workerID;
    }

    @Override
    public long getTimeStamp() {
        return timestamp;
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

    /** @return the training iteration of the snapshot */
    public int iteration() {
        return iteration;
    }

    /** @return the epoch of the snapshot */
    public int epoch() {
        return epoch;
    }

    /** @return the number of gated layers in the snapshot */
    public int layerCount() {
        return layers.length;
    }

    /**
     * @param i layer position in the snapshot, in [0, {@link #layerCount()})
     * @return the layer's DL4J name
     */
    public String layer(int i) {
        return layers[i];
    }

    /**
     * @param i layer position in the snapshot
     * @return the layer's number of units
     */
    public int units(int i) {
        return units[i];
    }

    /**
     * @param i layer position in the snapshot
     * @return closed entries / finite entries in that iteration ({@link LayerGates#closedShare()})
     */
    public double closedShare(int i) {
        return closedShare[i];
    }

    /**
     * @param i layer position in the snapshot
     * @return dead units / units ({@link LayerGates#deadFraction()})
     */
    public double deadFraction(int i) {
        return deadFraction[i];
    }

    /**
     * @param i layer position in the snapshot
     * @return units re-initialised in that iteration ({@link LayerGates#reinitialized()})
     */
    public int reinitialized(int i) {
        return reinitialized[i];
    }

    @Override
    public int encodingLengthBytes() {
        return encode().length;
    }

    @Override
    public byte[] encode() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(64 + 48 * layers.length);
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeInt(MAGIC);
            out.writeUTF(sessionID);
            out.writeUTF(workerID);
            out.writeLong(timestamp);
            out.writeLong(sequence);
            out.writeInt(iteration);
            out.writeInt(epoch);
            out.writeInt(layers.length);
            for (int i = 0; i < layers.length; i++) {
                out.writeUTF(layers[i]);
                out.writeInt(units[i]);
                out.writeDouble(closedShare[i]);
                out.writeDouble(deadFraction[i]);
                out.writeInt(reinitialized[i]);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e); // a ByteArrayOutputStream does not fail
        }
        return bytes.toByteArray();
    }

    @Override
    public void encode(ByteBuffer buffer) {
        buffer.put(encode());
    }

    @Override
    public void encode(OutputStream outputStream) throws IOException {
        outputStream.write(encode());
    }

    /**
     * Fills this record from {@link #encode()}'s bytes.
     *
     * @param decode the bytes
     * @throws IllegalArgumentException when the bytes are not such an encoding
     */
    @Override
    public void decode(byte[] decode) {
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(decode))) {
            int magic = in.readInt();
            if (magic != MAGIC) {
                throw new IllegalArgumentException("encoding must start with " + Integer.toHexString(MAGIC)
                        + ", got: " + Integer.toHexString(magic));
            }
            sessionID = in.readUTF();
            workerID = in.readUTF();
            timestamp = in.readLong();
            sequence = in.readLong();
            iteration = in.readInt();
            epoch = in.readInt();
            int n = in.readInt();
            if (n < 0 || n > decode.length) {
                throw new IllegalArgumentException("layer count must be in [0, " + decode.length + "], got: " + n);
            }
            layers = new String[n];
            units = new int[n];
            closedShare = new double[n];
            deadFraction = new double[n];
            reinitialized = new int[n];
            for (int i = 0; i < n; i++) {
                layers[i] = in.readUTF();
                units[i] = in.readInt();
                closedShare[i] = in.readDouble();
                deadFraction[i] = in.readDouble();
                reinitialized[i] = in.readInt();
            }
        } catch (IOException e) {
            throw new IllegalArgumentException("encoding must be complete, got: " + decode.length + " bytes", e);
        }
    }

    @Override
    public void decode(ByteBuffer buffer) {
        byte[] b = new byte[buffer.remaining()];
        buffer.get(b);
        decode(b);
    }

    @Override
    public void decode(InputStream inputStream) throws IOException {
        decode(inputStream.readAllBytes());
    }

    @Override
    public String toString() {
        return "DeadReluPersistable(session=" + sessionID + ", worker=" + workerID + ", iteration=" + iteration
                + ", layers=" + layers.length + ")";
    }
}
