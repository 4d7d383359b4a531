package org.grace.testsupport;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * Makes sure the command a throwaway server needs is installed, through the project's
 * {@code scripts/ensure-package.sh} (apt-get as root; one clear line naming the package otherwise).
 */
public final class DebianPackages {
    private DebianPackages() {
    }

    /** Returns the absolute path of {@code command}, installing {@code debianPackage} first when it is missing. */
    public static synchronized String ensure(String command, String debianPackage) {
        String found = locate(command);
        if (found != null) {
            return found;
        }
        Path script = ProjectLayout.root().resolve("scripts/ensure-package.sh");
        try {
            Process process = new ProcessBuilder("bash", script.toString(), command, debianPackage)
                    .redirectErrorStream(true).start();
            String output = new String(process.getInputStream().readAllBytes()).trim();
            if (!process.waitFor(10, TimeUnit.MINUTES) || process.exitValue() != 0) {
                throw new IllegalStateException(output.isEmpty()
                        ? "could not install Debian package '" + debianPackage + "'" : output);
            }
        } catch (IOException e) {
            throw new IllegalStateException("could not run " + script + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while installing " + debianPackage, e);
        }
        found = locate(command);
        if (found == null) {
            throw new IllegalStateException("Debian package '" + debianPackage + "' installed but '" + command
                    + "' is still not found");
        }
        return found;
    }

    private static String locate(String command) {
        String path = System.getenv().getOrDefault("PATH", "") + ":/usr/sbin:/usr/bin:/sbin:/bin";
        for (String dir : path.split(":")) {
            if (!dir.isEmpty()) {
                Path candidate = Path.of(dir, command);
                if (Files.isExecutable(candidate)) {
                    return candidate.toString();
                }
            }
        }
        return null;
    }
}
