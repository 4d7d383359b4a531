package org.grace.core.ratelimit;

import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.LongSupplier;
import org.grace.core.redis.RedisAvailability;
import org.redisson.api.RScript;
import org.redisson.client.RedisNoScriptException;

/**
 * The Redis limiter: one {@code EVALSHA} of its policy's {@link RateLimitScript} per decision, so one round trip,
 * with the time taken inside Redis. Decisions asked for while earlier ones are on the wire share a call
 * ({@link DecisionBatcher}): still one round trip each, and far fewer calls under load. A blocking caller waits as
 * {@link ReplyWait} says (a lone one spins briefly before it parks). The script's SHA-1 is computed
 * here rather than loaded: the first call on a fresh Redis (or after a restart or {@code SCRIPT FLUSH}) gets
 * {@code NOSCRIPT} and sends the script once with {@code EVAL}, which also caches it there.
 *
 * <p>Any failure of the call (timeout, refused connection, a Redis in trouble) is reported to the shared
 * {@link RedisAvailability} and answered by the {@link FallbackPolicy}; while Redis is believed down only the
 * availability's periodic probe goes to Redis, so callers do not queue behind a dead connection.
 *
 * <p>The call timeout: each decision's future is completed by whichever comes first, Redis's reply or the deadline
 * (then with the fallback's decision). The loser's completion is ignored, so a caller gets one answer and the
 * listener hears one decision. A decision still queued for a batch when its deadline passed is not sent at all.
 * Missed deadlines are reported to the availability ({@link RedisAvailability#recordTimeout}: a few in a row make an
 * outage), and only a reply within the deadline counts as an answer: a Redis slower than its callers may wait is as
 * good as down to them. Without a call timeout there is no deadline: the client's own timeout decides.
 *
 * <p>Longer than 400 lines on purpose: one decision's whole way (lease, remembered denial, the shared call of a key at
 * its limit, batch, deadline, fallback) is here, because its invariant, that every result future is completed exactly
 * once whichever way the decision goes, can only be checked with all of the ways in view.
 */
final class RedisRateLimiter implements RateLimiter {
    private static final System.Logger LOG = System.getLogger(RedisRateLimiter.class.getName());

    private final RateLimitPolicy policy;
    private final RScript script;
    private final String keyPrefix;
    private final RateLimitScript lua;
    private final RedisAvailability availability;
    private final FallbackPolicy fallback;
    private final LocalRateLimiter local;
    private final ListenerCalls listener;
    private final LongSupplier nanoTicker;
    /** Null when the builder turned remembering denials off. */
    private final DenialMemory denials;
    /**
     * Whether an admission that leaves the key without a permit is remembered as a denial until the next one: with
     * one limit only, where the limit that waits is the one the reply describes.
     */
    private final boolean rememberEmptied;
    /** Null unless the builder turned leasing on. */
    private final Leases leases;
    private final DecisionBatcher<Pending> batcher;
    private final ReplyWait replyWait;
    private final Duration callTimeout;
    private final long callTimeoutNanos;
    /** Ticker time of the last switch back to Redis, {@link #NEVER} before the first. */
    private volatile long backOnRedisAt = NEVER;

    private static final long NEVER = Long.MIN_VALUE;
    /** Redisson names its Netty event-loop threads so (and checks the same prefix for its own blocking calls). */
    private static final String REDISSON_IO_THREAD = "redisson-netty";

    /**
     * A decision on its way: what to send, and where its answer goes. {@code permits} are the caller's; a lease
     * ({@code ticket} not null) asks Redis for {@code ticket.size()}.
     */
    private record Pending(String key, long permits, long start, boolean probe, Leases.Ticket ticket,
                           CompletableFuture<RateLimitDecision> result) {
        long asked() {
            return ticket == null ? permits : ticket.size();
        }
    }

