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

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The examples and the benchmarks use the library's public API only: nothing of {@code io.github.deadrelu.internal}
 * (and its sub-packages). The benchmarks that measure an internal mechanism by itself are the listed exceptions.
 */
class PublicApiOnlyTest {

    private static final String INTERNAL = "io.github.deadrelu.internal";

    /**
     * The benchmarks allowed to use internals, because they time an internal mechanism on its own: the gate counting
     * kernel ({@code GateCountBenchmark}) and the re-initialisation surgery ({@code ReinitBenchmark}).
     */
    static final Set<String> BENCHMARKS_OF_INTERNALS = Set.of("GateCountBenchmark.java", "ReinitBenchmark.java");

    @Test
    void examples_dependOnNoInternalPackage() {
        JavaClasses examples = new ClassFileImporter()
                .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_JARS)
                .importPackages("io.github.deadrelu.examples");
        assertTrue(examples.size() > 10, "imported " + examples.size() + " example classes");
        noClasses().should().dependOnClassesThat().resideInAPackage(INTERNAL + "..")
                .because("the examples show what a user can write with the public API")
                .check(examples);
    }

    /**
     * Read from the benchmark sources (the benchmarks module builds after this one, so its classes may not exist
     * yet): a file names an internal package in an import or a qualified name only if it is a listed exception.
     */
    @Test
    void benchmarks_useInternalsOnlyInTheBenchmarksOfInternals() throws IOException {
        Path sources = Paths.get(System.getProperty("user.dir")).resolve("../benchmarks/src/main/java")
                .normalize();
        assertTrue(Files.isDirectory(sources), sources + " not found");
        Set<String> users = new TreeSet<>();
        List<Path> files;
        try (Stream<Path> walk = Files.walk(sources)) {
            files = walk.filter(p -> p.toString().endsWith(".java")).toList();
        }
        for (Path f : files) {
            if (Files.readString(f, StandardCharsets.UTF_8).contains(INTERNAL + ".")) {
                users.add(f.getFileName().toString());
            }
        }
        assertTrue(files.size() > BENCHMARKS_OF_INTERNALS.size(), "read " + files.size() + " benchmark sources");
        users.removeAll(BENCHMARKS_OF_INTERNALS);
        assertEquals(Set.of(), users, "benchmarks using " + INTERNAL + " outside " + BENCHMARKS_OF_INTERNALS);
    }
}
