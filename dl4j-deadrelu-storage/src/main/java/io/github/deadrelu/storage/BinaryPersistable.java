/*
 * SPDX-License-Identifier: Apache-2.0
 */
package io.github.deadrelu.storage;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import org.deeplearning4j.core.storage.Persistable;

/**
 * A DL4J {@link Persistable} (the records DL4J's stats storages and routers carry) encoded in one small versioned
 * binary form, not Java serialisation: the session, worker and timestamp every record has, and the {@code encode} and
 * {@code decode} overloads, over what a subclass writes and reads with {@link DataOutputStream} and
 * {@link DataInputStream}. The base of the spark module's {@code GateCountsUpdate} and the ui module's
 * {@code DeadReluPersistable}; a subclass gives its type ID, its format and its error for a malformed encoding.
 */
public abstract class BinaryPersistable implements Persistable {
    private static final long serialVersionUID = 1L;

    /** The stats-storage session. */
    private String sessionID;
    /** The stats-storage worker. */
    private String workerID;
    /** The storage key (ms since the epoch, or any value unique per session and worker). */
    private long timeStamp;

    /** A record without session, worker or timestamp yet (what DL4J's storages construct before decoding). */
    protected BinaryPersistable() {
    }

    /**
     * A record of one session and worker.
     *
     * @param sessionID the session
     * @param workerID  the worker
     * @param timeStamp the storage key
     */
    protected BinaryPersistable(String sessionID, String workerID, long timeStamp) {
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
    @Override
    public String getSessionID() {
        return sessionID;
    }

    /** @return the stats-storage worker */
    @Override
    public String getWorkerID() {
        return workerID;
    }

    /** @return the storage key */
    @Override
    public long getTimeStamp() {
        return timeStamp;
    }

    /** @return the length of {@link #encode()} */
    @Override
    public int encodingLengthBytes() {
        return encode().length;
    }

    /** @return the record's encoding, what {@link #write} writes */
    @Override
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
    @Override
    public void encode(ByteBuffer buffer) {
        buffer.put(encode());
    }

    /**
     * Writes {@link #encode()} to the stream.
     *
     * @param outputStream the stream
     * @throws IOException when the stream fails
     */
    @Override
    public void encode(OutputStream outputStream) throws IOException {
        outputStream.write(encode());
    }

    /**
     * Fills this record from {@link #encode()}'s bytes.
     *
     * @param decode the bytes
     * @throws RuntimeException {@link #malformed}'s exception when the bytes are not such an encoding
     */
    @Override
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
    @Override
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
    @Override
    public void decode(InputStream inputStream) throws IOException {
        decode(inputStream.readAllBytes());
    }
}
