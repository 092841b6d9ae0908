/*
 * Copyright the dl4j-deadrelu contributors.
 *
 * Licensed under the Apache License, Version 2.0 (the "License"); you may not use this file except in compliance with
 * the License. You may obtain a copy of the License at https://www.apache.org/licenses/LICENSE-2.0
 *
 * Unless required by applicable law or agreed to in writing, software distributed under the License is distributed on
 * an "AS IS" BASIS, WITHOUT WARRANTIES OR CONDITIONS OF ANY KIND, either express or implied. See the License for the
 * specific language governing permissions and limitations under the License.
 *
 * SPDX-License-Identifier: Apache-2.0
 */

package io.github.deadrelu.examples.support;

import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Objects;
import java.util.zip.GZIPInputStream;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.INDArrayIndex;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * Reads the MNIST test set from its original IDX files, without downloading anything: the studies get the directory
 * that holds {@value #IMAGES} and {@value #LABELS} from a {@code --mnist DIR} option.
 *
 * <p>The 10,000 test images are split in a fixed, documented way: the <b>first {@value #TRAIN_SIZE}</b> examples are the
 * training set and the <b>last {@value #EVAL_SIZE}</b> the evaluation set. Features are the pixels in row-major order,
 * scaled from 0..255 to [0, 1] (FLOAT, shape {@code [n, rows * cols]}); labels are one-hot (FLOAT, {@code [n, 10]}).
 * Use {@code new org.nd4j.linalg.dataset.ViewIterator(mnist.train(), 64)} for mini-batches.
 * <pre>{@code
 * MnistIdx mnist = MnistIdx.load(Path.of("/data/mnist"));
 * net.fit(new ViewIterator(mnist.train(), 64), 3);
 * Evaluation eval = net.evaluate(new ViewIterator(mnist.eval(), 500));
 * }</pre>
 */
public final class MnistIdx {

    /** File name of the test images (IDX3, magic number {@value #IMAGES_MAGIC}). */
    public static final String IMAGES = "t10k-images-idx3-ubyte.gz";
    /** File name of the test labels (IDX1, magic number {@value #LABELS_MAGIC}). */
    public static final String LABELS = "t10k-labels-idx1-ubyte.gz";
    /** Magic number of an IDX file of unsigned bytes with 3 dimensions. */
    public static final int IMAGES_MAGIC = 2051;
    /** Magic number of an IDX file of unsigned bytes with 1 dimension. */
    public static final int LABELS_MAGIC = 2049;
    /** Number of leading examples used for training. */
    public static final int TRAIN_SIZE = 8_000;
    /** Number of trailing examples used for evaluation. */
    public static final int EVAL_SIZE = 2_000;
    /** Number of classes (digits 0 to 9). */
    public static final int CLASSES = 10;

    private final DataSet all;

    private MnistIdx(DataSet all) {
        this.all = all;
    }

    /**
     * Reads and validates {@value #IMAGES} and {@value #LABELS} in {@code dir}.
     *
     * @param dir the directory that holds both gzipped IDX files
     * @return the data set
     * @throws NoSuchFileException      if either file is missing (the message names the file and the option)
     * @throws IOException              if a file cannot be read or ends early
     * @throws IllegalArgumentException if a magic number is wrong, the image and label counts differ, there are fewer
     *                                  than {@code TRAIN_SIZE + EVAL_SIZE} examples, or a label is not a digit
     */
    public static MnistIdx load(Path dir) throws IOException {
        Objects.requireNonNull(dir, "dir");
        Path imagesFile = dir.resolve(IMAGES);
        Path labelsFile = dir.resolve(LABELS);
        for (Path f : new Path[] {imagesFile, labelsFile}) {
            if (!Files.isRegularFile(f)) {
                throw new NoSuchFileException(f.toString(), null,
                        "MNIST file not found; pass the directory holding " + IMAGES + " and " + LABELS
                                + " with --mnist DIR");
            }
        }
        float[] pixels;
        int rows;
        int cols;
        int n;
        try (DataInputStream in = open(imagesFile)) {
            checkMagic(imagesFile, in.readInt(), IMAGES_MAGIC);
            n = in.readInt();
            rows = in.readInt();
            cols = in.readInt();
            if (n < 0 || rows <= 0 || cols <= 0) {
                throw new IllegalArgumentException(imagesFile + ": dimensions must be positive, got: " + n + " x "
                        + rows + " x " + cols);
            }
            byte[] raw = new byte[Math.multiplyExact(n, rows * cols)];
            readFully(in, raw, imagesFile);
            pixels = new float[raw.length];
            for (int i = 0; i < raw.length; i++) {
                pixels[i] = (raw[i] & 0xFF) / 255f;
            }
        }
        float[] oneHot;
        try (DataInputStream in = open(labelsFile)) {
            checkMagic(labelsFile, in.readInt(), LABELS_MAGIC);
            int labelCount = in.readInt();
            if (labelCount != n) {
                throw new IllegalArgumentException(labelsFile + ": label count must equal the image count " + n
                        + ", got: " + labelCount);
            }
            byte[] raw = new byte[n];
            readFully(in, raw, labelsFile);
            oneHot = new float[n * CLASSES];
            for (int i = 0; i < n; i++) {
                int label = raw[i] & 0xFF;
                if (label >= CLASSES) {
                    throw new IllegalArgumentException(labelsFile + ": label " + i + " must be in [0, 9], got: "
                            + label);
                }
                oneHot[i * CLASSES + label] = 1f;
            }
        }
        if (n < TRAIN_SIZE + EVAL_SIZE) {
            throw new IllegalArgumentException("MNIST example count must be >= " + (TRAIN_SIZE + EVAL_SIZE)
                    + ", got: " + n);
        }
        INDArray features = Nd4j.create(pixels, new long[] {n, (long) rows * cols}, 'c');
        INDArray labels = Nd4j.create(oneHot, new long[] {n, CLASSES}, 'c');
        return new MnistIdx(new DataSet(features, labels));
    }

    /**
     * Returns the training split: the first {@value #TRAIN_SIZE} examples.
     *
     * @return a new data set whose arrays are views of the loaded data
     */
    public DataSet train() {
        return range(0, TRAIN_SIZE);
    }

    /**
     * Returns the evaluation split: the last {@value #EVAL_SIZE} examples.
     *
     * @return a new data set whose arrays are views of the loaded data
     */
    public DataSet eval() {
        int n = size();
        return range(n - EVAL_SIZE, n);
    }

    /**
     * Returns the number of examples read.
     *
     * @return the example count (10,000 for the MNIST test set)
     */
    public int size() {
        return (int) all.getFeatures().size(0);
    }

    /**
     * Returns the number of input features (pixels per image).
     *
     * @return {@code rows * cols}, 784 for MNIST
     */
    public int features() {
        return (int) all.getFeatures().size(1);
    }

    private DataSet range(int from, int to) {
        INDArrayIndex rows = NDArrayIndex.interval(from, to);
        return new DataSet(all.getFeatures().get(rows, NDArrayIndex.all()),
                all.getLabels().get(rows, NDArrayIndex.all()));
    }

    private static DataInputStream open(Path file) throws IOException {
        return new DataInputStream(new BufferedInputStream(new GZIPInputStream(Files.newInputStream(file), 1 << 16)));
    }

    private static void checkMagic(Path file, int magic, int expected) {
        if (magic != expected) {
            throw new IllegalArgumentException(file + ": magic number must be " + expected + ", got: " + magic);
        }
    }

    private static void readFully(DataInputStream in, byte[] target, Path file) throws IOException {
        try {
            in.readFully(target);
        } catch (EOFException e) {
            throw new EOFException(file + ": file ends before its " + target.length + " data bytes");
        }
    }
}
