package dev.switchboard.architecture;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The package structure of docs/architecture.md, read from the imports of {@code src/main/java}:
 * dependencies run one way (a layer imports only its own and lower layers), so no two packages
 * import each other, and no main source file grows past {@value #MAX_LINES} lines.
 */
class ArchitectureTest {

  static final int MAX_LINES = 450;
  static final Path MAIN = Path.of("src/main/java/dev/switchboard");
  private static final Pattern PACKAGE = Pattern.compile("^package dev\\.switchboard\\.?([a-z.]*);", Pattern.MULTILINE);
  private static final Pattern IMPORT = Pattern.compile(
      "^import (?:static )?dev\\.switchboard\\.(?:([a-z][a-z.]*)\\.)?[A-Z]\\w*", Pattern.MULTILINE);

  /**
   * Layers from the bottom: a package may import packages of its own layer or below. The domain
   * packages are layers of their own, in the order they may use each other.
   */
  static final List<Set<String>> LAYERS = List.of(
      Set.of("config"),
      Set.of("kernel"),
      Set.of("store", "cluster", "outbound", "simulator", "engine", "engine.simulator", "engine.cobalt", "metrics"),
      Set.of("http"),
      Set.of("tenant"),
      Set.of("event"),
      Set.of("message"),
      Set.of("device"),
      Set.of("admin", "usage"),
      Set.of(""));
  static final Set<String> DOMAIN = Set.of("tenant", "event", "message", "device", "admin", "usage");

  /** package -> the packages its files import (each with one file that does, for the message). */
  static final Map<String, Map<String, String>> IMPORTS = new TreeMap<>();
  static final Map<Path, Integer> LINES = new TreeMap<>();

  @BeforeAll
  static void read() throws IOException {
    try (Stream<Path> files = Files.walk(MAIN)) {
      for (Path file : files.filter(f -> f.toString().endsWith(".java")).toList()) {
        String source = Files.readString(file);
        LINES.put(file, (int) source.lines().count());
        Matcher p = PACKAGE.matcher(source);
        assertTrue(p.find(), "no package line in " + file);
        String pkg = p.group(1);
        Map<String, String> imported = IMPORTS.computeIfAbsent(pkg, k -> new TreeMap<>());
        Matcher m = IMPORT.matcher(source);
        while (m.find()) {
          String target = m.group(1) == null ? "" : m.group(1);
          if (!target.equals(pkg)) {
            imported.putIfAbsent(target, MAIN.relativize(file).toString());
          }
        }
      }
    }
    assertTrue(IMPORTS.size() > 10, "the sources were not found from " + Path.of("").toAbsolutePath());
  }

  @Test
  void everyPackageBelongsToALayer() {
    List<String> unplaced = IMPORTS.keySet().stream().filter(p -> layer(p) < 0).toList();
    assertEquals(List.of(), unplaced, "packages missing from LAYERS (and from docs/architecture.md)");
  }

  @Test
  void dependenciesRunDownTheLayersOnly() {
    List<String> upward = new ArrayList<>();
    IMPORTS.forEach((pkg, targets) -> targets.forEach((target, file) -> {
      if (layer(target) > layer(pkg)) {
        upward.add(name(pkg) + " -> " + name(target) + " (" + file + ")");
      }
    }));
    assertEquals(List.of(), upward, "imports that go up a layer");
  }

  @Test
  void infrastructureAndTheWebLayerImportNoDomainPackage() {
    List<String> found = new ArrayList<>();
    IMPORTS.forEach((pkg, targets) -> targets.forEach((target, file) -> {
      if (!DOMAIN.contains(pkg) && !pkg.isEmpty() && DOMAIN.contains(target)) {
        found.add(name(pkg) + " -> " + name(target) + " (" + file + ")");
      }
    }));
    assertEquals(List.of(), found);
  }

  @Test
  void noTwoPackagesDependOnEachOther() {
    Set<String> cycles = new TreeSet<>();
    for (String start : IMPORTS.keySet()) {
      List<String> path = cycleFrom(start, start, new ArrayList<>(List.of(start)), new TreeSet<>());
      if (path != null) {
        cycles.add(String.join(" -> ", path.stream().map(ArchitectureTest::name).toList()));
      }
    }
    assertEquals(Set.of(), cycles);
  }

  @Test
  void servicesAndRepositoriesDoNotKnowTheWeb() throws IOException {
    List<String> found = new ArrayList<>();
    for (Path file : LINES.keySet()) {
      String name = file.getFileName().toString();
      if (name.endsWith("Service.java") || name.endsWith("Repository.java")) {
        String source = Files.readString(file);
        if (source.contains("import dev.switchboard.http.") || source.contains("import io.vertx.ext.web.")) {
          found.add(MAIN.relativize(file).toString());
        }
      }
    }
    assertEquals(List.of(), found, "services decide and repositories hold SQL; routes (*Api) speak HTTP");
  }

  @Test
  void noMainSourceFileIsLongerThanTheLimit() {
    List<String> long_ = LINES.entrySet().stream().filter(e -> e.getValue() > MAX_LINES)
        .map(e -> MAIN.relativize(e.getKey()) + ": " + e.getValue() + " lines").toList();
    assertEquals(List.of(), long_);
  }

  private static List<String> cycleFrom(String start, String at, List<String> path, Set<String> seen) {
    for (String next : IMPORTS.getOrDefault(at, Map.of()).keySet()) {
      if (next.equals(start)) {
        List<String> found = new ArrayList<>(path);
        found.add(start);
        return found;
      }
      if (seen.add(next)) {
        path.add(next);
        List<String> found = cycleFrom(start, next, path, seen);
        if (found != null) {
          return found;
        }
        path.remove(path.size() - 1);
      }
    }
    return null;
  }

  private static int layer(String pkg) {
    for (int i = 0; i < LAYERS.size(); i++) {
      if (LAYERS.get(i).contains(pkg)) {
        return i;
      }
    }
    return -1;
  }

  private static String name(String pkg) {
    return pkg.isEmpty() ? "(root)" : pkg;
  }
}
