package org.grace.webapp.structure;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * No main source file of any module is over {@value #MAX_LINES} lines unless its header says why: the words
 * {@value #REASON_MARK} and a reason, in the comment before the type (issue #11). A long file is where unrelated jobs
 * pile up; the limit makes a split the default and a long file a decision someone wrote down.
 */
class ClassSizeTest {
    static final int MAX_LINES = 400;
    static final String REASON_MARK = "Longer than 400 lines";

    @Test
    void everyMainSourceFileOverTheLimitSaysWhyInItsHeader() throws IOException {
        Path root = Path.of("..").toAbsolutePath().normalize();
        List<String> unexplained = new ArrayList<>();
        int files = 0;
        try (Stream<Path> modules = Files.list(root)) {
            for (Path module : modules.filter(m -> Files.isDirectory(m.resolve("src/main/java"))).toList()) {
                try (Stream<Path> sources = Files.walk(module.resolve("src/main/java"))) {
                    for (Path source : sources.filter(p -> p.toString().endsWith(".java")).toList()) {
                        files++;
                        List<String> lines = Files.readAllLines(source);
                        if (!withinLimitOrExplained(lines)) {
                            unexplained.add(root.relativize(source) + " (" + lines.size() + " lines)");
                        }
                    }
                }
            }
        }
        assertThat(files).as("main sources found under " + root).isGreaterThan(200);
        assertThat(unexplained).as("over " + MAX_LINES + " lines with no '" + REASON_MARK + "' reason in the header")
                .isEmpty();
    }

    @Test
    void theRuleFailsALongFileWithoutAReasonAndPassesOneWithIt() {
        List<String> body = new ArrayList<>(Collections.nCopies(MAX_LINES, "    int x;"));
        List<String> bare = new ArrayList<>(List.of("/** A class. */", "final class Long {"));
        bare.addAll(body);
        List<String> explained = new ArrayList<>(List.of("/**", " * " + REASON_MARK + " on purpose: one table.",
                " */", "final class Long {"));
        explained.addAll(body);
        List<String> reasonInTheBody = new ArrayList<>(bare);
        reasonInTheBody.add("    // " + REASON_MARK + " on purpose");
        assertThat(withinLimitOrExplained(bare)).isFalse();
        assertThat(withinLimitOrExplained(explained)).isTrue();
        assertThat(withinLimitOrExplained(reasonInTheBody)).as("the reason belongs in the header").isFalse();
        assertThat(withinLimitOrExplained(body)).isTrue();
    }

    /** Within the limit, or the reason stands before the first type declaration. */
    static boolean withinLimitOrExplained(List<String> lines) {
        if (lines.size() <= MAX_LINES) {
            return true;
        }
        for (String line : lines) {
            if (line.contains(REASON_MARK)) {
                return true;
            }
            if (line.matches("^(public |abstract |final |sealed |non-sealed )*(class|interface|record|enum|@interface)"
                    + " .*")) {
                return false;
            }
        }
        return false;
    }
}
