/*
 * SPDX-License-Identifier: Apache-2.0
 */
package io.github.deadrelu.spark;

import java.nio.file.Paths;
import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaSparkContext;
import org.deeplearning4j.spark.api.RDDTrainingApproach;
import org.deeplearning4j.spark.impl.paramavg.ParameterAveragingTrainingMaster;

/** The Spark {@code local[2]} context and training master of the scale-out tests. */
final class LocalSpark {
    private LocalSpark() {
    }

    /**
     * @param app the application name
     * @return a loopback-only {@code local[2]} context without UI, its local dir under {@code target}
     */
    static JavaSparkContext start(String app) {
        SparkConf conf = new SparkConf().setMaster("local[2]").setAppName(app)
                .set("spark.driver.host", "127.0.0.1")
                .set("spark.driver.bindAddress", "127.0.0.1")
                .set("spark.ui.enabled", "false")
                .set("spark.local.dir", System.getProperty("deadrelu.spark.localDir",
                        Paths.get("target", "spark-local").toAbsolutePath().toString()));
        return new JavaSparkContext(conf);
    }

    /**
     * @param batch      mini-batch size per worker
     * @param averaging  averaging frequency
     * @return parameter averaging, one example per RDD element, no prefetch, updater state averaged too
     */
    static ParameterAveragingTrainingMaster master(int batch, int averaging) {
        return new ParameterAveragingTrainingMaster.Builder(1).batchSizePerWorker(batch)
                .averagingFrequency(averaging).workerPrefetchNumBatches(0).saveUpdater(true)
                .rddTrainingApproach(RDDTrainingApproach.Direct).build();
    }
}
