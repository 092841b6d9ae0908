/*
 * SPDX-License-Identifier: Apache-2.0
 */
package io.github.deadrelu.testutil;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.util.List;
import java.util.stream.Collectors;
import org.slf4j.LoggerFactory;

/**
 * Captures what a class logs (through logback, the test binding) while open: a {@link ListAppender} attached to the
 * class's logger.
 *
 * <pre>{@code
 * try (LogCapture logs = LogCapture.of(DeadReluListener.class)) {
 *     net.fit(ds);
 *     assertEquals(1, logs.messages(Level.WARN).size());
 * }
 * }</pre>
 */
public final class LogCapture implements AutoCloseable {
    private final Logger logger;
    private final ListAppender<ILoggingEvent> appender = new ListAppender<>();
    private final Level previous;

    private LogCapture(Class<?> cls) {
        logger = (Logger) LoggerFactory.getLogger(cls);
        previous = logger.getLevel();
        logger.setLevel(Level.DEBUG);
        appender.start();
        logger.addAppender(appender);
    }

    /**
     * Starts capturing.
     *
     * @param cls the class whose logger to capture
     * @return the capture, to close after use
     */
    public static LogCapture of(Class<?> cls) {
        return new LogCapture(cls);
    }

    /**
     * The formatted messages logged at one level so far.
     *
     * @param level the level
     * @return the messages, oldest first
     */
    public List<String> messages(Level level) {
        synchronized (appender.list) {
            return appender.list.stream().filter(e -> e.getLevel() == level).map(ILoggingEvent::getFormattedMessage)
                    .collect(Collectors.toList());
        }
    }

    @Override
    public void close() {
        logger.detachAppender(appender);
        appender.stop();
        logger.setLevel(previous);
    }
}
