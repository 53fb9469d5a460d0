package dev.switchboard.kernel;

import java.time.Instant;
import java.util.Set;

/**
 * Who is calling: the master key, or one client's key (or a JWT issued for either), and until when
 * that credential is valid ({@code validUntil}, null when it does not expire), so that what outlives
 * one request (a live feed) can end with it. A client key carries its scopes ({@code *} for
 * everything a client may do) and, when it is limited to some devices, their ids ({@code deviceIds},
 * null for all of the client's devices).
 */
public record Principal(Tier tier, String clientId, String keyId, Instant validUntil, Set<String> scopes,
    Set<String> deviceIds) {

  public enum Tier { MASTER, CLIENT }

  /** Everything a client key may do: the v1 key and keys created without scopes. */
  public static final String ALL_SCOPES = "*";
  public static final Set<String> SCOPES = Set.of(ALL_SCOPES, "devices:read", "devices:manage", "messages:send",
      "messages:read", "events:read", "config:write", "keys:manage");

  public static final Principal MASTER = new Principal(Tier.MASTER, null, null, null, Set.of(ALL_SCOPES), null);

  public Principal {
    scopes = scopes == null ? Set.of(ALL_SCOPES) : Set.copyOf(scopes);
    deviceIds = deviceIds == null ? null : Set.copyOf(deviceIds);
  }

  /** A client key with every scope and every device. */
  public static Principal client(String clientId, String keyId, Instant validUntil) {
    return client(clientId, keyId, validUntil, Set.of(ALL_SCOPES), null);
  }

  public static Principal client(String clientId, String keyId, Instant validUntil, Set<String> scopes,
      Set<String> deviceIds) {
    return new Principal(Tier.CLIENT, clientId, keyId, validUntil, scopes, deviceIds);
  }

  /** The same caller, valid no longer than {@code until}. */
  public Principal until(Instant until) {
    return validUntil != null && !until.isBefore(validUntil) ? this
        : new Principal(tier, clientId, keyId, until, scopes, deviceIds);
  }

  public boolean isMaster() {
    return tier == Tier.MASTER;
  }

  /** Whether the caller holds {@code scope} (an empty scope is one every key holds). */
  public boolean allows(String scope) {
    return isMaster() || scope.isEmpty() || scopes.contains(ALL_SCOPES) || scopes.contains(scope);
  }

  /** Whether the caller may act on this device of its client. */
  public boolean allowsDevice(String deviceId) {
    return deviceIds == null || deviceIds.contains(deviceId);
  }

  /** The actor written to the audit log. */
  public String actor() {
    return isMaster() ? "master" : "client";
  }
}
