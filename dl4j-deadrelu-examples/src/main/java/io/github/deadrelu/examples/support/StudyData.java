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

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * The data of a classification study: MNIST (the 10,000-digit test set split 8,000 train / 2,000 eval, see
 * {@link MnistIdx}) when a directory is given, otherwise a built-in synthetic task of the same shape (784 features in
 * [0, 1], 10 classes, 8,000 train / 2,000 eval), so every study runs on a fresh machine without data files.
 *
 * <p>The synthetic task: per class a prototype "image" in which 15% of the 784 pixels are ink (uniform in [0.5, 1])
 * and the rest 0; an example is its class prototype with each ink pixel kept with probability 0.8 and scaled by a
 * per-example brightness in [0.6, 1], plus 3% random stray ink pixels, all clipped to [0, 1]. Non-negative like MNIST,
 * learnable to high accuracy by a small MLP, deterministic for a given seed.
 */
public final class StudyData {

    /** Number of synthetic features, as in MNIST (28 x 28). */
    public static final int SYNTHETIC_FEATURES = 784;

    private final DataSet train;
    private final DataSet eval;
    private final String description;
    private final boolean mnist;

    private StudyData(DataSet train, DataSet eval, String description, boolean mnist) {
        this.train = train;
        this.eval = eval;
        this.description = description;
        this.mnist = mnist;
    }

    /**
     * Loads MNIST from {@code mnistDir}, or builds the synthetic task when {@code mnistDir} is null.
     *
     * @param mnistDir      the directory holding the MNIST test-set IDX files, or null for the synthetic task
     * @param syntheticSeed the seed of the synthetic task (unused for MNIST)
     * @return the data
     * @throws IOException if MNIST cannot be read
     */
    public static StudyData load(Path mnistDir, long syntheticSeed) throws IOException {
        if (mnistDir == null) {
            return synthetic(MnistIdx.TRAIN_SIZE, MnistIdx.EVAL_SIZE, syntheticSeed);
        }
        MnistIdx m = MnistIdx.load(mnistDir);
        return new StudyData(m.train(), m.eval(), "MNIST (" + mnistDir + ")", true);
    }

    /**
     * Builds the synthetic task.
     *
     * @param trainSize training examples, at least 1
     * @param evalSize  evaluation examples, at least 1
     * @param seed      the seed
     * @return the data
     * @throws IllegalArgumentException if a size is below 1
     */
    public static StudyData synthetic(int trainSize, int evalSize, long seed) {
        if (trainSize < 1 || evalSize < 1) {
            throw new IllegalArgumentException("trainSize and evalSize must be >= 1, got: " + trainSize + " and "
                    + evalSize);
        }
        Random r = new Random(seed);
        int d = SYNTHETIC_FEATURES;
        int classes = MnistIdx.CLASSES;
        float[][] proto = new float[classes][d];
        for (float[] p : proto) {
            for (int j = 0; j < d; j++) {
                p[j] = r.nextDouble() < 0.15 ? (float) (0.5 + 0.5 * r.nextDouble()) : 0f;
            }
        }
        DataSet[] parts = new DataSet[2];
        int[] sizes = {trainSize, evalSize};
        for (int k = 0; k < 2; k++) {
            int n = sizes[k];
            float[] x = new float[n * d];
            float[] y = new float[n * classes];
            for (int i = 0; i < n; i++) {
                int c = r.nextInt(classes);
                y[i * classes + c] = 1f;
                float brightness = (float) (0.6 + 0.4 * r.nextDouble());
                for (int j = 0; j < d; j++) {
                    float v = proto[c][j] > 0 && r.nextDouble() < 0.8 ? proto[c][j] * brightness : 0f;
                    if (r.nextDouble() < 0.03) {
                        v += (float) r.nextDouble();
                    }
                    x[i * d + j] = Math.min(1f, v);
                }
            }
            parts[k] = new DataSet(Nd4j.create(x, new long[] {n, d}, 'c').castTo(DataType.FLOAT),
                    Nd4j.create(y, new long[] {n, classes}, 'c').castTo(DataType.FLOAT));
        }
        return new StudyData(parts[0], parts[1], "synthetic task (seed " + seed + ")", false);
    }

    /**
     * Returns the first {@code trainSize} training and the first {@code evalSize} evaluation examples, for reduced
     * runs (tests); sizes larger than available are capped.
     *
     * @param trainSize training examples to keep, at least 1
     * @param evalSize  evaluation examples to keep, at least 1
     * @return the reduced data
     * @throws IllegalArgumentException if a size is below 1
     */
    public StudyData limit(int trainSize, int evalSize) {
        if (trainSize < 1 || evalSize < 1) {
            throw new IllegalArgumentException("trainSize and evalSize must be >= 1, got: " + trainSize + " and "
                    + evalSize);
        }
        return new StudyData(head(train, trainSize), head(eval, evalSize), description, mnist);
    }

    private static DataSet head(DataSet ds, int n) {
        long rows = Math.min(n, ds.getFeatures().size(0));
        return new DataSet(ds.getFeatures().get(NDArrayIndex.interval(0, rows), NDArrayIndex.all()).dup(),
                ds.getLabels().get(NDArrayIndex.interval(0, rows), NDArrayIndex.all()).dup());
    }

    /**
     * Returns the training examples in order, cut into mini-batches (the last one may be smaller).
     *
     * @param batchSize the mini-batch size, at least 1
     * @return the mini-batches; each call returns fresh objects over copies of the data
     * @throws IllegalArgumentException if {@code batchSize} is below 1
     */
    public List<DataSet> trainBatches(int batchSize) {
        Checks.requireAtLeast("batchSize", batchSize, 1);
        return train.copy().batchBy(batchSize);
    }

    /**
     * Returns the evaluation examples in order, cut into mini-batches of at most 500 (for analysis passes).
     *
     * @return the mini-batches
     */
    public List<DataSet> evalBatches() {
        return eval.copy().batchBy(500);
    }

    /** @return the training examples */
    public DataSet train() {
        return train;
    }

    /** @return the evaluation examples */
    public DataSet eval() {
        return eval;
    }

    /** @return the number of training examples */
    public int trainSize() {
        return (int) train.getFeatures().size(0);
    }

    /** @return the number of evaluation examples */
    public int evalSize() {
        return (int) eval.getFeatures().size(0);
    }

    /** @return the number of input features */
    public int features() {
        return (int) train.getFeatures().size(1);
    }

    /** @return the number of classes */
    public int classes() {
        return (int) train.getLabels().size(1);
    }

    /** @return true for MNIST, false for the synthetic task */
    public boolean mnist() {
        return mnist;
    }

    /**
     * The data's name in a report footer.
     *
     * @return {@code "MNIST"} or {@code "synthetic task"}
     */
    public String name() {
        return mnist ? "MNIST" : "synthetic task";
    }

    /** @return a short description: "MNIST (dir)" or "synthetic task (seed s)" */
    public String description() {
        return description;
    }
}
