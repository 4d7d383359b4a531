package org.grace.core.cache;

/** A value that says which write it came from and when, so a reader can tell how old what it was served is. */
public record Version(int n, long writtenAtMillis) {
}
