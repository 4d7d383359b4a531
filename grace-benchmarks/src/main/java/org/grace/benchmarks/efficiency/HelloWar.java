package org.grace.benchmarks.efficiency;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.jar.JarOutputStream;
import java.util.zip.ZipEntry;
import org.grace.benchmarks.efficiency.hello.HelloApplication;
import org.grace.benchmarks.efficiency.hello.HelloResource;

/**
 * Packages the bare hello application ({@link HelloApplication}, {@link HelloResource}) into a WAR from this module's
 * own compiled classes, so that the baseline needs no Maven module of its own and costs the test command nothing.
 */
final class HelloWar {
    private static final List<Class<?>> CLASSES = List.of(HelloApplication.class, HelloResource.class);

    private HelloWar() {
    }

    /** Writes {@code hello.war} into {@code dir} and returns its path. */
    static Path writeTo(Path dir) {
        Path war = dir.resolve("hello.war");
        try (OutputStream file = Files.newOutputStream(war); JarOutputStream jar = new JarOutputStream(file)) {
            for (Class<?> type : CLASSES) {
                String name = type.getName().replace('.', '/') + ".class";
                try (InputStream in = HelloWar.class.getClassLoader().getResourceAsStream(name)) {
                    if (in == null) {
                        throw new IllegalStateException(name + " is not on the class path");
                    }
                    jar.putNextEntry(new ZipEntry("WEB-INF/classes/" + name));
                    in.transferTo(jar);
                    jar.closeEntry();
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + war, e);
        }
        return war;
    }
}
