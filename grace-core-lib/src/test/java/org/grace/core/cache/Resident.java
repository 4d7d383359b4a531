package org.grace.core.cache;

import java.util.List;

/** A typical cached value: a record with a nested collection. */
public record Resident(long id, String name, List<String> allergies) {
}
