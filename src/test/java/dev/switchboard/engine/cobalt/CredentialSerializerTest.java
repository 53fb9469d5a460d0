package dev.switchboard.engine.cobalt;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.switchboard.device.CredentialReader;
import dev.switchboard.device.DeviceRepository;
import dev.switchboard.engine.CredentialStore;
import dev.switchboard.engine.EngineException;
import dev.switchboard.support.TestBed;
import it.auties.whatsapp.api.ClientType;
import it.auties.whatsapp.api.Whatsapp;
import it.auties.whatsapp.controller.Keys;
import it.auties.whatsapp.controller.KeysSpec;
import it.auties.whatsapp.controller.Store;
import it.auties.whatsapp.controller.StoreKeysPair;
import it.auties.whatsapp.controller.StoreSpec;
import it.auties.whatsapp.model.jid.Jid;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.sqlclient.Tuple;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The Cobalt serializer against the real device registry in the embedded PostgreSQL: real Keys and
 * Store objects round-trip through {@code devices.credentials}, a write under a stale lease epoch is
 * refused, and a deleted session stays deleted.
 */
class CredentialSerializerTest {

  @RegisterExtension
  static final TestBed bed = TestBed.database().withPool(4);

  private static Context context;
  private static ExecutorService executor;
  private static int devices;

  @BeforeAll
  static void start() {
    context = bed.vertx().getOrCreateContext();
    executor = Executors.newVirtualThreadPerTaskExecutor();
    await(bed.pool().preparedQuery("INSERT INTO clients (client_id, name, webhook_secret) VALUES ($1, $2, $3)")
        .execute(Tuple.of("acme", "Acme", "whsec_test")));
  }

  @AfterAll
  static void stop() {
    executor.shutdownNow();
  }

  /** A fresh device row and its first lease. */
  private static DeviceRepository.Lease newDevice(UUID sessionKey) {
    String deviceId = "phone-" + ++devices;
    assertTrue(await(DeviceRepository.register(bed.pool(), "acme", deviceId, null, sessionKey.toString(), 1_000, "test", null)).added());
    return await(DeviceRepository.claim(bed.pool(), "acme", deviceId, "node-a", DeviceRepository.Membership.unknown()));
  }

  /** The store the gateway gives an engine (as DeviceVerticle builds it): fenced by the lease's epoch. */
  private static final class FencedStore implements CredentialStore {
    private final DeviceRepository.Lease lease;
    final AtomicInteger saves = new AtomicInteger();

    FencedStore(DeviceRepository.Lease lease) {
      this.lease = lease;
    }

    @Override
    public Future<byte[]> load() {
      return new CredentialReader(bed.pool()).load(lease.clientId(), lease.deviceId());
    }

    @Override
    public Future<Void> save(byte[] credentials) {
      saves.incrementAndGet();
      return DeviceRepository.saveCredentials(bed.pool(), lease, credentials).compose(this::fenced);
    }

    @Override
    public Future<Void> delete() {
      return DeviceRepository.saveCredentials(bed.pool(), lease, null).compose(this::fenced);
    }

    private Future<Void> fenced(boolean written) {
      return written ? Future.succeededFuture()
          : Future.failedFuture(new EngineException("UNAVAILABLE", "this node no longer owns the device"));
    }
  }

  private static final class RecordingEvents implements CredentialSerializer.Events {
    final AtomicInteger deleted = new AtomicInteger();
    volatile Throwable writeFailure;

    @Override
    public void onSessionDeleted() {
      deleted.incrementAndGet();
    }

    @Override
    public void onWriteFailed(Throwable cause) {
      writeFailure = cause;
    }
  }

  private static CredentialSerializer serializer(UUID id, byte[] stored, CredentialStore store, RecordingEvents events) {
    return new CredentialSerializer(id, stored, store, context, executor, events);
  }

