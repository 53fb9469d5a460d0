package dev.switchboard.support;

import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonObject;
import java.util.concurrent.TimeUnit;

/** A small blocking HTTP client for tests (tests run on the JUnit thread, never on an event loop). */
public final class Api implements AutoCloseable {

  private final Vertx vertx = Vertx.vertx();
  private final HttpClient http;
  private final int port;

  public Api(int port) {
    this.port = port;
    this.http = vertx.createHttpClient(new HttpClientOptions().setDefaultHost("127.0.0.1").setDefaultPort(port));
  }

  public record Response(int status, MultiMap headers, Buffer body) {

    public JsonObject json() {
      return body.length() == 0 ? null : new JsonObject(body);
    }

    public JsonObject data() {
      return json().getJsonObject("data");
    }

    public String errorCode() {
      JsonObject j = json();
      return j == null || j.getJsonObject("error") == null ? null : j.getJsonObject("error").getString("code");
    }

    @Override
    public String toString() {
      return status + " " + body;
    }
  }

  public Response call(HttpMethod method, String path, String key, Buffer body) {
    return call(method, path, key, body, MultiMap.caseInsensitiveMultiMap());
  }

  public Response call(HttpMethod method, String path, String key, Buffer body, MultiMap headers) {
    MultiMap all = MultiMap.caseInsensitiveMultiMap().addAll(headers);
    if (body != null && !all.contains("content-type")) {
      all.set("content-type", "application/json");
    }
    return callRaw(method, path, key, body, all);
  }

  /** A request with exactly these headers (plus the key). */
  public Response callRaw(HttpMethod method, String path, String key, Buffer body, MultiMap headers) {
    RequestOptions options = new RequestOptions().setMethod(method).setURI(path).setHeaders(headers);
    if (key != null) {
      options.putHeader("x-api-key", key);
    }
    try {
      return http.request(options)
          .compose(req -> (body == null ? req.send() : req.send(body))
              .compose(resp -> resp.body().map(b -> new Response(resp.statusCode(), resp.headers(), b))))
          .await(30, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new IllegalStateException(method + " " + path + " failed", e);
    }
  }

  public Response get(String path, String key) {
    return call(HttpMethod.GET, path, key, null);
  }

  public Response post(String path, String key, JsonObject body) {
    return call(HttpMethod.POST, path, key, body == null ? null : body.toBuffer());
  }

  public Response put(String path, String key, JsonObject body) {
    return call(HttpMethod.PUT, path, key, body.toBuffer());
  }

  public Response patch(String path, String key, JsonObject body) {
    return call(HttpMethod.PATCH, path, key, body.toBuffer());
  }

  public Response delete(String path, String key) {
    return call(HttpMethod.DELETE, path, key, null);
  }

  /** Creates a client with a key; returns the key. */
  public String clientWithKey(String clientId) {
    Response r = post("/api/clients/" + clientId + "/key", TestNode.MASTER, new JsonObject());
    if (r.status() != 201) {
      throw new IllegalStateException("cannot create client " + clientId + ": " + r);
    }
    return r.data().getString("key");
  }

  public int port() {
    return port;
  }

  @Override
  public void close() {
    vertx.close();
  }
}
