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

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.dataset.DataSet;

class MnistIdxTest {

    private static final int N = MnistIdx.TRAIN_SIZE + MnistIdx.EVAL_SIZE;

    /** Synthetic IDX files: 10,000 images of 2 x 3 pixels; image i has every pixel (i % 256) and label (i % 10). */
    private static void writeFiles(Path dir, int imagesMagic, int labelsMagic, int labelOffset) throws IOException {
        try (DataOutputStream out = gz(dir.resolve(MnistIdx.IMAGES))) {
            out.writeInt(imagesMagic);
            out.writeInt(N);
            out.writeInt(2);
            out.writeInt(3);
            for (int i = 0; i < N; i++) {
                for (int p = 0; p < 6; p++) {
                    out.writeByte(i % 256);
                }
            }
        }
        try (DataOutputStream out = gz(dir.resolve(MnistIdx.LABELS))) {
            out.writeInt(labelsMagic);
            out.writeInt(N);
            for (int i = 0; i < N; i++) {
                out.writeByte(i % 10 + labelOffset);
            }
        }
    }

    private static DataOutputStream gz(Path file) throws IOException {
        return new DataOutputStream(new GZIPOutputStream(Files.newOutputStream(file)));
    }

    @Test
    void load_splitScaleAndOneHot(@TempDir Path dir) throws IOException {
        writeFiles(dir, MnistIdx.IMAGES_MAGIC, MnistIdx.LABELS_MAGIC, 0);
        MnistIdx mnist = MnistIdx.load(dir);
        assertEquals(N, mnist.size());
        assertEquals(6, mnist.features());

        DataSet train = mnist.train();
        DataSet eval = mnist.eval();
        assertEquals(8_000, train.numExamples());
        assertEquals(2_000, eval.numExamples());
        // train row 255 is image 255 (pixels 1.0); eval row 0 is image 8000 (8000 % 256 = 64).
        assertEquals(1.0, train.getFeatures().getDouble(255, 0), 1e-6);
        assertEquals(64 / 255.0, eval.getFeatures().getDouble(0, 5), 1e-6);
        assertEquals(1.0, train.getLabels().getDouble(7, 7), 0.0);
        assertEquals(1.0, train.getLabels().getRow(7).sumNumber().doubleValue(), 0.0);
        assertEquals(1.0, eval.getLabels().getDouble(1, (8001 % 10)), 0.0);
        assertEquals(0.0, train.getFeatures().minNumber().doubleValue(), 0.0);
        assertEquals(1.0, train.getFeatures().maxNumber().doubleValue(), 0.0);
    }

    @Test
    void load_wrongImagesMagic(@TempDir Path dir) throws IOException {
        writeFiles(dir, 2049, MnistIdx.LABELS_MAGIC, 0);
        var e = assertThrows(IllegalArgumentException.class, () -> MnistIdx.load(dir));
        assertTrue(e.getMessage().endsWith("magic number must be 2051, got: 2049"), e.getMessage());
    }

    @Test
    void load_wrongLabelsMagic(@TempDir Path dir) throws IOException {
        writeFiles(dir, MnistIdx.IMAGES_MAGIC, 2051, 0);
        var e = assertThrows(IllegalArgumentException.class, () -> MnistIdx.load(dir));
        assertTrue(e.getMessage().endsWith("magic number must be 2049, got: 2051"), e.getMessage());
    }

    @Test
    void load_labelOutOfRange(@TempDir Path dir) throws IOException {
        writeFiles(dir, MnistIdx.IMAGES_MAGIC, MnistIdx.LABELS_MAGIC, 1);
        var e = assertThrows(IllegalArgumentException.class, () -> MnistIdx.load(dir));
        assertTrue(e.getMessage().contains("must be in [0, 9], got: 10"), e.getMessage());
    }

    @Test
    void load_missingFile(@TempDir Path dir) {
        var e = assertThrows(NoSuchFileException.class, () -> MnistIdx.load(dir));
        assertTrue(e.getMessage().contains("--mnist DIR"), e.getMessage());
        assertTrue(e.getMessage().contains(MnistIdx.IMAGES), e.getMessage());
    }
}
