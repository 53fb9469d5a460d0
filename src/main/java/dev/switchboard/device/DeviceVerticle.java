package dev.switchboard.device;

import dev.switchboard.kernel.LogIds;
import org.slf4j.event.Level;
import dev.switchboard.engine.CredentialStore;
import dev.switchboard.engine.EngineEvent;
import dev.switchboard.engine.EngineListener;
import dev.switchboard.engine.EngineSession;
import dev.switchboard.engine.SessionSpec;
import dev.switchboard.engine.WhatsAppEngine;
import dev.switchboard.event.EventSink;
import dev.switchboard.kernel.Addresses;
import dev.switchboard.kernel.ApiException;
import dev.switchboard.kernel.Times;
import dev.switchboard.message.MessageStore;
import dev.switchboard.metrics.Metrics;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One device's actor: the only holder of its WhatsApp session in the cluster. It runs the state
 * machine of docs/api.md, reconnects with backoff and jitter, keeps the credentials in PostgreSQL under
 * its lease's epoch, and answers the {@link DeviceRequest}s sent to {@link Addresses#device}.
 */
public final class DeviceVerticle extends VerticleBase {

  private static final Logger log = LoggerFactory.getLogger(DeviceVerticle.class);
  static final int MAX_ATTEMPTS_BEFORE_FAILED = 8;
  static final long STATUS_RETRY_MS = 1_000;
  static final long MAX_SETTLE_WAIT_MS = 10_000;
  /** The longest a connection attempt holds its place among the node's openings. */
  static final long OPENING_MAX_MS = 30_000;

  private final DeviceRepository.Lease lease;
  private final WhatsAppEngine engine;
  private final Pool pool;
  private final MessageStore messages;
  private final StatusWriter statuses;
  private final CredentialReader credentials;
  private final List<Message<DeviceRequest>> settleWaiters = new ArrayList<>();
  private final EventSink events;
  private final double sendRate;
  private final Inbox inbox;
  private final CallPolicy calls;
  private final Metrics metrics;
  private Outbox outbox;

  private MessageConsumer<DeviceRequest> consumer;
  private EngineSession session;
  private DeviceStatus status = DeviceStatus.CONNECTING;
  private String qr;
  private Instant qrExpiresAt;
  private String phone;
  private String lastError;
  private int attempts;
  private long reconnectTimer = -1;
  private boolean stopping;
  /** Stopped on request: no session, no reconnect, until a Reconnect starts it again. */
  private boolean stopped;
  private int generation;
  private final Openings openings;
  /** Gives back this actor's place among the node's openings while a connection attempt holds one. */
  private Runnable opening;
  private int statusVersion;

  public DeviceVerticle(DeviceRepository.Lease lease, DeviceRuntime runtime, Openings openings) {
    this.openings = openings;
    this.messages = runtime.messages();
    this.statuses = runtime.statuses();
    this.credentials = runtime.credentials();
    this.lease = lease;
    this.engine = runtime.engine();
    this.pool = runtime.pool();
    this.events = runtime.events();
    this.sendRate = runtime.sendRate();
    this.metrics = runtime.metrics();
    this.inbox = new Inbox(messages, lease.clientId(), lease.deviceId());
    this.calls = new CallPolicy(runtime.configs(), runtime.pool(), lease.clientId(), lease.deviceId());
  }

  @Override
  public Future<?> start() {
    outbox = new Outbox(vertx, messages, events, lease.clientId(), lease.deviceId(), lease.epoch(), sendRate);
    // Local to this node: other nodes' requests come through this node's router (DeviceClient).
    consumer = vertx.eventBus().localConsumer(Addresses.device(lease.clientId(), lease.deviceId()), this::onRequest);
    return consumer.completion().onSuccess(v -> open());
  }

  @Override
  public Future<?> stop() {
    stopping = true;
    // A connection attempt still under way (a slow credential load, a slow handshake) belongs to no one
    // once the actor stops: moving the generation on makes it close its session as soon as it opens.
    // The simulator's sockets close with the actor's context anyway; a Cobalt session, which runs on
    // virtual threads of its own, would otherwise stay connected to WhatsApp with no actor to own it.
    generation++;
    freeOpening();
    settleWaiters.forEach(m -> m.reply(state()));
    settleWaiters.clear();
    outbox.disconnected();
    vertx.cancelTimer(reconnectTimer);
    Future<Void> closed = session == null ? Future.succeededFuture() : session.disconnect().recover(e -> Future.succeededFuture());
    return closed.compose(v -> consumer.unregister());
  }

