package dev.switchboard.simulator;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * Channels (WhatsApp's newsletters) of the simulated network: each has an owner, who alone posts to
 * it, and keeps its newest posts. A channel's posts are text and images, as WhatsApp allows.
 */
final class Channels {

  static final String SUFFIX = "@newsletter";
  static final int MAX_NAME = 100;
  static final Set<String> TYPES = Set.of("text", "image");

  private static final class Channel {
    final String id;
    final String owner;
    final String name;
    final Deque<JsonObject> posts = new ArrayDeque<>();

    Channel(String id, String owner, String name) {
      this.id = id;
      this.owner = owner;
      this.name = name;
    }
  }

  private final Map<String, Channel> byId = new LinkedHashMap<>();
  private final int postLimit;

  Channels(int postLimit) {
    this.postLimit = postLimit;
  }

  static boolean isChannel(String chat) {
    return chat != null && chat.endsWith(SUFFIX);
  }

  String create(String owner, String name) {
    if (name == null || name.isBlank() || name.length() > MAX_NAME) {
      throw SimException.badRequest("name must be 1 to " + MAX_NAME + " characters");
    }
    StringBuilder id = new StringBuilder("120363");
    id.append(Jids.random("0123456789", 12));
    Channel channel = new Channel(id + SUFFIX, owner, name);
    byId.put(channel.id, channel);
    return channel.id;
  }

  /** The channels {@code phone} owns: items {@code {"channelId","name","role"}}. */
  JsonArray of(String phone) {
    JsonArray items = new JsonArray();
    byId.values().stream().filter(c -> c.owner.equals(phone))
        .forEach(c -> items.add(new JsonObject().put("channelId", c.id).put("name", c.name).put("role", "owner")));
    return items;
  }

  /** Posts {@code content} as {@code sender}: only the owner may; the post keeps the sender's id. */
  void post(String sender, String channelId, String messageId, String type, JsonObject content) {
    Channel channel = byId.get(channelId);
    if (channel == null) {
      throw SimException.notFound("no such channel: " + channelId);
    }
    if (!channel.owner.equals(sender)) {
      throw new SimException(403, "FORBIDDEN", sender + " is not an owner or admin of channel " + channelId);
    }
    if (!TYPES.contains(type)) {
      throw SimException.badRequest("a channel takes text and image posts, not " + type);
    }
    if (channel.posts.stream().anyMatch(p -> messageId.equals(p.getString("messageId")))) {
      return;
    }
    if (channel.posts.size() >= postLimit) {
      channel.posts.removeFirst();
    }
    channel.posts.addLast(content.copy().put("messageId", messageId).put("type", type).put("from", sender)
        .put("text", MessageContent.displayText(type, content)).put("timestamp", Instant.now().toString()));
  }

  JsonArray posts(String channelId) {
    Channel channel = byId.get(channelId);
    if (channel == null) {
      throw SimException.notFound("no such channel: " + channelId);
    }
    JsonArray items = new JsonArray();
    channel.posts.forEach(p -> items.add(p.copy()));
    return items;
  }

  void clear() {
    byId.clear();
  }
}
