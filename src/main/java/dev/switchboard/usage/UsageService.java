package dev.switchboard.usage;

import dev.switchboard.kernel.ApiException;
import dev.switchboard.kernel.Page;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * Usage over time and the call log. Stats are sums of the per-minute rows that the writes keep
 * (store.UsageRollup), returned as a contiguous series: every bucket of the period, empty ones as zeros.
 */
public final class UsageService {

  public static final List<String> BUCKETS = List.of("minute", "hour", "day");
  /** The most buckets one answer holds: a week of minutes, a year of hours, 27 years of days. */
  public static final int MAX_BUCKETS = 10_080;
  private static final Map<String, ChronoUnit> UNITS = Map.of("minute", ChronoUnit.MINUTES, "hour", ChronoUnit.HOURS,
      "day", ChronoUnit.DAYS);

  private final Pool pool;

  public UsageService(Pool pool) {
    this.pool = pool;
  }

  /**
   * The counts of {@code clientId} (null: every client) per {@code bucket} from {@code since} (down to
   * its bucket's start; default: 24 buckets back) to {@code until} (default: now), UTC.
   */
  public Future<JsonObject> stats(String clientId, String bucket, Instant since, Instant until) {
    String unit = bucket == null ? "hour" : bucket;
    ChronoUnit step = UNITS.get(unit);
    Instant end = until == null ? Instant.now() : until;
    Instant start = since == null ? end.minus(Duration.of(24, step)) : since;
    start = start.truncatedTo(step);
    if (!start.isBefore(end)) {
      return Future.failedFuture(ApiException.validation("since", "since must be before until"));
    }
    long count = step.between(start, end.minusNanos(1).truncatedTo(step)) + 1;
    if (count > MAX_BUCKETS) {
      return Future.failedFuture(ApiException.validation("since", "at most " + MAX_BUCKETS + " " + unit
          + " buckets per request (asked for " + count + "): a shorter period or a larger bucket"));
    }
    Instant first = start;
    return UsageRepository.buckets(pool, clientId, unit, start, end).map(rows -> {
      JsonArray items = new JsonArray();
      Iterator<UsageRepository.Bucket> it = rows.iterator();
      UsageRepository.Bucket next = it.hasNext() ? it.next() : null;
      for (long i = 0; i < count; i++) {
        Instant t = first.plus(i, step);
        if (next != null && next.t().equals(t)) {
          items.add(next.toJson());
          next = it.hasNext() ? it.next() : null;
        } else {
          items.add(UsageRepository.Bucket.empty(t).toJson());
        }
      }
      return new JsonObject().put("bucket", unit).put("since", dev.switchboard.kernel.Times.iso(first))
          .put("until", dev.switchboard.kernel.Times.iso(end)).put("items", items);
    });
  }

  /** The client's calls, newest first; the cursor is the last call's time and id. */
  public Future<JsonObject> calls(String clientId, String deviceId, Instant since, Instant until, Page page) {
    OffsetDateTime beforeAt = null;
    String beforeId = null;
    if (page.after() != null) {
      int at = page.after().indexOf('|');
      try {
        beforeAt = OffsetDateTime.parse(page.after().substring(0, Math.max(at, 0))).withOffsetSameInstant(ZoneOffset.UTC);
      } catch (RuntimeException e) {
        return Future.failedFuture(ApiException.validation("cursor", "cursor is not one this API returned"));
      }
      beforeId = page.after().substring(at + 1);
    }
    return UsageRepository.calls(pool, clientId, deviceId, since, until, beforeAt, beforeId, page.limit() + 1)
        .map(rows -> page.result(rows, c -> c.at().toString() + "|" + c.callId(), UsageRepository.Call::toJson));
  }
}
