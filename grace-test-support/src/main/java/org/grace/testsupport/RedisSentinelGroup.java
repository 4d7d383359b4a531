package org.grace.testsupport;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

/**
 * A Redis master, one replica and three sentinels on free loopback ports, the shape Grace's production Redis has
 * (see the Ansible redis roles), so that tests can kill the master and watch clients follow the promotion.
 *
 * <p>The sentinels are {@code redis-server --sentinel} from Debian's {@code redis-server} package (the same binary
 * Debian's {@code redis-sentinel} package runs), each with its own config file in a folder under {@code target/},
 * quorum 2 as in the Ansible {@code redis} role's {@code sentinel.conf.j2}, but {@code down-after-milliseconds} 1000
 * instead of the role's 5000, so that a killed master is replaced within a few seconds of test time.
 * {@link #start} returns only once every sentinel knows the master, the replica and the two other sentinels: a
 * client that asks a sentinel for its peers straight away gets the full list.
 */
public final class RedisSentinelGroup implements AutoCloseable {
    /** The master name the sentinels monitor, the last part of {@link #url()}. */
    public static final String MASTER_NAME = "grace";
    private static final Duration SETTLE = Duration.ofSeconds(30);

    private final List<RedisServer> nodes;
    private final List<Process> sentinels = new ArrayList<>();
    private final List<Integer> sentinelPorts = new ArrayList<>();
    private final Path dir;

    private RedisSentinelGroup(List<RedisServer> nodes, Path dir) {
        this.nodes = nodes;
        this.dir = dir;
    }

    /** Starts master, replica and three sentinels, and waits until they all know each other. */
    public static RedisSentinelGroup start() {
        RedisServer master = RedisServer.start();
        RedisServer replica = null;
        RedisSentinelGroup group = null;
        try {
            replica = RedisServer.start(FreePorts.next(),
                    List.of("--replicaof", "127.0.0.1", Integer.toString(master.port())));
            group = new RedisSentinelGroup(List.of(master, replica), ProjectLayout.scratch("sentinels-"));
            for (int i = 1; i <= 3; i++) {
                group.startSentinel(i, master.port());
            }
            group.awaitHealthy(SETTLE);
            return group;
        } catch (RuntimeException e) {
            if (group != null) {
                group.close();
            } else {
                master.close();
                if (replica != null) {
                    replica.close();
                }
            }
            throw e;
        }
    }

    /** {@code redis-sentinel://127.0.0.1:p1,127.0.0.1:p2,127.0.0.1:p3/grace}, the form Grace's settings take. */
    public String url() {
        return "redis-sentinel://" + sentinelPorts.stream().map(p -> "127.0.0.1:" + p)
                .collect(Collectors.joining(",")) + "/" + MASTER_NAME;
    }

    public List<Integer> sentinelPorts() {
        return List.copyOf(sentinelPorts);
    }

    /** The data node the sentinels currently name as master. */
    public RedisServer master() {
        int port = masterPortSeenBySentinels();
        return nodes.stream().filter(n -> n.port() == port).findFirst()
                .orElseThrow(() -> new IllegalStateException("sentinels name an unknown master on port " + port));
    }

    /** The data node that is not the master. */
    public RedisServer replica() {
        RedisServer master = master();
        return nodes.stream().filter(n -> n != master).findFirst().orElseThrow();
    }

    /**
     * Kills the master with SIGKILL and waits until the sentinels have promoted the replica and it answers as a
     * master. The old master stays down until {@link #heal()} (which {@link RedisSentinelExtension} calls after each
     * test) starts it again; the sentinels then turn it into a replica of the new master.
     */
    public Failover killMaster() {
        RedisServer old = master();
        RedisServer promoted = nodes.stream().filter(n -> n != old).findFirst().orElseThrow();
        long killedAt = System.nanoTime();
        old.kill();
        long deadline = killedAt + SETTLE.toNanos();
        while (System.nanoTime() < deadline) {
            if (sentinelsAgreeOn(promoted.port()) && promoted.info("replication").contains("role:master")) {
                Failover failover = new Failover(old.port(), promoted.port(),
                        Duration.ofNanos(System.nanoTime() - killedAt));
                System.out.println("sentinel failover: master on port " + old.port() + " killed, replica on port "
                        + promoted.port() + " promoted after " + failover.took().toMillis() + " ms");
                return failover;
            }
            Polling.sleep(20);
        }
        throw new IllegalStateException("no promotion within " + SETTLE + " after killing the master on port "
                + old.port() + "; sentinel logs in " + dir);
    }

    /** What {@link #killMaster()} saw: the ports of the old and new master and the time from SIGKILL to promotion. */
    public record Failover(int oldMasterPort, int newMasterPort, Duration took) {
    }

    /**
     * Starts data nodes that are down, resumes paused ones, and waits until the sentinels see a master with one
     * healthy replica again.
     */
    public void heal() {
        for (RedisServer node : nodes) {
            node.bringBack();
        }
        awaitHealthy(SETTLE);
    }

