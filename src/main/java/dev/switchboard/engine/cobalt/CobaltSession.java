package dev.switchboard.engine.cobalt;

import dev.switchboard.kernel.Contexts;
import dev.switchboard.engine.CredentialStore;
import dev.switchboard.engine.EngineEvent;
import dev.switchboard.engine.EngineException;
import dev.switchboard.engine.EngineListener;
import dev.switchboard.engine.EngineSession;
import dev.switchboard.engine.OutboundMessage;
import dev.switchboard.engine.SessionSpec;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import it.auties.whatsapp.api.TextPreviewSetting;
import it.auties.whatsapp.api.WebHistorySetting;
import it.auties.whatsapp.api.Whatsapp;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One device's session on real WhatsApp through one Cobalt {@link Whatsapp} instance.
 *
 * <p>Cobalt's own connection handling cannot be trusted (docs/cobalt.md): listeners always hear
 * {@code DISCONNECTED}, a socket the server closes is not always reported at all, and a failed
 * reconnect is only an error-handler call. So this session supervises the connection itself:
 * <ul>
 *   <li>a connect attempt must show a QR or log in within the connect timeout (30 s);</li>
 *   <li>an unscanned QR is refreshed by reconnecting the same instance when it expires (60 s);</li>
 *   <li>a watchdog polls the socket; down for longer than the reconnect grace (20 s; Cobalt's
 *       internal reconnect, e.g. after pairing, takes a second or two) ends the session;</li>
 *   <li>the error handler ends it on login, stream, cryptography and reconnect failures.</li>
 * </ul>
 * Ending flushes the credentials, closes the socket and reports {@code onDisconnected(reason,
 * false)} with a reason a person can act on; the gateway's device actor then reopens with backoff
 * and jitter. Cobalt deleting the session (its only reliable logged-out / banned signal) ends it
 * with {@code loggedOut = true}. Everything that touches Cobalt runs on the engine's virtual-thread
 * executor; state lives on the device's Vert.x context.
 */
final class CobaltSession extends CobaltOperations {

  private static final Logger LOG = LoggerFactory.getLogger(CobaltSession.class);

  static final long WATCHDOG_MS = 5_000;
  static final long FLUSH_TIMEOUT_MS = 5_000;
  static final long CLOSE_TIMEOUT_MS = 5_000;
  static final long MAX_INBOUND_MEDIA_BYTES = 16L * 1024 * 1024;
  static final long TRIM_EVERY_MS = 10 * 60_000;
  static final String DEVICE_NAME = "Switchboard";

  private final CobaltEngine engine;
  private final Vertx vertx;
  private final Context ctx;
  private final ExecutorService executor;
  private final SessionSpec spec;
  private final CredentialStore credentials;
  private final EngineListener listener;
  private final CredentialSerializer serializer;
  private final Whatsapp wa;
  private final CobaltCalls calls;
  private final String name;
  private final CobaltOptions options;

  private volatile boolean ended;
  private volatile boolean loggedIn;
  private volatile String lastFailure;
  private boolean connecting;
  private long connectTimer = -1;
  private long qrTimer = -1;
  private long watchdogTimer = -1;
  private long trimTimer = -1;
  private long downSince;
  private boolean paired;

  /** Builds the Cobalt instance from the stored bytes; runs on the executor (decoding is CPU work). */
  CobaltSession(CobaltEngine engine, Context ctx, SessionSpec spec, byte[] stored, CredentialStore credentials,
      EngineListener listener) {
    this.engine = engine;
    this.vertx = ctx.owner();
    this.ctx = ctx;
    this.executor = engine.executor();
    this.spec = spec;
    this.credentials = credentials;
    this.listener = listener;
    this.name = spec.clientId() + "/" + spec.deviceId();
    this.options = engine.options();
    this.serializer = new CredentialSerializer(sessionUuid(spec.sessionKey()), stored, credentials, ctx, executor,
        new SerializerEvents());
    var builder = Whatsapp.webBuilder()
        .serializer(serializer)
        .newConnection(serializer.uuid())
        .name(DEVICE_NAME)
        .textPreviewSetting(TextPreviewSetting.DISABLED)
        .automaticPresenceUpdates(false)
        .automaticMessageReceipts(false)
        .historySetting(WebHistorySetting.discard(false))
        .errorHandler(new SessionErrorHandler(name, this::onFatalError, failure -> lastFailure = failure));
    if (options.proxy() != null) {
      builder.proxy(options.proxy());
    }
    this.wa = builder.unregistered(qr -> ctx.runOnContext(v -> onQr(qr)));
    this.wa.addListener(new CobaltListener(name, new ListenerSink()));
    this.calls = new CobaltCalls(wa);
  }

