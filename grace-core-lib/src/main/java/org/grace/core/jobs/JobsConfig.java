package org.grace.core.jobs;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Random;
import javax.sql.DataSource;
import org.grace.core.InstanceId;

/** What {@link Jobs.Builder} settled, read by the engine; and the name rule that builder and engine share. */
record JobsConfig(DataSource dataSource, InstanceId instanceId, Clock clock, Random random, ObjectMapper mapper,
                  Map<String, HandlerRegistration<?>> handlers, Map<String, Integer> queues,
                  List<RecurringJob> recurring, int batchSize, Duration pollInterval, Duration leaseDuration,
                  Duration timeout, int maxAttempts, Duration retryDelay, Duration maxRetryDelay,
                  Duration retention, Duration shutdownGrace, boolean notifications, JobListener listener) {

    static String requireName(String value, String what) {
        Objects.requireNonNull(value, what + " must not be null");
        if (value.isBlank() || value.length() > 200) {
            throw new IllegalArgumentException(what + " must be 1-200 characters, got '" + value + "'");
        }
        return value;
    }

    record HandlerRegistration<T>(Class<T> payloadType, JobHandler<T> handler) {
    }

    record RecurringJob(String name, Schedule schedule, String type, Object payload, JobOptions options) {
    }
}
