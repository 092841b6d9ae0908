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

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.slf4j.Logger;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * The scaffolding every study's command line shares: {@code --help} and {@code --version}, the options listed in
 * declaration order, {@code --out} ({@link StudyOptions.Output}), validation before anything runs (every
 * {@link StudyOptions.Validated} mixin, then {@link #check(Checks)}; usage errors exit with code 2), the mixins' own
 * defaults ({@link StudyOptions.MixinDefaults}), ND4J limited to one thread, the library's per-run log lines
 * quietened, then {@link #study(Path)} (timed: {@link #seconds()}); plus {@link #main(StudyCommand, String...)} and
 * the report files every study writes ({@link #writeReport}).
 * <pre>{@code
 * @Command(name = "my-study", description = "...")   // --help, --version and the options in declaration order
 * public final class MyStudy extends StudyCommand {
 *     @Mixin StudyOptions.Data data;                    // checked before check(Checks)
 *     public static void main(String[] args) { main(new MyStudy(), args); }
 *     protected void check(Checks check) { ... }        // the study's own options, if any
 *     protected void study(Path out) throws IOException { ... }
 * }
 * }</pre>
 */
@Command(mixinStandardHelpOptions = true, sortOptions = false,
        defaultValueProvider = StudyOptions.MixinDefaults.class)
public abstract class StudyCommand implements Callable<Integer> {

    @Spec
    private CommandSpec spec;

    @Mixin
    private StudyOptions.Output output;

    private long startNanos;

    /** Creates the command (a study's constructor). */
    protected StudyCommand() {
    }

    /**
     * Runs a study's command line and exits the JVM with its exit code (0 on success, 2 on a usage error).
     *
     * @param study the study
     * @param args  the command-line arguments
     */
    protected static void main(StudyCommand study, String... args) {
        System.exit(new CommandLine(study).execute(args));
    }

    /**
     * Validates the options (each {@link StudyOptions.Validated} mixin in declaration order, then
     * {@link #check(Checks)}), limits ND4J to one thread (see {@link Mlp#singleThreadedNd4j()}), quietens the
     * library's log when {@link #quietListenerLog()} says so, and runs the study.
     *
     * @return the exit code, 0 on success
     * @throws IOException if input cannot be read or an output file cannot be written
     * @throws picocli.CommandLine.ParameterException if an option is invalid (picocli prints it with the usage)
     */
    @Override
    public final Integer call() throws IOException {
        Checks checks = new Checks(spec);
        for (CommandSpec mixin : spec.mixins().values()) {
            if (mixin.userObject() instanceof StudyOptions.Validated options) {
                options.check(checks);
            }
        }
        check(checks);
        Mlp.singleThreadedNd4j();
        if (quietListenerLog()) {
            Mlp.quietListenerLog();
        }
        startNanos = System.nanoTime();
        study(output.out());
        return 0;
    }

    /**
     * Validates the study's own options, after its {@link StudyOptions.Validated} mixins and before anything else;
     * by default there are none to check.
     *
     * @param check the checks of this command
     * @throws picocli.CommandLine.ParameterException if an option is invalid
     */
    protected void check(Checks check) {
    }

    /**
     * Runs the study and writes its outputs.
     *
     * @param out the output directory ({@code --out}); created by the first file written
     * @throws IOException if input cannot be read or an output file cannot be written
     */
    protected abstract void study(Path out) throws IOException;

    /**
     * Whether the library's own per-run log lines (see {@link Mlp#quietListenerLog()}) are kept off the console.
     *
     * @return true by default, for studies that train many networks; false keeps them
     */
    protected boolean quietListenerLog() {
        return true;
    }

    /**
     * Writes {@code <name>.md} into {@code out} (the table as Markdown, a blank line, then the footer) and prints the
     * table and the footer to standard output.
     *
     * @param out    the output directory, created when missing
     * @param name   the file's base name, for example {@code learning-rate}
     * @param table  the result table
     * @param footer one line on the protocol and the run time
     * @throws IOException if the file cannot be written
     */
    protected static void writeReport(Path out, String name, Table table, String footer) throws IOException {
        Files.createDirectories(out);
        Files.writeString(out.resolve(name + ".md"), table.toMarkdown() + "\n" + footer + "\n",
                StandardCharsets.UTF_8);
        System.out.print(table);
        System.out.println(footer);
    }

    /**
     * The run time so far: the seconds since {@link #study(Path)} was called.
     *
     * @return the seconds elapsed since the study started
     */
    protected final double seconds() {
        return secondsSince(startNanos);
    }

    /**
     * The seconds since a start time.
     *
     * @param startNanos a {@link System#nanoTime()} reading
     * @return the seconds elapsed since it
     */
    protected static double secondsSince(long startNanos) {
        return (System.nanoTime() - startNanos) / 1e9;
    }

    /**
     * Logs the study's closing line with the run time in whole seconds, as {@code "%.0f s"}; see
     * {@link #logFinished(Logger, String, String, Path, String...)}.
     *
     * @param log     the study's logger
     * @param study   the study's name
     * @param seconds the run time in seconds
     * @param out     the output directory
     * @param files   the files written, in order
     */
    protected static void logFinished(Logger log, String study, double seconds, Path out, String... files) {
        logFinished(log, study, String.format(Locale.ROOT, "%.0f s", seconds), out, files);
    }

    /**
     * Logs the study's closing line: {@code <study> finished in <time>; wrote a, b and c to <out>}.
     *
     * @param log   the study's logger
     * @param study the study's name, for example {@code Learning rate study}
     * @param time  the run time, formatted
     * @param out   the output directory
     * @param files the files written, in order
     */
    protected static void logFinished(Logger log, String study, String time, Path out, String... files) {
        String list = files.length == 1 ? files[0] : String.join(", ", Arrays.asList(files)
                .subList(0, files.length - 1)) + " and " + files[files.length - 1];
        log.info("{} finished in {}; wrote {} to {}", study, time, list, out.toAbsolutePath());
    }
}
