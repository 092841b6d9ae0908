/*
 * SPDX-License-Identifier: Apache-2.0
 */
package io.github.deadrelu.testutil;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.io.Serializable;

/** Java serialisation in tests: what Spark, checkpoints and DL4J's model serialiser do to a listener or a policy. */
public final class Serial {
    private Serial() {
    }

    /**
     * Writes an object with {@link ObjectOutputStream} and reads it back.
     *
     * @param o   the object
     * @param <T> its type
     * @return the copy read back
     * @throws IOException            when writing or reading fails
     * @throws ClassNotFoundException when a class of the stream is missing
     */
    @SuppressWarnings("unchecked")
    public static <T extends Serializable> T roundTrip(T o) throws IOException, ClassNotFoundException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
            out.writeObject(o);
        }
        try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(bytes.toByteArray()))) {
            return (T) in.readObject();
        }
    }
}
