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

import io.github.deadrelu.examples.SeedScenarioStudy.Phase;
import io.github.deadrelu.examples.SeedScenarioStudy.Result;
import io.github.deadrelu.examples.SeedScenarioStudy.Step;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

class SeedScenarioStudyTest {

    /**
     * The scenario's claims: closed share near 0 before the spike and near 1 after it, the mean pre-activation moved
     * from +0.1 to -0.1 by one step, the unit's weights bit-identical from then on, and the unit dead to the end.
     * Measured (seed 1, 40 + 1 + 80 iterations): closed share 0.000 before, 1.000 after; mean z 0.100 before, -0.1000
     * after the step.
     */
    @Test
    @Timeout(60)
    void scenario_oneStepKillsAndFreezes() {
        Result r = SeedScenarioStudy.run(40, 80, 32, 0.005, -0.1, 1);
        List<Step> before = r.phase(Phase.BEFORE);
        List<Step> after = r.phase(Phase.AFTER);
        assertEquals(40, before.size());
        assertEquals(80, after.size());

        double closedBefore = before.stream().mapToDouble(Step::closedShare).max().orElseThrow();
        double closedAfter = after.stream().mapToDouble(Step::closedShare).min().orElseThrow();
        assertTrue(closedBefore < 0.05, "closed share before " + closedBefore);
        assertTrue(closedAfter > 0.95, "closed share after " + closedAfter);

        double zBefore = before.stream().mapToDouble(Step::zMean).average().orElseThrow();
        assertEquals(0.1, zBefore, 0.01);
        assertEquals(-0.1, r.meanAfter(), 1e-6, "the solved step lands the mean pre-activation on the target");
        assertTrue(after.stream().allMatch(s -> s.zMax() < 0), "every pre-activation after the spike is negative");

        assertTrue(after.stream().allMatch(Step::asAfterSpike), "weights and bias bit-identical after the spike");
        assertTrue(after.get(after.size() - 1).dead(), "dead at the end");
        int deadFrom = r.deadFrom();
        assertTrue(deadFrom > 40, "dead only after the spike, got: " + deadFrom);
        assertTrue(r.steps().stream().filter(s -> s.iteration() >= deadFrom).allMatch(Step::dead),
                "stays dead once dead");
        assertTrue(r.labelShift() > 0, "the spike's labels are shifted down, got: " + r.labelShift());
    }

    @Test
    @Timeout(60)
    void study_cli_writesOutputs(@TempDir Path out) throws IOException {
        StudyTests.run(new SeedScenarioStudy(), out, "--before", "20", "--after", "30");
        List<Map<String, String>> rows = StudyTests.csv(out.resolve("seed-scenario.csv"),
                "iteration,phase,closed_share,z_mean,z_min,z_max,weights_as_after_spike,dead");
        assertEquals(51, rows.size());
        assertEquals("spike", rows.get(20).get("phase"));
        assertEquals("", rows.get(20).get("weights_as_after_spike"));
        assertEquals("true", rows.get(50).get("weights_as_after_spike"));
        StudyTests.assertFiles(out, "seed-scenario.md", "seed-scenario.png");
    }
}
