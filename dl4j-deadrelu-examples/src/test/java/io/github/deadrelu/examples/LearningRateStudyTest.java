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

package io.github.deadrelu.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

class LearningRateStudyTest {

    static final String CSV_HEADER = "optimizer,lr,variant,seed,layer,units,dead_units,dead_fraction,"
            + "eval_closed_share,eval_negative_share,train_closed_share_last_epoch,reinitialized,accuracy,diverged";

    /**
     * The study's claim on a reduced MNIST run (2,000 train / 1,000 eval, one epoch, seed 1, Sgd 0.1 and 2.0): at
     * the highest rate ReLU loses most of its first layer while Leaky ReLU has no closed gate, and a diverged run has
     * no accuracy. Measured: ReLU layer0 dead 1/256 at 0.1 and 250/256 at 2.0; Leaky ReLU diverged at 2.0.
     */
    @Test
    @Timeout(120)
    void study_highestRate_reluDiesLeakyNeverCloses(@TempDir Path out) throws IOException {
        String mnist = StudyTests.mnist().toString();
        StudyTests.run(new LearningRateStudy(), out, "--mnist", mnist, "--sgd-rates", "0.1,2.0",
                "--adam-rates", "", "--variants", "relu,leaky,reinit-zero", "--seeds", "1", "--epochs", "1",
                "--train-size", "2000", "--eval-size", "1000");
        List<Map<String, String>> rows = StudyTests.csv(out.resolve("learning-rate.csv"), CSV_HEADER);
        assertEquals(2 * 3 * 2, rows.size());

        Map<String, String> reluHigh = row(rows, "2.0", "relu", "layer0");
        assertTrue(Double.parseDouble(reluHigh.get("dead_fraction")) > 0.5, reluHigh.toString());
        Map<String, String> reluLow = row(rows, "0.1", "relu", "layer0");
        assertTrue(Double.parseDouble(reluLow.get("dead_fraction")) < 0.1, reluLow.toString());
        for (String layer : List.of("layer0", "layer1")) {
            // Leaky ReLU never closes: its closed share per mini-batch is 0 at the highest rate, up to its divergence.
            Map<String, String> leaky = row(rows, "2.0", "leaky", layer);
            assertEquals(0.0, Double.parseDouble(leaky.get("train_closed_share_last_epoch")), leaky.toString());
            Map<String, String> leakyLow = row(rows, "0.1", "leaky", layer);
            assertEquals(0.0, Double.parseDouble(leakyLow.get("eval_closed_share")), leakyLow.toString());
            assertEquals("0", leakyLow.get("dead_units"));
        }
        for (Map<String, String> r : rows) {
            // Divergence is reported as such, never as an accuracy or dead units.
            boolean diverged = r.get("diverged").equals("true");
            assertEquals(diverged, r.get("accuracy").isEmpty(), r.toString());
            assertEquals(diverged, r.get("dead_units").isEmpty(), r.toString());
        }
        assertEquals("true", row(rows, "2.0", "leaky", "layer0").get("diverged"));
        assertEquals("false", row(rows, "2.0", "relu", "layer0").get("diverged"));
        assertTrue(Long.parseLong(row(rows, "2.0", "reinit-zero", "layer0").get("reinitialized")) > 0);
        assertEquals("0", row(rows, "2.0", "relu", "layer0").get("reinitialized"));
        StudyTests.assertFiles(out, "learning-rate-curves.csv", "learning-rate.md", "learning-rate.png");
    }

    private static Map<String, String> row(List<Map<String, String>> rows, String lr, String variant, String layer) {
        return rows.stream().filter(r -> r.get("lr").equals(lr) && r.get("variant").equals(variant)
                && r.get("layer").equals(layer)).findFirst().orElseThrow();
    }
}
