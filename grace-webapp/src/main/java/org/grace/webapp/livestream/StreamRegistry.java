package org.grace.webapp.livestream;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The open streams of this instance, by user, with the two bounds: at most {@code maxConnections} in all and
 * {@code maxPerUser} of one user. Admission and removal are atomic under one lock; reads copy.
 */
final class StreamRegistry {
    enum Admission { ADMITTED, INSTANCE_FULL, USER_FULL }

    private final int maxConnections;
    private final int maxPerUser;
    private final Map<Long, Set<LiveStream>> byUser = new HashMap<>();
    private int open;

    StreamRegistry(int maxConnections, int maxPerUser) {
        this.maxConnections = maxConnections;
        this.maxPerUser = maxPerUser;
    }

    synchronized Admission register(LiveStream stream) {
        if (open >= maxConnections) {
            return Admission.INSTANCE_FULL;
        }
        Set<LiveStream> mine = byUser.computeIfAbsent(stream.userId, k -> new LinkedHashSet<>());
        if (mine.size() >= maxPerUser) {
            if (mine.isEmpty()) {
                byUser.remove(stream.userId);
            }
            return Admission.USER_FULL;
        }
        mine.add(stream);
        open++;
        return Admission.ADMITTED;
    }

    /** Removes the stream (idempotent). */
    synchronized void remove(LiveStream stream) {
        Set<LiveStream> mine = byUser.get(stream.userId);
        if (mine != null && mine.remove(stream)) {
            open--;
            if (mine.isEmpty()) {
                byUser.remove(stream.userId);
            }
        }
    }

    synchronized int open() {
        return open;
    }

    synchronized boolean hasUser(long userId) {
        return byUser.containsKey(userId);
    }

    synchronized List<LiveStream> of(long userId) {
        Set<LiveStream> mine = byUser.get(userId);
        return mine == null ? List.of() : List.copyOf(mine);
    }

    /** Users with at least one live stream: the dispatcher's query asks for their notifications. */
    synchronized List<Long> liveUsers() {
        List<Long> users = new ArrayList<>();
        byUser.forEach((user, streams) -> {
            if (streams.stream().anyMatch(s -> s.state() == LiveStream.State.LIVE)) {
                users.add(user);
            }
        });
        return users;
    }

    /** Users with any open stream in {@code organizationId}. */
    synchronized List<Long> usersOf(long organizationId) {
        List<Long> users = new ArrayList<>();
        byUser.forEach((user, streams) -> {
            if (streams.stream().anyMatch(s -> s.organizationId == organizationId)) {
                users.add(user);
            }
        });
        return users;
    }

    synchronized List<LiveStream> all() {
        List<LiveStream> all = new ArrayList<>(open);
        byUser.values().forEach(all::addAll);
        return all;
    }
}
