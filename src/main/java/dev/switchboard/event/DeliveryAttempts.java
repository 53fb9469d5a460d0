package dev.switchboard.event;

import dev.switchboard.event.EventRepository.Delivery;
import dev.switchboard.event.EventRepository.Outcome;
import io.vertx.core.Future;
import java.util.concurrent.ThreadLocalRandom;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One attempt at a delivery and what it comes to: delivered (and its auto-reply sent), retried with
 * exponential backoff and jitter (or after the endpoint's Retry-After) for at least 24 h from the
 * first attempt, then dead-lettered; failed at once when the client or its webhook is gone or
 * switched off, and a 410 Gone switches the webhook off. Used on the dispatcher's context.
 */
final class DeliveryAttempts {

  private static final Logger log = LoggerFactory.getLogger(DeliveryAttempts.class);
  /** How long a delivery is retried from its first attempt before it is dead-lettered. */
  static final int RETRY_WINDOW_SECONDS = 24 * 3600;
  static final long MAX_BACKOFF_MS = 3_600_000;

  private final WebhookSender sender;
  private final EventService events;
  private final AutoReplies replies;

  DeliveryAttempts(WebhookSender sender, EventService events) {
    this.sender = sender;
    this.events = events;
    this.replies = new AutoReplies(events.replies());
  }

  /** Where a delivery goes, or why it cannot go anywhere any more ({@code target} null). */
  record Destination(WebhookSender.Target target, String gone) {
  }

  /** The delivery's webhook as last read: the client's v1 webhookUrl, or one of its webhooks. */
  Future<Destination> destination(Delivery d) {
    if (d.webhookId() == null) {
      return events.configs().get(d.clientId()).map(config -> config.isEmpty()
          ? new Destination(null, "the client no longer exists")
          : config.get().webhookUrl() == null ? new Destination(null, "the client has no webhookUrl")
          : new Destination(WebhookSender.Target.of(config.get()), null));
    }
    return events.webhooks().of(d.clientId()).map(all -> all.stream().filter(w -> w.webhookId().equals(d.webhookId()))
        .findFirst().map(w -> w.active() ? new Destination(WebhookSender.Target.of(w), null)
            : new Destination(null, "the webhook is switched off"))
        .orElse(new Destination(null, "the webhook no longer exists")));
  }

  /** Posts {@code d} to its destination. */
  Future<Outcome> attempt(Delivery d, Destination to) {
    if (to.target() == null) {
      return Future.succeededFuture(failed(d, to.gone()));
    }
    return sender.post(to.target(), d.eventId(), d.payload()).map(r -> {
      if (r.acknowledged()) {
        replies.onAnswer(d, r.body());
        return new Outcome(d.id(), d.token(), "delivered", null, r.url(), r.status(), null);
      }
      if (r.status() == 410) {
        disable(d, r.url());
        return new Outcome(d.id(), d.token(), "failed", null, r.url(), 410, "the endpoint answered 410 Gone: webhook disabled");
      }
      long delay = r.retryAfterMs() != null ? Math.min(Math.max(r.retryAfterMs(), 1_000), RETRY_WINDOW_SECONDS * 1000L)
          : backoffMs(d.attempts() + 1);
      return new Outcome(d.id(), d.token(), "retry", delay, r.url(), r.status() == 0 ? null : r.status(), r.error());
    });
  }

  /** An attempt that failed in this node rather than at the endpoint: tried again after the usual backoff. */
  static Outcome unexpected(Delivery d, Throwable failure) {
    return new Outcome(d.id(), d.token(), "retry", backoffMs(d.attempts() + 1), null, null, failure.toString());
  }

  private static Outcome failed(Delivery d, String error) {
    return new Outcome(d.id(), d.token(), "failed", null, null, null, error);
  }

  /** Attempt n waits 1 s * 2^(n-1), at most an hour, with jitter over the upper half. */
  static long backoffMs(int attempt) {
    long ceiling = Math.min(MAX_BACKOFF_MS, 1_000L << Math.min(attempt - 1, 30));
    return ceiling / 2 + ThreadLocalRandom.current().nextLong(ceiling / 2 + 1);
  }

  /** After a 410 Gone: the webhook is switched off and its other pending deliveries dead-lettered. */
  private void disable(Delivery d, String url) {
    String clientId = d.clientId();
    if (d.webhookId() != null) {
      events.webhooks().disable(clientId, d.webhookId(), url, d.id()).onComplete(ar -> {
        if (ar.succeeded()) {
          log.warn("Webhook {} ({}) of client {} answered 410 Gone: switched off ({} pending deliveries dead-lettered)",
              d.webhookId(), url, clientId, ar.result());
        } else {
          log.warn("Could not switch off webhook {} of client {}: {}", d.webhookId(), clientId, ar.cause().toString());
        }
      });
      return;
    }
    EventRepository.disableWebhook(events.pool(), clientId, url, d.id()).onComplete(ar -> {
      if (ar.succeeded()) {
        log.warn("Webhook {} of client {} answered 410 Gone: switched off ({} pending deliveries dead-lettered)",
            url, clientId, ar.result());
        events.configs().invalidate(clientId);
      } else {
        log.warn("Could not switch off webhook of client {}: {}", clientId, ar.cause().toString());
      }
    });
  }
}
