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
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.deadrelu.examples.LearningRateRunner.Optimizer;
import io.github.deadrelu.examples.ReinitDefaultsModels.Arch;
import io.github.deadrelu.examples.ReinitDefaultsResults.Cell;
import io.github.deadrelu.examples.ReinitDefaultsRunner.Config;
import io.github.deadrelu.examples.ReinitDefaultsRunner.Level;
import io.github.deadrelu.examples.ReinitDefaultsRunner.Policy;
import io.github.deadrelu.examples.ReinitDefaultsRunner.Run;
import io.github.deadrelu.reinit.OutgoingWeights;
import io.github.deadrelu.reinit.ReinitPolicy;
import io.github.deadrelu.reinit.UnitSelection;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

class ReinitDefaultsStudyTest {

    /** The run CSV's header: the test reads columns by these names, so renaming one fails a test. */
    static final String RUNS_HEADER = ReinitDefaultsResults.RUNS_HEADER;

    /** The cell CSV's header. */
    static final String CELLS_HEADER = ReinitDefaultsResults.CELLS_HEADER;

    /**
     * The MLP part and the transfer case on the synthetic task (1,280 train / 200 eval, MLP 784-64-64-10, Sgd at 0.1,
     * 3.0 and 1e4, two epochs of 20 iterations, seeds 1 and 2, policy 10/10/1.0/zero). Measured: at Sgd 3.0 without
     * re-initialisation seed 1 ends with 62 of 64 first-layer units dead on the evaluation split (asserted: at least
     * 48), and the policy re-draws 98 and 125 units; at Sgd 1e4 seed 1 diverges at iteration 4 and seed 2 ends with
     * every unit dead (accuracy 0.065) without re-initialisation: the cell's mean is seed 2's accuracy alone, with
     * one divergence counted and no interval.
     */
    @Test
    @Timeout(300)
    void study_mlpAndTransfer_mechanicsAndKillingRate(@TempDir Path out) throws IOException {
        StudyTests.run(new ReinitDefaultsStudy(), out, "--models", "mlp", "--optimizers", "sgd",
                "--mlp-sgd", "0.1,3.0,1e4", "--hidden", "64,64", "--train-size", "1280", "--eval-size", "200",
                "--epochs", "2", "--seeds", "1,2", "--policies", "10/10/1.0/zero", "--transfer-epochs", "1",
                "--threads", "2");
        List<Map<String, String>> runs = StudyTests.csv(out.resolve("reinit-defaults.csv"), RUNS_HEADER);
        // 3 rates x 2 policies x 2 seeds, then 2 seeds x 2 fine-tuning rates x (none + 2 fractions).
        assertEquals(12 + 12, runs.size());
        for (Map<String, String> r : runs) {
            boolean diverged = r.get("diverged").equals("true");
            assertEquals(diverged, r.get("accuracy").isEmpty(), r.toString());
            assertEquals(diverged, r.get("first_layer_dead").isEmpty(), r.toString());
            assertEquals(diverged, !r.get("diverged_at").isEmpty(), r.toString());
            assertEquals("layer0", r.get("first_layer"));
            assertEquals("64", r.get("first_layer_units"));
            assertEquals("128", r.get("all_units"));
        }
        Map<String, String> high = grid(runs, "high", "none", "1");
        assertTrue(Integer.parseInt(high.get("first_layer_dead")) >= 48, high.toString());
        assertTrue(runs.stream().filter(r -> r.get("policy").equals("none"))
                .allMatch(r -> r.get("reinitialized").equals("0")));
        assertTrue(Long.parseLong(grid(runs, "high", "10/10/1.0/zero", "1").get("reinitialized")) > 0);
        assertTrue(Long.parseLong(grid(runs, "high", "10/10/1.0/zero", "2").get("reinitialized")) > 0);
        assertEquals("true", grid(runs, "killing", "none", "1").get("diverged"));
        Map<String, String> dead = grid(runs, "killing", "none", "2");
        assertEquals("false", dead.get("diverged"));
        assertEquals("64", dead.get("first_layer_dead"));
        List<Map<String, String>> transfer = runs.stream().filter(r -> r.get("part").equals("transfer")).toList();
        assertEquals(List.of("none", "10/10/1.0/zero", "10/10/0.1/zero"),
                transfer.stream().map(r -> r.get("policy")).distinct().toList());
        assertTrue(transfer.stream().allMatch(r -> !r.get("pretrained_accuracy").isEmpty()
                && r.get("model").equals("mlp-pretrained")), transfer.toString());

        List<Map<String, String>> cells = StudyTests.csv(out.resolve("reinit-defaults-cells.csv"), CELLS_HEADER);
        assertEquals(6 + 6, cells.size());
        Map<String, String> killing = cells.stream().filter(c -> c.get("part").equals("grid")
                && c.get("rate_level").equals("killing") && c.get("policy").equals("none")).findFirst().orElseThrow();
        assertEquals("1", killing.get("diverged"), killing.toString());
        assertEquals(dead.get("accuracy"), killing.get("accuracy_mean"), killing.toString());
        assertEquals("", killing.get("accuracy_ci95_low"), killing.toString());
        assertEquals("64.0", killing.get("first_layer_dead_mean"), killing.toString());
        StudyTests.assertFiles(out, "reinit-defaults.md", "reinit-defaults.png");
        assertTrue(!java.nio.file.Files.exists(out.resolve("reinit-defaults-partial.csv")));
    }