  @Test
  void keysAndStoreRoundTripThroughPostgres() throws Exception {
    UUID id = UUID.randomUUID();
    FencedStore store = new FencedStore(newDevice(id));
    CredentialSerializer first = serializer(id, null, store, new RecordingEvents());
    assertFalse(first.hasStoredSession());

    StoreKeysPair pair = first.newStoreKeysPair(id, null, null, ClientType.WEB);
    assertEquals(0, store.saves.get(), "nothing is written before the phone links the session");
    pair.store().setName("Switchboard test").setJid(Jid.of("972501234567"));
    pair.keys().nextWriteCounter();
    join(pair.keys().serializer().serializeKeys(pair.keys(), true));
    join(first.serializeStore(pair.store(), false));

    byte[] stored = await(store.load());
    assertNotNull(stored);
    CredentialFormat.Parts parts = CredentialFormat.unpack(stored);
    Keys keysInDb = KeysSpec.decode(parts.keys());
    Store storeInDb = StoreSpec.decode(parts.store());
    assertKeysEqual(pair.keys(), keysInDb);
    assertEquals("Switchboard test", storeInDb.name());
    assertEquals(Optional.of(Jid.of("972501234567")), storeInDb.jid());

    // A node restart: the next serializer starts from the stored bytes and Cobalt resumes from them.
    CredentialSerializer second = serializer(id, stored, store, new RecordingEvents());
    assertTrue(second.hasStoredSession());
    Keys resumedKeys = second.deserializeKeys(ClientType.WEB, id).orElseThrow();
    assertKeysEqual(pair.keys(), resumedKeys);
    assertSame(second, resumedKeys.serializer());
    assertEquals("Switchboard test", second.deserializeStore(ClientType.WEB, id).orElseThrow().name());
    assertTrue(second.deserializeKeys(ClientType.WEB, UUID.randomUUID()).isEmpty(), "only its own session");
    assertTrue(Whatsapp.webBuilder().serializer(second).newOptionalConnection(id).isPresent(),
        "Cobalt's own builder finds the session through the serializer");

    // Unchanged state is not written again.
    int saves = store.saves.get();
    join(second.flush());
    assertEquals(saves, store.saves.get());
  }

  @Test
  void aWriteUnderAStaleEpochIsRefusedAndFencesTheSerializer() throws Exception {
    UUID id = UUID.randomUUID();
    DeviceRepository.Lease oldLease = newDevice(id);
    FencedStore oldStore = new FencedStore(oldLease);
    RecordingEvents events = new RecordingEvents();
    CredentialSerializer serializer = serializer(id, null, oldStore, events);
    StoreKeysPair pair = serializer.newStoreKeysPair(id, null, null, ClientType.WEB);
    pair.store().setName("before the move");
    join(serializer.flush());
    byte[] before = await(oldStore.load());
    assertEquals("before the move", StoreSpec.decode(CredentialFormat.unpack(before).store()).name());

    // The device's lease is taken again (another node, or this one after a restart): a new epoch.
    DeviceRepository.Lease newLease = await(DeviceRepository.claim(bed.pool(), "acme", oldLease.deviceId(), "node-a", DeviceRepository.Membership.unknown()));
    assertTrue(newLease.epoch() > oldLease.epoch());

    pair.store().setName("after the move");
    ExecutionException refused = assertThrows(ExecutionException.class, () -> serializer.flush().get(10, TimeUnit.SECONDS));
    assertTrue(refused.getCause().getMessage().contains("refused"), refused.getCause().getMessage());
    assertTrue(serializer.isFenced());
    assertNotNull(events.writeFailure);
    assertArrayEquals(before, await(oldStore.load()), "the stale write changed nothing");

    // Fenced for good: later writes do not even reach the database.
    int saves = oldStore.saves.get();
    pair.store().setName("still stale");
    join(serializer.serializeStore(pair.store(), true));
    assertEquals(saves, oldStore.saves.get());
    assertThrows(ExecutionException.class, () -> serializer.flush().get(10, TimeUnit.SECONDS));

    // The new owner writes normally.
    FencedStore newStore = new FencedStore(newLease);
    CredentialSerializer owner = serializer(id, before, newStore, new RecordingEvents());
    owner.deserializeStore(ClientType.WEB, id).orElseThrow().setName("new owner");
    join(owner.flush());
    assertEquals("new owner", StoreSpec.decode(CredentialFormat.unpack(await(newStore.load())).store()).name());
  }

