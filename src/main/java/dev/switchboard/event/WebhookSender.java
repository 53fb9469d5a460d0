package dev.switchboard.event;

import dev.switchboard.kernel.Version;
import dev.switchboard.outbound.BoundedBody;
import dev.switchboard.outbound.UrlGuard;
import dev.switchboard.tenant.ClientConfig;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.net.SocketAddress;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import io.vertx.ext.web.codec.BodyCodec;
import java.net.InetAddress;
import java.net.URI;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;

/**
 * Posts one delivery: resolves the webhook's host itself and connects to the address it checked, so
 * a DNS answer that changes between check and connect (rebinding) cannot reach a private address.
 * Redirects are not followed. Must be used from one context (the dispatcher's).
 */
final class WebhookSender {

  static final long TIMEOUT_MS = 10_000;
  /** Only an auto-reply is read from an answer; anything longer is dropped unread. */
  static final int MAX_ANSWER_BYTES = 64 * 1024;
  private static final long DNS_TTL_MS = 5_000;

  /** What an attempt came to: an HTTP status (or 0 when none came back), an error, a Retry-After. */
  record Result(String url, int status, String error, Long retryAfterMs, Buffer body) {

    boolean acknowledged() {
      return status >= 200 && status < 300;
    }
  }

  /** Where a post goes and how it is signed: a webhook's URL, its secret and the headers it adds. */
  record Target(String url, String secret, Map<String, String> headers) {

    /** The client's v1 webhook: its {@code webhookUrl}, signed with its webhook secret, with its {@code x-api-key}. */
    static Target of(ClientConfig config) {
      return new Target(config.webhookUrl(), config.webhookSecret(),
          config.webhookApiKey() == null ? Map.of() : Map.of("x-api-key", config.webhookApiKey()));
    }

    static Target of(Webhook webhook) {
      return new Target(webhook.url(), webhook.secret(), webhook.headers());
    }
  }

  private record Resolved(InetAddress address, long expiresAt) {
  }

  private final Vertx vertx;
  private final UrlGuard guard;
  private final WebClient client;
  private final Map<String, Resolved> dns = new HashMap<>();
  private final String userAgent = "Switchboard-Webhooks/" + Version.version();

  WebhookSender(Vertx vertx, UrlGuard guard, int connectionsPerEndpoint) {
    this.vertx = vertx;
    this.guard = guard;
    this.client = WebClient.create(vertx, new WebClientOptions()
        .setFollowRedirects(false)
        .setKeepAlive(true)
        .setKeepAliveTimeout(30)
        .setConnectTimeout(5_000)
        .setUserAgent(userAgent)
        .setTrustAll(false), new PoolOptions().setHttp1MaxSize(connectionsPerEndpoint).setMaxWaitQueueSize(-1));
  }

  Future<Result> post(Target target, String eventId, String payload) {
    String url = target.url();
    URI uri;
    try {
      uri = new URI(url);
    } catch (Exception e) {
      return Future.succeededFuture(new Result(url, 0, "invalid webhookUrl", null, null));
    }
    String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
    String host = uri.getHost();
    if (host == null || !(scheme.equals("http") || scheme.equals("https"))) {
      return Future.succeededFuture(new Result(url, 0, "invalid webhookUrl", null, null));
    }
    boolean ssl = scheme.equals("https");
    int port = uri.getPort() == -1 ? (ssl ? 443 : 80) : uri.getPort();
    String path = (uri.getRawPath() == null || uri.getRawPath().isEmpty() ? "/" : uri.getRawPath())
        + (uri.getRawQuery() == null ? "" : "?" + uri.getRawQuery());
    return resolve(host).compose(address -> {
      if (!guard.allowed(address)) {
        return Future.succeededFuture(new Result(url, 0,
            "UNSAFE_URL: " + host + " resolves to " + address.getHostAddress() + ", which is not a public address", null, null));
      }
      long ts = Instant.now().getEpochSecond();
      RequestOptions options = new RequestOptions().setHost(host).setPort(port).setSsl(ssl).setURI(path);
      BoundedBody answer = new BoundedBody(MAX_ANSWER_BYTES);
      var request = client.request(HttpMethod.POST, SocketAddress.inetSocketAddress(port, address.getHostAddress()), options)
          .as(BodyCodec.pipe(answer, true))
          .timeout(TIMEOUT_MS);
      // Custom headers first: the gateway's own (which a webhook cannot name) are set over them.
      target.headers().forEach(request::putHeader);
      request.putHeader("content-type", "application/json; charset=utf-8")
          .putHeader("webhook-id", eventId)
          .putHeader("webhook-timestamp", String.valueOf(ts))
          .putHeader("webhook-signature", WebhookSigner.sign(target.secret(), eventId, ts, payload));
      return request.sendBuffer(Buffer.buffer(payload))
          .map(resp -> result(url, resp, answer.body()))
          .recover(e -> Future.succeededFuture(new Result(url, 0, describe(e), null, null)));
    }, e -> Future.succeededFuture(new Result(url, 0, "cannot resolve " + host + ": " + e.getMessage(), null, null)));
  }

  private static Result result(String url, HttpResponse<Void> resp, Buffer body) {
    int status = resp.statusCode();
    String error = status >= 200 && status < 300 ? null : "HTTP " + status;
    return new Result(url, status, error, retryAfterMs(resp.getHeader("retry-after")), body);
  }

  /** Retry-After as delta-seconds or an HTTP date; null when absent or unreadable. */
  static Long retryAfterMs(String value) {
    if (value == null || value.isBlank()) {
      return null;
    }
    String v = value.trim();
    try {
      return Math.max(0, Long.parseLong(v)) * 1000;
    } catch (NumberFormatException notSeconds) {
      try {
        long at = ZonedDateTime.parse(v, DateTimeFormatter.RFC_1123_DATE_TIME).toInstant().toEpochMilli();
        return Math.max(0, at - System.currentTimeMillis());
      } catch (Exception unreadable) {
        return null;
      }
    }
  }

  /** The first address of the host, cached a few seconds; the blocking lookup runs on a worker. */
  private Future<InetAddress> resolve(String host) {
    String bare = host.startsWith("[") ? host.substring(1, host.length() - 1) : host;
    Resolved cached = dns.get(bare);
    long now = System.currentTimeMillis();
    if (cached != null && cached.expiresAt() > now) {
      return Future.succeededFuture(cached.address());
    }
    return vertx.executeBlocking(() -> InetAddress.getByName(bare), false).onSuccess(a -> {
      if (dns.size() > 10_000) {
        dns.clear();
      }
      dns.put(bare, new Resolved(a, System.currentTimeMillis() + DNS_TTL_MS));
    });
  }

  private static String describe(Throwable e) {
    String name = e.getClass().getSimpleName();
    String message = e.getMessage();
    if (name.contains("Timeout") || message != null && message.toLowerCase(Locale.ROOT).contains("timeout")) {
      return "no answer within " + TIMEOUT_MS / 1000 + " s";
    }
    return message == null ? name : message;
  }

  void close() {
    client.close();
  }
}
