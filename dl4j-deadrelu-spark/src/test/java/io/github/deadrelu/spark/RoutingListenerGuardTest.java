/*
 * SPDX-License-Identifier: Apache-2.0
 */
package io.github.deadrelu.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.deeplearning4j.core.storage.Persistable;
import org.deeplearning4j.core.storage.StatsStorageRouter;
import org.deeplearning4j.core.storage.StorageMetaData;
import org.deeplearning4j.datasets.iterator.utilty.ListDataSetIterator;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.parallelism.ParallelWrapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.nd4j.linalg.activations.impl.ActivationReLU;
import org.nd4j.linalg.learning.config.Sgd;
import org.slf4j.LoggerFactory;

/**
 * Issue 10 item 6: the routing listener has the engine's failure guard. A dense layer with ReLU {@code max = -1}
 * cannot be counted; {@code fit} goes on, directly and under ParallelWrapper, and the other layer is still published.
 */
class RoutingListenerGuardTest {
    /** Collects our updates. */
    static final class Sink implements StatsStorageRouter {
        final List<Persistable> updates = new CopyOnWriteArrayList<>();

        @Override public void putStorageMetaData(StorageMetaData m) { }
        @Override public void putStorageMetaData(Collection<? extends StorageMetaData> m) { }
        @Override public void putStaticInfo(Persistable p) { }
        @Override public void putStaticInfo(Collection<? extends Persistable> p) { }
        @Override public void putUpdate(Persistable p) { updates.add(p); }
        @Override public void putUpdate(Collection<? extends Persistable> p) { updates.addAll(p); }
    }

    private static MultiLayerNetwork badNet() {
        return Nets.mlp(new Sgd(0.01), 1, new ActivationReLU(-1.0, 0.0, 0.0));
    }

    private static List<ILoggingEvent> capture(Runnable r) {
        Logger logger = (Logger) LoggerFactory.getLogger(DeadReluRoutingListener.class);
        ListAppender<ILoggingEvent> appender = new ListAppender<>();
        appender.start();
        logger.addAppender(appender);
        try {
            r.run();
        } finally {
            logger.detachAppender(appender);
        }
        return appender.list;
    }

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void countingFailure_directFitGoesOn() {
        MultiLayerNetwork net = badNet();
        Sink sink = new Sink();
        DeadReluRoutingListener l = new DeadReluRoutingListener("s");
        l.setStorageRouter(sink);
        net.setListeners(l);
        List<ILoggingEvent> logs = capture(() -> {
            for (int k = 0; k < 3; k++) {
                net.fit(Nets.batches(16, 16, k).get(0));
            }
        });
        List<ILoggingEvent> problems = logs.stream().filter(e -> e.getLevel().isGreaterOrEqual(Level.WARN)).toList();
        assertTrue(problems.size() <= 1, problems.toString());
        assertEquals(3, sink.updates.size(), "every iteration published");
        for (Persistable p : sink.updates) {
            GateCountsUpdate u = (GateCountsUpdate) p;
            assertTrue(u.counts().containsKey("layer1") && !u.counts().containsKey("layer0"), u.counts().keySet()
                    .toString());
        }
    }

    @Test
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    void countingFailure_parallelWrapperFitGoesOn() {
        MultiLayerNetwork net = badNet();
        Sink sink = new Sink();
        ParallelWrapper pw = new ParallelWrapper.Builder<>(net).workers(2).prefetchBuffer(4).averagingFrequency(3)
                .trainingMode(ParallelWrapper.TrainingMode.AVERAGING).build();
        pw.setListeners(sink, new DeadReluRoutingListener("s"));
        try {
            pw.fit(new ListDataSetIterator<>(Nets.examples(128, 3), 16));
        } finally {
            pw.shutdown();
        }
        assertEquals(8, sink.updates.size(), "every worker iteration published: " + sink.updates.size());
    }
}
