package dev.switchboard.kernel;

/**
 * Every event-bus address the gateway uses, in one scheme: {@code switchboard.<what>[.<id>...]}.
 * Addresses with ids are sent to one consumer; the others are published to every node.
 */
public final class Addresses {

  private static final String PREFIX = "switchboard.";

  /**
   * A device's actor, registered only on the node that runs it (a local consumer): a clustered one
   * per device would be an entry in the cluster's replicated registry of subscriptions, written and
   * backed up for every device a node takes over. Other nodes reach it through {@link #devices}.
   */
  public static String device(String clientId, String deviceId) {
    return PREFIX + "device." + clientId + "." + deviceId;
  }

  /** One node's router to the device actors it runs (the device's ids travel in the message's headers). */
  public static String devices(String nodeName) {
    return PREFIX + "devices." + nodeName;
  }

  /** One node's device manager (placement requests from other nodes). */
  public static String node(String nodeName) {
    return PREFIX + "node." + nodeName;
  }

  /** Published: every device manager checks the devices it should run. */
  public static final String RECONCILE = PREFIX + "reconcile";

  /** Published: the events of one client, for its live feeds. */
  public static String events(String clientId) {
    return PREFIX + "events." + clientId;
  }

  /** Published: every event of every client, for the master's live feeds. */
  public static final String ALL_EVENTS = PREFIX + "events";

  /** Published: new webhook deliveries are waiting. */
  public static final String WEBHOOKS_WAKE = PREFIX + "webhooks.wake";

  /** Published: a source address was blocked for failing authentication. */
  public static final String AUTH_BLOCKED = PREFIX + "auth.blocked";

  private Addresses() {
  }
}
