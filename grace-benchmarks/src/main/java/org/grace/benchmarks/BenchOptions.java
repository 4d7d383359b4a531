package org.grace.benchmarks;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The command line of a benchmark program: {@code --name value} pairs over defaults written as
 * {@code "name=value name=value"}. Only names that have a default are accepted, so a mistyped option stops the run
 * before anything starts instead of being ignored.
 */
public final class BenchOptions {
    private BenchOptions() {
    }

    /** The defaults with {@code args} applied, in the defaults' order; an unknown or valueless option is refused. */
    public static Map<String, String> parse(String defaults, String[] args) {
        Map<String, String> options = new LinkedHashMap<>();
        for (String kv : defaults.trim().split("\\s+")) {
            int eq = kv.indexOf('=');
            options.put(kv.substring(0, eq), kv.substring(eq + 1));
        }
        for (int i = 0; i < args.length; i += 2) {
            if (!args[i].startsWith("--") || !options.containsKey(args[i].substring(2)) || i + 1 >= args.length) {
                throw new IllegalArgumentException("bad option " + args[i] + "; known: " + options.keySet());
            }
            options.put(args[i].substring(2), args[i + 1]);
        }
        return options;
    }
}
