package org.grace.testsupport;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.HttpURLConnection;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/** What {@link S3Extension} starts, shares and stops, seen from outside a test class that uses it. */
class S3ExtensionIT {
    private static final ServersSeen<S3Server> SERVERS = new ServersSeen<>();

    @Test
    void oneServerServesTheWholeClassAndEveryServerStopsWithItsLifetime() {
        S3Server classServer = SERVERS.runAndCheckOnePerClass(UsesS3.class, 2, 3, 1);

        assertThat(classServer.isRunning()).isFalse();
        assertThat(SERVERS.fresh).noneMatch(S3Server::isRunning);
        assertThat(classServer.dir().resolve("data")).doesNotExist();
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
            SERVERS.ofClass.add(s3);
        }

        @Test
        @Order(1)
        void answersOnLoopbackAndRefusesUnsignedRequests(S3Server s3) throws IOException {
            SERVERS.ofClass.add(s3);
            assertThat(s3.endpoint().toString()).isEqualTo("http://127.0.0.1:" + s3.port());
            assertThat(status(s3)).isEqualTo(403);
        }

        @Test
        @Order(2)
        void aFreshServerIsAnotherOne(@Fresh S3Server own, S3Server shared) throws IOException {
            SERVERS.ofClass.add(shared);
            SERVERS.fresh.add(own);
            assertThat(own.port()).isNotEqualTo(shared.port());
            assertThat(status(own)).isEqualTo(403);
        }
    }
}
