package org.grace.core.events;

/** A handler registered with {@link EventBus#subscribe}; closing it stops further calls. */
public interface Subscription extends AutoCloseable {
    String topic();

    /** Stops delivery to this handler; idempotent. */
    @Override
    void close();
}
