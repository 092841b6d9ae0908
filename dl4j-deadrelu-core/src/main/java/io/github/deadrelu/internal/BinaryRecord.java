/*
 * SPDX-License-Identifier: Apache-2.0
 */
package io.github.deadrelu.internal;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.Serializable;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;

/**
 * The encoding half of a DL4J {@code Persistable} (the records DL4J's stats storages and routers carry), shared by the
 * spark module's {@code GateCountsUpdate} and the ui module's {@code DeadReluPersistable}: the session, worker and
 * timestamp every record has, and the {@code encode}/{@code decode} overloads over one small versioned binary form
 * that a subclass writes and reads with {@link DataOutputStream}/{@link DataInputStream}.
 *
 * <p>The methods have {@code Persistable}'s signatures, so a subclass that declares {@code implements Persistable}
 * inherits them as the interface's implementation. The interface itself ({@code org.deeplearning4j.core.storage}) lives
 * in {@code deeplearning4j-core}, which the core module does not depend on (it would bring the image and model-import
 * natives), so this class does not name it.
 */
public abstract class BinaryRecord implements Serializable {
    private static final long serialVersionUID = 1L;

    /** The stats-storage session. */
    private String sessionID;
    /** The stats-storage worker. */
    private String workerID;
    /** The storage key (ms since the epoch, or any value unique per session and worker). */
    private long timeStamp;

    /** A record without session, worker or timestamp yet (what DL4J's storages construct before decoding). */
    protected BinaryRecord() {
    }

    /**
     * A record of one session and worker.
     *
     * @param sessionID the session
     * @param workerID  the worker
     * @param timeStamp the storage key
     */
    protected BinaryRecord(String sessionID, String workerID, long timeStamp) {
        identify(sessionID, workerID, timeStamp);
    }

    /**
     * Sets the session, worker and timestamp (a constructor's, or what {@link #read} decoded).
     *
     * @param sessionID the session
     * @param workerID  the worker
     * @param timeStamp the storage key
     */
    protected final void identify(String sessionID, String workerID, long timeStamp) {
        this.sessionID = sessionID;
        this.workerID = workerID;
        this.timeStamp = timeStamp;
    }

    /**
     * Writes the record's whole encoding, format marker first.
     *
     * @param out the stream
     * @throws IOException never for the in-memory stream {@link #encode()} passes
     */
    protected abstract void write(DataOutputStream out) throws IOException;

    /**
     * Reads a whole encoding that {@link #write} wrote and fills this record from it.
     *
     * @param in     the stream
     * @param length the number of bytes of the encoding (a bound for the counts it holds)
     * @throws IOException when the bytes end early or are not such an encoding
     */
    protected abstract void read(DataInputStream in, int length) throws IOException;

    /**
     * What {@link #decode(byte[])} throws when {@link #read} failed.
     *
     * @param cause  what {@link #read} threw
     * @param length the number of bytes given
     * @return the exception to throw
     */
    protected abstract RuntimeException malformed(IOException cause, int length);

    /** @return the stats-storage session */
    public String getSessionID() {
        return sessionID;
    }

    /** @return the stats-storage worker */
    public String getWorkerID() {
        return workerID;
    }

    /** @return the storage key */
    public long getTimeStamp() {
        return timeStamp;
    }

    /** @return the length of {@link #encode()} */
    public int encodingLengthBytes() {
        return encode().length;
    }

    /** @return the record's encoding, what {@link #write} writes */
    public byte[] encode() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(128);
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            write(out);
        } catch (IOException e) {
            throw new UncheckedIOException(e); // a ByteArrayOutputStream does not fail
        }
        return bytes.toByteArray();
    }

    /**
     * Puts {@link #encode()} into the buffer.
     *
     * @param buffer the buffer, with room for {@link #encodingLengthBytes()} bytes
     */
    public void encode(ByteBuffer buffer) {
        buffer.put(encode());
    }

    /**
     * Writes {@link #encode()} to the stream.
     *
     * @param outputStream the stream
     * @throws IOException when the stream fails
     */
    public void encode(OutputStream outputStream) throws IOException {
        outputStream.write(encode());
    }

    /**
     * Fills this record from {@link #encode()}'s bytes.
     *
     * @param decode the bytes
     * @throws RuntimeException {@link #malformed}'s exception when the bytes are not such an encoding
     */
    public void decode(byte[] decode) {
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(decode))) {
            read(in, decode.length);
        } catch (IOException e) {
            throw malformed(e, decode.length);
        }
    }

    /**
     * Fills this record from the buffer's remaining bytes (see {@link #decode(byte[])}).
     *
     * @param buffer the buffer, positioned at the encoding; read to its limit
     */
    public void decode(ByteBuffer buffer) {
        byte[] b = new byte[buffer.remaining()];
        buffer.get(b);
        decode(b);
    }

    /**
     * Fills this record from the rest of the stream (see {@link #decode(byte[])}).
     *
     * @param inputStream the stream, read to its end
     * @throws IOException when the stream fails
     */
    public void decode(InputStream inputStream) throws IOException {
        decode(inputStream.readAllBytes());
    }
}
