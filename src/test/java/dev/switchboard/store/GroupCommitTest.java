package dev.switchboard.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Batching, per-item answers, isolation of a bad item, back-pressure and the caller's context. */
class GroupCommitTest {

  private Vertx vertx;

  @BeforeEach
  void start() {
    vertx = Vertx.vertx();
  }

  @AfterEach
  void stop() throws Exception {
    vertx.close().await(10, TimeUnit.SECONDS);
  }

  @Test
  void itemsWaitingDuringAWriteGoIntoTheNextBatchAndGetTheirOwnAnswer() throws Exception {
    List<List<Integer>> batches = Collections.synchronizedList(new ArrayList<>());
    List<Promise<List<Integer>>> open = Collections.synchronizedList(new ArrayList<>());
    GroupCommit<Integer, Integer> commit = GroupCommit.of("test", 1, 100, 1_000, items -> {
      batches.add(items);
      Promise<List<Integer>> p = Promise.promise();
      open.add(p);
      return p.future().map(v -> items.stream().map(i -> i * 10).toList());
    });
    List<Future<Integer>> answers = new ArrayList<>();
    for (int i = 1; i <= 5; i++) {
      answers.add(commit.submit(i));
    }
    // The first item went alone; the four that came while it was written wait for one statement.
    assertEquals(List.of(List.of(1)), batches);
    open.get(0).complete();
    assertEquals(List.of(List.of(1), List.of(2, 3, 4, 5)), batches);
    open.get(1).complete();
    assertEquals(List.of(10, 20, 30, 40, 50), Future.all(answers).await(5, TimeUnit.SECONDS).list());
  }

  @Test
  void aBatchWaitsForAnUnreachableDatabaseEvenWhenTheActorThatSubmittedItIsUndeployed() throws Exception {
    List<List<Integer>> written = Collections.synchronizedList(new ArrayList<>());
    java.util.concurrent.atomic.AtomicInteger refusals = new java.util.concurrent.atomic.AtomicInteger(2);
    GroupCommit<Integer, Integer> commit = GroupCommit.of("test", 1, 100, 1_000, items -> {
      if (refusals.getAndDecrement() > 0) {
        return Future.failedFuture(new java.net.ConnectException("Connection refused"));
      }
      written.add(items);
      return Future.succeededFuture(items.stream().map(i -> i * 10).toList());
    });
    commit.retryWhileUnreachable(new RetryTimer(vertx));
    // An actor submits and is undeployed while its batch waits for the database (a device losing its lease).
    String actor = vertx.deployVerticle(new io.vertx.core.VerticleBase() {
      @Override
      public Future<?> start() {
        commit.submit(1);
        commit.submit(2);
        return Future.succeededFuture();
      }
    }).await(5, TimeUnit.SECONDS);
    vertx.undeploy(actor).await(5, TimeUnit.SECONDS);
    // Written in order once the database answers, and what comes later is written after them.
    assertEquals(30, commit.submit(3).await(10, TimeUnit.SECONDS));
    assertEquals(List.of(List.of(1), List.of(2, 3)), written);
  }

  @Test
  void afterStopRetryingABatchWaitingForTheDatabaseFailsAndFlushCompletes() throws Exception {
    java.util.concurrent.atomic.AtomicInteger attempts = new java.util.concurrent.atomic.AtomicInteger();
    GroupCommit<Integer, Integer> commit = GroupCommit.of("test", 1, 100, 1_000, items -> {
      attempts.incrementAndGet();
      return Future.failedFuture(new java.net.ConnectException("Connection refused"));
    });
    commit.retryWhileUnreachable(new RetryTimer(vertx));
    Future<Integer> waiting = commit.submit(1);
    Future<Void> flushed = commit.flush();
    Thread.sleep(1_500);
    assertFalse(waiting.isComplete(), "still waiting for the database");
    assertTrue(attempts.get() >= 2, "written again while the database is out of reach");
    commit.stopRetrying();
    flushed.await(5, TimeUnit.SECONDS);
    assertInstanceOf(java.net.ConnectException.class, waiting.cause());
  }

  @Test
  void flushCompletesOnceEverythingSubmittedIsWritten() throws Exception {
    List<Promise<List<Integer>>> open = Collections.synchronizedList(new ArrayList<>());
    GroupCommit<Integer, Integer> commit = GroupCommit.of("test", 1, 100, 1_000, items -> {
      Promise<List<Integer>> p = Promise.promise();
      open.add(p);
      return p.future().map(v -> items);
    });
    assertTrue(commit.flush().succeeded(), "nothing submitted: flushed at once");
    commit.submit(1);
    commit.submit(2);
    Future<Void> flushed = commit.flush();
    open.get(0).complete();
    assertFalse(flushed.isComplete(), "the second item is still to be written");
    open.get(1).complete();
    flushed.await(5, TimeUnit.SECONDS);
    assertTrue(flushed.succeeded());
  }

