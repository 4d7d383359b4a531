package org.grace.benchmarks.cache;

import java.util.List;

/** The value every benchmark reads and writes: a small record, about 120 bytes of JSON. */
public record BenchResident(long id, String name, String room, List<String> allergies) {

    static BenchResident of(int i) {
        return new BenchResident(i, "Resident " + i, "B-" + (100 + i % 50), List.of("penicillin", "peanuts"));
    }
}
