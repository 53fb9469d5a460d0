package dev.switchboard.http;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.switchboard.support.TestBed;
import dev.switchboard.support.TestNode;
import dev.switchboard.support.Wait;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Runs docs/walkthrough.sh (the README's walk-through, plain curl) against a fresh node on the
 * simulator engine, as a user would run it, and checks that the README quotes what it prints.
 */
class WalkthroughTest {

  @RegisterExtension
  static final TestBed bed = TestBed.database().withSim(20_000).withNode();

  private static final Path SCRIPT = Path.of("docs", "walkthrough.sh");
  private static final Path README = Path.of("README.md");
  /** The last run's output, kept for whoever refreshes the README's copy of it. */
  private static final Path OUTPUT = Path.of("target", "walkthrough-output.txt");
  /** A field that names something, answered as null: a value the walk-through expects is missing. */
  private static final Pattern NULL_ID = Pattern.compile(
      "\"(messageId|mediaId|eventId|clientId|deviceId|chatId|status|node|key|token|webhookSecret)\":null");

  @Test
  void theWalkthroughScriptRunsGreenAgainstANodeOnTheSimulator() throws Exception {
    Vertx vertx = Vertx.vertx();
    List<String> webhookBodies = new CopyOnWriteArrayList<>();
    HttpServer hook = vertx.createHttpServer()
        .requestHandler(req -> req.body().onSuccess(b -> {
          webhookBodies.add(b.toString());
          req.response().setStatusCode(200).end();
        }))
        .listen(0, "127.0.0.1").await(10, TimeUnit.SECONDS);
    try {
      String hookUrl = "http://127.0.0.1:" + hook.actualPort() + "/hooks/whatsapp";
      long started = System.nanoTime();
      Run run = runScript("http://127.0.0.1:" + bed.node().httpPort(), bed.sim().url(), hookUrl);
      long seconds = TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - started);

      if (run.exitCode != 0) {
        fail("docs/walkthrough.sh exited with " + run.exitCode + "; its output:\n" + run.output);
      }
      String out = run.output;
      assertTrue(out.strip().matches("(?s).*\\nwalkthrough: all \\d+ steps passed"), out);
      assertTrue(seconds < 45, "the walk-through took " + seconds + " s");
      Matcher nulls = NULL_ID.matcher(out);
      if (nulls.find()) {
        fail("an answer has " + nulls.group() + ":\n" + out);
      }
      for (String line : out.split("\n")) {
        assertFalse(line.matches("\\$ [A-Z]+=(null)?"), "a variable was set from nothing: " + line);
      }
      Wait.until("the person's reply at the webhook", 10_000, () -> List.copyOf(webhookBodies),
          bodies -> bodies.stream().anyMatch(b -> b.contains("\"event\":\"message\"") && b.contains("Hi, got it")));
    } finally {
      vertx.close();
    }
  }

  @Test
  void theReadmeQuotesTheCommandsTheScriptRuns() throws IOException {
    String script = Files.readString(SCRIPT);
    List<String> quoted = walkthroughSection(Files.readString(README)).lines()
        .filter(l -> l.startsWith("$ curl "))
        .toList();
    assertTrue(quoted.size() >= 20, "the README's walk-through quotes " + quoted.size()
        + " curl commands of the script's output; expected its run, with every step");
    for (String line : quoted) {
      // The script holds each command as typed, one per line (a long one continues on the next).
      String command = line.substring(2).replaceAll(" \\\\$", "");
      assertTrue(script.contains(command), "the README quotes a command that docs/walkthrough.sh does not run: "
          + command);
    }
  }

  private static String walkthroughSection(String readme) {
    int start = readme.indexOf("\n## Walk-through with curl");
    assertTrue(start >= 0, "README.md has no 'Walk-through with curl' section");
    int end = readme.indexOf("\n## ", start + 1);
    return readme.substring(start, end < 0 ? readme.length() : end);
  }

  private record Run(int exitCode, String output) {
  }

  private static Run runScript(String base, String sim, String hook) throws Exception {
    Files.createDirectories(OUTPUT.getParent());
    ProcessBuilder pb = new ProcessBuilder("bash", SCRIPT.toString())
        .redirectErrorStream(true)
        .redirectOutput(OUTPUT.toFile());
    pb.environment().put("B", base);
    pb.environment().put("SIM", sim);
    pb.environment().put("MASTER", TestNode.MASTER);
    pb.environment().put("HOOK", hook);
    Process p = pb.start();
    if (!p.waitFor(120, TimeUnit.SECONDS)) {
      p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      fail("docs/walkthrough.sh did not finish within 120 s; its output:\n" + Files.readString(OUTPUT));
    }
    return new Run(p.exitValue(), Files.readString(OUTPUT, StandardCharsets.UTF_8));
  }
}
