package org.grace.webapp.delivery;

/** One message to one user on one channel, as stored in {@code outbound_messages}. */
public record OutboundMessage(long id, long userId, String channel, String address, String subject, String body) {
}
