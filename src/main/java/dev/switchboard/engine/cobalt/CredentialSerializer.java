package dev.switchboard.engine.cobalt;

import dev.switchboard.engine.CredentialStore;
import it.auties.whatsapp.api.ClientType;
import it.auties.whatsapp.controller.Controller;
import it.auties.whatsapp.controller.ControllerSerializer;
import it.auties.whatsapp.controller.Keys;
import it.auties.whatsapp.controller.KeysSpec;
import it.auties.whatsapp.controller.Store;
import it.auties.whatsapp.controller.StoreKeysPair;
import it.auties.whatsapp.controller.StoreSpec;
import it.auties.whatsapp.model.mobile.PhoneNumber;
import io.vertx.core.Context;
import io.vertx.core.Promise;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.Collection;
import java.util.ConcurrentModificationException;
import java.util.LinkedList;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Cobalt's persistence for one session, in PostgreSQL through the gateway's {@link CredentialStore}
 * (which is fenced by the device's lease epoch) instead of files under {@code ~/.cobalt}.
 *
 * <ul>
 *   <li>Reads are synchronous in Cobalt's API, so the bytes are loaded before the session is built
 *       and handed in here already decoded: no database call ever blocks inside Cobalt.</li>
 *   <li>Writes pack Keys and Store into one blob ({@link CredentialFormat}). They are coalesced:
 *       one write runs at a time, a request during it schedules exactly one more, and each write
 *       encodes the newest state when it starts, so the newest state always lands last. A blob
 *       equal to the last one written is skipped; only its SHA-256 is kept for that, not a second
 *       copy of the credentials per session.</li>
 *   <li>A refused write (the lease moved to another node) fences the serializer for good: nothing it
 *       holds may overwrite the new owner's credentials.</li>
 *   <li>{@link #deleteSession} is Cobalt's only reliable logged-out / banned signal. It leaves a
 *       tombstone: Cobalt's {@code dispose()} writes the deleted session again right after, and
 *       those writes must be dropped.</li>
 * </ul>
 */
public final class CredentialSerializer implements ControllerSerializer {

  private static final Logger LOG = LoggerFactory.getLogger(CredentialSerializer.class);

  /** What the session hears from its serializer. Called on Cobalt's or the store's threads. */
  public interface Events {

    /** Cobalt deleted the session: logged out from the phone, or banned. */
    void onSessionDeleted();

    /** A write was refused or failed; after a refusal nothing more is written. */
    void onWriteFailed(Throwable cause);
  }

  private final UUID uuid;
  private final CredentialStore credentials;
  private final Context context;
  private final Executor executor;
  private final Events events;
  private final Object lock = new Object();

  private volatile Keys keys;
  private volatile Store store;
  private volatile boolean deleted;
  private volatile boolean fenced;
  private byte[] lastWritten; // SHA-256 of the last blob stored
  private CompletableFuture<Void> running;
  private CompletableFuture<Void> next;

  /**
   * {@code stored} is what the gateway holds for this device (null when never linked);
   * {@code context} is where the store is called; {@code executor} encodes.
   */
  public CredentialSerializer(UUID uuid, byte[] stored, CredentialStore credentials, Context context, Executor executor,
      Events events) {
    this.uuid = uuid;
    this.credentials = credentials;
    this.context = context;
    this.executor = executor;
    this.events = events;
    if (stored != null) {
      CredentialFormat.Parts parts = CredentialFormat.unpack(stored);
      Keys k = KeysSpec.decode(parts.keys());
      Store s = StoreSpec.decode(parts.store());
      if (!uuid.equals(k.uuid()) || !uuid.equals(s.uuid())) {
        throw new IllegalArgumentException("the stored credentials belong to session " + k.uuid() + ", not " + uuid);
      }
      k.setSerializer(this);
      s.setSerializer(this);
      this.keys = k;
      this.store = s;
      this.lastWritten = digest(stored);
    }
  }

  public UUID uuid() {
    return uuid;
  }

  public boolean isDeleted() {
    return deleted;
  }

  public boolean isFenced() {
    return fenced;
  }

  /** True when the gateway held credentials for this session (it was linked before). */
  public boolean hasStoredSession() {
    return lastWritten != null;
  }

  /**
   * Writes the newest Keys and Store unless nothing changed. The future completes when a write
   * that started after this call has finished (or was not needed); it fails when the store
   * refused it or the serializer is fenced.
   */
  public CompletableFuture<Void> flush() {
    synchronized (lock) {
      if (fenced) {
        return CompletableFuture.failedFuture(new IllegalStateException("credential writes are fenced: the device's lease moved"));
      }
      if (deleted) {
        return CompletableFuture.completedFuture(null);
      }
      if (running == null) {
        return startWrite();
      }
      if (next == null) {
        next = new CompletableFuture<>();
      }
      return next;
    }
  }

  /** Leaves the tombstone without telling anyone: the gateway deletes the credentials itself. */
  public void markDeleted() {
    deleted = true;
  }

  /** Starts one write of the newest state; called with the lock held. */
  private CompletableFuture<Void> startWrite() {
    CompletableFuture<Void> write = new CompletableFuture<>();
    running = write;
    CompletableFuture.supplyAsync(this::encode, executor).thenCompose(this::save)
        .whenComplete((ok, err) -> finish(write, err));
    return write;
  }

  /** One write ended: start the one requested meanwhile, if any, then tell the waiters. */
  private void finish(CompletableFuture<Void> write, Throwable err) {
    CompletableFuture<Void> waiting;
    CompletableFuture<Void> again = null;
    synchronized (lock) {
      running = null;
      waiting = next;
      next = null;
      if (waiting != null && !fenced && !deleted) {
        again = startWrite();
      }
    }
    settle(write, err);
    if (waiting != null) {
      if (again != null) {
        again.whenComplete((v, e) -> settle(waiting, e));
      } else {
        settle(waiting, fenced ? new IllegalStateException("credential writes are fenced: the device's lease moved") : null);
      }
    }
  }

  private static void settle(CompletableFuture<Void> f, Throwable err) {
    if (err == null) {
      f.complete(null);
    } else {
      f.completeExceptionally(err instanceof java.util.concurrent.CompletionException && err.getCause() != null ? err.getCause() : err);
    }
  }

  /** The packed newest state, or null when there is nothing (new) to write. */
  private byte[] encode() {
    Keys k = keys;
    Store s = store;
    if (k == null || s == null || deleted) {
      return null;
    }
    byte[] packed = null;
    for (int attempt = 1; packed == null; attempt++) {
      try {
        packed = CredentialFormat.pack(KeysSpec.encode(k), StoreSpec.encode(s));
      } catch (ConcurrentModificationException | IndexOutOfBoundsException raced) {
        // Cobalt changed the state while it was encoded (a collection, or a field between its size
        // and its bytes being written); a later attempt sees a settled state.
        if (attempt == 5) {
          throw raced;
        }
        Thread.onSpinWait();
      }
    }
    synchronized (lock) {
      if (Arrays.equals(digest(packed), lastWritten)) {
        return null;
      }
    }
    return packed;
  }

  private CompletableFuture<Void> save(byte[] packed) {
    if (packed == null || deleted || fenced) {
      return CompletableFuture.completedFuture(null);
    }
    Promise<Void> saved = Promise.promise();
    context.runOnContext(v -> credentials.save(packed).onComplete(saved));
    return saved.future().toCompletionStage().toCompletableFuture().handle((ok, err) -> {
      if (err == null) {
        synchronized (lock) {
          lastWritten = digest(packed);
        }
        return null;
      }
      fenced = true;
      LOG.warn("Session {}: credential write refused, no further writes: {}", uuid, err.getMessage());
      events.onWriteFailed(err);
      throw new IllegalStateException("credential write refused: " + err.getMessage(), err);
    });
  }

  private static byte[] digest(byte[] blob) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(blob);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JDK has SHA-256", e);
    }
  }

  // ControllerSerializer: Cobalt's side.

  @Override
  public StoreKeysPair newStoreKeysPair(UUID id, PhoneNumber phoneNumber, Collection<String> alias, ClientType clientType) {
    // Nothing worth keeping exists before the phone links the session: the first write happens on login.
    Store s = Store.of(id, phoneNumber, alias, clientType);
    s.setSerializer(this);
    Keys k = Keys.of(id, phoneNumber, alias, clientType);
    k.setSerializer(this);
    this.store = s;
    this.keys = k;
    return new StoreKeysPair(s, k);
  }

  @Override
  public LinkedList<UUID> listIds(ClientType type) {
    LinkedList<UUID> ids = new LinkedList<>();
    if (type == ClientType.WEB && keys != null && !deleted) {
      ids.add(uuid);
    }
    return ids;
  }

  @Override
  public LinkedList<PhoneNumber> listPhoneNumbers(ClientType type) {
    return new LinkedList<>();
  }

  @Override
  public CompletableFuture<Void> serializeKeys(Keys k, boolean async) {
    if (deleted || !uuid.equals(k.uuid())) {
      return CompletableFuture.completedFuture(null);
    }
    keys = k;
    return flush().exceptionally(e -> null);
  }

  @Override
  public CompletableFuture<Void> serializeStore(Store s, boolean async) {
    if (deleted || !uuid.equals(s.uuid())) {
      return CompletableFuture.completedFuture(null);
    }
    store = s;
    return flush().exceptionally(e -> null);
  }

  @Override
  public Optional<Keys> deserializeKeys(ClientType type, UUID id) {
    return type == ClientType.WEB && uuid.equals(id) && !deleted ? Optional.ofNullable(keys) : Optional.empty();
  }

  @Override
  public Optional<Keys> deserializeKeys(ClientType type, PhoneNumber phoneNumber) {
    return Optional.empty();
  }

  @Override
  public Optional<Keys> deserializeKeys(ClientType type, String alias) {
    return Optional.empty();
  }

  @Override
  public Optional<Store> deserializeStore(ClientType type, UUID id) {
    return type == ClientType.WEB && uuid.equals(id) && !deleted ? Optional.ofNullable(store) : Optional.empty();
  }

  @Override
  public Optional<Store> deserializeStore(ClientType type, PhoneNumber phoneNumber) {
    return Optional.empty();
  }

  @Override
  public Optional<Store> deserializeStore(ClientType type, String alias) {
    return Optional.empty();
  }

  @Override
  public void deleteSession(Controller<?> controller) {
    if (deleted || !uuid.equals(controller.uuid())) {
      return;
    }
    deleted = true;
    LOG.info("Session {}: Cobalt deleted the session (logged out or banned)", uuid);
    context.runOnContext(v -> credentials.delete().onFailure(e ->
        LOG.warn("Session {}: could not delete the credentials: {}", uuid, e.getMessage())));
    events.onSessionDeleted();
  }
}