    private static Map<String, String> grid(List<Map<String, String>> runs, String level, String policy,
            String seed) {
        return runs.stream().filter(r -> r.get("part").equals("grid") && r.get("rate_level").equals(level)
                && r.get("policy").equals(policy) && r.get("seed").equals(seed)).findFirst().orElseThrow();
    }

    /** LeNet and the ResNet-style graph, tiny: the first monitored layer of each and the units of all of them. */
    @Test
    @Timeout(300)
    void study_lenetAndResnet_monitoredLayers(@TempDir Path out) throws IOException {
        StudyTests.run(new ReinitDefaultsStudy(), out, "--models", "lenet,resnet",
                "--optimizers", "adam", "--lenet-channels", "2,3", "--lenet-dense", "8", "--resnet-width", "8",
                "--resnet-blocks", "1", "--train-size", "320", "--eval-size", "100", "--seeds", "1", "--policies",
                "2/2/1.0/keep", "--no-transfer", "--threads", "1");
        List<Map<String, String>> runs = StudyTests.csv(out.resolve("reinit-defaults.csv"), RUNS_HEADER);
        assertEquals(2 * 3 * 2, runs.size());
        for (Map<String, String> r : runs) {
            boolean lenet = r.get("model").equals("lenet");
            assertEquals(lenet ? "layer0" : "stem_relu", r.get("first_layer"), r.toString());
            assertEquals(lenet ? "2" : "8", r.get("first_layer_units"), r.toString());
            // LeNet: 2 + 3 channels + 8 dense; graph: stem, b1_relu1, b1_relu2 of 8 each.
            assertEquals(lenet ? "13" : "24", r.get("all_units"), r.toString());
            assertEquals("5", r.get("iterations"), r.toString());
        }
    }

    /**
     * Runs are deterministic per configuration, whatever the number of threads, and {@code --resume} keeps the runs of
     * an interrupted study: a study resumed (one thread) from the first 5 rows of a finished one (two threads) writes
     * the same CSV, the training times aside.
     */
    @Test
    @Timeout(300)
    void study_resume_sameRunsAsUninterrupted(@TempDir Path out) throws IOException {
        String[] args = {"--models", "mlp,resnet", "--optimizers", "sgd", "--hidden", "16,16", "--resnet-width", "8",
            "--resnet-blocks", "1", "--train-size", "640", "--eval-size", "100", "--epochs", "3", "--seeds", "1",
            "--policies", "4/4/1.0/zero", "--no-transfer"};
        Path full = out.resolve("full");
        Path resumed = out.resolve("resumed");
        assertEquals(0, StudyTests.execute(new ReinitDefaultsStudy(), null, concat(args, "--threads", "2", "--out",
                full.toString())));
        List<String> lines = java.nio.file.Files.readAllLines(full.resolve("reinit-defaults.csv"));
        java.nio.file.Files.createDirectories(resumed);
        java.nio.file.Files.write(resumed.resolve("reinit-defaults-partial.csv"), lines.subList(0, 6));
        assertEquals(0, StudyTests.execute(new ReinitDefaultsStudy(), null, concat(args, "--threads", "1", "--resume",
                "--out", resumed.toString())));
        List<Map<String, String>> a = StudyTests.csv(full.resolve("reinit-defaults.csv"), RUNS_HEADER);
        List<Map<String, String>> b = StudyTests.csv(resumed.resolve("reinit-defaults.csv"), RUNS_HEADER);
        assertEquals(2 * 3 * 2, a.size());
        assertTrue(a.stream().anyMatch(r -> Long.parseLong(r.get("reinitialized")) > 0), "some run re-initialised");
        assertEquals(a.size(), b.size());
        for (int i = 0; i < a.size(); i++) {
            a.get(i).remove("train_seconds");
            b.get(i).remove("train_seconds");
            assertEquals(a.get(i), b.get(i), "row " + i);
        }
    }

