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

import io.github.deadrelu.examples.support.StudyData;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.junit.jupiter.api.Assumptions;
import picocli.CommandLine;

/** Shared helpers of the study tests: the MNIST location, CLI runs and CSV reading. */
final class StudyTests {

    private StudyTests() {
    }

    /**
     * The MNIST directory of the repository's {@code shared/} sibling, resolved from the module directory (Surefire's
     * working directory): {@code ../../shared/data/mnist}. The test is skipped, with the path in the message, when
     * the files are absent; CI has them.
     */
    static Path mnist() {
        Path dir = Paths.get(System.getProperty("user.dir")).resolve("../../shared/data/mnist").normalize();
        Assumptions.assumeTrue(Files.isRegularFile(dir.resolve("t10k-images-idx3-ubyte.gz"))
                        && Files.isRegularFile(dir.resolve("t10k-labels-idx1-ubyte.gz")),
                "MNIST test-set files not found in " + dir + "; this claim is checked on MNIST only");
        return dir;
    }

    /** MNIST, reduced to the first {@code train} training and {@code eval} evaluation examples. */
    static StudyData mnist(int train, int eval) throws IOException {
        return StudyData.load(mnist(), 1).limit(train, eval);
    }

    /** Runs a study's command line and returns its exit code; errors go to {@code err} when given. */
    static int execute(Callable<Integer> study, StringWriter err, String... args) {
        CommandLine cli = new CommandLine(study);
        if (err != null) {
            cli.setErr(new PrintWriter(err));
        }
        return cli.execute(args);
    }

    /** The arguments followed by {@code --out <out>}. */
    static String[] withOut(Path out, String... args) {
        String[] all = Arrays.copyOf(args, args.length + 2);
        all[args.length] = "--out";
        all[args.length + 1] = out.toString();
        return all;
    }

    /** Runs a study's command line with {@code --out <out>} appended and asserts that it succeeds (exit code 0). */
    static void run(Callable<Integer> study, Path out, String... args) {
        assertEquals(0, execute(study, null, withOut(out, args)), String.join(" ", args));
    }

    /** The {@code --help} text of a study. */
    static String help(Callable<Integer> study) {
        StringWriter text = new StringWriter();
        CommandLine cli = new CommandLine(study);
        cli.setOut(new PrintWriter(text));
        assertEquals(0, cli.execute("--help"));
        return text.toString();
    }

    /**
     * Asserts that a study's command line is a usage error: exit code 2 and {@code message} in the error text.
     */
    static void assertUsageError(Callable<Integer> study, String message, String... args) {
        StringWriter err = new StringWriter();
        assertEquals(2, execute(study, err, args));
        assertTrue(err.toString().contains(message), err.toString());
    }

    /** Asserts that a study's {@code --help} text names each option. */
    static void assertHelpLists(Callable<Integer> study, String... options) {
        String help = help(study);
        for (String option : options) {
            assertTrue(help.contains(option), option);
        }
    }

    /** Reads a CSV written by a study (no quoted fields) as header-keyed rows; asserts the exact header. */
    static List<Map<String, String>> csv(Path file, String header) throws IOException {
        List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        assertEquals(header, lines.get(0));
        String[] names = header.split(",");
        List<Map<String, String>> rows = new ArrayList<>();
        for (String line : lines.subList(1, lines.size())) {
            String[] fields = line.split(",", -1);
            assertEquals(names.length, fields.length, line);
            Map<String, String> row = new LinkedHashMap<>();
            for (int i = 0; i < names.length; i++) {
                row.put(names[i], fields[i]);
            }
            rows.add(row);
        }
        return rows;
    }

    /** Asserts that each file exists in {@code dir} and is not empty. */
    static void assertFiles(Path dir, String... files) throws IOException {
        for (String f : files) {
            assertTrue(Files.isRegularFile(dir.resolve(f)) && Files.size(dir.resolve(f)) > 0,
                    f + " in " + Arrays.toString(dir.toFile().list()));
        }
    }
}
