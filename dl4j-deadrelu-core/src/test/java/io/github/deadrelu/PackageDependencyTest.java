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


package io.github.deadrelu;

import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAPackage;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

/**
 * The package layering of the core module (COMMON.md, issue 11), read from the compiled main classes:
 * <pre>
 * listeners ----------> internal.engine -> stats -> internal -> reinit
 *     |                       |  \____________________^   ^
 *     +-> internal.report     +-> reinit                   |
 * conf.layers, layers ---------------------------------> internal
 * </pre>
 * {@code stats} and {@code reinit} are API value packages; {@code internal} (topology, layout, counting,
 * re-initialisation surgery, model dispatch) knows none of the API front ends; {@code internal.engine} (config, round
 * merging, tracking, reporting, CSV, failure guard) sits between the front ends and {@code stats}. No package cycles.
 */
class PackageDependencyTest {

    private static final String ROOT = "io.github.deadrelu";
    private static final String INTERNAL = ROOT + ".internal";
    private static final String ENGINE = ROOT + ".internal.engine..";
    private static final String REPORT = ROOT + ".internal.report..";

    private static final JavaClasses MAIN = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages(ROOT);

    @Test
    void statsAndReinit_doNotImportTheEngine() {
        noClasses().that().resideInAnyPackage(ROOT + ".stats..", ROOT + ".reinit..")
                .should().dependOnClassesThat().resideInAPackage(ENGINE)
                .because("stats and reinit are API value packages; the engine builds on them, not the reverse")
                .check(MAIN);
    }

    @Test
    void reinit_importsNothingOfTheLibrary() {
        noClasses().that().resideInAPackage(ROOT + ".reinit..")
                .should().dependOnClassesThat().resideInAnyPackage(INTERNAL + "..", ROOT + ".stats..",
                        ROOT + ".listeners..", ROOT + ".conf..", ROOT + ".layers..")
                .because("reinit is an API value package that internal imports")
                .check(MAIN);
    }

    @Test
    void internalBase_importsNoFrontEndNorEngine() {
        noClasses().that().resideInAPackage(INTERNAL)
                .should().dependOnClassesThat().resideInAnyPackage(ROOT + ".stats..", ROOT + ".listeners..",
                        ROOT + ".conf.layers..", ROOT + ".layers..", ENGINE, REPORT)
                .because("internal is the bottom layer: topology, layout, counting, surgery, model dispatch")
                .check(MAIN);
    }

    @Test
    void layerPackages_doNotImportListenersNorEngine() {
        noClasses().that().resideInAnyPackage(ROOT + ".conf.layers..", ROOT + ".layers..")
                .should().dependOnClassesThat().resideInAnyPackage(ROOT + ".listeners..", ENGINE)
                .because("GateMonitorLayer and its implementation know counting (internal), not who reads it")
                .check(MAIN);
    }

    @Test
    void packages_haveNoCycles() {
        slices().matching(ROOT + ".(**)").namingSlices("$1")
                .should().beFreeOfCycles()
                // DL4J's own layer pattern, not a layering choice: a configuration's instantiate() builds its
                // implementation and the implementation is typed by its configuration (AbstractLayer<GateMonitorLayer>),
                // as DL4J's conf.layers.DenseLayer and layers.feedforward.dense.DenseLayer do.
                .ignoreDependency(resideInAPackage(ROOT + ".conf.layers"), resideInAPackage(ROOT + ".layers"))
                .ignoreDependency(resideInAPackage(ROOT + ".layers"), resideInAPackage(ROOT + ".conf.layers"))
                .check(MAIN);
    }

    /**
     * Issue 11 ("sealed public surface"): no type of {@code io.github.deadrelu.internal..} appears in a public
     * signature of an API package: the supertypes of a public class, and the return, parameter and field types of its
     * public and protected members.
     */
    @Test
    void apiPackages_publicSignaturesShowNoInternalType() {
        java.util.List<String> leaks = new java.util.ArrayList<>();
        for (com.tngtech.archunit.core.domain.JavaClass c : MAIN) {
            String pkg = c.getPackageName();
            if (pkg.startsWith(INTERNAL) || !c.getModifiers().contains(com.tngtech.archunit.core.domain.JavaModifier.PUBLIC)) {
                continue;
            }
            java.util.List<com.tngtech.archunit.core.domain.JavaClass> supers = new java.util.ArrayList<>();
            c.getRawSuperclass().ifPresent(supers::add);
            supers.addAll(c.getRawInterfaces());
            for (com.tngtech.archunit.core.domain.JavaClass t : supers) {
                if (t.getPackageName().startsWith(INTERNAL)) {
                    leaks.add(c.getName() + " extends/implements " + t.getName());
                }
            }
            for (com.tngtech.archunit.core.domain.JavaMember m : c.getMembers()) {
                java.util.Set<com.tngtech.archunit.core.domain.JavaModifier> mods = m.getModifiers();
                if (!mods.contains(com.tngtech.archunit.core.domain.JavaModifier.PUBLIC)
                        && !mods.contains(com.tngtech.archunit.core.domain.JavaModifier.PROTECTED)) {
                    continue;
                }
                java.util.List<com.tngtech.archunit.core.domain.JavaClass> types = new java.util.ArrayList<>();
                if (m instanceof com.tngtech.archunit.core.domain.JavaCodeUnit) {
                    com.tngtech.archunit.core.domain.JavaCodeUnit u = (com.tngtech.archunit.core.domain.JavaCodeUnit) m;
                    types.add(u.getRawReturnType());
                    types.addAll(u.getRawParameterTypes());
                } else if (m instanceof com.tngtech.archunit.core.domain.JavaField) {
                    types.add(((com.tngtech.archunit.core.domain.JavaField) m).getRawType());
                }
                for (com.tngtech.archunit.core.domain.JavaClass t : types) {
                    if (t.getPackageName().startsWith(INTERNAL)) {
                        leaks.add(m.getFullName() + " uses " + t.getName());
                    }
                }
            }
        }
        org.junit.jupiter.api.Assertions.assertEquals(java.util.List.of(), leaks);
    }
}
