package dev.switchboard.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Every setting from the environment and from a flag; bad values fail with one clear line. */
class ConfigTest {

  @Test
  void defaultsMatchTheContract() {
    Config c = Config.load(List.of(), Map.of());
    assertEquals(8080, c.httpPort());
    assertEquals("cobalt", c.engine());
    assertEquals(7070, c.simPort());
    assertEquals(0, c.simConnections(), "one connection per device unless told");
    assertEquals(5701, c.clusterPort());
    assertEquals(false, c.cluster());
    assertEquals(1.0, c.sendRate());
    assertEquals(java.nio.file.Path.of("./data"), c.dataDir());
  }

  @Test
  void flagsWinOverTheEnvironment() {
    Config c = Config.load(List.of("--http-port", "9000", "--engine=simulator", "--cluster-members", "127.0.0.1:5701,127.0.0.1:5702"),
        Map.of("SWITCHBOARD_HTTP_PORT", "7000", "SWITCHBOARD_SEND_RATE", "2.5", "SWITCHBOARD_NODE_NAME", "n1"));
    assertEquals(9000, c.httpPort());
    assertEquals("simulator", c.engine());
    assertEquals(2.5, c.sendRate());
    assertEquals("n1", c.nodeName());
    assertEquals(List.of("127.0.0.1:5701", "127.0.0.1:5702"), c.clusterMembers());
    assertEquals(256, c.maxOpenings());
    assertEquals(32, Config.load(List.of("--max-openings", "32"), Map.of()).maxOpenings());
  }

  @Test
  void everySettingHasAnEnvironmentVariableAndAFlagInTheHelp() {
    String help = Config.help();
    for (Setting s : Config.SETTINGS) {
      assertTrue(help.contains(s.env()) && help.contains(s.flag()), s.env());
    }
    assertEquals(21, Config.SETTINGS.size());
  }

  @Test
  void badValuesFailWithOneLine() {
    List<Map<String, String>> bad = List.of(
        Map.of("SWITCHBOARD_HTTP_PORT", "eighty"), Map.of("SWITCHBOARD_HTTP_PORT", "70000"),
        Map.of("SWITCHBOARD_ENGINE", "baileys"), Map.of("SWITCHBOARD_CLUSTER", "maybe"),
        Map.of("SWITCHBOARD_DB_URL", "mysql://x"), Map.of("SWITCHBOARD_SEND_RATE", "-1"),
        Map.of("SWITCHBOARD_MEDIA_MAX_MB", "0"), Map.of("SWITCHBOARD_MEDIA_MAX_MB", "lots"),
        Map.of("SWITCHBOARD_SIM_URL", "ftp://x"), Map.of("SWITCHBOARD_MASTER_KEY", "short"),
        Map.of("SWITCHBOARD_CLUSTER_MEMBERS", "127.0.0.1:5701-5710"), Map.of("SWITCHBOARD_MASTER_RATE_LIMIT", "0"),
        Map.of("SWITCHBOARD_MASTER_RATE_LIMIT", "many"), Map.of("SWITCHBOARD_TRUSTED_PROXIES", "10.0.0.0/33"),
        Map.of("SWITCHBOARD_TRUSTED_PROXIES", "proxy.local/32"), Map.of("SWITCHBOARD_TRUSTED_PROXIES", "10.0.0.0/8,"),
        Map.of("SWITCHBOARD_TRUSTED_PROXIES", "fd00::/129"), Map.of("SWITCHBOARD_TRUSTED_PROXIES", "10.0.0.0/eight"),
        Map.of("SWITCHBOARD_MAX_SESSIONS", "-1"), Map.of("SWITCHBOARD_MAX_SESSIONS", "all"),
        Map.of("SWITCHBOARD_SIM_CONNECTIONS", "-1"), Map.of("SWITCHBOARD_SIM_CONNECTIONS", "65"),
        Map.of("SWITCHBOARD_SIM_CONNECTIONS", "few"), Map.of("SWITCHBOARD_MAX_OPENINGS", "0"),
        Map.of("SWITCHBOARD_MAX_OPENINGS", "10001"));
    for (Map<String, String> env : bad) {
      ConfigException e = assertThrows(ConfigException.class, () -> Config.load(List.of(), env), env.toString());
      assertTrue(!e.getMessage().contains("\n") && e.getMessage().contains(env.keySet().iterator().next()), e.getMessage());
    }
    assertThrows(ConfigException.class, () -> Config.load(List.of("--no-such-flag", "1"), Map.of()));
    assertThrows(ConfigException.class, () -> Config.load(List.of("--http-port"), Map.of()));
  }

  @Test
  void trustedProxiesAreCidrsOrSingleAddressesAndNoneByDefault() throws Exception {
    assertTrue(Config.load(List.of(), Map.of()).trustedProxies().isEmpty());
    TrustedProxies proxies = Config.load(List.of("--trusted-proxies", "10.0.0.0/8, 192.168.1.7 ,fd00::/8"), Map.of())
        .trustedProxies();
    assertEquals("10.0.0.0/8,192.168.1.7/32,fd00::/8", proxies.toString());
    assertTrue(proxies.trusts(java.net.InetAddress.getByName("10.200.3.4")));
    assertTrue(proxies.trusts(java.net.InetAddress.getByName("192.168.1.7")));
    assertTrue(proxies.trusts(java.net.InetAddress.getByName("fd12::1")));
    assertTrue(!proxies.trusts(java.net.InetAddress.getByName("192.168.1.8")));
    assertTrue(!proxies.trusts(java.net.InetAddress.getByName("11.0.0.1")));
  }

  @Test
  void dbUrlsAreSplitForBothDrivers() {
    DbUrl u = DbUrl.parse("postgresql://app:p%40ss@db.local:6543/switch");
    assertEquals("app", u.user());
    assertEquals("p@ss", u.password());
    assertEquals("jdbc:postgresql://db.local:6543/switch", u.jdbcUrl());
  }
}