  /** Connects, once the node has a place for one more connection attempt ({@link Openings}). */
  private void open() {
    if (stopping || stopped) {
      return;
    }
    freeOpening();
    int gen = ++generation;
    openings.whenFree(context, free -> {
      if (gen != generation || stopping || stopped) {
        free.run();
        return;
      }
      opening = free;
      // An engine that never reports back must not hold the place for good (giving it back twice does nothing).
      vertx.setTimer(OPENING_MAX_MS, id -> free.run());
      connect(gen);
    });
  }

  /** The connection attempt has settled (connected, QR shown, failed, dropped, or the actor stopped): its place is free. */
  private void freeOpening() {
    if (opening != null) {
      opening.run();
      opening = null;
    }
  }

  private void connect(int gen) {
    transition(attempts == 0 ? DeviceStatus.CONNECTING : DeviceStatus.RECONNECTING, lastError);
    SessionSpec spec = new SessionSpec(lease.clientId(), lease.deviceId(), lease.sessionKey());
    engine.open(spec, credentials(), new GenerationListener(gen)).onComplete(ar -> {
      if (gen != generation) {
        if (ar.succeeded()) {
          ar.result().disconnect();
        }
        return;
      }
      if (ar.succeeded()) {
        session = ar.result();
        if (status == DeviceStatus.CONNECTED) {
          outbox.connected(session);
        }
      } else {
        freeOpening();
        scheduleReconnect(ar.cause().getMessage());
      }
    });
  }

  /** Drops callbacks of an older connection attempt, so a late event cannot undo a newer state. */
  private final class GenerationListener implements EngineListener {
    private final int gen;

    GenerationListener(int gen) {
      this.gen = gen;
    }

    @Override
    public void onQr(String payload, Instant expiresAt) {
      if (gen == generation) {
        DeviceVerticle.this.onQr(payload, expiresAt);
      }
    }

    @Override
    public void onConnected(String phoneNumber) {
      if (gen == generation) {
        DeviceVerticle.this.onConnected(phoneNumber);
      }
    }

    @Override
    public void onDisconnected(String reason, boolean loggedOut) {
      if (gen == generation) {
        DeviceVerticle.this.onDisconnected(reason, loggedOut);
      }
    }

    @Override
    public Future<Void> onEvent(EngineEvent event) {
      if (gen == generation) {
        return DeviceVerticle.this.onEvent(event);
      }
      return Future.failedFuture("an event of a replaced session");
    }
  }

  /** The credentials, written under this actor's lease; a refused write stops the actor. */
  private CredentialStore credentials() {
    return new FencedCredentials(credentials, pool, lease, () -> {
      metrics.leaseLost();
      vertx.undeploy(deploymentID());
    });
  }

  private void onQr(String payload, Instant expiresAt) {
    freeOpening();
    qr = payload;
    qrExpiresAt = expiresAt;
    transition(DeviceStatus.QR_READY, null);
  }

  private void onConnected(String phoneNumber) {
    freeOpening();
    phone = phoneNumber;
    qr = null;
    attempts = 0;
    transition(DeviceStatus.CONNECTED, null);
    if (session != null) {
      outbox.connected(session);
    }
  }

  private void onDisconnected(String reason, boolean loggedOut) {
    freeOpening();
    session = null;
    outbox.disconnected();
    qr = null;
    if (loggedOut) {
      LogIds.device(log, Level.INFO, lease.clientId(), lease.deviceId()).log("Device {}/{} was logged out: {}", lease.clientId(), lease.deviceId(), reason);
      DeviceRepository.saveCredentials(pool, lease, null)
          .compose(v -> DeviceRepository.desired(pool, lease.clientId(), lease.deviceId(), "STOPPED"));
      transition(DeviceStatus.LOGGED_OUT, reason);
      return;
    }
    scheduleReconnect(reason);
  }

