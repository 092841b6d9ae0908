/*
 * SPDX-License-Identifier: Apache-2.0
 */

/**
 * Provides a runnable Spark example of dead-ReLU monitoring, re-initialisation at the driver and its cost.
 */
package io.github.deadrelu.examples.spark;
