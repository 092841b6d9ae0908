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

import java.util.Locale;
import java.util.function.Function;

/**
 * The choices of a study's list options ({@code --variants}, {@code --models}, ...), as enum constants: their CSV
 * names ({@link Named}) and the one parse from a command-line word to a constant.
 */
public final class Choices {

    private Choices() {
    }

    /**
     * An enum constant whose CSV and command-line name is its constant name in lower case, with hyphens for
     * underscores: {@code REINIT_ZERO} is {@code reinit-zero}.
     */
    public interface Named {

        /**
         * The constant's name (an enum's own {@code name()}).
         *
         * @return the constant name, for example {@code REINIT_ZERO}
         */
        String name();

        /**
         * The name in CSV files and on the command line.
         *
         * @return {@link #name()} in lower case with hyphens for underscores, for example {@code reinit-zero}
         */
        default String csvName() {
            return name().toLowerCase(Locale.ROOT).replace('_', '-');
        }
    }

    /**
     * The choice a command-line word names.
     *
     * @param <E>        the choice type
     * @param values     the choices, for example {@code Variant.values()}
     * @param name       the name of a choice on the command line, for example {@code Named::csvName}
     * @param given      the word given
     * @param constraint what the word must be, the start of the message, for example
     *                   {@code "must be mlp, lenet or resnet"}
     * @return the first choice whose name is {@code given}
     * @throws IllegalArgumentException {@code <constraint>, got: <given>} if no choice has that name
     */
    public static <E> E parse(E[] values, Function<? super E, String> name, String given, String constraint) {
        for (E v : values) {
            if (name.apply(v).equals(given)) {
                return v;
            }
        }
        throw new IllegalArgumentException(constraint + ", got: " + given);
    }

    /**
     * The names of the choices, for a message.
     *
     * @param <E>    the choice type
     * @param values the choices
     * @param name   the name of a choice
     * @return the names joined with {@code ", "}, for example {@code relu, leaky}
     */
    public static <E> String list(E[] values, Function<? super E, String> name) {
        StringBuilder all = new StringBuilder();
        for (E v : values) {
            all.append(all.length() == 0 ? "" : ", ").append(name.apply(v));
        }
        return all.toString();
    }
}
