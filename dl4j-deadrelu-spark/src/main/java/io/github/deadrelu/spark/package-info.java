/*
 * SPDX-License-Identifier: Apache-2.0
 */

/**
 * Provides dead-ReLU monitoring and re-initialisation for training spread over several workers: Spark with
 * ParameterAveragingTrainingMaster and ParallelWrapper ({@link io.github.deadrelu.spark.DeadReluAggregator}).
 */
package io.github.deadrelu.spark;
