/*
 * SPDX-License-Identifier: Apache-2.0
 */
package io.github.deadrelu.ui;

/** The few JSON writing helpers {@code /deadrelu/data} needs (no JSON library in the module's API). */
final class Json {
    private Json() {
    }

    /**
     * Appends a JSON string literal.
     *
     * @param sb the JSON being written
     * @param s  the string
     */
    static void string(StringBuilder sb, String s) {
        sb.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            int k = "\"\\\n\r\t".indexOf(c);
            if (k >= 0) {
                sb.append('\\').append("\"\\nrt".charAt(k));
            } else if (c < 0x20 || c == '<' || c == '>' || c == '&') {
                sb.append(String.format("\\u%04x", (int) c)); // also safe inside an HTML page
            } else {
                sb.append(c);
            }
        }
        sb.append('"');
    }
}