  /**
   * Keeps the event (inbox, receipts, call policy), then emits it; the future completes when it is
   * durable, and only then does the engine acknowledge it to the network. An event the network
   * delivers again carries the same key: it is emitted again even when the inbox already holds it
   * (a crash may have come between the two writes), and its key-derived id stores it once. A
   * receipt waits for its message's {@code message_sent}, so it never overtakes it.
   */
  private Future<Void> onEvent(EngineEvent event) {
    boolean keyed = event.key() != null;
    Future<JsonObject> kept = "call".equals(event.type()) ? calls.apply(session, event.data(), outbox)
        : inbox.accept(event, keyed);
    return kept.transform(ar -> {
      if (ar.failed()) {
        // Not stored (database trouble): still report it rather than lose it.
        LogIds.device(log, Level.WARN, lease.clientId(), lease.deviceId()).log("Device {}/{} could not store a {} event: {}", lease.clientId(), lease.deviceId(), event.type(),
            ar.cause().getMessage());
      }
      JsonObject data = ar.succeeded() ? ar.result() : event.data();
      if (data == null) {
        return Future.succeededFuture();
      }
      if (!"receipt".equals(event.type()) || outbox == null) {
        return events.emit(lease.clientId(), lease.deviceId(), event.type(), data, event.key());
      }
      Promise<Void> emitted = Promise.promise();
      outbox.afterSent(data.getString("messageId"),
          () -> events.emit(lease.clientId(), lease.deviceId(), event.type(), data, event.key()).onComplete(emitted));
      return emitted.future();
    });
  }

  private void scheduleReconnect(String reason) {
    if (stopping || stopped) {
      return;
    }
    attempts++;
    metrics.reconnect();
    if (attempts > MAX_ATTEMPTS_BEFORE_FAILED) {
      transition(DeviceStatus.FAILED, reason);
    } else {
      transition(DeviceStatus.RECONNECTING, reason);
    }
    long delay = backoffMillis(attempts);
    LogIds.device(log, Level.INFO, lease.clientId(), lease.deviceId()).log("Device {}/{} reconnects in {} ms (attempt {}): {}", lease.clientId(), lease.deviceId(), delay, attempts, reason);
    reconnectTimer = vertx.setTimer(delay, id -> open());
  }

  /** Exponential backoff from 500 ms to 60 s, with full jitter on the upper half. */
  static long backoffMillis(int attempt) {
    long ceiling = Math.min(60_000, 500L << Math.min(attempt - 1, 10));
    return ceiling / 2 + ThreadLocalRandom.current().nextLong(ceiling / 2 + 1);
  }

  private void transition(DeviceStatus next, String error) {
    boolean changed = next != status || next == DeviceStatus.QR_READY || error != null && !error.equals(lastError);
    status = next;
    lastError = error;
    if (!changed) {
      return;
    }
    writeStatus(++statusVersion);
    JsonObject data = new JsonObject().put("status", next.name());
    if (next == DeviceStatus.QR_READY) {
      data.put("qr", qr);
    }
    if (error != null) {
      data.put("lastError", error);
    }
    events.emit(lease.clientId(), lease.deviceId(), "device_status", data);
    wakeSettleWaiters();
  }

  /** Records the current state; a failed write (database busy or down) is retried until a newer state replaces it. */
  private void writeStatus(int version) {
    statuses.write(lease, status, lastError, phone).onComplete(ar -> {
      if (ar.succeeded() && !ar.result() && !stopping) {
        LogIds.device(log, Level.WARN, lease.clientId(), lease.deviceId()).log("Device {}/{} status write refused (epoch {} is stale); stopping", lease.clientId(), lease.deviceId(), lease.epoch());
        vertx.undeploy(deploymentID());
      } else if (ar.failed() && !stopping) {
        LogIds.device(log, Level.DEBUG, lease.clientId(), lease.deviceId()).log("Device {}/{} status write failed, retrying: {}", lease.clientId(), lease.deviceId(), ar.cause().getMessage());
        vertx.setTimer(STATUS_RETRY_MS, id -> {
          if (version == statusVersion) {
            writeStatus(version);
          }
        });
      }
    });
  }

