package dev.switchboard.kernel;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;

/** Build facts filtered in by Maven. */
public final class Version {

  private static final Properties PROPS = load();

  private Version() {
  }

  public static String version() {
    return PROPS.getProperty("version", "dev");
  }

  public static String swaggerUi() {
    return PROPS.getProperty("swaggerUiVersion");
  }

  private static Properties load() {
    Properties p = new Properties();
    try (InputStream in = Version.class.getResourceAsStream("/switchboard.properties")) {
      if (in != null) {
        p.load(in);
      }
    } catch (IOException ignored) {
      // The defaults above are good enough for a build without resources.
    }
    return p;
  }
}
