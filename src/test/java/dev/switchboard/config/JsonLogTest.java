package dev.switchboard.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.switchboard.support.Api;
import dev.switchboard.support.Devices;
import dev.switchboard.support.NodeProcess;
import dev.switchboard.support.Sim;
import dev.switchboard.support.TestDatabase;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * {@code --log-format json} ({@code SWITCHBOARD_LOG_FORMAT=json}): a node's log is one JSON object per line, each naming the node,
 * and the lines about a device carry its client and device ids as fields.
 */
class JsonLogTest {

  @Test
  void aNodeLogsOneJsonObjectPerLineWithItsNodeAndTheDeviceIds() throws Exception {
    Path log = Files.createTempFile(Path.of("target"), "json-log", ".log");
    try (Sim sim = new Sim(20_000)) {
      int port = NodeProcess.freePort();
      NodeProcess node = NodeProcess.start(port, TestDatabase.newDatabase(), sim.url(), "json-node", log,
          // The jar's logging configuration, not the tests' own (logback-test.xml is on the test class path).
          List.of("-Xmx256m", "-XX:+UseSerialGC", "-Dlogback.configurationFile=" + Path.of("src/main/resources/logback.xml")
              .toAbsolutePath()), List.of("--log-format", "json"));
      try (Api api = new Api(port)) {
        String key = api.clientWithKey("logs");
        Devices.link(api, sim, key, "logs", "phone", "15550601001");
        api.delete("/api/clients/logs/devices/phone", key);
      } finally {
        node.kill9();
      }
    }
    List<String> all = Files.readAllLines(log);
    // The JVM itself may print warnings of its own; every line of the logger is JSON, none is text.
    assertTrue(all.stream().noneMatch(l -> l.matches("^\\d\\d:\\d\\d:\\d\\d\\.\\d{3} .*")), String.join("\n", all));
    List<String> lines = all.stream().filter(l -> l.startsWith("{")).toList();
    assertTrue(lines.size() > 5, "a few lines at least: " + all);
    boolean deviceLine = false;
    for (String line : lines) {
      JsonObject json = new JsonObject(line);
      assertTrue(json.containsKey("level") && json.containsKey("loggerName"), line);
      assertEquals("json-node", json.getJsonObject("context").getJsonObject("properties").getString("node"), line);
      deviceLine |= line.contains("\"clientId\":\"logs\"") && line.contains("\"deviceId\":\"phone\"");
    }
    assertTrue(deviceLine, "a line about the device carries its ids as fields: " + String.join("\n", lines));
  }

  @Test
  void anUnknownLogFormatIsRefusedAtStart() {
    ConfigException e = assertThrows(ConfigException.class,
        () -> Config.load(List.of(), Map.of("SWITCHBOARD_LOG_FORMAT", "JSON")));
    assertTrue(e.getMessage().contains("SWITCHBOARD_LOG_FORMAT"), e.getMessage());
  }
}
