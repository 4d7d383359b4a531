package org.grace.webapp.structure;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The package graph as the source writes it: which top-level package of a root (e.g. {@code org.grace.webapp})
 * names which other, by import or by a fully qualified name anywhere in a file, comments included. It complements
 * ArchUnit, which reads bytecode and cannot see a compile-time constant the compiler copied into the user.
 */
final class SourceReferences {
    private final Map<String, Set<String>> edges = new TreeMap<>();

    private SourceReferences() {
    }

    /** Reads every {@code .java} file under {@code sourceRoot} whose package is under {@code root}. */
    static SourceReferences read(Path sourceRoot, String root) {
        SourceReferences graph = new SourceReferences();
        Pattern packageLine = Pattern.compile("^package " + Pattern.quote(root) + "\\.(\\w+)", Pattern.MULTILINE);
        Pattern reference = Pattern.compile(Pattern.quote(root) + "\\.([a-z]\\w*)\\.");
        try (Stream<Path> files = Files.walk(sourceRoot)) {
            for (Path file : files.filter(f -> f.toString().endsWith(".java")).toList()) {
                String text = Files.readString(file);
                Matcher own = packageLine.matcher(text);
                if (!own.find()) {
                    continue;
                }
                Set<String> targets = graph.edges.computeIfAbsent(own.group(1), k -> new TreeSet<>());
                Matcher m = reference.matcher(text);
                while (m.find()) {
                    if (!m.group(1).equals(own.group(1))) {
                        targets.add(m.group(1));
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return graph;
    }

    Set<String> packages() {
        return edges.keySet();
    }

    Set<String> referencedBy(String pkg) {
        return edges.getOrDefault(pkg, Set.of());
    }

    /** One cycle, as the packages along it ({@code a -> b -> a}), or empty when the graph is acyclic. */
    Optional<List<String>> anyCycle() {
        Map<String, Integer> state = new TreeMap<>(); // absent: unseen, 1: on the current path, 2: done
        for (String start : edges.keySet()) {
            Optional<List<String>> found = visit(start, state, new ArrayDeque<>());
            if (found.isPresent()) {
                return found;
            }
        }
        return Optional.empty();
    }

    private Optional<List<String>> visit(String pkg, Map<String, Integer> state, Deque<String> path) {
        Integer seen = state.get(pkg);
        if (seen != null && seen == 2) {
            return Optional.empty();
        }
        if (seen != null) {
            List<String> cycle = new ArrayList<>();
            boolean in = false;
            for (String p : (Iterable<String>) path::descendingIterator) {
                in |= p.equals(pkg);
                if (in) {
                    cycle.add(p);
                }
            }
            cycle.add(pkg);
            return Optional.of(cycle);
        }
        state.put(pkg, 1);
        path.push(pkg);
        for (String next : referencedBy(pkg)) {
            Optional<List<String>> found = visit(next, state, path);
            if (found.isPresent()) {
                return found;
            }
        }
        path.pop();
        state.put(pkg, 2);
        return Optional.empty();
    }
}