    @Override
    public void close() {
        for (Process sentinel : sentinels) {
            sentinel.destroy();
        }
        for (Process sentinel : sentinels) {
            Processes.awaitOrKill(sentinel, Duration.ofSeconds(10));
        }
        nodes.forEach(RedisServer::close);
    }

    private void startSentinel(int index, int masterPort) {
        int port = FreePorts.next();
        Path config = dir.resolve("sentinel-" + index + ".conf");
        try {
            // Sentinel rewrites its config file with what it learns (peers, the current master): it must be its own.
            Files.writeString(config, String.join("\n",
                    "port " + port,
                    "bind 127.0.0.1",
                    "daemonize no",
                    "dir " + dir,
                    "logfile " + dir.resolve("sentinel-" + index + ".log"),
                    "sentinel monitor " + MASTER_NAME + " 127.0.0.1 " + masterPort + " 2",
                    "sentinel down-after-milliseconds " + MASTER_NAME + " 1000",
                    "sentinel failover-timeout " + MASTER_NAME + " 10000",
                    "sentinel parallel-syncs " + MASTER_NAME + " 1",
                    ""));
            Process process = Processes.stoppedAtExit(new ProcessBuilder(
                    DebianPackages.ensure("redis-server", "redis-server"), config.toString(), "--sentinel")
                    .redirectErrorStream(true).redirectOutput(dir.resolve("sentinel-" + index + ".out").toFile())
                    .start());
            sentinels.add(process);
            sentinelPorts.add(port);
        } catch (IOException e) {
            throw new UncheckedIOException("could not start sentinel " + index, e);
        }
    }

    private void awaitHealthy(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        String last = "";
        while (System.nanoTime() < deadline) {
            last = health();
            if (last.isEmpty()) {
                return;
            }
            for (Process sentinel : sentinels) {
                if (!sentinel.isAlive()) {
                    throw new IllegalStateException("a sentinel exited; see " + dir);
                }
            }
            Polling.sleep(50);
        }
        throw new IllegalStateException("sentinels not settled within " + timeout + ": " + last + "; see " + dir);
    }

    /**
     * Empty when every sentinel sees the same master, one healthy replica and two other sentinels, and the replica's
     * link to the master is up; otherwise what is still missing.
     */
    private String health() {
        int master = -1;
        for (int port : sentinelPorts) {
            Object address = Resp.callQuietly(port, "SENTINEL", "get-master-addr-by-name", MASTER_NAME);
            if (!(address instanceof List<?> hostPort) || hostPort.size() != 2) {
                return "sentinel " + port + " names no master";
            }
            int seen = Integer.parseInt(hostPort.get(1).toString());
            if (master != -1 && seen != master) {
                return "sentinels disagree on the master";
            }
            master = seen;
            if (!(Resp.callQuietly(port, "SENTINEL", "sentinels", MASTER_NAME) instanceof List<?> peers)
                    || peers.size() != 2) {
                return "sentinel " + port + " does not know both other sentinels yet";
            }
            if (!(Resp.callQuietly(port, "SENTINEL", "replicas", MASTER_NAME) instanceof List<?> replicas)
                    || replicas.stream().filter(r -> healthyReplica(r)).count() != 1) {
                return "sentinel " + port + " does not see one healthy replica";
            }
        }
        int masterPort = master;
        for (RedisServer node : nodes) {
            if (node.port() != masterPort && !node.info("replication").contains("master_link_status:up")) {
                return "the replica on port " + node.port() + " is not in sync with the master yet";
            }
        }
        return "";
    }

    /** A replica entry of {@code SENTINEL REPLICAS} (a flat list of field, value) whose flags are just "slave". */
    private static boolean healthyReplica(Object entry) {
        if (!(entry instanceof List<?> fields)) {
            return false;
        }
        for (int i = 0; i + 1 < fields.size(); i += 2) {
            if ("flags".equals(fields.get(i))) {
                return "slave".equals(fields.get(i + 1));
            }
        }
        return false;
    }

    private int masterPortSeenBySentinels() {
        for (int port : sentinelPorts) {
            if (Resp.callQuietly(port, "SENTINEL", "get-master-addr-by-name", MASTER_NAME) instanceof List<?> hp
                    && hp.size() == 2) {
                return Integer.parseInt(hp.get(1).toString());
            }
        }
        throw new IllegalStateException("no sentinel names a master; see " + dir);
    }

    private boolean sentinelsAgreeOn(int masterPort) {
        for (int port : sentinelPorts) {
            if (!(Resp.callQuietly(port, "SENTINEL", "get-master-addr-by-name", MASTER_NAME) instanceof List<?> hp)
                    || hp.size() != 2 || Integer.parseInt(hp.get(1).toString()) != masterPort) {
                return false;
            }
        }
        return true;
    }
}
