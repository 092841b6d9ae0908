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

package io.github.deadrelu.examples.support;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.function.BiFunction;

/**
 * A console table: fixed columns, rows of strings, each column as wide as its widest cell. Numeric cells are
 * right-aligned, text cells left-aligned. {@link #toString()} gives the plain-text layout for the console and
 * {@link #toMarkdown()} the same table as GitHub Markdown, so a study can write the table it prints into a file that the
 * README quotes.
 * <pre>{@code
 * Table t = new Table("width", "depth", "He");
 * t.row(2, 10, "0.613");
 * System.out.print(t);
 * }</pre>
 */
public final class Table {

    private final String[] header;
    private final List<String[]> rows = new ArrayList<>();

    /**
     * Creates an empty table.
     *
     * @param header the column titles, at least one
     * @throws IllegalArgumentException if {@code header} is empty
     */
    public Table(String... header) {
        if (header.length == 0) {
            throw new IllegalArgumentException("header must have at least one column, got: 0");
        }
        this.header = header.clone();
    }

    /**
     * Adds a row; each cell is converted with {@link String#valueOf(Object)}.
     *
     * @param cells the cells, as many as the header has columns
     * @return this table, for chaining
     * @throws IllegalArgumentException if the number of cells differs from the number of columns
     */
    public Table row(Object... cells) {
        if (cells.length != header.length) {
            throw new IllegalArgumentException("row must have " + header.length + " cells, got: " + cells.length);
        }
        rows.add(Arrays.stream(cells).map(String::valueOf).toArray(String[]::new));
        return this;
    }

    /**
     * Returns the number of rows added so far.
     *
     * @return the row count, header excluded
     */
    public int size() {
        return rows.size();
    }

    /**
     * Renders the table as plain text: a header line, a dashed rule, one line per row, each line ending in a line break.
     *
     * @return the table text
     */
    @Override
    public String toString() {
        return render("", "  ", "", (c, width) -> "-".repeat(width));
    }

    /**
     * Renders the table as GitHub-flavoured Markdown, numeric columns right-aligned.
     *
     * @return the Markdown text, each line ending in a line break
     */
    public String toMarkdown() {
        return render("| ", " | ", " |", (c, width) -> numericColumn(c) ? "-".repeat(Math.max(1, width - 1)) + ":"
                : "-".repeat(width));
    }

    /** The header, a rule whose cells {@code ruleCell(column, width)} draws, then the rows, each line framed. */
    private String render(String open, String sep, String close, BiFunction<Integer, Integer, String> ruleCell) {
        int[] widths = widths();
        StringBuilder sb = new StringBuilder();
        line(sb, header, widths, open, sep, close);
        String[] rule = new String[header.length];
        for (int c = 0; c < rule.length; c++) {
            rule[c] = ruleCell.apply(c, widths[c]);
        }
        line(sb, rule, widths, open, sep, close);
        for (String[] row : rows) {
            line(sb, row, widths, open, sep, close);
        }
        return sb.toString();
    }

    private int[] widths() {
        int[] widths = new int[header.length];
        for (int c = 0; c < header.length; c++) {
            widths[c] = Math.max(3, header[c].length());
            for (String[] row : rows) {
                widths[c] = Math.max(widths[c], row[c].length());
            }
        }
        return widths;
    }

    private void line(StringBuilder sb, String[] cells, int[] widths, String open, String sep, String close) {
        sb.append(open);
        for (int c = 0; c < cells.length; c++) {
            if (c > 0) {
                sb.append(sep);
            }
            String cell = Objects.requireNonNullElse(cells[c], "");
            String pad = " ".repeat(widths[c] - cell.length());
            sb.append(numericColumn(c) ? pad + cell : cell + pad);
        }
        // Trailing spaces of left-aligned last cells are noise in a console and a diff.
        int end = sb.length();
        while (close.isEmpty() && end > 0 && sb.charAt(end - 1) == ' ') {
            end--;
        }
        sb.setLength(end);
        sb.append(close).append('\n');
    }

    private boolean numericColumn(int c) {
        if (rows.isEmpty()) {
            return false;
        }
        for (String[] row : rows) {
            if (!row[c].matches("[-+]?[0-9.,eE%+-]*[0-9][0-9.,eE%+-]*")) {
                return false;
            }
        }
        return true;
    }
}
