package org.grace.core.cache;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

/**
 * Collects what one {@code System.Logger} writes (it goes to java.util.logging when no other backend is installed,
 * as in these tests), so a test can count log lines.
 */
final class LogRecords extends Handler implements AutoCloseable {
    private final Logger logger;
    private final List<LogRecord> records = new CopyOnWriteArrayList<>();

    private LogRecords(String name) {
        this.logger = Logger.getLogger(name);
        logger.addHandler(this);
    }

    static LogRecords of(String loggerName) {
        return new LogRecords(loggerName);
    }

    List<LogRecord> records() {
        return List.copyOf(records);
    }

    long count(java.util.logging.Level level) {
        return records.stream().filter(r -> r.getLevel().equals(level)).count();
    }

    @Override
    public void publish(LogRecord record) {
        records.add(record);
    }

    @Override
    public void flush() {
    }

    @Override
    public void close() {
        logger.removeHandler(this);
    }
}
