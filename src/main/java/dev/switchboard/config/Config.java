package dev.switchboard.config;

import java.net.URI;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** The node's configuration, from the environment and command-line flags (docs/api.md, Configuration). */
public record Config(
    int httpPort,
    String masterKey,
    Path dataDir,
    String dbUrl,
    String engine,
    String simUrl,
    int simPort,
    int simConnections,
    boolean cluster,
    List<String> clusterMembers,
    int clusterPort,
    String nodeName,
    boolean allowPrivateUrls,
    double sendRate,
    int mediaMaxMb,
    int masterRateLimit,
    TrustedProxies trustedProxies,
    boolean metrics,
    int maxSessions,
    String logFormat,
    int maxOpenings) {

  public static final Setting HTTP_PORT = Setting.of("SWITCHBOARD_HTTP_PORT", "8080", "API, OpenAPI document, WebSocket live feed");
  public static final Setting MASTER_KEY = Setting.of("SWITCHBOARD_MASTER_KEY", null, "master key (default: generated once, printed once)");
  public static final Setting DATA_DIR = Setting.of("SWITCHBOARD_DATA_DIR", "./data", "embedded PostgreSQL data and anything else kept on disk");
  public static final Setting DB_URL = Setting.of("SWITCHBOARD_DB_URL", null, "postgresql://user:pass@host:port/db of an external PostgreSQL (default: embedded)");
  public static final Setting ENGINE = Setting.of("SWITCHBOARD_ENGINE", "cobalt", "cobalt (real WhatsApp) or simulator");
  public static final Setting SIM_URL = Setting.of("SWITCHBOARD_SIM_URL", null, "base URL of a running simulator (default: start one in-process)");
  public static final Setting SIM_PORT = Setting.of("SWITCHBOARD_SIM_PORT", "7070", "port of the in-process simulator");
  public static final Setting SIM_CONNECTIONS = Setting.of("SWITCHBOARD_SIM_CONNECTIONS", "0", "WebSockets that carry all of this node's device sessions to the simulator (1..64); 0 = one per device (docs/simulator.md)");
  public static final Setting CLUSTER = Setting.of("SWITCHBOARD_CLUSTER", "false", "join a Hazelcast cluster");
  public static final Setting CLUSTER_MEMBERS = Setting.of("SWITCHBOARD_CLUSTER_MEMBERS", null, "127.0.0.1:5701,127.0.0.1:5702 (default: cluster.xml)");
  public static final Setting CLUSTER_PORT = Setting.of("SWITCHBOARD_CLUSTER_PORT", "5701", "this member's Hazelcast port");
  public static final Setting NODE_NAME = Setting.of("SWITCHBOARD_NODE_NAME", null, "shown in node fields, health and the admin overview (default: host name + port)");
  public static final Setting ALLOW_PRIVATE_URLS = Setting.of("SWITCHBOARD_ALLOW_PRIVATE_URLS", "false", "allow webhook and media URLs on private/loopback addresses (development and tests only)");
  public static final Setting SEND_RATE = Setting.of("SWITCHBOARD_SEND_RATE", "1", "messages per second per device (pacing, with jitter); 0 turns pacing off");
  public static final Setting MEDIA_MAX_MB = Setting.of("SWITCHBOARD_MEDIA_MAX_MB", "16", "largest media upload or fetched media URL, in MiB (1..100)");
  public static final Setting MASTER_RATE_LIMIT = Setting.of("SWITCHBOARD_MASTER_RATE_LIMIT", "6000", "requests per minute allowed to the master key, cluster-wide (client keys: config.rateLimitPerMinute)");

  public static final Setting TRUSTED_PROXIES = Setting.of("SWITCHBOARD_TRUSTED_PROXIES", null, "comma-separated CIDRs of reverse proxies whose X-Forwarded-For is believed (default: none)");
  public static final Setting LOG_FORMAT = Setting.of("SWITCHBOARD_LOG_FORMAT", "text", "text, or json for one JSON object per log line with the node, client and device ids as fields");
  public static final Setting METRICS = Setting.of("SWITCHBOARD_METRICS", "true", "collect metrics and serve them at GET /metrics (master key)");

  public static final Setting MAX_SESSIONS = Setting.of("SWITCHBOARD_MAX_SESSIONS", "0", "device sessions this node runs at once; 0 = as many as its open-file limit allows (docs/operations.md)");
  public static final Setting MAX_OPENINGS = Setting.of("SWITCHBOARD_MAX_OPENINGS", "256", "device connections this node opens at once (a takeover, a restart); the rest wait their turn (1..10000)");

  public static final List<Setting> SETTINGS = List.of(HTTP_PORT, MASTER_KEY, DATA_DIR, DB_URL, ENGINE, SIM_URL,
      SIM_PORT, SIM_CONNECTIONS, CLUSTER, CLUSTER_MEMBERS, CLUSTER_PORT, NODE_NAME, ALLOW_PRIVATE_URLS, SEND_RATE, MEDIA_MAX_MB,
      MASTER_RATE_LIMIT, TRUSTED_PROXIES, METRICS, LOG_FORMAT, MAX_SESSIONS, MAX_OPENINGS);

  /** Reads every setting; a flag given on the command line wins over the environment. */
  public static Config load(List<String> args, Map<String, String> env) {
    Map<String, String> values = new HashMap<>();
    for (Setting s : SETTINGS) {
      String v = env.get(s.env());
      if (v != null && !v.isBlank()) {
        values.put(s.env(), v.trim());
      }
    }
    values.putAll(parseFlags(args, SETTINGS));
    Reader r = new Reader(values);
    int httpPort = r.port(HTTP_PORT);
    int clusterPort = r.port(CLUSTER_PORT);
    String engine = r.string(ENGINE).toLowerCase(Locale.ROOT);
    if (!engine.equals("cobalt") && !engine.equals("simulator")) {
      throw new ConfigException(ENGINE.env() + " must be cobalt or simulator, got '" + engine + "'");
    }
    String logFormat = r.string(LOG_FORMAT);
    if (!logFormat.equals("text") && !logFormat.equals("json")) {
      throw new ConfigException(LOG_FORMAT.env() + " must be text or json (lower case), got '" + logFormat + "'");
    }
    String dbUrl = r.string(DB_URL);
    if (dbUrl != null) {
      DbUrl.parse(dbUrl);
    }
    String simUrl = r.string(SIM_URL);
    if (simUrl != null) {
      requireHttpUrl(SIM_URL, simUrl);
    }
    int simConnections = r.integer(SIM_CONNECTIONS);
    if (simConnections < 0 || simConnections > 64) {
      throw new ConfigException(SIM_CONNECTIONS.env() + " must be a whole number from 0 (one per device) to 64, got " + simConnections);
    }
    String masterKey = r.string(MASTER_KEY);
    if (masterKey != null && masterKey.length() < 16) {
      throw new ConfigException(MASTER_KEY.env() + " must be at least 16 characters long");
    }
    double sendRate = r.decimal(SEND_RATE);
    if (!(sendRate >= 0 && sendRate <= 1000)) {
      throw new ConfigException(SEND_RATE.env() + " must be a number from 0 (no pacing) to 1000, got " + sendRate);
    }
    int mediaMaxMb = r.integer(MEDIA_MAX_MB);
    if (mediaMaxMb < 1 || mediaMaxMb > 100) {
      throw new ConfigException(MEDIA_MAX_MB.env() + " must be a whole number from 1 to 100, got " + mediaMaxMb);
    }
    int masterRateLimit = r.integer(MASTER_RATE_LIMIT);
    if (masterRateLimit < 1 || masterRateLimit > 10_000_000) {
      throw new ConfigException(MASTER_RATE_LIMIT.env() + " must be a whole number from 1 to 10000000, got " + masterRateLimit);
    }
    int maxSessions = r.integer(MAX_SESSIONS);
    if (maxSessions < 0) {
      throw new ConfigException(MAX_SESSIONS.env() + " must be 0 (the open-file limit decides) or a positive whole number, got " + maxSessions);
    }
    int maxOpenings = r.integer(MAX_OPENINGS);
    if (maxOpenings < 1 || maxOpenings > 10_000) {
      throw new ConfigException(MAX_OPENINGS.env() + " must be a whole number from 1 to 10000, got " + maxOpenings);
    }
    TrustedProxies trustedProxies;
    try {
      trustedProxies = TrustedProxies.parse(r.string(TRUSTED_PROXIES));
    } catch (IllegalArgumentException e) {
      throw new ConfigException(TRUSTED_PROXIES.env() + ": " + e.getMessage());
    }
    String nodeName = r.string(NODE_NAME);
    if (nodeName == null) {
      nodeName = hostName() + ":" + httpPort;
    }
    List<String> members = new ArrayList<>();
    String rawMembers = r.string(CLUSTER_MEMBERS);
    if (rawMembers != null) {
      for (String m : rawMembers.split(",")) {
        String member = m.trim();
        if (!member.matches("[A-Za-z0-9.\\-\\[\\]:]+:\\d{1,5}")) {
          throw new ConfigException(CLUSTER_MEMBERS.env() + " must list host:port entries separated by commas, got '" + member + "'");
        }
        members.add(member);
      }
    }
    return new Config(httpPort, masterKey, Path.of(r.string(DATA_DIR)), dbUrl, engine, simUrl, r.port(SIM_PORT), simConnections,
        r.bool(CLUSTER), List.copyOf(members), clusterPort, nodeName, r.bool(ALLOW_PRIVATE_URLS), sendRate,
        mediaMaxMb, masterRateLimit, trustedProxies, r.bool(METRICS), maxSessions, logFormat, maxOpenings);
  }

  /** {@code --flag value} and {@code --flag=value} pairs of the known settings; anything else is an error. */
  public static Map<String, String> parseFlags(List<String> args, List<Setting> known) {
    Map<String, String> values = new HashMap<>();
    for (int i = 0; i < args.size(); i++) {
      String arg = args.get(i);
      String name = arg;
      String value = null;
      int eq = arg.indexOf('=');
      if (eq > 0) {
        name = arg.substring(0, eq);
        value = arg.substring(eq + 1);
      }
      String flagName = name;
      Setting setting = known.stream().filter(s -> s.flag().equals(flagName)).findFirst()
          .orElseThrow(() -> new ConfigException("unknown option '" + arg + "' (see --help)"));
      if (value == null) {
        if (i + 1 >= args.size()) {
          throw new ConfigException("option " + name + " needs a value");
        }
        value = args.get(++i);
      }
      values.put(setting.env(), value.trim());
    }
    return values;
  }

  public static String help() {
    StringBuilder sb = new StringBuilder("""
        Usage: switchboard [options]                     start a gateway node
               switchboard simulator --port P [--host H] run the simulated WhatsApp network alone
               switchboard postgres --port P --data DIR  run the embedded PostgreSQL alone

        Every option is also an environment variable; the option wins.
        """);
    for (Setting s : SETTINGS) {
      sb.append(String.format("  %-26s %-32s %s%s%n", s.flag(), s.env(), s.meaning(),
          s.defaultValue() == null ? "" : " [default: " + s.defaultValue() + "]"));
    }
    return sb.toString();
  }

  static void requireHttpUrl(Setting s, String value) {
    try {
      URI uri = URI.create(value);
      if (!("http".equals(uri.getScheme()) || "https".equals(uri.getScheme())) || uri.getHost() == null) {
        throw new ConfigException(s.env() + " must be an http(s) URL, got '" + value + "'");
      }
    } catch (IllegalArgumentException e) {
      throw new ConfigException(s.env() + " must be an http(s) URL, got '" + value + "'");
    }
  }

  private static String hostName() {
    try {
      return java.net.InetAddress.getLocalHost().getHostName();
    } catch (Exception e) {
      return "localhost";
    }
  }

  /** Typed access to the collected raw values, failing with one clear line per bad value. */
  private record Reader(Map<String, String> values) {

    String string(Setting s) {
      return values.getOrDefault(s.env(), s.defaultValue());
    }

    int port(Setting s) {
      String v = string(s);
      try {
        int port = Integer.parseInt(v);
        if (port < 0 || port > 65535) {
          throw new NumberFormatException();
        }
        return port;
      } catch (NumberFormatException e) {
        throw new ConfigException(s.env() + " must be a port number 0..65535, got '" + v + "'");
      }
    }

    boolean bool(Setting s) {
      String v = string(s).toLowerCase(Locale.ROOT);
      return switch (v) {
        case "true", "1", "yes" -> true;
        case "false", "0", "no" -> false;
        default -> throw new ConfigException(s.env() + " must be true or false, got '" + v + "'");
      };
    }

    int integer(Setting s) {
      String v = string(s);
      try {
        return Integer.parseInt(v);
      } catch (NumberFormatException e) {
        throw new ConfigException(s.env() + " must be a whole number, got '" + v + "'");
      }
    }

    double decimal(Setting s) {
      String v = string(s);
      try {
        return Double.parseDouble(v);
      } catch (NumberFormatException e) {
        throw new ConfigException(s.env() + " must be a number, got '" + v + "'");
      }
    }
  }
}