    RedisRateLimiter(RateLimitPolicy policy, RScript script, String keyPrefix, RedisAvailability availability,
                     FallbackPolicy fallback, LocalRateLimiter local, RateLimitListener listener,
                     LongSupplier nanoTicker, DenialMemory denials, Leases leases, int batchesInFlight,
                     int maxBatch, ReplyWait replyWait, Duration callTimeout) {
        this.policy = policy;
        this.script = script;
        // The state's layout is in the name: a policy given other kinds of limits starts on fresh keys.
        this.keyPrefix = keyPrefix + policy.name() + ":" + RateLimitScript.layout(policy) + ":";
        this.lua = RateLimitScript.forPolicy(policy);
        this.availability = availability;
        this.fallback = fallback;
        this.local = local;
        this.listener = new ListenerCalls(listener, policy.name());
        this.nanoTicker = nanoTicker;
        this.denials = denials;
        this.rememberEmptied = denials != null && policy.limits().size() == 1;
        this.leases = leases;
        this.batcher = new DecisionBatcher<>(batchesInFlight, maxBatch, this::send);
        this.replyWait = replyWait;
        this.callTimeout = callTimeout;
        this.callTimeoutNanos = callTimeout == null ? Long.MAX_VALUE : callTimeout.toNanos();
        availability.onTransition(up -> {
            // The local counts are kept: they refill with time like any bucket, so a second outage soon after the
            // first continues where it left off instead of granting a fresh share (and callers racing the switch
            // back never see a cleared, full bucket).
            if (up) {
                backOnRedisAt = nanoTicker.getAsLong();
            }
            this.listener.fallbackChanged(!up);
        });
    }

