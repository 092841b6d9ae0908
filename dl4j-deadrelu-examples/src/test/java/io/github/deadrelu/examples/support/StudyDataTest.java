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

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.dataset.DataSet;

class StudyDataTest {

    @Test
    void synthetic_shapeRangeAndDeterminism() throws IOException {
        StudyData a = StudyData.load(null, 3).limit(300, 100);
        StudyData b = StudyData.synthetic(8000, 2000, 3).limit(300, 100);
        assertFalse(a.mnist());
        assertEquals(List.of(300, 100, 784, 10), List.of(a.trainSize(), a.evalSize(), a.features(), a.classes()));
        assertTrue(a.train().getFeatures().minNumber().doubleValue() >= 0);
        assertTrue(a.train().getFeatures().maxNumber().doubleValue() <= 1);
        assertArrayEquals(a.train().getFeatures().ravel().toFloatVector(), b.train().getFeatures().ravel().toFloatVector());
        assertEquals(a.train().getLabels().sum(1).sumNumber().intValue(), 300, "one-hot labels");
    }

    @Test
    void trainBatches_inOrderLastSmaller() {
        StudyData d = StudyData.synthetic(100, 10, 1);
        List<DataSet> batches = d.trainBatches(32);
        assertEquals(List.of(32L, 32L, 32L, 4L), batches.stream().map(x -> x.getFeatures().size(0)).toList());
        assertEquals(d.train().getFeatures().getRow(32), batches.get(1).getFeatures().getRow(0));
    }

    @Test
    void synthetic_zeroSize() {
        var e = assertThrows(IllegalArgumentException.class, () -> StudyData.synthetic(0, 10, 1));
        assertTrue(e.getMessage().contains("trainSize and evalSize must be >= 1, got: 0 and 10"), e.getMessage());
    }
}
