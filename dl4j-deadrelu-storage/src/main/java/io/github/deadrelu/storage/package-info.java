/*
 * SPDX-License-Identifier: Apache-2.0
 */

/**
 * Provides the binary encoding of the dead-ReLU records that DL4J's stats storages and routers carry
 * ({@code GateCountsUpdate} of dl4j-deadrelu-spark, {@code DeadReluPersistable} of dl4j-deadrelu-ui).
 */
package io.github.deadrelu.storage;
