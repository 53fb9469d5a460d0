package dev.switchboard.simulator;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;

/**
 * What each number (device or person) set on its account: its profile name and about text, and the
 * people it blocked. A device that blocked a person receives nothing from it.
 */
final class Accounts {

  static final int MAX_NAME = 25;
  static final int MAX_ABOUT = 139;

  private static final class Account {
    String name;
    String about;
    final Set<String> blocked = new LinkedHashSet<>();
    final JsonObject chats = new JsonObject();
  }

  /** A chat's flag as a device set it: archived or pinned ("true"/"false"), mutedUntil (a time, or null). */
  void chat(String phone, String chatId, String setting, String value) {
    if (chatId == null || !java.util.List.of("archived", "pinned", "mutedUntil").contains(setting)) {
      throw SimException.badRequest("chatId and a setting of archived, pinned, mutedUntil are required");
    }
    JsonObject chat = of(phone).chats.getJsonObject(chatId);
    if (chat == null) {
      chat = new JsonObject().put("archived", false).put("pinned", false).putNull("mutedUntil");
      of(phone).chats.put(chatId, chat);
    }
    chat.put(setting, "mutedUntil".equals(setting) ? value : (Object) Boolean.valueOf("true".equals(value)));
  }

  /** The name {@code phone} set, or null. */
  String name(String phone) {
    Account a = accounts.get(phone);
    return a == null ? null : a.name;
  }

  private final Map<String, Account> accounts = new HashMap<>();

  private Account of(String phone) {
    return accounts.computeIfAbsent(phone, p -> new Account());
  }

  /** Whether {@code phone} blocked {@code sender}. */
  boolean blocks(String phone, String sender) {
    Account a = accounts.get(phone);
    return a != null && a.blocked.contains(sender);
  }

  void block(String phone, String other, boolean blocked) {
    if (!Jids.onWhatsApp(other)) {
      throw SimException.notFound(other + " is not on WhatsApp");
    }
    if (blocked) {
      of(phone).blocked.add(other);
    } else {
      of(phone).blocked.remove(other);
    }
  }

  /** Sets a profile: null fields stay as they are. */
  void set(String phone, String name, String about) {
    if (name != null && (name.isBlank() || name.codePointCount(0, name.length()) > MAX_NAME)) {
      throw SimException.badRequest("name is 1 to " + MAX_NAME + " characters");
    }
    if (about != null && about.codePointCount(0, about.length()) > MAX_ABOUT) {
      throw SimException.badRequest("about is at most " + MAX_ABOUT + " characters");
    }
    Account a = of(phone);
    if (name != null) {
      a.name = name;
    }
    if (about != null) {
      a.about = about;
    }
  }

  /** {@code phone}'s own profile, as its device reads it. */
  JsonObject profile(String phone) {
    Account a = accounts.get(phone);
    return new JsonObject().put("jid", Jids.user(phone)).put("name", a == null ? null : a.name)
        .put("about", a == null ? null : a.about);
  }

  /** {@code other} as {@code phone} sees it. */
  JsonObject contact(String phone, String other) {
    if (!Jids.onWhatsApp(other)) {
      throw SimException.notFound(other + " is not on WhatsApp");
    }
    Account a = accounts.get(other);
    return new JsonObject().put("jid", Jids.user(other)).put("phone", other).put("name", a == null ? null : a.name)
        .put("about", a == null ? null : a.about).put("blocked", blocks(phone, other));
  }

  /** The control API's read-out: {@code {phone, name, about, blocked, chats}}. */
  JsonObject view(String phone) {
    Account a = accounts.get(phone);
    return profile(phone).put("phone", phone).put("blocked", new JsonArray(a == null ? new java.util.ArrayList<>()
        : new java.util.ArrayList<>(a.blocked))).put("chats", a == null ? new JsonObject() : a.chats.copy());
  }

  void clear() {
    accounts.clear();
  }
}
