package org.grace.webapp.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import org.grace.core.events.EventBus;
import org.grace.core.redis.RedisAvailability;
import org.grace.webapp.database.DataAccessException;
import org.grace.webapp.library.GraceLibrary;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Which source answers the revocation check in each state of PostgreSQL and Redis, and that the stated bound holds in
 * each: the real {@link RevokedTokens} and {@link DenialListInMemory} with stand-ins for PostgreSQL (a map that can
 * fail) and Redis (a set of keys and the "complete" marker, which can stop answering), and a clock the test moves.
 *
 * <p>The first version of the in-memory list was reverted because during a PostgreSQL outage signed-in reads
 * answered 503: its copy served every request, so no request ever asked Redis, so nothing ever loaded Redis's copy
 * and set its marker; once the in-memory copy was too old to believe, Redis answered "not complete" and the check
 * went to the stopped PostgreSQL. {@link #postgresDownRedisUpRedisAnswersOnceTheCopyIsTooOld} is that outage.
 */
class RevocationSourcesTest {
    private static final Instant LATER = Instant.now().plus(Duration.ofMinutes(15));

    private final Database db = new Database();
    private final Redis redis = new Redis();
    private final RedisAvailability availability = new RedisAvailability("test");
    private final AtomicLong nanos = new AtomicLong(1_000_000_000L);
    private DenialListInMemory memory;
    private RevokedTokens tokens;

    @BeforeEach
    void wire() {
        memory = new DenialListInMemory() {
            @Override
            Map<String, Instant> readDatabase() throws SQLException {
                return db.read();
            }
        };
        memory.inRedis = redis;
        memory.availability = availability;
        memory.nanoTime = nanos::get;
        memory.library = new GraceLibrary() {
            @Override
            public synchronized Optional<EventBus> events() {
                return Optional.empty(); // no other instance here: what an event would carry is the test's to say
            }
        };
        tokens = new RevokedTokens() {
            @Override
            void insert(String jti, Instant keepUntil) throws SQLException {
                db.check();
                db.rows.put(jti, keepUntil);
            }

            @Override
            Map<String, Instant> readAll() throws SQLException {
                return db.read();
            }

            @Override
            boolean isInDatabase(String jti) throws SQLException {
                return db.read().containsKey(jti);
            }
        };
        tokens.inRedis = redis;
        tokens.inMemory = memory;
        tokens.pushPendingAfterEachRead();
        db.rows.put("gone", LATER); // logged out on some instance before the test
        redis.keys.add("gone");
    }

    @Test
    void bothUpTheCopyAnswersWithoutAskingRedisAndKeepsRedisComplete() {
        memory.read();
        assertThat(tokens.isRevoked("gone")).isTrue();
        assertThat(tokens.isRevoked("fine")).isFalse();
        assertThat(redis.checks).as("no Redis call per request while the copy is current").isZero();
        assertThat(redis.complete).as("the periodic read marked Redis's copy complete").isTrue();
    }

    @Test
    void postgresDownRedisUpRedisAnswersOnceTheCopyIsTooOld() {
        memory.read();
        // Another instance's logout after that read, whose event this instance missed: PostgreSQL and Redis have it.
        db.rows.put("elsewhere", LATER);
        redis.keys.add("elsewhere");
        db.up = false;
        advance(DenialListInMemory.RESYNC);
        memory.read(); // fails: the copy keeps its age
        advance(DenialListInMemory.TRUSTED_FOR.minus(DenialListInMemory.RESYNC));
        assertThat(memory.isCurrent()).isTrue();
        assertThat(tokens.isRevoked("elsewhere")).as("still within the bound").isFalse();

        advance(Duration.ofMillis(1));
        assertThat(memory.isCurrent()).isFalse();
        assertThat(tokens.isRevoked("fine")).as("answered by Redis, not 503").isFalse();
        assertThat(tokens.isRevoked("elsewhere")).as("refused once the bound is over").isTrue();
        assertThat(tokens.isRevoked("gone")).isTrue();
        assertThat(redis.checks).as("Redis asked for the tokens the copy does not hold as denied").isEqualTo(2);
    }

    @Test
    void redisDownPostgresUpTheCopyIsNotBelievedAndTheTableAnswers() {
        memory.read();
        redis.up = false;
        availability.recordFailure(new IllegalStateException("connection refused"));
        db.rows.put("elsewhere", LATER); // its event was lost with Redis
        assertThat(memory.isCurrent()).as("events cannot arrive").isFalse();
        assertThat(tokens.isRevoked("elsewhere")).isTrue();
        assertThat(tokens.isRevoked("fine")).isFalse();
        assertThat(tokens.isRevoked("gone")).isTrue();
    }

    @Test
    void bothDownADenialTheCopyHoldsIsRefusedAndNothingIsAcceptedUnchecked() {
        memory.read();
        redis.up = false;
        availability.recordFailure(new IllegalStateException("connection refused"));
        db.up = false;
        assertThat(tokens.isRevoked("gone")).isTrue();
        assertThatThrownBy(() -> tokens.isRevoked("fine")).as("answered 503").isInstanceOf(DataAccessException.class);
    }

    @Test
    void redisRestartedEmptyIsReloadedByTheNextReadBeforePostgresGoes() {
        memory.read();
        redis.keys.clear();
        redis.complete = false;
        advance(DenialListInMemory.RESYNC);
        memory.read();
        assertThat(redis.complete).isTrue();
        assertThat(redis.keys).contains("gone");
        db.up = false;
        advance(DenialListInMemory.TRUSTED_FOR.plusSeconds(1));
        assertThat(tokens.isRevoked("fine")).isFalse();
        assertThat(redis.checks).isEqualTo(1);
    }

    @Test
    void aLogoutRedisDidNotTakeIsRefusedHereAtOnceAndWrittenToRedisByTheNextRead() {
        memory.read();
        redis.up = false; // not answering for a moment, without an outage recorded
        tokens.revoke("mine", LATER);
        assertThat(redis.keys).doesNotContain("mine");
        assertThat(tokens.isRevoked("mine")).isTrue();
        redis.up = true;
        advance(DenialListInMemory.RESYNC);
        memory.read();
        assertThat(redis.keys).as("Redis has it before any PostgreSQL outage needs it").contains("mine");
    }

    private void advance(Duration d) {
        nanos.addAndGet(d.toNanos());
    }

    /** PostgreSQL's {@code revoked_access_tokens}, which can be stopped. */
    private static final class Database {
        final Map<String, Instant> rows = new HashMap<>();
        boolean up = true;

        void check() throws SQLException {
            if (!up) {
                throw new SQLException("Connection refused", "08001");
            }
        }

        Map<String, Instant> read() throws SQLException {
            check();
            return new HashMap<>(rows);
        }
    }

    /** Redis's copy of the list: its keys and its marker, answering as {@link DenialListInRedis} does. */
    private static final class Redis extends DenialListInRedis {
        final Set<String> keys = new HashSet<>();
        boolean complete;
        boolean up = true;
        int checks;

        @Override
        boolean configured() {
            return true;
        }

        @Override
        Integer check(String jti) {
            checks++;
            if (!up) {
                return null;
            }
            return complete ? (keys.contains(jti) ? 1 : 0) : -1;
        }

        @Override
        boolean store(String jti, Duration ttl) {
            if (up) {
                keys.add(jti);
            }
            return up;
        }

        @Override
        boolean storeNow(String jti, Duration ttl) {
            return store(jti, ttl);
        }

        @Override
        Boolean isComplete() {
            return up ? complete : null;
        }

        @Override
        void reload(Map<String, Instant> denied) {
            if (!up) {
                throw new IllegalStateException("no answer");
            }
            keys.addAll(denied.keySet());
            complete = true;
        }
    }
}
