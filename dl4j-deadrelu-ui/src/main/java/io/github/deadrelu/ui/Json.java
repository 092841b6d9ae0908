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
            switch (c) {
                case '"':
                    sb.append("\\\"");
                    break;
                case '\\':
                    sb.append("\\\\");
                    break;
                case '\n':
                    sb.append("\\n");
                    break;
                case '\r':
                    sb.append("\\r");
                    break;
                case '\t':
                    sb.append("\\t");
                    break;
                default:
                    if (c < 0x20 || c == '<' || c == '>' || c == '&') {
                        sb.append(String.format("\\u%04x", (int) c)); // also safe inside an HTML page
                    } else {
                        sb.append(c);
                    }
            }
        }
        sb.append('"');
    }
}
