package dev.switchboard;

import dev.switchboard.config.Config;
import dev.switchboard.config.ConfigException;
import dev.switchboard.config.Setting;
import dev.switchboard.store.EmbeddedDatabase;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import sun.misc.Signal;

/** {@code switchboard [options]}, {@code switchboard simulator --port P}, {@code switchboard postgres --port P --data DIR}. */
public final class Main {

  private Main() {
  }

  public static void main(String[] argv) {
    List<String> args = Arrays.asList(argv);
    // First of all, before any class starts logging: logback reads the format from this property
    // (else from the environment). Config checks the value.
    String flag = Config.LOG_FORMAT.flag();
    for (int i = 0; i < args.size(); i++) {
      if (args.get(i).equals(flag) && i + 1 < args.size()) {
        System.setProperty(Config.LOG_FORMAT.env(), args.get(i + 1));
      } else if (args.get(i).startsWith(flag + "=")) {
        System.setProperty(Config.LOG_FORMAT.env(), args.get(i).substring(flag.length() + 1));
      }
    }
    try {
      if (args.contains("--help") || args.contains("-h")) {
        System.out.print(Config.help());
        return;
      }
      String command = args.isEmpty() || args.get(0).startsWith("--") ? "node" : args.get(0);
      List<String> rest = command.equals("node") ? args : args.subList(1, args.size());
      switch (command) {
        case "node" -> runNode(Config.load(rest, System.getenv()));
        case "postgres" -> runPostgres(rest);
        case "simulator" -> Subcommands.simulator(rest);
        default -> throw new ConfigException("unknown command '" + command + "' (see --help)");
      }
    } catch (ConfigException e) {
      System.err.println("switchboard: " + e.getMessage());
      System.exit(2);
    }
  }

  private static void runNode(Config config) {
    Node node;
    try {
      node = Node.start(config).await(10, TimeUnit.MINUTES);
    } catch (ConfigException e) {
      throw e;
    } catch (Exception e) {
      Throwable root = e;
      while (root.getCause() != null) {
        root = root.getCause();
      }
      throw new ConfigException("the node did not start: " + (root instanceof ConfigException ? root.getMessage() : root));
    }
    AtomicBoolean stopping = new AtomicBoolean();
    Runnable stop = () -> {
      if (stopping.compareAndSet(false, true)) {
        node.stop();
      }
    };
    // The embedded PostgreSQL library stops its database in a shutdown hook of its own, which runs
    // alongside ours: a node stopped that way lost its database while it was still writing what its
    // devices had done. On TERM and INT the node therefore stops first, then the JVM exits.
    for (String name : List.of("TERM", "INT")) {
      int exitCode = 128 + (name.equals("TERM") ? 15 : 2);
      Signal.handle(new Signal(name), signal -> {
        stop.run();
        System.exit(exitCode);
      });
    }
    Runtime.getRuntime().addShutdownHook(new Thread(stop, "switchboard-shutdown"));
  }

  private static void runPostgres(List<String> args) {
    Setting port = new Setting("PORT", "--port", "5432", "port");
    Setting data = new Setting("DATA", "--data", "./data", "data directory");
    Map<String, String> values = Config.parseFlags(args, List.of(port, data));
    int p;
    try {
      p = Integer.parseInt(values.getOrDefault("PORT", "5432"));
    } catch (NumberFormatException e) {
      throw new ConfigException("--port must be a number");
    }
    EmbeddedDatabase db = EmbeddedDatabase.start(Path.of(values.getOrDefault("DATA", "./data")), p);
    System.out.println("PostgreSQL ready on 127.0.0.1:" + db.url().port() + " (user postgres, password postgres, database postgres)");
    CountDownLatch done = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      db.close();
      done.countDown();
    }));
    try {
      done.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
