package dev.switchboard.http;

/** Who is calling: the master key, or one client's key (or a JWT issued for either). */
public record Principal(Tier tier, String clientId, String keyId) {

  public enum Tier { MASTER, CLIENT }

  public static final Principal MASTER = new Principal(Tier.MASTER, null, null);

  public static Principal client(String clientId, String keyId) {
    return new Principal(Tier.CLIENT, clientId, keyId);
  }

  public boolean isMaster() {
    return tier == Tier.MASTER;
  }

  /** The actor written to the audit log. */
  public String actor() {
    return isMaster() ? "master" : "client";
  }
}
