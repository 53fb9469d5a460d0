package dev.switchboard.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/** Directories that tests and benches leave behind. */
public final class Dirs {

  private Dirs() {
  }

  /**
   * Deletes the data directory of a PostgreSQL that was just told to stop: it may still write its
   * last files for a moment after (statistics at shutdown), so this tries again for up to 5 s.
   */
  public static void deleteAfterStop(Path dir) {
    for (int attempt = 0; attempt < 50 && Files.exists(dir); attempt++) {
      try {
        delete(dir);
      } catch (UncheckedIOException stillWriting) {
        // Tried again below.
      }
      if (Files.exists(dir)) {
        try {
          Thread.sleep(100);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          return;
        }
      }
    }
  }

  /** Deletes {@code dir} and everything under it; nothing when it does not exist. */
  private static void delete(Path dir) {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> paths = Files.walk(dir)) {
      for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot delete " + dir, e);
    }
  }
}
