package dev.switchboard.store;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import java.util.function.ToIntFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Group commit for one kind of statement: items submitted while a batch is being written go into
 * the next one, so under load one statement (one round trip, one commit) carries hundreds of items,
 * and a lone item is written at once. Used by the node for work that every device actor or request
 * would otherwise do with a statement of its own.
 *
 * <p>Each item's future completes on the context that submitted it, so an actor's callbacks never
 * run on another thread. When a batch of several items fails, each is written alone, in order and
 * before the next batch, so one bad item (a device deleted meanwhile) cannot fail the others.
 *
 * @param <T> an item to write
 * @param <R> what the write answers for one item
 */
public final class GroupCommit<T, R> {

  private static final Logger log = LoggerFactory.getLogger(GroupCommit.class);

  /** Writes a batch in one statement; the answer holds one result per item, in the items' order. */
  @FunctionalInterface
  public interface Writer<T, R> {
    Future<List<R>> write(List<T> items);
  }

  /** What is refused when too much waits; the caller chooses the error its API shows. */
  public static final class Overloaded extends RuntimeException {
    public Overloaded(String name) {
      super(name + ": too many items waiting to be written", null, false, false);
    }
  }

  private record Pending<T, R>(T item, int weight, Promise<R> done, Context caller) {
  }

  /** How long a batch waits before it is written again while the database cannot be reached. */
  static final long RETRY_MS = 1_000;
  /** A batch without an answer for this long is logged, with what waits behind it (at most once a minute). */
  static final long SLOW_MS = 30_000;

  private final String name;
  private final int maxInFlight;
  private final int maxBatch;
  private final int maxWaiting;
  private final ToIntFunction<T> weight;
  private final Writer<T, R> writer;
  private List<Pending<T, R>> waiting = new ArrayList<>();
  private int waitingWeight;
  private int inFlight;
  /** When each batch under way started (nanoTime), for the log of a statement that does not answer. */
  private final java.util.IdentityHashMap<List<Pending<T, R>>, Long> startedAt = new java.util.IdentityHashMap<>();
  private long slowLoggedAt = System.nanoTime() - 2 * 60_000_000_000L;
  private volatile long slowMs = SLOW_MS;
  private final IdleWaiters idleWaiters = new IdleWaiters();
  private volatile RetryTimer retries;

  /**
   * @param maxInFlight statements under way at once (1 keeps the items' order across batches)
   * @param maxBatch    the weight one statement carries at most (an item heavier than that goes alone)
   * @param maxWaiting  the weight that may wait before {@link #submit} refuses with {@link Overloaded}
   * @param weight      an item's weight (rows it writes)
   */
  public GroupCommit(String name, int maxInFlight, int maxBatch, int maxWaiting, ToIntFunction<T> weight, Writer<T, R> writer) {
    this.name = name;
    this.maxInFlight = maxInFlight;
    this.maxBatch = maxBatch;
    this.maxWaiting = maxWaiting;
    this.weight = weight;
    this.writer = writer;
  }

  /** Items of weight one each. */
  public static <T, R> GroupCommit<T, R> of(String name, int maxInFlight, int maxBatch, int maxWaiting, Writer<T, R> writer) {
    return new GroupCommit<>(name, maxInFlight, maxBatch, maxWaiting, t -> 1, writer);
  }

  /**
   * While the database cannot be reached ({@link DbErrors#unreachable}), a batch is written again every
   * second, before any later one, instead of failing its items: for work in the background that must
   * not be lost (what a device received, what it sent), never for a request that waits for an answer.
   */
  public void retryWhileUnreachable(RetryTimer timer) {
    this.retries = timer;
  }

  /**
   * From now on a batch that cannot reach the database fails its items (at its next attempt) instead
   * of waiting: for a shutdown, whose {@link #flush} must not wait for the database to come back.
   */
  public void stopRetrying() {
    this.retries = null;
  }

  public Future<R> submit(T item) {
    int w = weight.applyAsInt(item);
    Promise<R> done = Promise.promise();
    List<List<Pending<T, R>>> batches;
    synchronized (this) {
      if (waitingWeight + w > maxWaiting) {
        return Future.failedFuture(new Overloaded(name));
      }
      waiting.add(new Pending<>(item, w, done, Vertx.currentContext()));
      waitingWeight += w;
      batches = take();
      if (batches.isEmpty()) {
        // The item waits for a batch under way: say so if that batch is stuck.
        logIfStuck();
      }
    }
    batches.forEach(this::write);
    return done.future();
  }

  /** Completes once nothing waits and nothing is being written: for a graceful shutdown. */
  public Future<Void> flush() {
    synchronized (this) {
      return idleWaiters.whenIdle(inFlight == 0 && waiting.isEmpty());
    }
  }

  /** Another wait than {@link #SLOW_MS} before a batch without an answer is logged (for tests). */
  GroupCommit<T, R> slowAfter(long ms) {
    this.slowMs = ms;
    return this;
  }

  /**
   * Under the lock: says so when a batch has waited for its answer past {@link #SLOW_MS}. Everything
   * submitted meanwhile waits behind it (a device's outbox, for one), so a statement that never answers
   * would otherwise stall them without a word.
   */
  private void logIfStuck() {
    long now = System.nanoTime();
    long oldest = now;
    for (long started : startedAt.values()) {
      oldest = Math.min(oldest, started);
    }
    long waitedMs = (now - oldest) / 1_000_000;
    if (waitedMs > slowMs && now - slowLoggedAt > 60_000_000_000L) {
      slowLoggedAt = now;
      log.warn("{}: a batch has had no answer from the database for {} s; {} item(s) wait behind it", name,
          waitedMs / 1000, waiting.size());
    }
  }

