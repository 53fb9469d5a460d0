package dev.switchboard.store;

import dev.switchboard.config.ConfigException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * This process's claim on a data directory: an OS file lock on {@code switchboard.lock}, which the
 * kernel releases when the process ends however it ends, so a lock never outlives a {@code kill -9}.
 * The file holds the owner's pid for the message a second process gets.
 */
final class DataDirLock implements AutoCloseable {

  private final FileChannel channel;
  private final FileLock lock;

  private DataDirLock(FileChannel channel, FileLock lock) {
    this.channel = channel;
    this.lock = lock;
  }

  /** Takes the lock or throws a one-line {@link ConfigException} naming the process that holds it. */
  static DataDirLock take(Path dataDir) {
    Path file = dataDir.resolve("switchboard.lock");
    FileChannel channel = null;
    try {
      Files.createDirectories(dataDir);
      channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
      FileLock lock = channel.tryLock();
      if (lock == null) {
        String owner = Files.readString(file, StandardCharsets.UTF_8).trim();
        channel.close();
        throw new ConfigException("the data directory " + dataDir + " is in use by another Switchboard process"
            + (owner.isEmpty() ? "" : " (pid " + owner + ")") + "; give each node its own --data-dir");
      }
      channel.truncate(0);
      channel.write(ByteBuffer.wrap((ProcessHandle.current().pid() + "\n").getBytes(StandardCharsets.UTF_8)), 0);
      return new DataDirLock(channel, lock);
    } catch (IOException e) {
      closeQuietly(channel);
      throw new ConfigException("cannot lock the data directory " + dataDir + ": " + e.getMessage());
    }
  }

  @Override
  public void close() {
    try {
      lock.release();
    } catch (IOException ignored) {
      // Closing the channel releases it too.
    }
    closeQuietly(channel);
  }

  private static void closeQuietly(FileChannel channel) {
    if (channel != null) {
      try {
        channel.close();
      } catch (IOException ignored) {
        // Nothing more to release.
      }
    }
  }
}
