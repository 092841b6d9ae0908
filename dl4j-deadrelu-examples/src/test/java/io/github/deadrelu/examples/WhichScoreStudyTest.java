/*
 * SPDX-License-Identifier: Apache-2.0
 */
package io.github.deadrelu.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** {@link WhichScoreStudy} end to end on reduced MNIST, with three planted units of known scores. */
class WhichScoreStudyTest {

    private static Set<Integer> units(String list) {
        return list.isEmpty() ? Set.of() : Arrays.stream(list.split(" ")).map(Integer::valueOf)
                .collect(Collectors.toSet());
    }

    /**
     * On 512 examples (8 iterations of 64, deadAfterExamples 64: dead = closed on the whole latest mini-batch), in
     * b1_relu1 at the first iteration: unit 0 (BN gamma 0, beta 0.001) is tau-dormant but not dead; unit 1 (zero
     * outgoing weights) is gradient-dormant but not tau-dormant; unit 2 (gamma 0, beta -1) is all three. In every
     * recorded row, a dead unit is gradient-dormant (its gradient is exactly 0), and the layers after the residual
     * add have no gradient score.
     */
    @Test
    @Timeout(120)
    void plantedGraph_eachScoreFindsItsUnit(@TempDir Path out) throws IOException {
        StudyTests.run(new WhichScoreStudy(), out, "--mnist", StudyTests.mnist().toString(),
                "--train-size", "512", "--epochs", "1", "--batch", "64", "--width", "16", "--blocks", "2",
                "--dead-after", "64", "--every", "1", "--plant");
        StudyTests.assertFiles(out, "which-score.csv", "which-score.md", "which-score.png");
        List<Map<String, String>> rows = StudyTests.csv(out.resolve("which-score.csv"),
                String.join(",", WhichScoreResults.CSV_HEADER));
        assertEquals(8 * 5, rows.size(), "8 iterations x 5 gated layers");
        Map<String, String> first = rows.stream().filter(r -> r.get("layer").equals("b1_relu1")).findFirst()
                .orElseThrow();
        Set<Integer> dead = units(first.get("dead_units"));
        Set<Integer> dormant = units(first.get("dormant_units"));
        Set<Integer> grad = units(first.get("grad_dormant_units"));
        assertTrue(dormant.contains(0) && !dead.contains(0), "unit 0 dormant, not dead: " + first);
        assertTrue(grad.contains(1) && !dormant.contains(1) && !dead.contains(1),
                "unit 1 gradient-dormant, not dormant: " + first);
        assertTrue(dead.contains(2) && dormant.contains(2) && grad.contains(2), "unit 2 in all three: " + first);
        for (Map<String, String> r : rows) {
            if (r.get("place").equals("after residual add")) {
                assertEquals("", r.get("grad_dormant"), r.toString());
            } else {
                assertEquals("0", r.get("dead_not_grad"), "a dead unit has gradient 0: " + r);
                assertFalse(r.get("grad_dormant").isEmpty(), r.toString());
            }
        }
    }
}
