package dev.switchboard.simulator;

import io.vertx.core.Vertx;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;

/**
 * Linked devices and their credentials: QR payloads and pairing codes of unlinked sessions,
 * credentials the network issued, which are logged out, and which socket holds each credential now.
 *
 * <p>Credentials are the JSON text {@code {"phone","secret"}}. A well-formed credential the network
 * has not seen is accepted and remembered (the simulator may have restarted while the gateway kept
 * its sessions); only a credential seen logged out is refused.
 */
final class Linking {

  private static final String CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789";

  private final Vertx vertx;
  private final long qrIntervalMs;
  private final Consumer<String> onOnline;
  private final Map<String, String> phoneBySecret = new HashMap<>();
  private final Set<String> loggedOut = new HashSet<>();
  /** The credentials of each phone that are not logged out: every routed message asks for them. */
  private final Map<String, Set<String>> liveSecretsByPhone = new HashMap<>();
  private final Map<String, DeviceLink> byQr = new HashMap<>();
  private final Map<DeviceLink, Long> qrTimers = new HashMap<>();
  private final Map<String, DeviceLink> byCode = new HashMap<>();
  private final Map<String, String> phoneByCode = new HashMap<>();
  private final Map<String, DeviceLink> online = new HashMap<>();
  private final Set<DeviceLink> open = new LinkedHashSet<>();
  private long conflicts;

  Linking(Vertx vertx, long qrIntervalMs, Consumer<String> onOnline) {
    this.vertx = vertx;
    this.qrIntervalMs = qrIntervalMs;
    this.onOnline = onOnline;
  }

  void opened(DeviceLink link) {
    open.add(link);
  }

  /** An unlinked session: a QR now and a fresh one every interval until it is linked or gone. */
  void startLinking(DeviceLink link) {
    rotateQr(link);
    qrTimers.put(link, vertx.setPeriodic(qrIntervalMs, t -> rotateQr(link)));
  }

  private void rotateQr(DeviceLink link) {
    byQr.values().remove(link);
    String qr = "2@" + Jids.randomToken(40) + "," + Jids.randomToken(24) + "," + Jids.randomToken(12);
    byQr.put(qr, link);
    link.qr(qr, Instant.now().plusMillis(qrIntervalMs));
  }

  String requestCode(DeviceLink link, String phone) {
    if (link.phone() != null) {
      throw new SimException(409, "CONFLICT", "this session is already linked");
    }
    byCode.values().remove(link);
    String code = Jids.random(CODE_ALPHABET, 8);
    byCode.put(code, link);
    phoneByCode.put(code, phone);
    return code.substring(0, 4) + "-" + code.substring(4);
  }

  /** The phone {@code phone} scans {@code qr}. */
  String pairByQr(String qr, String phone) {
    DeviceLink link = byQr.get(qr);
    if (link == null) {
      throw SimException.notFound("no session shows this QR");
    }
    issue(link, phone);
    return phone;
  }

  /** The phone {@code phone} enters {@code code}; it must be the number the device asked the code for. */
  String pairByCode(String code, String phone) {
    String key = code.replace("-", "").trim().toUpperCase();
    DeviceLink link = byCode.get(key);
    if (link == null) {
      throw SimException.notFound("no session waits for this code");
    }
    if (!phone.equals(phoneByCode.get(key))) {
      throw SimException.badRequest("this code was requested for another number");
    }
    issue(link, phone);
    return phone;
  }

  private void issue(DeviceLink link, String phone) {
    stopLinking(link);
    String secret = Jids.randomToken(43);
    remember(secret, phone);
    String credentials = new JsonObject().put("phone", phone).put("secret", secret).encode();
    online.put(secret, link);
    link.linked(phone, secret, credentials);
    onOnline.accept(phone);
  }

  /** A session presents stored credentials; the newer connection of one credential wins. */
  void resume(DeviceLink link, String credentials) {
    String phone;
    String secret;
    try {
      JsonObject c = new JsonObject(credentials);
      phone = Jids.phone(c.getString("phone"));
      secret = c.getString("secret");
    } catch (DecodeException | ClassCastException | SimException e) {
      throw new SimException(401, "LOGGED_OUT", "credentials are not valid");
    }
    if (secret == null || secret.isBlank() || loggedOut.contains(secret)
        || !phone.equals(phoneBySecret.getOrDefault(secret, phone))) {
      throw new SimException(401, "LOGGED_OUT", "credentials were logged out");
    }
    remember(secret, phone);
    DeviceLink older = online.put(secret, link);
    if (older != null && older != link) {
      conflicts++;
      older.kick("replaced", false);
    }
    link.connected(phone, secret);
    onOnline.accept(phone);
  }

  private void remember(String secret, String phone) {
    phoneBySecret.put(secret, phone);
    liveSecretsByPhone.computeIfAbsent(phone, k -> new LinkedHashSet<>()).add(secret);
  }

  private void forget(String secret) {
    loggedOut.add(secret);
    String phone = phoneBySecret.get(secret);
    Set<String> live = phone == null ? null : liveSecretsByPhone.get(phone);
    if (live != null && live.remove(secret) && live.isEmpty()) {
      liveSecretsByPhone.remove(phone);
    }
  }

  /** The device itself logs out: its credential is dead. */
  void logoutSecret(String secret) {
    forget(secret);
    online.remove(secret);
  }

  /** The phone logs out every device linked to it. */
  void logout(String phone) {
    List<String> secrets = List.copyOf(liveSecretsByPhone.getOrDefault(phone, Set.of()));
    for (String secret : secrets) {
      forget(secret);
      DeviceLink link = online.remove(secret);
      if (link != null) {
        link.kick("logged_out", true);
      }
    }
  }

  void closed(DeviceLink link) {
    open.remove(link);
    stopLinking(link);
    byCode.values().remove(link);
    if (link.secret() != null) {
      online.remove(link.secret(), link);
    }
  }

  private void stopLinking(DeviceLink link) {
    byQr.values().remove(link);
    Long timer = qrTimers.remove(link);
    if (timer != null) {
      vertx.cancelTimer(timer);
    }
  }

  boolean isDevice(String phone) {
    return liveSecretsByPhone.containsKey(phone);
  }

  /** The live connection of one credential, or null. */
  DeviceLink onlineLink(String secret) {
    return online.get(secret);
  }

  List<DeviceLink> online(String phone) {
    Set<String> live = liveSecretsByPhone.get(phone);
    if (live == null) {
      return List.of();
    }
    List<DeviceLink> links = new ArrayList<>(live.size());
    for (String secret : live) {
      DeviceLink link = online.get(secret);
      if (link != null) {
        links.add(link);
      }
    }
    return links;
  }

  int connectedCount() {
    return online.size();
  }

  int linkingCount() {
    return qrTimers.size();
  }

  long conflicts() {
    return conflicts;
  }

  /** Forgets everything and closes every socket; devices that reconnect start from scratch. */
  void reset() {
    new ArrayList<>(open).forEach(DeviceLink::drop);
    qrTimers.values().forEach(vertx::cancelTimer);
    qrTimers.clear();
    byQr.clear();
    byCode.clear();
    phoneByCode.clear();
    online.clear();
    open.clear();
    phoneBySecret.clear();
    liveSecretsByPhone.clear();
    loggedOut.clear();
    conflicts = 0;
  }
}
