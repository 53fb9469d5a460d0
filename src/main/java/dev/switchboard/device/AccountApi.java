package dev.switchboard.device;

import static io.vertx.core.http.HttpMethod.GET;
import static io.vertx.core.http.HttpMethod.PATCH;
import static io.vertx.core.http.HttpMethod.POST;

import dev.switchboard.http.Access;
import dev.switchboard.http.ApiRoutes;
import dev.switchboard.http.Bodies;
import dev.switchboard.http.Responses;
import dev.switchboard.http.RouteDoc;
import dev.switchboard.http.Schemas;
import dev.switchboard.kernel.ApiException;
import dev.switchboard.kernel.ChatIds;
import dev.switchboard.kernel.Fields;
import dev.switchboard.kernel.Phones;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.util.List;
import java.util.Set;

/** Routes of docs/api.md about one contact (lookup, block) and the account's own profile, answered by the live session. */
public final class AccountApi {

  /** WhatsApp's limits: a profile name of 25 characters, an about text of 139. */
  static final int MAX_NAME = 25;
  static final int MAX_ABOUT = 139;
  private static final JsonObject PHONE = new JsonObject().put("type", "string").put("pattern", "^\\+?[0-9]{7,15}$");

  private final DeviceService devices;
  private final DeviceClient client;

  public AccountApi(DeviceService devices, DeviceClient client) {
    this.devices = devices;
    this.client = client;
  }

  public void register(ApiRoutes routes) {
    String device = "/api/clients/:clientId/devices/:deviceId";
    String contact = device + "/contacts/:phone";
    routes.add(GET, contact, Access.CLIENT, "contacts", "A person's name, about text, picture and whether it is blocked",
        RouteDoc.of().pathParameter("phone", PHONE).returns(200, Schemas.object().put("description",
            "jid, phone, name, about?, pictureUrl?, blocked")).errors(404, 409, 503), this::contact);
    routes.add(POST, contact + "/block", Access.CLIENT, "contacts", "Block a person: its messages are no longer delivered",
        RouteDoc.of().pathParameter("phone", PHONE).returns(202, Schemas.object()).errors(409, 503), ctx -> block(ctx, true));
    routes.add(POST, contact + "/unblock", Access.CLIENT, "contacts", "Unblock a person",
        RouteDoc.of().pathParameter("phone", PHONE).returns(202, Schemas.object()).errors(409, 503), ctx -> block(ctx, false));
    routes.add(GET, device + "/profile", Access.CLIENT, "contacts", "The account's own name and about text",
        RouteDoc.of().returns(200, Schemas.object().put("description", "jid, name, about")).errors(409, 503), this::profile);
    routes.add(PATCH, device + "/profile", Access.CLIENT, "contacts", "Set the account's name and/or about text",
        RouteDoc.of().body(true, Schemas.object(List.of(), "name", Schemas.string(1, MAX_NAME), "about", Schemas.string(MAX_ABOUT))
                .put("minProperties", 1), new JsonObject().put("about", "Open 9-17"))
            .returns(202, Schemas.object()).errors(409, 503)
            .describe("501 NOT_SUPPORTED: the Cobalt engine cannot change the name"), this::updateProfile);
  }

  /** Asks the device actor, after checking that the device exists (404 rather than 503 for a wrong id). */
  private Future<JsonObject> ask(RoutingContext ctx, DeviceRequest.OnSession operation) {
    String clientId = ctx.pathParam("clientId");
    String deviceId = ctx.pathParam("deviceId");
    return devices.get(clientId, deviceId).compose(d -> client.session(clientId, deviceId, operation));
  }

  private void contact(RoutingContext ctx) {
    Responses.reply(ctx, ask(ctx, new DeviceRequest.Contact(Phones.digits("phone", ctx.pathParam("phone")))), Responses::ok);
  }

  private void block(RoutingContext ctx, boolean blocked) {
    String jid = ChatIds.jid("phone", Phones.digits("phone", ctx.pathParam("phone")));
    Responses.reply(ctx, ask(ctx, new DeviceRequest.Block(jid, blocked)), Responses::accepted);
  }

  private void profile(RoutingContext ctx) {
    Responses.reply(ctx, ask(ctx, new DeviceRequest.Profile()), Responses::ok);
  }

  private void updateProfile(RoutingContext ctx) {
    JsonObject body = Bodies.object(ctx, false);
    Fields.onlyFields(body, Set.of("name", "about"));
    String name = Fields.string(body, "name", false, MAX_NAME);
    String about = Fields.string(body, "about", false, MAX_ABOUT);
    if (name == null && about == null) {
      throw ApiException.validation("name", "give name, about or both");
    }
    if (name != null && name.isBlank()) {
      throw ApiException.validation("name", "name must not be blank");
    }
    Responses.reply(ctx, ask(ctx, new DeviceRequest.UpdateProfile(name, about)), Responses::accepted);
  }
}
