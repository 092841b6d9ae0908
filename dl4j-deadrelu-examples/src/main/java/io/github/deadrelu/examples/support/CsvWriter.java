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

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Objects;

/**
 * Writes a CSV file (RFC 4180: comma separated, {@code \n} line ends, fields quoted only when they contain a comma, a
 * quote or a line break). The header is written on creation, and every row must have as many fields as the header.
 * Numbers are written with {@link Locale#ROOT}, so the decimal separator is always a point.
 * <pre>{@code
 * try (CsvWriter csv = new CsvWriter(out.resolve("result.csv"), "width", "depth", "rate")) {
 *     csv.row(2, 10, 0.613);
 * }
 * }</pre>
 */
public final class CsvWriter implements AutoCloseable {

    private final BufferedWriter writer;
    private final int columns;

    /**
     * Creates (or truncates) {@code file}, creating its parent directories, and writes the header line.
     *
     * @param file   the CSV file to write
     * @param header the column names, at least one
     * @throws IOException              if the file cannot be created or written
     * @throws IllegalArgumentException if {@code header} is empty
     */
    public CsvWriter(Path file, String... header) throws IOException {
        Objects.requireNonNull(file, "file");
        if (header.length == 0) {
            throw new IllegalArgumentException("header must have at least one column, got: 0");
        }
        Path parent = file.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        this.writer = Files.newBufferedWriter(file, StandardCharsets.UTF_8);
        this.columns = header.length;
        write(header);
    }

    /**
     * Writes one row. {@code null} becomes an empty field; {@code double} and {@code float} values are written with
     * {@link Double#toString} semantics in the root locale (full precision, no grouping).
     *
     * @param values the fields of the row, as many as the header has columns
     * @return this writer, for chaining
     * @throws IllegalArgumentException if the number of values differs from the number of columns
     * @throws UncheckedIOException     if the file cannot be written
     */
    public CsvWriter row(Object... values) {
        if (values.length != columns) {
            throw new IllegalArgumentException("row must have " + columns + " fields, got: " + values.length);
        }
        String[] fields = new String[values.length];
        for (int i = 0; i < values.length; i++) {
            fields[i] = format(values[i]);
        }
        try {
            write(fields);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return this;
    }

    /**
     * Flushes and closes the file.
     *
     * @throws IOException if the file cannot be closed
     */
    @Override
    public void close() throws IOException {
        writer.close();
    }

    private void write(String[] fields) throws IOException {
        for (int i = 0; i < fields.length; i++) {
            if (i > 0) {
                writer.write(',');
            }
            writer.write(escape(fields[i]));
        }
        writer.write('\n');
    }

    static String format(Object value) {
        if (value == null) {
            return "";
        }
        if (value instanceof Double || value instanceof Float) {
            return String.format(Locale.ROOT, "%s", value);
        }
        return value.toString();
    }

    static String escape(String field) {
        if (field.indexOf(',') < 0 && field.indexOf('"') < 0 && field.indexOf('\n') < 0 && field.indexOf('\r') < 0) {
            return field;
        }
        return '"' + field.replace("\"", "\"\"") + '"';
    }
}
