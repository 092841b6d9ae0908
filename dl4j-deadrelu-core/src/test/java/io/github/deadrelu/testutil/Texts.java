/*
 * SPDX-License-Identifier: Apache-2.0
 */
package io.github.deadrelu.testutil;

import static org.junit.jupiter.api.Assertions.assertTrue;

/** Assertions on text the library writes: summary lines, WARNs, exception messages, CSV rows, HTML. */
public final class Texts {
    private Texts() {
    }

    /**
     * Asserts that {@code actual} contains every one of {@code parts}; a failure shows the part and the whole text.
     *
     * @param actual the text
     * @param parts  the parts it must contain
     */
    public static void assertContains(String actual, String... parts) {
        for (String part : parts) {
            assertTrue(actual.contains(part), () -> "\"" + part + "\" not in: " + actual);
        }
    }
}
