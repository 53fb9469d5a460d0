package dev.switchboard.device;

import dev.switchboard.message.MediaRepository;
import dev.switchboard.message.MessageStore;
import dev.switchboard.message.Outlet;
import dev.switchboard.message.MessageWriter;
import dev.switchboard.message.MessageRepository;
import dev.switchboard.engine.EngineException;
import dev.switchboard.engine.EngineSession;
import dev.switchboard.engine.OutboundMessage;
import dev.switchboard.event.EventSink;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One device's outbox, drained by its actor while the session is connected: messages go out in
 * the order they were accepted, paced ({@code SWITCHBOARD_SEND_RATE} per second with jitter) or,
 * with pacing off, pipelined in batches. Each outcome is recorded (SENT or FAILED) and reported as
 * a {@code message_sent} event. Rows taken but not sent when the session drops stay taken and go
 * out, with the same message id, on the next drain.
 *
 * <p>Rows come two ways. A claim takes what waits in the outbox table (on connection, after a retry,
 * when woken by a send on another node or by the scheduler). A send accepted on this node while the
 * actor is connected and unpaced is stored already taken and handed over ({@link #take}): no claim.
 * A claim also returns the handed rows still in the table, so handed rows not yet sent are dropped
 * whenever a claim is due; one batch is under way at a time, so nothing goes out twice. A hand-off
 * can also come late, after a claim already took its rows (the writer's event loop was busy while
 * this one went on): one holding a row no newer than the newest claimed is dropped for a claim too.
 */
public final class Outbox implements Outlet {

  private static final Logger log = LoggerFactory.getLogger(Outbox.class);
  static final int UNPACED_BATCH = 200;
  /** Handed rows held in memory at most; beyond that the table holds them and a claim takes them. */
  public static final int MAX_HANDED = 1_000;
  static final long RETRY_MS = 1_000;

  private final Vertx vertx;
  private final Context context;
  private final MessageStore store;
  private final EventSink events;
  private final String clientId;
  private final String deviceId;
  private final long epoch;
  private final double rate;
  private final ArrayDeque<MessageRepository.Claimed> handed = new ArrayDeque<>();
  private EngineSession session;
  private boolean draining;
  /** A claim is due once the batch under way is done. */
  private boolean claimDue;
  /** The newest row id a claim has returned: a hand-off of a row no newer may come after that claim sent it. */
  private long claimedUpTo;

  /** Events held back until a message's message_sent is out, by message id: in flight, with what waits for it. */
  private final Map<String, List<Runnable>> awaitingSent = new HashMap<>();
  /** A held event goes out after this long even if its message_sent never does (the actor stopped mid-send). */
  static final long HOLD_MS = 30_000;

  private record Outcome(MessageRepository.Claimed message, String error, boolean retry) {
  }

  /** Created on the device actor's context, where all of it runs. */
  public Outbox(Vertx vertx, MessageStore store, EventSink events, String clientId, String deviceId, long epoch, double rate) {
    this.vertx = vertx;
    this.context = vertx.getOrCreateContext();
    this.store = store;
    this.events = events;
    this.clientId = clientId;
    this.deviceId = deviceId;
    this.epoch = epoch;
    this.rate = rate;
  }

  /** The epoch of the lease this outbox's actor holds: rows stored taken for it are checked against it. */
  @Override
  public long epoch() {
    return epoch;
  }

  /** The session is connected: drain what waits. */
  public void connected(EngineSession connected) {
    session = connected;
    if (rate == 0) {
      // Paced rows stay in the table, where they can still be cancelled, until their turn.
      store.attach(this, clientId, deviceId);
    }
    wake();
  }

  /** The session is gone: stop after the message in flight. */
  public void disconnected() {
    session = null;
    store.detach(this, clientId, deviceId);
    handed.clear();
  }

  /** New work may be waiting in the table: claim it. */
  public void wake() {
    if (session == null) {
      return;
    }
    if (draining) {
      claimNext();
      return;
    }
    claim();
  }

  /** The next batch is a claim, once the one under way is done; it takes the handed rows too, so they go here. */
  private void claimNext() {
    claimDue = true;
    handed.clear();
  }

  /** The actor's context: {@link #take} runs there. */
  @Override
  public Context context() {
    return context;
  }

  /**
   * Rows just stored already taken for this actor, once they are committed; called on {@link #context}
   * ({@link MessageWriter#handOver} batches the calls per event loop). Dropped when a claim is due or the
   * session is gone: they stay taken in the table, and that claim, or the first one of the next
   * connection, takes them. Rows a claim may already have taken, or that do not fit in memory, are
   * left for a claim too: it finds them if they are still to be sent.
   */
  @Override
  public void take(List<MessageRepository.Claimed> rows) {
    if (session == null || claimDue) {
      return;
    }
    if (handed.size() + rows.size() > MAX_HANDED || rows.stream().anyMatch(r -> r.id() <= claimedUpTo)) {
      wake();
      return;
    }
    handed.addAll(rows);
    if (!draining) {
      sendHanded();
    }
  }

  private void claim() {
    EngineSession current = session;
    handed.clear();
    claimDue = false;
    run(store.claim(clientId, deviceId, epoch, rate == 0 ? UNPACED_BATCH : Math.max(1, (int) Math.ceil(rate)))
        .compose(batch -> {
          if (batch.isEmpty()) {
            return Future.succeededFuture(Drained.DONE);
          }
          claimedUpTo = Math.max(claimedUpTo, batch.get(batch.size() - 1).id());
          return send(current, batch).map(all -> all ? Drained.MORE : Drained.RETRY);
        }));
  }

  private void sendHanded() {
    List<MessageRepository.Claimed> batch = new ArrayList<>(Math.min(handed.size(), UNPACED_BATCH));
    while (!handed.isEmpty() && batch.size() < UNPACED_BATCH) {
      batch.add(handed.poll());
    }
    run(send(session, batch).map(all -> all ? Drained.DONE : Drained.RETRY));
  }

  /** How a batch went: a claimed batch all handled (another claim may find more), done, or something to retry. */
  private enum Drained { MORE, DONE, RETRY }

  private void run(Future<Drained> batch) {
    draining = true;
    batch.onComplete(ar -> {
      draining = false;
      if (ar.failed()) {
        log.warn("Outbox of {}/{} failed: {}; retrying", clientId, deviceId, ar.cause().getMessage());
      }
      Drained done = ar.failed() ? Drained.RETRY : ar.result();
      if (done == Drained.RETRY) {
        // Connection lost or no answer in time: again in a moment, same message id, by a claim so that
        // nothing newer overtakes it.
        claimNext();
        vertx.setTimer(RETRY_MS, id -> wake());
      } else if (claimDue || done == Drained.MORE) {
        wake();
      } else if (!handed.isEmpty()) {
        sendHanded();
      }
    });
  }

  /** Sends a batch; true when all of it was handled, false when part of it has to be retried. */
  private Future<Boolean> send(EngineSession current, List<MessageRepository.Claimed> batch) {
    if (rate == 0) {
      List<Future<Outcome>> sends = new ArrayList<>();
      for (MessageRepository.Claimed m : batch) {
        sends.add(sendOne(current, m));
      }
      return Future.join(sends).transform(ar -> record(sends.stream().map(Future::result).toList()));
    }
    Future<Boolean> chain = Future.succeededFuture(true);
    for (MessageRepository.Claimed m : batch) {
      chain = chain.compose(more -> !more || session != current ? Future.succeededFuture(false)
          : sendOne(current, m).compose(o -> record(List.of(o))).compose(ok -> ok ? pause().map(true) : Future.succeededFuture(false)));
    }
    return chain;
  }

  private Future<Outcome> sendOne(EngineSession current, MessageRepository.Claimed m) {
    // From here on a receipt for it may arrive (even before the engine's answer): it waits for the message_sent.
    awaitingSent.putIfAbsent(m.messageId(), new ArrayList<>());
    return content(m)
        .compose(content -> current.send(new OutboundMessage(m.messageId(), m.chatId(), m.type(), content)))
        .map(v -> new Outcome(m, null, false))
        .otherwise(e -> new Outcome(m, String.valueOf(e.getMessage()), session != current || EngineException.retryable(e)));
  }

  /** The stored content, with the media bytes when it names a mediaId. */
  private Future<JsonObject> content(MessageRepository.Claimed m) {
    String mediaId = m.content().getString("mediaId");
    if (mediaId == null) {
      return Future.succeededFuture(m.content());
    }
    return MediaRepository.load(store.pool(), clientId, deviceId, mediaId).compose(media -> media == null
        ? Future.failedFuture("media " + mediaId + " no longer exists")
        : Future.succeededFuture(m.content().copy().put("media", Base64.getEncoder().encodeToString(media.data().getBytes()))
            .put("mimeType", media.mimeType()).put("fileName", media.fileName())));
  }

  /** Writes the outcomes; false when one of them has to wait for the next connection. */
  private Future<Boolean> record(List<Outcome> outcomes) {
    List<Long> sent = new ArrayList<>();
    List<Future<Void>> writes = new ArrayList<>();
    boolean complete = true;
    for (Outcome o : outcomes) {
      if (o.retry()) {
        complete = false;
      } else if (o.error() == null) {
        sent.add(o.message().id());
      } else {
        log.info("Message {} of {}/{} failed: {}", o.message().messageId(), clientId, deviceId, o.error());
        writes.add(store.markFailed(o.message().id(), o.error()));
      }
    }
    if (!sent.isEmpty()) {
      writes.add(store.markSent(sent));
    }
    boolean all = complete;
    return Future.all(writes).map(v -> {
      for (Outcome o : outcomes) {
        String messageId = o.message().messageId();
        if (o.retry()) {
          release(messageId);
          continue;
        }
        JsonObject data = new JsonObject().put("messageId", messageId).put("chatId", o.message().chatId())
            .put("type", o.message().type()).put("status", o.error() == null ? "SENT" : "FAILED");
        if (o.error() != null) {
          data.put("error", o.error());
        }
        // Stored and published: only now may the message's receipts follow it.
        events.emit(clientId, deviceId, "message_sent", data).onComplete(ar -> release(messageId));
      }
      return all;
    }).onFailure(e -> outcomes.forEach(o -> release(o.message().messageId())));
  }

  /**
   * Runs {@code emit} once the {@code message_sent} of {@code messageId} is stored and published, or
   * now when that message is not in flight here: its receipts never overtake it on webhooks or feeds.
   */
  public void afterSent(String messageId, Runnable emit) {
    List<Runnable> waiting = messageId == null ? null : awaitingSent.get(messageId);
    if (waiting == null) {
      emit.run();
      return;
    }
    if (waiting.isEmpty()) {
      vertx.setTimer(HOLD_MS, t -> release(messageId));
    }
    waiting.add(emit);
  }

  private void release(String messageId) {
    List<Runnable> waiting = awaitingSent.remove(messageId);
    if (waiting != null) {
      waiting.forEach(Runnable::run);
    }
  }

  private Future<Void> pause() {
    long base = (long) (1000 / rate);
    long delay = Math.max(1, base * 3 / 4 + ThreadLocalRandom.current().nextLong(base / 2 + 1));
    Promise<Void> p = Promise.promise();
    vertx.setTimer(delay, id -> p.tryComplete());
    return p.future();
  }
}
