package dev.switchboard.engine.cobalt;

import dev.switchboard.kernel.Contexts;
import dev.switchboard.engine.CredentialStore;
import dev.switchboard.engine.EngineException;
import dev.switchboard.engine.EngineListener;
import dev.switchboard.engine.EngineSession;
import dev.switchboard.engine.SessionSpec;
import dev.switchboard.engine.WhatsAppEngine;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Real WhatsApp through Cobalt 0.0.10, as a linked device (WhatsApp Web protocol). One Cobalt
 * instance per device session; all Cobalt calls run on one virtual-thread executor, results come
 * back on the device's Vert.x context. Credentials live only in the gateway's database (see
 * {@link CredentialSerializer}); nothing is written under the home directory.
 */
public final class CobaltEngine implements WhatsAppEngine {

  private static final Logger LOG = LoggerFactory.getLogger(CobaltEngine.class);

  private final Vertx vertx;
  private final CobaltOptions options;
  private final ExecutorService executor = Executors.newThreadPerTaskExecutor(
      Thread.ofVirtual().name("cobalt-", 0).factory());
  private final Set<CobaltSession> live = ConcurrentHashMap.newKeySet();
  private volatile boolean closed;

  public CobaltEngine(Vertx vertx) {
    this(vertx, CobaltOptions.defaults());
  }

  public CobaltEngine(Vertx vertx, CobaltOptions options) {
    this.vertx = vertx;
    this.options = options;
  }

  CobaltOptions options() {
    return options;
  }

  @Override
  public String name() {
    return "cobalt";
  }

  ExecutorService executor() {
    return executor;
  }

  void forget(CobaltSession session) {
    live.remove(session);
  }

  @Override
  public Future<EngineSession> open(SessionSpec spec, CredentialStore credentials, EngineListener listener) {
    if (closed) {
      return Future.failedFuture(new EngineException("UNAVAILABLE", "the Cobalt engine is shutting down"));
    }
    Context current = Vertx.currentContext();
    Context ctx = current != null ? current : vertx.getOrCreateContext();
    Promise<EngineSession> opened = Promise.promise();
    ctx.runOnContext(v -> Contexts.onContext(ctx, credentials.load())
        .compose(stored -> Future.fromCompletionStage(CompletableFuture.supplyAsync(
            () -> new CobaltSession(this, ctx, spec, stored, credentials, listener), executor), ctx))
        .<EngineSession>map(session -> {
          live.add(session);
          session.start();
          return session;
        })
        .recover(e -> Future.failedFuture(openFailure(e)))
        .onComplete(opened));
    return opened.future();
  }

  private static EngineException openFailure(Throwable e) {
    Throwable t = SessionErrorHandler.unwrap(e);
    if (t instanceof EngineException ee) {
      return ee;
    }
    if (t instanceof IllegalArgumentException) {
      return new EngineException("ENGINE_ERROR", "cannot open the session: " + t.getMessage());
    }
    return new EngineException("ENGINE_ERROR", "cannot open the session: " + SessionErrorHandler.describe(t));
  }

  /** Flushes and closes whatever sessions are still open (devices normally close theirs first). */
  @Override
  public Future<Void> close() {
    closed = true;
    List<Future<Void>> closing = new ArrayList<>();
    for (CobaltSession session : List.copyOf(live)) {
      closing.add(session.disconnect().otherwiseEmpty());
    }
    return Future.join(closing).otherwiseEmpty().<Void>mapEmpty().eventually(() -> {
      executor.shutdown();
      return vertx.executeBlocking(() -> {
        if (!executor.awaitTermination(5, TimeUnit.SECONDS)) {
          LOG.info("Cobalt calls still running at shutdown; they are abandoned");
          executor.shutdownNow();
        }
        return null;
      });
    }).otherwiseEmpty().mapEmpty();
  }
}
