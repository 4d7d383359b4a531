package org.grace.testsupport;

import java.nio.file.Files;
import java.nio.file.Path;

/** Finds the repository's top folder from wherever Maven runs a module's tests. */
public final class ProjectLayout {
    private ProjectLayout() {
    }

    public static Path root() {
        Path dir = Path.of("").toAbsolutePath();
        for (Path p = dir; p != null; p = p.getParent()) {
            if (Files.isRegularFile(p.resolve("scripts/ensure-package.sh")) && Files.isRegularFile(p.resolve("pom.xml"))) {
                return p;
            }
        }
        throw new IllegalStateException("cannot find the Grace repository root above " + dir);
    }

    /** A fresh folder under the calling module's {@code target/}, so a test run leaves nothing in /tmp. */
    public static Path scratch(String prefix) {
        try {
            Path target = Path.of("target").toAbsolutePath();
            Files.createDirectories(target);
            return Files.createTempDirectory(target, prefix);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