    private static String[] concat(String[] a, String... b) {
        String[] all = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, all, a.length, b.length);
        return all;
    }

    /**
     * Divergence is counted, never averaged: a cell of three runs, one diverged, has the mean and the t-interval of
     * the two finite runs (t(0.975, 1) = 12.706) and one divergence; the time ratio is against the same cell without
     * re-initialisation.
     */
    @Test
    void cells_divergedRun_countedNotAveraged() {
        Policy zero = new Policy(25, 25, 1.0, OutgoingWeights.ZERO);
        List<Run> runs = List.of(run(Policy.NONE, 1, 0.5, 2.0), run(Policy.NONE, 2, 0.7, 2.0),
                run(zero, 1, 0.6, 3.0), run(zero, 2, Double.NaN, 3.0), run(zero, 3, 0.8, 3.0));
        List<Cell> cells = ReinitDefaultsResults.cells(runs);
        assertEquals(2, cells.size());
        Cell none = cells.get(0);
        Cell reinit = cells.get(1);
        assertEquals(0, none.diverged());
        assertEquals(1, reinit.diverged());
        assertEquals(0.7, reinit.accuracyMean(), 1e-12);
        assertEquals(12.706 * Math.sqrt(0.02) / Math.sqrt(2), reinit.ci95(), 1e-9);
        assertEquals(10.0, reinit.firstDeadMean(), 1e-12);
        assertEquals(1.5, reinit.timeRatio(), 1e-12);
        assertEquals("0.700 ± 1.271", ReinitDefaultsResults.accuracy(reinit));
        Cell all = ReinitDefaultsResults.cells(List.of(run(zero, 1, Double.NaN, 1.0))).get(0);
        assertEquals("diverged", ReinitDefaultsResults.accuracy(all));
        assertTrue(Double.isNaN(all.firstDeadMean()));
    }

    private static Run run(Policy p, long seed, double accuracy, double seconds) {
        boolean diverged = Double.isNaN(accuracy);
        return new Run(new Config(Arch.MLP, Optimizer.SGD, Level.KILLING, 1.0, p, seed, false), diverged ? 7 : -1,
                diverged ? 7 : 10, accuracy, "layer0", diverged ? -1 : 10, 64, diverged ? -1 : 20, 128, 0, 0, seconds,
                Double.NaN, -1, -1);
    }

    @Test
    void t975_table() {
        assertEquals(12.706, ReinitDefaultsResults.t975(1));
        assertEquals(2.776, ReinitDefaultsResults.t975(4));
        assertEquals(1.96, ReinitDefaultsResults.t975(31));
        assertThrows(IllegalArgumentException.class, () -> ReinitDefaultsResults.t975(0));
    }

    @Test
    void policy_parse() {
        assertEquals(new Policy(25, 100, 0.1, OutgoingWeights.KEEP), Policy.parse("25/100/0.1/keep"));
        assertEquals("25/100/0.1/keep", Policy.parse("25/100/0.1/keep").label());
        assertEquals("25/25/1.0/zero", Policy.parse("25/25/1/zero").label());
        assertThrows(IllegalArgumentException.class, () -> Policy.parse("25/25/1.5/zero"));
        assertThrows(IllegalArgumentException.class, () -> Policy.parse("25/25/zero"));
        assertThrows(IllegalArgumentException.class, () -> Policy.parse("0/25/1.0/zero"));
    }

    @Test
    void policy_parse_criteria() {
        Policy dormant = Policy.parse("25/25/1.0/zero/dormant=0.025");
        assertEquals(new Policy(25, 25, 1.0, OutgoingWeights.ZERO, UnitSelection.DORMANT, 0.025), dormant);
        assertEquals("25/25/1.0/zero/dormant=0.025", dormant.label());
        assertEquals(dormant, Policy.parse(dormant.label()));
        assertEquals(UnitSelection.DORMANT, dormant.build(1).select());
        assertEquals(0.025, dormant.build(1).threshold());
        ReinitPolicy cbp = Policy.parse("1/100/1.0/zero/utility=1.0E-4").build(3);
        assertEquals(UnitSelection.LOW_UTILITY, cbp.select());
        assertEquals(1e-4, cbp.replacementRate());
        assertEquals(UnitSelection.GRADIENT_DORMANT, Policy.parse("25/25/1.0/keep/gradient=0.01").build(0).select());
        assertEquals("utility", Policy.parse("1/100/1.0/zero/utility=1.0E-4").selectName());
        assertEquals("dead", Policy.parse("25/25/1.0/zero").selectName());
        assertEquals("", Policy.NONE.selectName());
        assertThrows(IllegalArgumentException.class, () -> Policy.parse("25/25/1.0/zero/dormant=2"));
        assertThrows(IllegalArgumentException.class, () -> Policy.parse("25/25/1.0/zero/utility=1"));
        assertThrows(IllegalArgumentException.class, () -> Policy.parse("25/25/1.0/zero/redo=0.1"));
        assertThrows(IllegalArgumentException.class, () -> Policy.parse("25/25/1.0/zero/dormant"));
    }
}