  /** Under the lock: the batches to start now. */
  private List<List<Pending<T, R>>> take() {
    List<List<Pending<T, R>>> batches = new ArrayList<>();
    while (inFlight < maxInFlight && !waiting.isEmpty()) {
      int total = 0;
      int n = 0;
      while (n < waiting.size() && (n == 0 || total + waiting.get(n).weight() <= maxBatch)) {
        total += waiting.get(n).weight();
        n++;
      }
      List<Pending<T, R>> batch = new ArrayList<>(waiting.subList(0, n));
      waiting = new ArrayList<>(waiting.subList(n, waiting.size()));
      waitingWeight -= total;
      inFlight++;
      startedAt.put(batch, System.nanoTime());
      batches.add(batch);
    }
    return batches;
  }

  private void write(List<Pending<T, R>> batch) {
    commit(batch, 0).onComplete(done -> {
      List<List<Pending<T, R>>> next;
      Runnable idle = () -> { };
      synchronized (this) {
        inFlight--;
        startedAt.remove(batch);
        next = take();
        if (inFlight == 0) {
          idle = idleWaiters.becameIdle();
        }
      }
      next.forEach(this::write);
      idle.run();
    });
  }

  /** Writes a batch and completes its items; {@code attempt} counts the times the database could not be reached. */
  private Future<Void> commit(List<Pending<T, R>> batch, int attempt) {
    return run(batch.stream().map(Pending::item).toList()).compose(results -> {
      if (attempt > 0) {
        log.info("{}: batch of {} written after {} attempt(s) while the database was unreachable", name, batch.size(), attempt);
      }
      Handoff handoff = new Handoff();
      for (int i = 0; i < batch.size(); i++) {
        handoff.add(batch.get(i).caller(), settle(batch.get(i), results.get(i), null));
      }
      handoff.run();
      return Future.<Void>succeededFuture();
    }, failure -> {
      RetryTimer timer = waitForDatabase(failure, attempt, batch.size());
      if (timer != null) {
        Promise<Void> later = Promise.promise();
        timer.after(RETRY_MS, () -> commit(batch, attempt + 1).onComplete(later));
        return later.future();
      }
      if (batch.size() == 1) {
        complete(batch.get(0), null, failure);
        return Future.succeededFuture();
      }
      log.warn("{}: batch of {} failed ({}); writing each alone, in order", name, batch.size(), failure.toString());
      return alone(batch, 0);
    });
  }

  /** The timer to write again with later when retries are on and the database is out of reach, else null. */
  private RetryTimer waitForDatabase(Throwable failure, int attempt, int items) {
    RetryTimer timer = retries;
    if (timer == null || !DbErrors.unreachable(failure)) {
      return null;
    }
    if (attempt == 0) {
      log.warn("{}: the database is unreachable ({}); writing {} item(s) again every {} ms until it is back", name,
          failure.toString(), items, RETRY_MS);
    }
    return timer;
  }

  /**
   * The items of a failed batch, one statement each and one after the other, so they are written in
   * the order they were submitted (a device's older state never lands after its newer one), and the
   * next batch waits until they are done.
   */
  private Future<Void> alone(List<Pending<T, R>> batch, int from) {
    if (from == batch.size()) {
      return Future.succeededFuture();
    }
    Pending<T, R> p = batch.get(from);
    return run(List.of(p.item())).transform(one -> {
      RetryTimer timer = one.failed() ? waitForDatabase(one.cause(), 1, 1) : null;
      if (timer != null) {
        Promise<Void> later = Promise.promise();
        timer.after(RETRY_MS, () -> alone(batch, from).onComplete(later));
        return later.future();
      }
      complete(p, one.succeeded() ? one.result().get(0) : null, one.cause());
      return alone(batch, from + 1);
    });
  }

  private Future<List<R>> run(List<T> items) {
    try {
      return writer.write(items).compose(results -> results.size() == items.size() ? Future.succeededFuture(results)
          : Future.failedFuture(new IllegalStateException(name + ": " + results.size() + " results for " + items.size() + " items")));
    } catch (RuntimeException e) {
      return Future.failedFuture(e);
    }
  }

  /** Completes {@code p} on the context that submitted it, so an actor's callbacks never run on another thread. */
  private static <T, R> void complete(Pending<T, R> p, R result, Throwable failure) {
    new Handoff().add(p.caller(), settle(p, result, failure)).run();
  }

  /** What completes {@code p}: with {@code result}, or failed when there is a {@code failure}. */
  private static <T, R> Runnable settle(Pending<T, R> p, R result, Throwable failure) {
    return failure == null ? () -> p.done().complete(result) : () -> p.done().fail(failure);
  }

  /** Builds the per-item answers from one batch answer, e.g. a set of the ids that were stored. */
  public static <T, R, A> Writer<T, R> each(Function<List<T>, Future<A>> statement, java.util.function.BiFunction<A, T, R> pick) {
    return items -> statement.apply(items).map(a -> items.stream().map(t -> pick.apply(a, t)).toList());
  }
}
