package dev.switchboard.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.switchboard.support.Api;
import dev.switchboard.support.Devices;
import dev.switchboard.support.Sim;
import dev.switchboard.support.TestBed;
import dev.switchboard.support.TestNode;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Walks every route of the node's own OpenAPI document, with the master key and with a client key,
 * and sends each one broken bodies and ids: none may answer 5xx, answer outside the error envelope,
 * or take 10 s. Routes that destroy what the walk stands on (deletes, key changes, leaving a group)
 * are walked last, one at a time, so the walk runs after the other tests here.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class BadInputWalkTest {

  private static final String CLIENT = "walk";
  private static final String PHONE = "15557770000";
  private static final String BOB = "15557771111";
  private static final Duration SLOW = Duration.ofSeconds(10);
  private static final String BIG = "x".repeat(300 * 1024);
  private static final String LONG_ID = "i".repeat(5_000);
  private static final String SURROGATE = "LONE-SURROGATE-HERE";

  private static final Map<String, String> ids = new java.util.HashMap<>();

  @RegisterExtension
  static final TestBed bed = TestBed.database().withSim(20_000)
      .withNode("--send-rate", "0", "--master-rate-limit", "10000000").withClient(CLIENT);

  private static HttpClient http;

  @BeforeAll
  static void start() {
    try (Api api = new Api(bed.node().httpPort())) {
      api.put("/api/clients/" + CLIENT + "/config", TestNode.MASTER, new JsonObject().put("rateLimitPerMinute", 1_000_000));
      Devices.link(api, bed.sim(), bed.key(), CLIENT, "d", PHONE);
      String device = "/api/clients/" + CLIENT + "/devices/d";
      Api.Response sent = api.post(device + "/messages/text", bed.key(), new JsonObject().put("to", BOB).put("text", "hi"));
      assertEquals(202, sent.status(), sent.toString());
      ids.put("messageId", sent.data().getString("messageId"));
      ids.put("clientId", CLIENT);
      ids.put("deviceId", "d");
      ids.put("chatId", BOB + "@s.whatsapp.net");
      ids.put("phone", BOB);
      ids.put("type", "nonsense");
      ids.put("id", "1");
      ids.put("code", "AbCdEf123456");
      ids.put("mediaId", "med_00000000000000000000000000000000");
      ids.put("keyId", "00000000-0000-0000-0000-000000000000");
      Api.Response webhook = api.post("/api/clients/" + CLIENT + "/webhooks", bed.key(),
          new JsonObject().put("url", "http://127.0.0.1:9/hook"));
      assertEquals(201, webhook.status(), webhook.toString());
      ids.put("webhookId", webhook.data().getString("webhookId"));
      for (String key : List.of("master", "client")) {
        Api.Response group = api.post(device + "/groups", bed.key(),
            new JsonObject().put("subject", "walk " + key).put("participants", new JsonArray().add(BOB)));
        assertEquals(201, group.status(), group.toString());
        ids.put("groupId/" + key, group.data().getString("groupId"));
      }
    }
    http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(SLOW).build();
  }

  /** One request of the walk, and what it must not do. */
  record Probe(String method, String path, String key, String label, String contentType, byte[] body) {

    @Override
    public String toString() {
      return method + " " + (path.length() > 120 ? path.substring(0, 120) + "..." : path) + " [" + key + ", " + label + "]";
    }
  }

  @Test
  @Order(1)
  void aNulInAPollOptionOrAReactionIs400AndNothingIsSent() {
    String device = "/api/clients/" + CLIENT + "/devices/d/messages/";
    try (Api api = new Api(bed.node().httpPort())) {
      int before = bed.sim().received(BOB).size();
      List<Api.Response> answers = List.of(
          api.post(device + "poll", bed.key(), new JsonObject().put("to", BOB).put("question", "q")
              .put("options", new JsonArray().add("a\u0000").add("b"))),
          api.post(device + "react", bed.key(), new JsonObject().put("to", BOB).put("messageId", ids.get("messageId"))
              .put("emoji", "\u0000")),
          api.post(device + "text", bed.key(), new JsonObject().put("to", BOB).put("text", "a\u0000b")));
      for (Api.Response r : answers) {
        assertEquals(400, r.status(), r.toString());
        assertEquals("VALIDATION_ERROR", r.errorCode());
      }
      TestNode.settle(bed.node());
      assertEquals(before, bed.sim().received(BOB).size());
    }
  }

  @Test
  @Order(2)
  void noRouteAnswersBadInputWithA5xxOrSlowerThanTenSeconds() throws Exception {
    JsonObject paths = new JsonObject(get("/api/openapi.json")).getJsonObject("paths");
    List<String[]> routes = new ArrayList<>();
    int operations = 0;
    for (String path : paths.fieldNames()) {
      for (String method : paths.getJsonObject(path).fieldNames()) {
        operations++;
        routes.add(new String[] {method.toUpperCase(), path});
        // The send's {type} is an enum: each type has its own body and validation, so each is walked.
        for (Object p : paths.getJsonObject(path).getJsonObject(method).getJsonArray("parameters", new JsonArray())) {
          JsonObject param = (JsonObject) p;
          JsonArray values = param.getJsonObject("schema").getJsonArray("enum");
          if ("path".equals(param.getString("in")) && values != null) {
            String name = "{" + param.getString("name") + "}";
            values.forEach(v -> routes.add(new String[] {method.toUpperCase(), path.replace(name, (String) v)}));
          }
        }
      }
    }
    assertTrue(operations >= 35, "the document lists only " + operations + " operations");
    assertTrue(routes.size() >= 45, "the walk has only " + routes.size() + " routes");
    List<Probe> safe = new ArrayList<>();
    List<List<Probe>> destructive = new ArrayList<>();
    for (String key : List.of("client", "master")) {
      List<String[]> ordered = new ArrayList<>(routes);
      ordered.sort(Comparator.comparingInt(r -> destruction(r[0], r[1])));
      for (String[] route : ordered) {
        List<Probe> probes = probes(route[0], route[1], key);
        if (destruction(route[0], route[1]) > 0) {
          destructive.add(probes);
        } else {
          safe.addAll(probes);
        }
      }
    }
    long started = System.nanoTime();
    List<String> problems = Collections.synchronizedList(new ArrayList<>());
    Map<Integer, Integer> statuses = new java.util.concurrent.ConcurrentSkipListMap<>();
    run(safe, problems, statuses);
    for (List<Probe> batch : destructive) {
      run(batch, problems, statuses);
    }
    int total = safe.size() + destructive.stream().mapToInt(List::size).sum();
    System.out.printf("bad-input walk: %d operations, %d requests in %d ms; answers by status: %s%n", routes.size(),
        total, (System.nanoTime() - started) / 1_000_000, statuses);
    assertEquals(List.of(), problems.stream().sorted().toList());
  }

  /** 0 for routes the walk may call in any order; higher for ones that remove what later ones use. */
  private static int destruction(String method, String path) {
    if (path.endsWith("/key/rotate")) {
      return 3;
    }
    if (path.equals("/api/clients/{clientId}") && method.equals("DELETE")) {
      return 4;
    }
    if (path.endsWith("/key")) {
      return 3;
    }
    return method.equals("DELETE") || path.endsWith("/leave") ? 1 : 0;
  }

  private static List<Probe> probes(String method, String template, String key) {
    String secret = key.equals("master") ? TestNode.MASTER : bed.key();
    List<Probe> out = new ArrayList<>();
    String path = fill(template, key, null);
    JsonObject valid = validBody(template);
    String json = valid.encode();
    out.add(new Probe(method, path, secret, "valid-looking", "application/json", bytes(json)));
    out.add(new Probe(method, path, secret, "empty", "application/json", new byte[0]));
    out.add(new Probe(method, path + "?cursor=AA&limit=2", secret, "cursor of a NUL", "application/json", bytes(json)));
    out.add(new Probe(method, path + "?cursor=" + "QUFB".repeat(1_000) + "&status=%00&format=%00", secret,
        "long cursor, NUL filters", "application/json", bytes(json)));
    out.add(new Probe(method, path, secret, "malformed", "application/json", bytes("{\"to\": [1, }")));
    out.add(new Probe(method, path, secret, "truncated", "application/json", bytes(json.substring(0, json.length() / 2))));
    for (String shape : List.of("[1,2]", "\"text\"", "null", "42", "true")) {
      out.add(new Probe(method, path, secret, "shape " + shape, "application/json", bytes(shape)));
    }
    out.add(new Probe(method, path, secret, "nested arrays", "application/json",
        bytes("[".repeat(10_000) + "]".repeat(10_000))));
    out.add(new Probe(method, path, secret, "nested objects", "application/json",
        bytes("{\"a\":".repeat(10_000) + "1" + "}".repeat(10_000))));
    out.add(new Probe(method, path, secret, "not UTF-8", "application/json",
        concat(bytes("{\"name\":\"a"), new byte[] {(byte) 0xC3, (byte) 0x28, (byte) 0xFF}, bytes("\"}"))));
    out.add(new Probe(method, path, secret, "latin-1", "application/json; charset=iso-8859-1",
        json.replace("}", ",\"é\":1}").getBytes(StandardCharsets.ISO_8859_1)));
    out.add(new Probe(method, path, secret, "text/plain", "text/plain", bytes(json)));
    out.add(new Probe(method, path, secret, "no content type", null, bytes(json)));
    out.add(new Probe(method, path, secret, "form", "application/x-www-form-urlencoded", bytes("a=%zz&b=%u0000")));
    out.add(new Probe(method, path, secret, "multipart", "multipart/form-data; boundary=xx", bytes("--xx\r\nbroken")));
    out.add(new Probe(method, path, secret, "comments", "application/json", bytes("/* c */ " + json + " // end")));
    out.add(new Probe(method, path, secret, "raw NUL", "application/json", bytes("{\"a\":\"x\u0000y\"}")));
    out.add(new Probe(method, path, secret, "NUL in a name", "application/json",
        bytes(valid.copy().put("n\u0000", 1).encode())));
    for (String leaf : leaves(valid, "")) {
      for (var bad : Map.of("300 KB", BIG, "NUL", "a\u0000b", "lone surrogate", SURROGATE).entrySet()) {
        JsonObject body = valid.copy();
        replace(body, leaf, bad.getValue());
        // JSON escapes it: a lone surrogate has no UTF-8 form of its own.
        String text = body.encode().replace(SURROGATE, "a\\ud800b");
        out.add(new Probe(method, path, secret, bad.getKey() + " in " + leaf, "application/json", bytes(text)));
      }
    }
    Matcher params = Pattern.compile("\\{([A-Za-z]+)}").matcher(template);
    while (params.find()) {
      String longPath = fill(template, key, params.group(1));
      out.add(new Probe(method, longPath, secret, "5,000-char " + params.group(1), "application/json", bytes(json)));
      out.add(new Probe(method, longPath, secret, "5,000-char " + params.group(1) + ", malformed", "application/json",
          bytes("{")));
    }
    return out;
  }

  /** The path with real ids of the walk's client and device, or a 5,000-character {@code longParam}. */
  private static String fill(String template, String key, String longParam) {
    Matcher m = Pattern.compile("\\{([A-Za-z]+)}").matcher(template);
    StringBuilder out = new StringBuilder();
    while (m.find()) {
      String name = m.group(1);
      String value = name.equals(longParam) ? LONG_ID
          : name.equals("groupId") ? ids.get("groupId/" + key) : ids.get(name);
      if (value == null) {
        throw new IllegalStateException("no id for {" + name + "} in " + template);
      }
      m.appendReplacement(out, Matcher.quoteReplacement(java.net.URLEncoder.encode(value, StandardCharsets.UTF_8)));
    }
    m.appendTail(out);
    return out.toString();
  }

  /** A body each route would take, so that a bad value in one field is all that is wrong with it. */
  private static JsonObject validBody(String path) {
    JsonObject to = new JsonObject().put("to", BOB);
    String tail = path.substring(path.lastIndexOf('/') + 1);
    return switch (tail) {
      case "token" -> new JsonObject().put("ttlSeconds", 900);
      case "clients" -> new JsonObject().put("clientId", "walk2").put("name", "Walk two");
      case "key", "rotate" -> path.endsWith("/key") || path.endsWith("/key/rotate") ? new JsonObject().put("ttlDays", 30)
          : new JsonObject();
      case "config" -> new JsonObject().put("webhookUrl", "http://127.0.0.1:9/hook").put("webhookApiKey", "k")
          .put("events", new JsonObject().put("message", true)).put("maxDevices", 5)
          .put("callPolicy", new JsonObject().put("reject", true).put("message", "busy")).put("rateLimitPerMinute", 1_000_000);
      case "devices" -> new JsonObject().put("deviceId", "d2");
      case "webhooks" -> new JsonObject().put("url", "http://127.0.0.1:9/hook").put("events", new JsonArray().add("message"))
          .put("headers", new JsonObject().put("x-a", "b"));
      case "pairing-code" -> new JsonObject().put("phoneNumber", "15557772222");
      case "rebalance" -> new JsonObject().put("maxMoves", 1).put("perSecond", 1);
      case "text" -> to.put("text", "hello").put("replyTo", ids.get("messageId")).put("mentions", new JsonArray().add(BOB))
          .put("sendAt", "2099-01-01T00:00:00Z");
      case "image", "video", "sticker" -> to.put("mediaId", ids.get("mediaId")).put("caption", "c");
      case "audio" -> to.put("mediaId", ids.get("mediaId")).put("voice", true);
      case "file" -> to.put("mediaId", ids.get("mediaId")).put("fileName", "a.pdf").put("caption", "c");
      case "location" -> to.put("latitude", 1.5).put("longitude", 2.5).put("name", "n").put("address", "a");
      case "contact" -> to.put("contacts", new JsonArray().add(new JsonObject().put("name", "n").put("phone", BOB)));
      case "poll" -> to.put("question", "q").put("options", new JsonArray().add("a").add("b")).put("multiple", false);
      case "react" -> to.put("messageId", ids.get("messageId")).put("emoji", "👍");
      case "presence" -> new JsonObject().put("chatId", BOB).put("state", "composing");
      case "groups" -> new JsonObject().put("subject", "s").put("participants", new JsonArray().add(BOB));
      case "join" -> new JsonObject().put("invite", "ABCDEFGHIJKL");
      case "participants" -> new JsonObject().put("add", new JsonArray().add("15557773333"));
      default -> new JsonObject();
    };
  }

  /** Paths of every leaf value: {@code a}, {@code a.b}, {@code a[0]}. */
  private static List<String> leaves(Object value, String prefix) {
    List<String> out = new ArrayList<>();
    if (value instanceof JsonObject o) {
      for (String name : o.fieldNames()) {
        out.addAll(leaves(o.getValue(name), prefix.isEmpty() ? name : prefix + "." + name));
      }
    } else if (value instanceof JsonArray a) {
      for (int i = 0; i < a.size(); i++) {
        out.addAll(leaves(a.getValue(i), prefix + "[" + i + "]"));
      }
    } else {
      out.add(prefix);
    }
    return out;
  }

  private static void replace(JsonObject body, String leaf, String value) {
    Object parent = body;
    String[] steps = leaf.split("\\.|(?=\\[)");
    for (int i = 0; i < steps.length; i++) {
      String step = steps[i];
      boolean last = i == steps.length - 1;
      if (step.startsWith("[")) {
        int index = Integer.parseInt(step.substring(1, step.length() - 1));
        JsonArray a = (JsonArray) parent;
        if (last) {
          a.set(index, value);
        } else {
          parent = a.getValue(index);
        }
      } else {
        JsonObject o = (JsonObject) parent;
        if (last) {
          o.put(step, value);
        } else {
          parent = o.getValue(step);
        }
      }
    }
  }

  private void run(List<Probe> probes, List<String> problems, Map<Integer, Integer> statuses) {
    Semaphore slots = new Semaphore(8);
    List<CompletableFuture<?>> all = new ArrayList<>();
    for (Probe probe : probes) {
      slots.acquireUninterruptibly();
      long sent = System.nanoTime();
      all.add(http.sendAsync(request(probe), HttpResponse.BodyHandlers.ofString())
          .whenComplete((response, error) -> {
            slots.release();
            if (response != null) {
              statuses.merge(response.statusCode(), 1, Integer::sum);
            }
            Duration took = Duration.ofNanos(System.nanoTime() - sent);
            String problem = check(response, error, took);
            if (problem != null) {
              problems.add(probe + " -> " + problem);
            }
          }));
    }
    CompletableFuture.allOf(all.toArray(CompletableFuture[]::new)).exceptionally(e -> null).join();
  }

  private static String check(HttpResponse<String> response, Throwable error, Duration took) {
    if (error != null) {
      return "no answer: " + error;
    }
    String body = response.body().length() > 200 ? response.body().substring(0, 200) + "..." : response.body();
    if (response.statusCode() >= 500) {
      return response.statusCode() + " " + body;
    }
    if (took.compareTo(SLOW) > 0) {
      return "answered after " + took.toMillis() + " ms";
    }
    if (response.statusCode() >= 400) {
      try {
        JsonObject json = new JsonObject(response.body());
        if (!Boolean.FALSE.equals(json.getBoolean("success")) || json.getJsonObject("error").getString("code") == null) {
          return response.statusCode() + " outside the error envelope: " + body;
        }
      } catch (RuntimeException e) {
        return response.statusCode() + " outside the error envelope: " + body;
      }
    }
    return null;
  }

  private static HttpRequest request(Probe probe) {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + bed.node().httpPort() + probe.path()))
        .timeout(SLOW.plusSeconds(5))
        .header("x-api-key", probe.key())
        .method(probe.method(), HttpRequest.BodyPublishers.ofByteArray(probe.body()));
    if (probe.contentType() != null) {
      b.header("content-type", probe.contentType());
    }
    return b.build();
  }

  private static String get(String path) throws Exception {
    return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + bed.node().httpPort() + path)).build(),
        HttpResponse.BodyHandlers.ofString()).body();
  }

  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  private static byte[] concat(byte[]... parts) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (byte[] part : parts) {
      out.writeBytes(part);
    }
    return out.toByteArray();
  }
}
