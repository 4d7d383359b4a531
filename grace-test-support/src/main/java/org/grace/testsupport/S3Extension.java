package org.grace.testsupport;

/**
 * A throwaway S3 API server for a test class ({@link WithS3}): declare an {@link S3Server} parameter in the
 * constructor, a {@code @BeforeAll}, {@code @BeforeEach} or test method and get the class's server, started on a free
 * loopback port the first time a parameter asks for it and stopped when the class ends. A parameter marked
 * {@link Fresh} gets a server of the test method's own, stopped when that test ends. Tests that share the class's
 * server keep apart by bucket.
 */
public final class S3Extension extends ServerExtension<S3Server> {
    public S3Extension() {
        super(ServerStore.perClassOrFresh(S3Extension.class, S3Server.class, S3Server::start));
    }
}
