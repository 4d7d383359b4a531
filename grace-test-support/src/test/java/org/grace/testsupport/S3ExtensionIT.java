package org.grace.testsupport;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.HttpURLConnection;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/** What {@link S3Extension} starts, shares and stops, seen from outside a test class that uses it. */
class S3ExtensionIT {
    private static final List<S3Server> CLASS_SERVERS = new CopyOnWriteArrayList<>();
    private static final List<S3Server> FRESH_SERVERS = new CopyOnWriteArrayList<>();

    @Test
    void oneServerServesTheWholeClassAndEveryServerStopsWithItsLifetime() {
        InnerRun.runPassing(UsesS3.class, 2);

        assertThat(CLASS_SERVERS).hasSize(3);
        assertThat(CLASS_SERVERS.stream().distinct()).hasSize(1);
        assertThat(FRESH_SERVERS).hasSize(1).doesNotContainAnyElementsOf(CLASS_SERVERS);
        assertThat(CLASS_SERVERS.get(0).isRunning()).isFalse();
        assertThat(FRESH_SERVERS).noneMatch(S3Server::isRunning);
        assertThat(CLASS_SERVERS.get(0).dir().resolve("data")).doesNotExist();
    }

    static int status(S3Server server) throws IOException {
        HttpURLConnection c = (HttpURLConnection) server.endpoint().toURL().openConnection();
        try {
            return c.getResponseCode();
        } finally {
            c.disconnect();
        }
    }

    /** Run only by the test above (Failsafe does not pick up nested classes). */
    @WithS3
    @TestMethodOrder(MethodOrderer.OrderAnnotation.class)
    static class UsesS3 {
        @BeforeAll
        static void before(S3Server s3) {
            CLASS_SERVERS.add(s3);
        }

        @Test
        @Order(1)
        void answersOnLoopbackAndRefusesUnsignedRequests(S3Server s3) throws IOException {
            CLASS_SERVERS.add(s3);
            assertThat(s3.endpoint().toString()).isEqualTo("http://127.0.0.1:" + s3.port());
            assertThat(status(s3)).isEqualTo(403);
        }

        @Test
        @Order(2)
        void aFreshServerIsAnotherOne(@Fresh S3Server own, S3Server shared) throws IOException {
            CLASS_SERVERS.add(shared);
            FRESH_SERVERS.add(own);
            assertThat(own.port()).isNotEqualTo(shared.port());
            assertThat(status(own)).isEqualTo(403);
        }
    }
}
