package org.grace.core.redis;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.grace.testsupport.RedisSentinelGroup;
import org.grace.testsupport.WithRedisSentinel;
import org.junit.jupiter.api.Test;
import org.redisson.api.RedissonClient;

/**
 * A client built by {@link RedisClients} from a {@code redis-sentinel://} URL, against a real master, replica and
 * three sentinels: when the master is killed it follows the sentinels to the promoted replica by itself.
 */
@WithRedisSentinel
class RedisSentinelFailoverIT {

    @Test
    void aClientFromASentinelUrlWritesToThePromotedReplicaAfterTheMasterIsKilled(RedisSentinelGroup redis)
            throws Exception {
        RedissonClient client = RedisClients.create(RedisUrl.parse(redis.url()), "sentinel-failover-it");
        try {
            int replicaPort = redis.replica().port();
            client.getBucket("before").set("written-before-the-failover");
            // Acknowledged by the replica before the master dies, so the value must survive the promotion.
            assertThat(redis.master().command("WAIT", "1", "5000")).isEqualTo(":1");

            RedisSentinelGroup.Failover failover = redis.killMaster();
            assertThat(failover.newMasterPort()).isEqualTo(replicaPort);
            assertThat(redis.master().port()).isEqualTo(replicaPort);

            long promotedAt = System.nanoTime();
            long deadline = promotedAt + Duration.ofSeconds(20).toNanos();
            RuntimeException last = null;
            boolean written = false;
            while (!written && System.nanoTime() < deadline) {
                try {
                    client.getBucket("after").set("written-after-the-failover");
                    written = true;
                } catch (RuntimeException e) {
                    last = e;
                    Thread.sleep(50);
                }
            }
            System.out.printf("sentinel failover: promotion %d ms after SIGKILL; client writing again %d ms after"
                    + " the promotion%n", failover.took().toMillis(), (System.nanoTime() - promotedAt) / 1_000_000);
            assertThat(written).as("a write succeeded within 20 s of the promotion; last error: %s", last).isTrue();
            assertThat(redis.master().command("EXISTS", "after")).as("the write is on the new master").isEqualTo(":1");
            assertThat(client.<String>getBucket("before").get()).isEqualTo("written-before-the-failover");
        } finally {
            client.shutdown();
        }
    }

    @Test
    void everyTestStartsWithAMasterAndAReplicaInSyncEvenAfterAFailover(RedisSentinelGroup redis) {
        // Runs before or after the test above (JUnit's order is not guaranteed); either way one of the two finds the
        // group healed by the extension after a failover.
        assertThat(redis.master().info("replication")).contains("role:master").contains("connected_slaves:1");
        assertThat(redis.replica().info("replication")).contains("role:slave")
                .contains("master_port:" + redis.master().port());
        assertThat(redis.replica().info("replication")).contains("master_link_status:up");
        redis.killMaster();
    }
}
