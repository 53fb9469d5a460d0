package dev.switchboard.device;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.MessageCodec;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.lang.reflect.Constructor;
import java.lang.reflect.RecordComponent;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The event-bus codec of {@link DeviceRequest}: between nodes a request is JSON, its record's simple
 * name as {@code op} and its components as fields; on one node the record itself is passed (records
 * are immutable). Components are strings, numbers and lists of strings; the record types are found
 * from the sealed interface, so a new operation needs no change here.
 */
final class DeviceRequestCodec implements MessageCodec<DeviceRequest, DeviceRequest> {

  static final String NAME = "switchboard.device-request";
  private static final Map<String, Class<?>> TYPES = new HashMap<>();

  static {
    collect(DeviceRequest.class);
  }

  private static void collect(Class<?> sealed) {
    for (Class<?> c : sealed.getPermittedSubclasses()) {
      if (c.isRecord()) {
        TYPES.put(c.getSimpleName(), c);
      } else {
        collect(c);
      }
    }
  }

  static JsonObject toJson(DeviceRequest request) {
    JsonObject json = new JsonObject().put("op", request.getClass().getSimpleName());
    try {
      for (RecordComponent c : request.getClass().getRecordComponents()) {
        Object value = c.getAccessor().invoke(request);
        json.put(c.getName(), value instanceof List<?> list ? new JsonArray(new ArrayList<>(list)) : value);
      }
    } catch (ReflectiveOperationException e) {
      throw new IllegalStateException("cannot encode " + request, e);
    }
    return json;
  }

  static DeviceRequest fromJson(JsonObject json) {
    Class<?> type = TYPES.get(json.getString("op", ""));
    if (type == null) {
      throw new IllegalArgumentException("unknown device operation '" + json.getString("op") + "'");
    }
    RecordComponent[] components = type.getRecordComponents();
    Object[] args = new Object[components.length];
    Class<?>[] types = new Class<?>[components.length];
    for (int i = 0; i < components.length; i++) {
      types[i] = components[i].getType();
      Object v = json.getValue(components[i].getName());
      args[i] = v instanceof JsonArray a ? List.copyOf(a.getList()) : types[i] == long.class ? ((Number) v).longValue() : v;
    }
    try {
      Constructor<?> canonical = type.getDeclaredConstructor(types);
      return (DeviceRequest) canonical.newInstance(args);
    } catch (ReflectiveOperationException e) {
      throw new IllegalArgumentException("cannot decode " + json, e);
    }
  }

  @Override
  public void encodeToWire(Buffer buffer, DeviceRequest request) {
    Buffer encoded = toJson(request).toBuffer();
    buffer.appendInt(encoded.length()).appendBuffer(encoded);
  }

  @Override
  public DeviceRequest decodeFromWire(int pos, Buffer buffer) {
    int length = buffer.getInt(pos);
    return fromJson(new JsonObject(buffer.getBuffer(pos + 4, pos + 4 + length)));
  }

  @Override
  public DeviceRequest transform(DeviceRequest request) {
    return request;
  }

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public byte systemCodecID() {
    return -1;
  }
}