  @Test
  void aFailedBatchIsWrittenItemByItemSoOnlyTheBadItemFails() throws Exception {
    List<Integer> sizes = Collections.synchronizedList(new ArrayList<>());
    Promise<Void> gate = Promise.promise();
    GroupCommit<Integer, Integer> commit = GroupCommit.of("test", 1, 100, 1_000, items -> {
      sizes.add(items.size());
      Future<Void> wait = sizes.size() == 1 ? gate.future() : Future.succeededFuture();
      return wait.compose(v -> items.contains(3) ? Future.failedFuture("bad item") : Future.succeededFuture(items));
    });
    Future<Integer> first = commit.submit(1);
    List<Future<Integer>> rest = List.of(commit.submit(2), commit.submit(3), commit.submit(4));
    gate.complete();
    assertEquals(1, first.await(5, TimeUnit.SECONDS));
    Future.join(rest).otherwiseEmpty().await(5, TimeUnit.SECONDS);
    assertEquals(2, rest.get(0).result());
    assertTrue(rest.get(1).failed());
    assertEquals(4, rest.get(2).result());
    assertEquals(List.of(1, 3, 1, 1, 1), sizes);
  }

  @Test
  void theItemsOfAFailedBatchAreWrittenInOrderBeforeTheNextBatch() throws Exception {
    // Writes complete in reverse order of starting unless the next one waits: the first item's is slowest.
    List<String> log = Collections.synchronizedList(new ArrayList<>());
    Promise<Void> gate = Promise.promise();
    Vertx timers = Vertx.vertx();
    try {
      GroupCommit<Integer, Integer> commit = GroupCommit.of("test", 1, 100, 1_000, items -> {
        log.add("start " + items);
        if (log.size() == 1) {
          return gate.future().map(v -> items);
        }
        if (items.size() > 1) {
          return Future.failedFuture("deadlock detected");
        }
        Promise<List<Integer>> slow = Promise.promise();
        timers.setTimer(items.get(0) == 2 ? 200 : 1, t -> {
          log.add("end " + items);
          slow.complete(items);
        });
        return slow.future();
      });
      Future<Integer> first = commit.submit(1);
      List<Future<Integer>> failedBatch = List.of(commit.submit(2), commit.submit(3));
      gate.complete();
      first.await(5, TimeUnit.SECONDS);
      Future<Integer> later = commit.submit(4);
      Future.all(failedBatch).await(5, TimeUnit.SECONDS);
      later.await(5, TimeUnit.SECONDS);
      assertEquals(List.of("start [1]", "start [2, 3]", "start [2]", "end [2]", "start [3]", "end [3]", "start [4]", "end [4]"), log);
    } finally {
      timers.close().await(5, TimeUnit.SECONDS);
    }
  }

  @Test
  void tooMuchWaitingIsRefusedAndBatchesRespectTheirWeight() throws Exception {
    List<Integer> weights = Collections.synchronizedList(new ArrayList<>());
    Promise<Void> gate = Promise.promise();
    GroupCommit<List<Integer>, Integer> commit = new GroupCommit<>("test", 1, 5, 8, List::size, items -> {
      weights.add(items.stream().mapToInt(List::size).sum());
      return gate.future().map(v -> items.stream().map(List::size).toList());
    });
    commit.submit(List.of(1, 2, 3));
    commit.submit(List.of(1, 2, 3));
    commit.submit(List.of(1, 2, 3, 4, 5));
    Future<Integer> refused = commit.submit(List.of(1));
    assertInstanceOf(GroupCommit.Overloaded.class, refused.cause());
    gate.complete();
    // 3 alone, then 3 (3 + 5 is over the batch weight of 5), then 5.
    assertEquals(List.of(3, 3, 5), weights);
  }

  @Test
  void answersArriveOnTheSubmittersContext() throws Exception {
    Context a = vertx.getOrCreateContext();
    GroupCommit<Integer, Integer> commit = GroupCommit.of("test", 1, 100, 1_000,
        items -> vertx.timer(5).map(v -> items));
    CompletableFuture<Boolean> same = new CompletableFuture<>();
    a.runOnContext(v -> commit.submit(7).onComplete(ar -> same.complete(Vertx.currentContext() == a)));
    assertTrue(same.get(5, TimeUnit.SECONDS));
  }

  @Test
  void aBatchThatGetsNoAnswerIsLoggedWithWhatWaitsBehindIt() throws Exception {
    ch.qos.logback.core.read.ListAppender<ch.qos.logback.classic.spi.ILoggingEvent> logged = new ch.qos.logback.core.read.ListAppender<>();
    logged.start();
    ch.qos.logback.classic.Logger logger = (ch.qos.logback.classic.Logger) org.slf4j.LoggerFactory.getLogger(GroupCommit.class);
    logger.addAppender(logged);
    try {
      // A statement that never answers: what comes after it waits, and the log says so.
      GroupCommit<Integer, Integer> commit = GroupCommit.<Integer, Integer>of("stuck writes", 1, 100, 1_000,
          items -> Promise.<List<Integer>>promise().future()).slowAfter(100);
      commit.submit(1);
      commit.submit(2);
      assertTrue(logged.list.isEmpty(), "nothing to say yet");
      Thread.sleep(200);
      commit.submit(3);
      commit.submit(4);
      List<String> warnings = logged.list.stream().map(ch.qos.logback.classic.spi.ILoggingEvent::getFormattedMessage).toList();
      assertEquals(1, warnings.size(), "said once: " + warnings);
      assertTrue(warnings.get(0).startsWith("stuck writes: a batch has had no answer from the database for"), warnings.get(0));
      assertTrue(warnings.get(0).endsWith("; 2 item(s) wait behind it"), warnings.get(0));
    } finally {
      logger.detachAppender(logged);
    }
  }
}
