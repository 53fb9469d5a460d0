package dev.switchboard.event;

import dev.switchboard.event.EventRepository.Delivery;
import java.util.ArrayDeque;

/**
 * One webhook as this node's dispatcher sees it (a client's v1 webhookUrl, or one of its webhooks):
 * its queue, what is in flight, how fast it answers. Each endpoint has its own in-flight limit and a
 * backlog cap that shrinks with its latency, so a slow or dead endpoint holds a bounded number of
 * rows and never the claims other webhooks need, the same client's included. Used on the
 * dispatcher's context only.
 */
final class Endpoint {

  /** Posts in flight to one endpoint at most. */
  static final int CONCURRENCY = 16;
  /** The latency assumed for an endpoint not heard from yet. */
  private static final double FIRST_LATENCY_MS = 50;
  /** An endpoint with nothing queued or in flight for this long is forgotten (its latency with it). */
  static final long IDLE_MS = 60_000;

  /** {@link Delivery#endpoint}: the client and which of its webhooks. */
  final String key;
  private final ArrayDeque<Delivery> queue = new ArrayDeque<>();
  private int inFlight;
  private double latencyMs = FIRST_LATENCY_MS;
  private long lastActive = System.currentTimeMillis();

  Endpoint(String key) {
    this.key = key;
  }

  int backlog() {
    return queue.size() + inFlight;
  }

  /** Whether it holds as many rows as it may: it is then left out of claims, and what it is handed is released. */
  boolean full() {
    return backlog() >= cap();
  }

  /**
   * Rows it may hold: what it can post within half a lease at its current speed (Little's law), at
   * least its concurrency and at most 1,000.
   */
  int cap() {
    double perLease = CONCURRENCY * (WebhookDispatcher.LEASE_SECONDS * 1000.0 / 2) / Math.max(1, latencyMs);
    return (int) Math.max(CONCURRENCY, Math.min(1_000, perLease));
  }

  void enqueue(Delivery d) {
    queue.add(d);
  }

  /** The next delivery to post, or null when the endpoint has its limit in flight or none queued. */
  Delivery poll() {
    return inFlight >= CONCURRENCY ? null : queue.poll();
  }

  /** A post to it has started. */
  void started() {
    inFlight++;
    lastActive = System.currentTimeMillis();
  }

  /** A post to it is over; {@code latencyMs} is how long it took, or negative when it says nothing of the endpoint. */
  void done(long latencyMs) {
    inFlight--;
    if (latencyMs >= 0) {
      this.latencyMs = this.latencyMs * 0.8 + latencyMs * 0.2;
    }
  }

  boolean hasQueued() {
    return !queue.isEmpty();
  }

  /** Empties the queue (at a shutdown): what was queued, for release. */
  ArrayDeque<Delivery> drain() {
    ArrayDeque<Delivery> all = new ArrayDeque<>(queue);
    queue.clear();
    return all;
  }

  boolean idleSince(long time) {
    return backlog() == 0 && lastActive < time;
  }
}
