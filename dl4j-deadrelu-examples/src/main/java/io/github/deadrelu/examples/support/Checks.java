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

import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;

/**
 * The one validation helper of the study command lines: each check throws picocli's {@link ParameterException}
 * (usage error, exit code 2, message on standard error) with the project's message form
 * {@code <param> must be <constraint>, got: <value>}.
 * <pre>{@code
 * Checks check = new Checks(spec);
 * check.atLeast("--epochs", epochs, 1);       // "--epochs must be >= 1, got: 0"
 * check.inRange("--train-size", n, 1, 8000);  // "--train-size must be in [1, 8000], got: 9000"
 * }</pre>
 */
public final class Checks {

    private final CommandSpec spec;

    /**
     * Creates the checks of one command.
     *
     * @param spec the command whose usage a failed check reports
     * @throws NullPointerException if {@code spec} is null
     */
    public Checks(CommandSpec spec) {
        if (spec == null) {
            throw new NullPointerException("spec must be non-null, got: null");
        }
        this.spec = spec;
    }

    /**
     * Fails unless {@code condition} holds.
     *
     * @param condition  what must hold
     * @param param      the option or parameter name, for example {@code --lr}
     * @param constraint what it must be, for example {@code > 0}
     * @param value      the value given
     * @throws ParameterException {@code <param> must be <constraint>, got: <value>} if {@code condition} is false
     */
    public void require(boolean condition, String param, String constraint, Object value) {
        if (!condition) {
            throw fail(param + " must be " + constraint + ", got: " + value);
        }
    }

    /**
     * Fails unless a list option has at least {@code min} elements.
     *
     * @param param  the option name, for example {@code --seeds}
     * @param length the number of elements given
     * @param min    the least number, at least 1
     * @param what   the name of one element with its count word, for example {@code one seed} or {@code two widths}
     * @throws ParameterException {@code <param> must list at least <what>, got: <length or none>} if too short
     */
    public void listsAtLeast(String param, int length, int min, String what) {
        if (length < min) {
            throw fail(param + " must list at least " + what + ", got: " + (length == 0 ? "none" : length));
        }
    }

    /**
     * Fails unless {@code value >= min}.
     *
     * @param param the option name
     * @param value the value given
     * @param min   the least value allowed
     * @throws ParameterException {@code <param> must be >= <min>, got: <value>} if {@code value < min}
     */
    public void atLeast(String param, long value, long min) {
        require(value >= min, param, ">= " + min, value);
    }

    /**
     * Fails unless every element of a list option is at least {@code min}.
     *
     * @param param  the name in the message, for example {@code --hidden widths}
     * @param values the values given
     * @param min    the least value allowed
     * @throws ParameterException {@code <param> must be >= <min>, got: <value>} for the first value below {@code min}
     */
    public void eachAtLeast(String param, int[] values, long min) {
        for (int v : values) {
            atLeast(param, v, min);
        }
    }

    /**
     * The argument check of the examples' own constructors and methods (not of a command line): fails unless
     * {@code value >= min}.
     *
     * @param param the parameter name, for example {@code width}
     * @param value the value given
     * @param min   the least value allowed
     * @throws IllegalArgumentException {@code <param> must be >= <min>, got: <value>} if {@code value < min}
     */
    public static void requireAtLeast(String param, long value, long min) {
        if (value < min) {
            throw new IllegalArgumentException(param + " must be >= " + min + ", got: " + value);
        }
    }

    /**
     * Fails unless {@code min <= value <= max}.
     *
     * @param param the option name
     * @param value the value given
     * @param min   the least value allowed
     * @param max   the greatest value allowed
     * @throws ParameterException {@code <param> must be in [<min>, <max>], got: <value>} if outside
     */
    public void inRange(String param, long value, long min, long max) {
        require(value >= min && value <= max, param, "in [" + min + ", " + max + "]", value);
    }

    /**
     * Fails unless {@code value} is finite and greater than 0.
     *
     * @param param the option name
     * @param value the value given
     * @throws ParameterException {@code <param> must be > 0, got: <value>} if not
     */
    public void positive(String param, double value) {
        require(value > 0 && Double.isFinite(value), param, "> 0", value);
    }

    /**
     * Fails unless {@code value} is one of {@code choices}.
     *
     * @param param   the option name
     * @param value   the value given
     * @param choices the values allowed, at least two
     * @throws ParameterException {@code <param> must be <a> or <b>, got: <value>} (choices joined with commas and a
     *                            final "or") if not
     */
    public void oneOf(String param, String value, String... choices) {
        boolean found = false;
        for (String c : choices) {
            found |= c.equals(value);
        }
        String last = choices[choices.length - 1];
        String rest = String.join(", ", java.util.Arrays.asList(choices).subList(0, choices.length - 1));
        require(found, param, rest + " or " + last, value);
    }

    /**
     * A usage error with a message of its own, for the checks this class does not name.
     *
     * @param message the whole message, in the form {@code <param> must be <constraint>, got: <value>}
     * @return the exception, to throw
     */
    public ParameterException fail(String message) {
        return new ParameterException(spec.commandLine(), message);
    }
}