  /** The gateway's session key is a UUID; any other string maps to a stable name-based UUID. */
  static UUID sessionUuid(String sessionKey) {
    try {
      return UUID.fromString(sessionKey);
    } catch (IllegalArgumentException e) {
      return UUID.nameUUIDFromBytes(sessionKey.getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }
  }

  boolean isEnded() {
    return ended;
  }

  /** The Cobalt instance, for tests and the memory bench that fill or inspect its store. */
  Whatsapp whatsapp() {
    return wa;
  }

  /** Starts connecting; on the session's context. */
  void start() {
    watchdogTimer = vertx.setPeriodic(WATCHDOG_MS, id -> watchdog());
    trimTimer = vertx.setPeriodic(TRIM_EVERY_MS, id -> trimMessages());
    connect();
  }

  private void connect() {
    connecting = true;
    vertx.cancelTimer(connectTimer);
    long timeout = options.connectTimeout().toMillis();
    connectTimer = vertx.setTimer(timeout, id -> {
      if (connecting && !ended) {
        end("WhatsApp did not answer within " + timeout / 1000 + " s" + detail(), false);
      }
    });
    CompletableFuture.supplyAsync(wa::connect, executor).thenCompose(f -> f).whenComplete((ok, err) -> {
      if (err != null) {
        ctx.runOnContext(v -> {
          if (!ended) {
            end("cannot reach WhatsApp: " + SessionErrorHandler.network(err), false);
          }
        });
      }
    });
  }

  private void onQr(String qr) {
    if (ended || loggedIn) {
      return;
    }
    connecting = false;
    vertx.cancelTimer(connectTimer);
    vertx.cancelTimer(qrTimer);
    qrTimer = vertx.setTimer(options.qrLifetime().toMillis(), id -> refreshQr());
    listener.onQr(qr, Instant.now().plus(options.qrLifetime()));
  }

  /** Cobalt shows one QR per connection; a new connection of the same (unlinked) instance shows a new one. */
  private void refreshQr() {
    if (ended || loggedIn || paired) {
      return;
    }
    LOG.debug("Device {}: QR expired unscanned, reconnecting for a new one", name);
    connecting = true;
    CompletableFuture.runAsync(() -> {
      bounded(wa.disconnect(), CLOSE_TIMEOUT_MS);
      // The old socket's close must land before the new one opens, or it can close the new one.
      sleep(1_000);
    }, executor).whenComplete((ok, err) -> ctx.runOnContext(v -> {
      if (!ended && !loggedIn) {
        connect();
      }
    }));
  }

  private void onLoggedIn(String phone) {
    if (ended) {
      return;
    }
    connecting = false;
    downSince = 0;
    vertx.cancelTimer(connectTimer);
    vertx.cancelTimer(qrTimer);
    if (loggedIn) {
      LOG.info("Device {}: logged in again after Cobalt reconnected", name);
      return;
    }
    // A link that is not stored is lost on the next restart: store first, then report it.
    Future.fromCompletionStage(serializer.flush().orTimeout(FLUSH_TIMEOUT_MS * 2, TimeUnit.MILLISECONDS), ctx)
        .onSuccess(v -> {
          if (!ended) {
            loggedIn = true;
            LOG.info("Device {}: connected to WhatsApp as {}", name, phone);
            listener.onConnected(phone);
          }
        })
        .onFailure(e -> end("credentials could not be stored: " + SessionErrorHandler.describe(e), false));
  }

  /** The phone scanned the QR: no refresh may cut the login that follows. */
  private void onPaired() {
    paired = true;
    vertx.cancelTimer(qrTimer);
  }

  /** Cobalt keeps every message of the session in memory; the gateway keeps the history itself. */
  private void trimMessages() {
    if (ended) {
      return;
    }
    CompletableFuture.runAsync(() -> CobaltMemory.trim(wa.store(), System.currentTimeMillis() / 1000), executor);
  }

  private void watchdog() {
    if (ended || connecting) {
      return;
    }
    CompletableFuture.supplyAsync(wa::isConnected, executor).thenAccept(up -> ctx.runOnContext(v -> {
      if (ended || connecting) {
        return;
      }
      long now = System.currentTimeMillis();
      if (up) {
        downSince = 0;
      } else if (downSince == 0) {
        downSince = now;
      } else if (now - downSince >= options.reconnectGrace().toMillis()) {
        end("connection to WhatsApp lost" + detail(), false);
      }
    }));
  }

  private void onFatalError(String reason) {
    ctx.runOnContext(v -> {
      if (!ended) {
        end(reason, false);
      }
    });
  }

  private String detail() {
    String failure = lastFailure;
    return failure == null ? "" : " (last error: " + failure + ")";
  }

  /** Ends the session once: flush, close, then tell the gateway, which decides about reconnecting. */
  private void end(String reason, boolean loggedOut) {
    if (ended) {
      return;
    }
    ended = true;
    stopTimers();
    engine.forget(this);
    LOG.warn("Device {}: session ended{}: {}", name, loggedOut ? " (logged out)" : "", reason);
    if (loggedOut) {
      closeQuietly(false).onComplete(v -> listener.onDisconnected(reason, true));
    } else {
      closeQuietly(true).onComplete(v -> listener.onDisconnected(reason, false));
    }
  }

  private void stopTimers() {
    vertx.cancelTimer(connectTimer);
    vertx.cancelTimer(qrTimer);
    vertx.cancelTimer(watchdogTimer);
    vertx.cancelTimer(trimTimer);
  }

  /** Flush (unless the session is dead) and close the socket, each bounded; never fails. */
  private Future<Void> closeQuietly(boolean flush) {
    CompletableFuture<Void> closed = CompletableFuture.runAsync(() -> {
      if (flush && loggedInOnce()) {
        bounded(serializer.flush(), FLUSH_TIMEOUT_MS);
      }
      bounded(wa.disconnect(), CLOSE_TIMEOUT_MS);
      CobaltMemory.releaseChats(wa.store());
    }, executor);
    return Future.fromCompletionStage(closed, ctx).otherwiseEmpty();
  }

  /** Only a session the phone has linked has credentials worth writing. */
  private boolean loggedInOnce() {
    return loggedIn || serializer.hasStoredSession();
  }

  /** The gateway's own act (restart, move): flush, close, and no {@code onDisconnected} echo. */
  @Override
  public Future<Void> disconnect() {
    return Contexts.runOn(ctx, () -> {
      if (ended) {
        return Future.succeededFuture();
      }
      ended = true;
      stopTimers();
      engine.forget(this);
      return closeQuietly(true);
    });
  }

  /** Tells WhatsApp (when it can), then forgets the credentials even if WhatsApp could not be told. */
  @Override
  public Future<Void> logout() {
    return Contexts.runOn(ctx, () -> {
      boolean wasLinked = loggedIn;
      ended = true;
      stopTimers();
      engine.forget(this);
      CompletableFuture<Void> told = CompletableFuture.runAsync(() -> {
        if (wasLinked && wa.isConnected()) {
          bounded(wa.logout(), 10_000);
        }
        serializer.markDeleted();
        bounded(wa.disconnect(), CLOSE_TIMEOUT_MS);
        CobaltMemory.releaseChats(wa.store());
      }, executor);
      return Future.fromCompletionStage(told, ctx).otherwiseEmpty().compose(v -> credentials.delete())
          .transform(ar -> {
            Promise<Void> back = Promise.promise();
            ctx.runOnContext(x -> back.handle(ar));
            return back.future();
          });
    });
  }

  @Override
  CobaltCalls calls() {
    return calls;
  }

  @Override
  <T> Future<T> call(String op, long timeoutMs, Supplier<CompletableFuture<T>> action) {
    if (ended) {
      return Future.failedFuture(new EngineException("DEVICE_NOT_CONNECTED", "the session has ended"));
    }
    if (!loggedIn) {
      return Future.failedFuture(new EngineException("DEVICE_NOT_CONNECTED", "the device is not connected to WhatsApp yet"));
    }
    CompletableFuture<T> result = CompletableFuture.supplyAsync(action, executor).thenCompose(f -> f)
        .orTimeout(timeoutMs, TimeUnit.MILLISECONDS);
    return Future.fromCompletionStage(result, ctx).recover(e -> Future.failedFuture(SessionErrorHandler.toEngine(op, e, timeoutMs)));
  }


  private void emit(EngineEvent event) {
    ctx.runOnContext(v -> {
      if (!ended) {
        // Cobalt acknowledged the message to WhatsApp when it decrypted it: nothing to confirm here.
        listener.onEvent(event);
      }
    });
  }

  static void bounded(CompletableFuture<?> f, long ms) {
    try {
      f.get(ms, TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (Exception e) {
      LOG.debug("bounded wait ended: {}", e.toString());
    }
  }

  private static void sleep(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** What {@link CobaltListener} reports, brought onto the session's context. */
  private final class ListenerSink implements CobaltListener.Sink {

    @Override
    public boolean ended() {
      return ended;
    }

    @Override
    public void loggedIn(String phone) {
      ctx.runOnContext(v -> {
        if (ended) {
          // A late login of an instance this session already gave up: close it, or two would fight.
          CompletableFuture.runAsync(() -> bounded(wa.disconnect(), CLOSE_TIMEOUT_MS), executor);
        } else {
          onLoggedIn(phone);
        }
      });
    }

    @Override
    public void paired() {
      ctx.runOnContext(v -> onPaired());
    }

    @Override
    public void failure(String reason) {
      lastFailure = reason;
    }

    @Override
    public void event(EngineEvent event) {
      emit(event);
    }
  }

  private final class SerializerEvents implements CredentialSerializer.Events {

    @Override
    public void onSessionDeleted() {
      // The failure stanza that caused it is read on another virtual thread: give it a moment.
      vertx.setTimer(300, id -> ctx.runOnContext(v -> {
        String failure = lastFailure;
        end(failure != null ? failure : "logged out or banned: WhatsApp ended the session", true);
      }));
    }

    @Override
    public void onWriteFailed(Throwable cause) {
      onFatalError("credentials could not be stored: " + SessionErrorHandler.describe(cause));
    }
  }
}
