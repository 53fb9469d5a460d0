package dev.switchboard.device;

import dev.switchboard.http.Paging;
import dev.switchboard.kernel.Fields;
import static io.vertx.core.http.HttpMethod.DELETE;
import static io.vertx.core.http.HttpMethod.GET;
import static io.vertx.core.http.HttpMethod.PATCH;
import static io.vertx.core.http.HttpMethod.POST;

import dev.switchboard.http.Access;
import dev.switchboard.http.ApiRoutes;
import dev.switchboard.http.Auth;
import dev.switchboard.http.Bodies;
import dev.switchboard.kernel.ApiException;
import dev.switchboard.kernel.Ids;
import dev.switchboard.kernel.Page;
import dev.switchboard.kernel.Phones;
import dev.switchboard.http.Responses;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.util.Set;

/** Routes of docs/api.md, Devices. */
public final class DeviceApi {

  private final DeviceService devices;

  public DeviceApi(DeviceService devices) {
    this.devices = devices;
  }

  static final int MAX_PHONE = 20;
  static final int MAX_NAME = 100;

  public void register(ApiRoutes routes) {
    String base = "/api/clients/:clientId/devices";
    String one = base + "/:deviceId";
    routes.add(GET, base, Access.CLIENT, "devices", "List the client's devices", DeviceDocs.list(), this::list);
    routes.add(POST, base, Access.CLIENT, "devices", "Register a device; the QR is included when ready within 5 s",
        DeviceDocs.create(), this::create);
    routes.add(GET, one, Access.CLIENT, "devices", "One device", DeviceDocs.one(), this::get);
    routes.add(PATCH, one, Access.CLIENT, "devices", "Rename a device", DeviceDocs.rename(), this::rename);
    routes.add(GET, one + "/qr", Access.CLIENT, "devices", "The current QR (JSON with a PNG data URL, or ?format=png)",
        DeviceDocs.qr(), this::qr);
    routes.add(POST, one + "/pairing-code", Access.CLIENT, "devices", "Link by pairing code instead of QR",
        DeviceDocs.pairingCode(), this::pairingCode);
    routes.add(POST, one + "/reconnect", Access.CLIENT, "devices", "Reconnect the device's session",
        DeviceDocs.accepted(), this::reconnect);
    routes.add(POST, one + "/stop", Access.CLIENT, "devices",
        "Close the session and keep its credentials (STOPPED: not resumed on restart or failover)",
        DeviceDocs.accepted().describe("409 CONFLICT for a logged-out device"), this::stop);
    routes.add(POST, one + "/start", Access.CLIENT, "devices", "Start a stopped device again, without a new QR",
        DeviceDocs.accepted(), this::reconnect);
    routes.add(DELETE, one, Access.CLIENT, "devices", "Log the session out and remove the device", this::delete);
  }

  private void list(RoutingContext ctx) {
    Responses.reply(ctx, devices.list(ctx.pathParam("clientId"), Paging.of(ctx), Auth.principal(ctx).deviceIds()),
        Responses::ok);
  }

  private void create(RoutingContext ctx) {
    JsonObject body = Bodies.object(ctx, false);
    Fields.onlyFields(body, Set.of("deviceId", "name"));
    String deviceId = Ids.require("deviceId", Fields.string(body, "deviceId", true, 64));
    String name = name(body, false);
    if (!Auth.principal(ctx).allowsDevice(deviceId)) {
      throw Auth.deviceNotAllowed(deviceId);
    }
    Responses.reply(ctx, devices.register(ctx.pathParam("clientId"), deviceId, name, Auth.principal(ctx), Auth.sourceIp(ctx)),
        Responses::created);
  }

  private void rename(RoutingContext ctx) {
    JsonObject body = Bodies.object(ctx, false);
    Fields.onlyFields(body, Set.of("name"));
    Responses.reply(ctx, devices.rename(ctx.pathParam("clientId"), ctx.pathParam("deviceId"), name(body, true),
        Auth.principal(ctx), Auth.sourceIp(ctx)), Responses::ok);
  }

  /** The body's {@code name}: a string of 1 to {@value #MAX_NAME} characters once trimmed, on one line; null when absent. */
  static String name(JsonObject body, boolean required) {
    // Any raw length: only the trimmed name is limited (the body's size is limited already).
    String raw = Fields.string(body, "name", required, Integer.MAX_VALUE);
    if (raw == null) {
      return null;
    }
    String name = raw.strip();
    if (name.isEmpty()) {
      throw ApiException.validation("name", "name must not be blank");
    }
    if (name.codePointCount(0, name.length()) > MAX_NAME) {
      throw ApiException.validation("name", "name must be at most " + MAX_NAME + " characters");
    }
    if (name.chars().anyMatch(Character::isISOControl)) {
      throw ApiException.validation("name", "name must be one line without control characters");
    }
    return name;
  }

  private void get(RoutingContext ctx) {
    Responses.reply(ctx, devices.get(ctx.pathParam("clientId"), ctx.pathParam("deviceId")), Responses::ok);
  }

  private void qr(RoutingContext ctx) {
    String format = ctx.queryParams().get("format");
    if ("png".equals(format)) {
      devices.qrPng(ctx.pathParam("clientId"), ctx.pathParam("deviceId"))
          .onSuccess(png -> ctx.response().putHeader("content-type", "image/png").putHeader("cache-control", "no-store")
              .end(io.vertx.core.buffer.Buffer.buffer(png)))
          .onFailure(ctx::fail);
      return;
    }
    if (format != null && !"json".equals(format)) {
      throw ApiException.validation("format", "format must be json or png");
    }
    Responses.reply(ctx, devices.qr(ctx.pathParam("clientId"), ctx.pathParam("deviceId")), Responses::ok);
  }

  private void pairingCode(RoutingContext ctx) {
    JsonObject body = Bodies.object(ctx, false);
    Fields.onlyFields(body, Set.of("phoneNumber"));
    String phone = Phones.digits("phoneNumber", Fields.string(body, "phoneNumber", true, MAX_PHONE));
    Responses.reply(ctx, devices.pairingCode(ctx.pathParam("clientId"), ctx.pathParam("deviceId"), phone), Responses::ok);
  }

  private void reconnect(RoutingContext ctx) {
    Responses.reply(ctx, devices.reconnect(ctx.pathParam("clientId"), ctx.pathParam("deviceId")), Responses::accepted);
  }

  private void stop(RoutingContext ctx) {
    Responses.reply(ctx, devices.stop(ctx.pathParam("clientId"), ctx.pathParam("deviceId")), Responses::accepted);
  }

  private void delete(RoutingContext ctx) {
    String deviceId = ctx.pathParam("deviceId");
    Responses.reply(ctx, devices.delete(ctx.pathParam("clientId"), deviceId, Auth.principal(ctx), Auth.sourceIp(ctx))
        .map(v -> new JsonObject().put("deviceId", deviceId).put("deleted", true)), Responses::ok);
  }
}