    @Override
    public RateLimitDecision tryAcquire(String key, long permits) {
        Keys.check(policy, key, permits);
        long start = nanoTicker.getAsLong();
        RateLimitDecision known = leasedOrRemembered(key, permits, start);
        if (known != null) {
            return report(known, start);
        }
        if (!availability.shouldTryRedis()) {
            return report(fallback(key, permits), start);
        }
        if (Thread.currentThread().getName().startsWith(REDISSON_IO_THREAD)) {
            // The reply would have to be handled by a thread like this one, which would be waiting for it: Redisson
            // refuses its own blocking calls here for the same reason.
            throw new IllegalStateException("the blocking tryAcquire cannot run on Redisson's I/O thread "
                    + Thread.currentThread().getName() + "; use tryAcquireAsync in Redisson callbacks");
        }
        CompletableFuture<RateLimitDecision> result = new CompletableFuture<>();
        CompletableFuture<RateLimitDecision> other;
        while (denials != null && (other = denials.callToAwait(key, permits, result)) != null) {
            // The key was at its limit a moment ago and another request's call for it is on the wire: its answer
            // usually puts the key back at its limit, and then this request is answered without a call of its own.
            long left = callTimeoutNanos - (nanoTicker.getAsLong() - start);
            try {
                if (left <= 0) {
                    throw new TimeoutException();
                }
                other.get(left, TimeUnit.NANOSECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return report(fallback(key, permits), start);
            } catch (TimeoutException e) {
                // The calls waited for missed this request's deadline (theirs report it): decide as at a deadline.
                return report(fallback(key, permits), start);
            } catch (ExecutionException e) {
                // Its caller's problem, reported there: this request asks Redis itself, or waits for another call.
            }
            known = leasedOrRemembered(key, permits, nanoTicker.getAsLong());
            if (known != null) {
                return report(known, start);
            }
        }
        long timeoutNanos = callTimeoutNanos - (nanoTicker.getAsLong() - start);
        if (timeoutNanos <= 0) {
            // Its waits used up the deadline. Answered, for any request now waiting for this one's call.
            RateLimitDecision local = fallback(key, permits);
            result.complete(local);
            return report(local, start);
        }
        boolean alone = submit(key, permits, start, result);
        try {
            return replyWait.await(result, alone, timeoutNanos);
        } catch (InterruptedException e) {
            // The caller was interrupted, Redis did not fail: decide locally without declaring an outage. The
            // decision already sent still counts on Redis, as a request that was cut off after it arrived.
            Thread.currentThread().interrupt();
            return answerLocally(result, key, permits, start, false);
        } catch (TimeoutException e) {
            return answerLocally(result, key, permits, start, true);
        } catch (ExecutionException e) {
            throw new IllegalStateException("a rate-limit decision failed unexpectedly", e.getCause());
        }
    }

    /**
     * The fallback's decision for a caller that stops waiting for Redis, unless Redis's reply won the race to
     * {@code result}; the one that lands in {@code result} is the answer.
     */
    private RateLimitDecision answerLocally(CompletableFuture<RateLimitDecision> result, String key, long permits,
                                            long start, boolean timedOut) {
        if (result.isDone()) {
            return result.join();
        }
        RateLimitDecision local = fallback(key, permits);
        if (!result.complete(local)) {
            return result.join();
        }
        if (timedOut) {
            availability.recordTimeout(callTimeout);
            listener.callTimedOut(local);
        }
        return report(local, start);
    }

    @Override
    public CompletionStage<RateLimitDecision> tryAcquireAsync(String key, long permits) {
        Keys.check(policy, key, permits);
        long start = nanoTicker.getAsLong();
        RateLimitDecision known = leasedOrRemembered(key, permits, start);
        if (known != null) {
            return CompletableFuture.completedFuture(report(known, start));
        }
        if (!availability.shouldTryRedis()) {
            return CompletableFuture.completedFuture(report(fallback(key, permits), start));
        }
        CompletableFuture<RateLimitDecision> result = new CompletableFuture<>();
        return shareOrSend(key, permits, start, result);
    }

    /** As in {@link #tryAcquire}: waits for the call on the wire for a key at its limit, or sends this one. */
    private CompletableFuture<RateLimitDecision> shareOrSend(String key, long permits, long start,
                                                             CompletableFuture<RateLimitDecision> result) {
        long left = callTimeoutNanos - (nanoTicker.getAsLong() - start);
        if (left <= 0) {
            return CompletableFuture.completedFuture(report(fallback(key, permits), start));
        }
        CompletableFuture<RateLimitDecision> other = denials == null ? null : denials.callToAwait(key, permits, result);
        if (other == null) {
            return sendAsync(key, permits, start, result, left);
        }
        CompletableFuture<RateLimitDecision> waited = other.copy();
        if (callTimeout != null) {
            waited.completeOnTimeout(null, left, TimeUnit.NANOSECONDS);
        }
        return waited.handle((ignored, error) -> nanoTicker.getAsLong()).thenCompose(now -> {
            RateLimitDecision recalled = leasedOrRemembered(key, permits, now);
            return recalled != null ? CompletableFuture.completedFuture(report(recalled, start))
                    : shareOrSend(key, permits, start, result);
        });
    }

    private CompletableFuture<RateLimitDecision> sendAsync(String key, long permits, long start,
                                                           CompletableFuture<RateLimitDecision> result,
                                                           long timeoutNanos) {
        submit(key, permits, start, result);
        if (result.isDone() || callTimeout == null) {
            return result;
        }
        // Completed at the deadline on the JDK's delay thread, whose timer is cancelled when the reply comes first.
        CompletableFuture<RateLimitDecision> deadline = new CompletableFuture<>();
        result.whenComplete((decision, error) -> deadline.complete(null));
        deadline.completeOnTimeout(null, timeoutNanos, TimeUnit.NANOSECONDS);
        return deadline.thenApply(ignored -> result.isDone() ? result.join()
                : answerLocally(result, key, permits, start, true));
    }

    /**
     * Queues a decision for Redis; a probe if Redis is believed down; a lease if the key is busy here. Returns whether
     * it went out alone.
     */
    private boolean submit(String key, long permits, long start, CompletableFuture<RateLimitDecision> result) {
        boolean probe = !availability.isAvailable();
        Leases.Ticket ticket = leases != null && permits == 1 && !probe ? leases.begin(key, start) : null;
        return batcher.submit(new Pending(key, permits, start, probe, ticket, result));
    }

    @Override
    public RateLimitPolicy policy() {
        return policy;
    }

    /** The batcher's sender: one script call for {@code batch}; answers every decision in it, whatever happens. */
    private void send(List<Pending> sent) {
        // Decisions whose deadline passed while they waited for a slot have their answer: do not count them twice.
        List<Pending> batch = sent.stream().anyMatch(p -> p.result.isDone()) ? unanswered(sent) : sent;
        if (batch.isEmpty()) {
            batcher.finished();
            return;
        }
        if (!availability.isAvailable() && batch.stream().noneMatch(Pending::probe)) {
            // Redis was found down while these waited for a slot: do not queue them behind a dead connection.
            batch.forEach(p -> {
                abandon(p);
                complete(p, fallback(p.key, p.permits));
            });
            batcher.finished();
            return;
        }
        List<Object> keys = new ArrayList<>(batch.size());
        Object[] args = new Object[batch.size()];
        for (int i = 0; i < args.length; i++) {
            Pending p = batch.get(i);
            keys.add(keyPrefix + p.key);
            args[i] = p.asked() == 1 ? "1" : Long.toString(p.asked());
        }
        String routing = (String) keys.get(0);
        try {
            script.<List<Object>>evalShaAsync(routing, RScript.Mode.READ_WRITE, lua.sha, RScript.ReturnType.MULTI,
                    keys, args).whenComplete((reply, error) -> {
                        if (error != null && isNoScript(error)) {
                            sendSource(batch, routing, keys, args);
                        } else {
                            answer(batch, reply, error);
                        }
                    });
        } catch (RuntimeException e) {
            answer(batch, null, e);
        }
    }

    private List<Pending> unanswered(List<Pending> sent) {
        List<Pending> open = new ArrayList<>(sent.size());
        for (Pending p : sent) {
            if (p.result.isDone()) {
                abandon(p);
            } else {
                open.add(p);
            }
        }
        return open;
    }

    private void sendSource(List<Pending> batch, String routing, List<Object> keys, Object[] args) {
        try {
            script.<List<Object>>evalAsync(routing, RScript.Mode.READ_WRITE, lua.source, RScript.ReturnType.MULTI,
                    keys, args).whenComplete((reply, error) -> answer(batch, reply, error));
        } catch (RuntimeException e) {
            answer(batch, null, e);
        }
    }

    private void answer(List<Pending> batch, List<Object> reply, Throwable error) {
        try {
            if (error == null && (reply == null || reply.size() != 5 * batch.size())) {
                error = new IllegalStateException("unexpected script reply " + reply + " for " + batch.size()
                        + " decisions");
            }
            for (int i = 0; i < batch.size(); i++) {
                Pending p = batch.get(i);
                RateLimitDecision decision = decide(reply, 5 * i, error, p);
                if (decision != null && decision.allowed() && denials != null) {
                    // Before the lease is settled (its permits are spent here before the remembered emptiness).
                    long nextPermitNanos = number(reply, 5 * i + 4) * 1000;
                    if (nextPermitNanos == 0) {
                        denials.forget(p.key, p.start);
                    } else if (rememberEmptied) {
                        denials.remember(p.key, p.permits, decision, nextPermitNanos, p.start);
                    }
                }
                if (decision != null && p.ticket != null) {
                    decision = leases.settle(p.ticket, decision);
                    if (decision == null) {
                        // The lease was denied, not necessarily the one permit the caller wants: ask for that alone.
                        if (!p.result.isDone()) {
                            batcher.submit(new Pending(p.key, p.permits, p.start, false, null, p.result));
                        }
                        continue;
                    }
                }
                if (decision != null) {
                    complete(p, remember(p.key, p.permits, decision, p.start));
                    continue;
                }
                abandon(p);
                if (!p.result.isDone()) {
                    // Not for a caller its deadline answered: that would take a second local permit for one request.
                    complete(p, fallback(p.key, p.permits));
                }
            }
        } finally {
            batcher.finished();
        }
    }

    /** Answers {@code p} unless its deadline answered it first; the listener hears only the answer given. */
    private void complete(Pending p, RateLimitDecision decision) {
        if (p.result.complete(decision)) {
            report(decision, p.start);
        }
    }

    /** A permit of this instance's lease of {@code key}, or a denial of it remembered from Redis; null if neither. */
    private RateLimitDecision leasedOrRemembered(String key, long permits, long now) {
        if (leases != null && permits == 1) {
            RateLimitDecision leased = leases.take(key, now);
            if (leased != null) {
                return leased;
            }
        }
        return denials == null ? null : denials.recall(key, permits);
    }

    /** A decision that gets no answer from Redis lets the next caller lease again. */
    private void abandon(Pending p) {
        if (p.ticket != null) {
            leases.abandon(p.ticket);
        }
    }

    /** Remembers a denial of Redis (admissions that empty a key are remembered as they arrive, in answer). */
    private RateLimitDecision remember(String key, long permits, RateLimitDecision decision, long start) {
        if (denials != null && !decision.allowed()) {
            denials.remember(key, permits, decision, 0, start);
        }
        return decision;
    }

    /** Redis's decision, or null when the call failed (the failure recorded); never throws: callers would hang. */
    private RateLimitDecision decide(List<Object> reply, int offset, Throwable error, Pending p) {
        if (error == null) {
            try {
                RateLimitDecision decision = fromReply(reply, offset);
                if (!p.result.isDone()) {
                    // A reply after its caller's deadline is no timely answer (see the header).
                    availability.recordSuccess();
                }
                return decision;
            } catch (RuntimeException e) {
                error = new IllegalStateException("unexpected script reply " + reply, e);
            }
        }
        if (isInterrupt(error)) {
            // Redis did not fail; some thread was interrupted: decide locally without declaring an outage.
            LOG.log(Level.DEBUG, "grace ratelimit {0}: call interrupted, deciding locally", policy.name());
        } else if (backOnRedisAt != NEVER && p.start - backOnRedisAt < 0) {
            // Sent before Redis was found back (it timed out on the dead connection): stale news, not a new outage.
            LOG.log(Level.DEBUG, "grace ratelimit {0}: ignoring a failure of a call sent before Redis returned",
                    policy.name());
        } else {
            // The availability also shrugs off connections that broke with the outage and are not yet replaced.
            availability.recordFailure(error);
        }
        return null;
    }

    private static boolean isInterrupt(Throwable error) {
        return RedisAvailability.anyCause(error, t -> t instanceof InterruptedException);
    }

    private RateLimitDecision fromReply(List<Object> reply, int offset) {
        int binding = (int) number(reply, offset + 1);
        boolean allowed = number(reply, offset) == 1;
        // On an admission the last number is the wait for the next permit (DenialMemory's), not a retry-after.
        return new RateLimitDecision(allowed, policy.limitName(binding),
                policy.limits().get(binding).capacity(), number(reply, offset + 2),
                Duration.ofNanos(number(reply, offset + 3) * 1000),
                allowed ? Duration.ZERO : Duration.ofNanos(number(reply, offset + 4) * 1000),
                RateLimitDecision.Source.REDIS);
    }

    private static long number(List<Object> reply, int index) {
        return ((Number) reply.get(index)).longValue();
    }

    private RateLimitDecision fallback(String key, long permits) {
        Limit first = policy.limits().get(0);
        return switch (fallback.mode()) {
            case FAIL_OPEN -> new RateLimitDecision(true, policy.limitName(0), first.capacity(),
                    first.capacity() - permits, Duration.ZERO, Duration.ZERO, RateLimitDecision.Source.FAIL_OPEN);
            case FAIL_CLOSED -> new RateLimitDecision(false, policy.limitName(0), first.capacity(), 0,
                    fallback.retryAfter(), fallback.retryAfter(), RateLimitDecision.Source.FAIL_CLOSED);
            case LOCAL -> local.decide(key, permits);
        };
    }

    private RateLimitDecision report(RateLimitDecision decision, long start) {
        return listener.decided(decision, nanoTicker.getAsLong() - start);
    }

    static boolean isNoScript(Throwable error) {
        return RedisAvailability.anyCause(error, t -> t instanceof RedisNoScriptException
                || (t.getMessage() != null && t.getMessage().startsWith("NOSCRIPT")));
    }
}