  @Test
  void aDeletedSessionLeavesATombstoneThatLaterWritesRespect() throws Exception {
    UUID id = UUID.randomUUID();
    FencedStore store = new FencedStore(newDevice(id));
    RecordingEvents events = new RecordingEvents();
    CredentialSerializer serializer = serializer(id, null, store, events);
    StoreKeysPair pair = serializer.newStoreKeysPair(id, null, null, ClientType.WEB);
    join(serializer.flush());
    assertNotNull(await(store.load()));

    // What Cobalt does on LOGGED_OUT / BANNED: deleteSession, then dispose() serializes both again.
    pair.store().deleteSession();
    assertEquals(1, events.deleted.get());
    assertTrue(serializer.isDeleted());
    waitUntilNull(store);
    pair.keys().dispose();
    pair.store().setName("zombie");
    pair.store().serialize(false);
    join(serializer.flush());
    Thread.sleep(300);
    assertNull(await(store.load()), "the deleted session was not written back");
    assertTrue(serializer.deserializeKeys(ClientType.WEB, id).isEmpty());
    assertTrue(serializer.listIds(ClientType.WEB).isEmpty());
  }

  @Test
  void concurrentWritesCoalesceAndTheNewestStateLandsLast() throws Exception {
    UUID id = UUID.randomUUID();
    FencedStore store = new FencedStore(newDevice(id));
    CredentialSerializer serializer = serializer(id, null, store, new RecordingEvents());
    StoreKeysPair pair = serializer.newStoreKeysPair(id, null, null, ClientType.WEB);
    java.util.List<CompletableFuture<Void>> flushes = new java.util.ArrayList<>();
    for (int i = 0; i < 40; i++) {
      pair.store().setName("state " + i);
      flushes.add(i % 2 == 0 ? serializer.flush() : CompletableFuture.supplyAsync(serializer::flush, executor).thenCompose(f -> f));
    }
    CompletableFuture.allOf(flushes.toArray(CompletableFuture[]::new)).get(30, TimeUnit.SECONDS);
    join(serializer.flush());
    assertEquals("state 39", StoreSpec.decode(CredentialFormat.unpack(await(store.load())).store()).name());
    assertTrue(store.saves.get() < 40, "writes were coalesced: " + store.saves.get());
    // Nothing changed: the write is skipped and completes at once, again and again.
    for (int i = 0; i < 20; i++) {
      join(serializer.flush());
    }
  }

  @Test
  void foreignBytesAreRefusedWithAClearMessage() {
    UUID id = UUID.randomUUID();
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> serializer(id, "{\"secret\":\"sim\"}".getBytes(), new FencedStore(newDevice(id)), new RecordingEvents()));
    assertTrue(e.getMessage().contains("not Cobalt credentials"), e.getMessage());

    byte[] newer = CredentialFormat.pack(new byte[] {1}, new byte[] {2});
    newer[4] = 9;
    assertTrue(assertThrows(IllegalArgumentException.class, () -> CredentialFormat.unpack(newer)).getMessage().contains("version 9"));

    Keys other = Keys.of(UUID.randomUUID(), null, null, ClientType.WEB);
    Store otherStore = Store.of(other.uuid(), null, null, ClientType.WEB);
    byte[] foreignSession = CredentialFormat.pack(KeysSpec.encode(other), StoreSpec.encode(otherStore));
    assertThrows(IllegalArgumentException.class, () -> serializer(id, foreignSession, new FencedStore(newDevice(UUID.randomUUID())), new RecordingEvents()));
  }

  private static void assertKeysEqual(Keys expected, Keys actual) {
    assertEquals(expected.uuid(), actual.uuid());
    assertEquals(expected.registrationId(), actual.registrationId());
    assertArrayEquals(expected.identityKeyPair().publicKey(), actual.identityKeyPair().publicKey());
    assertArrayEquals(expected.identityKeyPair().privateKey(), actual.identityKeyPair().privateKey());
    assertArrayEquals(expected.noiseKeyPair().privateKey(), actual.noiseKeyPair().privateKey());
    assertArrayEquals(KeysSpec.encode(expected), KeysSpec.encode(actual));
  }

  private static void waitUntilNull(CredentialStore store) throws InterruptedException {
    long deadline = System.currentTimeMillis() + 10_000;
    while (await(store.load()) != null) {
      assertTrue(System.currentTimeMillis() < deadline, "credentials deleted in time");
      Thread.sleep(50);
    }
  }

  private static <T> T join(CompletableFuture<T> f) throws Exception {
    return f.get(10, TimeUnit.SECONDS);
  }

  private static <T> T await(Future<T> f) {
    try {
      return f.await(20, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }
}
