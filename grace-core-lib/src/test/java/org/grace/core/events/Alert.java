package org.grace.core.events;

/** A typical event: what the webapp will push to browsers. */
public record Alert(int id, String residentId, String text) {
}
