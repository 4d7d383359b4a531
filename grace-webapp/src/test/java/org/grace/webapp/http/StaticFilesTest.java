package org.grace.webapp.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** The hashed names of the staff page's files are true: a name promising immutability must match its content. */
class StaticFilesTest {
    private static final Path WEBAPP = Path.of("src/main/webapp");

    @Test
    void everyHashedFileNameIsThePrefixOfItsSha256() throws Exception {
        List<Path> files;
        try (var stream = Files.walk(WEBAPP.resolve("static"))) {
            files = stream.filter(Files::isRegularFile).toList();
        }
        assertThat(files).isNotEmpty();
        Pattern hashed = Pattern.compile("\\.([0-9a-f]{8,64})\\.[A-Za-z0-9]+$");
        for (Path file : files) {
            Matcher m = hashed.matcher(file.getFileName().toString());
            assertThat(m.find()).as(file + " carries a content hash").isTrue();
            String sha = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file)));
            assertThat(sha).as(file + ": rename it after editing it").startsWith(m.group(1));
            String uri = "/" + WEBAPP.relativize(file).toString().replace('\\', '/');
            assertThat(StaticFilesFilter.HASHED.matcher(uri).matches()).as(uri).isTrue();
        }
    }

    @Test
    void thePageReferencesOnlyFilesThatExist() throws Exception {
        String page = Files.readString(WEBAPP.resolve("index.html"));
        Matcher m = Pattern.compile("(?:src|href)=\"(/static/[^\"]+)\"").matcher(page);
        int found = 0;
        while (m.find()) {
            found++;
            assertThat(WEBAPP.resolve(m.group(1).substring(1))).exists();
        }
        assertThat(found).isEqualTo(2);
    }

    @Test
    void onlyNamesWithAHashAreImmutable() {
        assertThat(StaticFilesFilter.HASHED.matcher("/static/grace.d303497d15.js").matches()).isTrue();
        assertThat(StaticFilesFilter.HASHED.matcher("/static/img/logo.0123abcd.svg").matches()).isTrue();
        assertThat(StaticFilesFilter.HASHED.matcher("/static/grace.js").matches()).isFalse();
        assertThat(StaticFilesFilter.HASHED.matcher("/static/grace.latest.js").matches()).isFalse();
        assertThat(StaticFilesFilter.HASHED.matcher("/static/grace.1234567.js").matches()).isFalse();
        assertThat(StaticFilesFilter.HASHED.matcher("/index.html").matches()).isFalse();
    }
}