  private void onRequest(Message<DeviceRequest> msg) {
    switch (msg.body()) {
      case DeviceRequest.Status r -> msg.reply(state());
      case DeviceRequest.Settled r -> awaitSettled(msg, r.waitMs());
      case DeviceRequest.Drain r -> outbox.wake();
      case DeviceRequest.Qr r -> {
        if (status != DeviceStatus.QR_READY || qr == null) {
          DeviceClient.fail(msg, ApiException.conflict("DEVICE_NOT_QR_READY",
              "the device is " + status + ", not waiting for a QR scan"));
        } else {
          msg.reply(new JsonObject().put("qr", qr).put("expiresAt", Times.iso(qrExpiresAt)));
        }
      }
      case DeviceRequest.PairingCode r -> {
        if (session == null || status == DeviceStatus.CONNECTED) {
          DeviceClient.fail(msg, ApiException.conflict("DEVICE_NOT_QR_READY",
              "pairing codes are for a device that is waiting to be linked"));
          return;
        }
        DeviceClient.reply(msg, session.requestPairingCode(r.phoneNumber()).map(code -> new JsonObject().put("code", code)));
      }
      case DeviceRequest.Reconnect r -> {
        stopped = false;
        vertx.cancelTimer(reconnectTimer);
        attempts = 0;
        Future<Void> closed = session == null ? Future.succeededFuture() : session.disconnect();
        session = null;
        closed.recover(e -> Future.succeededFuture()).onComplete(v -> open());
        msg.reply(state());
      }
      case DeviceRequest.Stop r -> stopSession(msg);
      case DeviceRequest.Logout r -> {
        stopping = true;
        vertx.cancelTimer(reconnectTimer);
        Future<Void> out = session == null ? Future.succeededFuture() : session.logout();
        DeviceClient.reply(msg, out.recover(e -> {
          LogIds.device(log, Level.WARN, lease.clientId(), lease.deviceId()).log("Device {}/{} logout failed, removing anyway: {}", lease.clientId(), lease.deviceId(), e.getMessage());
          return Future.succeededFuture();
        }).map(v -> {
          session = null;
          return new JsonObject().put("loggedOut", true);
        }));
      }
      case DeviceRequest.OnSession operation -> {
        if (session == null || status != DeviceStatus.CONNECTED) {
          DeviceClient.fail(msg, ApiException.conflict("DEVICE_NOT_CONNECTED",
              "the device is " + status + "; it must be CONNECTED for this"));
        } else {
          DeviceClient.reply(msg, operation.run(session));
        }
      }
    }
  }

  /**
   * Closes the session and keeps the credentials; callbacks of the closed session are dropped (a new
   * generation) and nothing reconnects until a Reconnect. Answers once the state STOPPED is set.
   */
  private void stopSession(Message<DeviceRequest> msg) {
    stopped = true;
    generation++;
    freeOpening();
    vertx.cancelTimer(reconnectTimer);
    outbox.disconnected();
    Future<Void> closed = session == null ? Future.succeededFuture() : session.disconnect();
    session = null;
    qr = null;
    attempts = 0;
    closed.recover(e -> Future.succeededFuture()).onComplete(v -> {
      transition(DeviceStatus.STOPPED, null);
      msg.reply(state());
    });
  }

  /**
   * Answers once the device shows a QR or has settled (connected, logged out, failed), or after
   * {@code waitMs} (at most {@link #MAX_SETTLE_WAIT_MS}) with whatever it is then: registration waits
   * for the first QR this way instead of asking again and again.
   */
  private void awaitSettled(Message<DeviceRequest> msg, long requestedMs) {
    if (settled()) {
      msg.reply(state());
      return;
    }
    long waitMs = Math.max(1, Math.min(MAX_SETTLE_WAIT_MS, requestedMs));
    settleWaiters.add(msg);
    vertx.setTimer(waitMs, id -> {
      if (settleWaiters.remove(msg)) {
        msg.reply(state());
      }
    });
  }

  private boolean settled() {
    return status == DeviceStatus.QR_READY && qr != null || status == DeviceStatus.CONNECTED
        || status == DeviceStatus.LOGGED_OUT || status == DeviceStatus.FAILED || status == DeviceStatus.STOPPED;
  }

  private void wakeSettleWaiters() {
    if (!settleWaiters.isEmpty() && settled()) {
      JsonObject now = state();
      settleWaiters.forEach(m -> m.reply(now.copy()));
      settleWaiters.clear();
    }
  }

  private JsonObject state() {
    JsonObject s = new JsonObject().put("status", status.name()).put("phoneNumber", phone).put("lastError", lastError);
    if (status == DeviceStatus.QR_READY && qr != null) {
      s.put("qr", qr).put("qrExpiresAt", Times.iso(qrExpiresAt));
    }
    return s;
  }
}
