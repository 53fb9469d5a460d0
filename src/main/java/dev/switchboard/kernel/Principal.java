package dev.switchboard.kernel;

import java.time.Instant;

/**
 * Who is calling: the master key, or one client's key (or a JWT issued for either), and until when
 * that credential is valid ({@code validUntil}, null when it does not expire), so that what outlives
 * one request (a live feed) can end with it.
 */
public record Principal(Tier tier, String clientId, String keyId, Instant validUntil) {

  public enum Tier { MASTER, CLIENT }

  public static final Principal MASTER = new Principal(Tier.MASTER, null, null, null);

  public static Principal client(String clientId, String keyId) {
    return client(clientId, keyId, null);
  }

  public static Principal client(String clientId, String keyId, Instant validUntil) {
    return new Principal(Tier.CLIENT, clientId, keyId, validUntil);
  }

  /** The same caller, valid no longer than {@code until}. */
  public Principal until(Instant until) {
    return validUntil != null && !until.isBefore(validUntil) ? this : new Principal(tier, clientId, keyId, until);
  }

  public boolean isMaster() {
    return tier == Tier.MASTER;
  }

  /** The actor written to the audit log. */
  public String actor() {
    return isMaster() ? "master" : "client";
  }
}
