package dev.switchboard.config;

import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;

/** A {@code postgresql://user:pass@host:port/db} URL, split into what the two drivers need. */
public record DbUrl(String host, int port, String database, String user, String password) {

  public static DbUrl parse(String url) {
    try {
      URI uri = URI.create(url);
      if (!"postgresql".equals(uri.getScheme()) && !"postgres".equals(uri.getScheme())) {
        throw new IllegalArgumentException();
      }
      if (uri.getHost() == null) {
        throw new IllegalArgumentException();
      }
      String user = "postgres";
      String password = "";
      String info = uri.getRawUserInfo();
      if (info != null) {
        int colon = info.indexOf(':');
        user = decode(colon < 0 ? info : info.substring(0, colon));
        password = colon < 0 ? "" : decode(info.substring(colon + 1));
      }
      String path = uri.getPath() == null || uri.getPath().length() <= 1 ? "/postgres" : uri.getPath();
      return new DbUrl(uri.getHost(), uri.getPort() < 0 ? 5432 : uri.getPort(), path.substring(1), user, password);
    } catch (IllegalArgumentException e) {
      throw new ConfigException("SWITCHBOARD_DB_URL must look like postgresql://user:pass@host:port/db, got '"
          + url.replaceAll(":[^:@/]*@", ":***@") + "'");
    }
  }

  public static DbUrl local(int port) {
    return new DbUrl("127.0.0.1", port, "postgres", "postgres", "postgres");
  }

  public String jdbcUrl() {
    return "jdbc:postgresql://" + host + ":" + port + "/" + database;
  }

  private static String decode(String s) {
    return URLDecoder.decode(s, StandardCharsets.UTF_8);
  }
}
