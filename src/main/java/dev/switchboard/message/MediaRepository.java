package dev.switchboard.message;

import dev.switchboard.kernel.ChatIds;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;

/** SQL of the media table: uploaded, fetched and received files of a device. */
public final class MediaRepository {

  private static final String INSERT = """
      INSERT INTO media (client_id, device_id, media_id, mime_type, file_name, size, data)
      VALUES ($1, $2, $3, $4, $5, $6, $7)""";
  private static final String INFO = """
      SELECT media_id, mime_type, file_name, size, created_at FROM media
      WHERE client_id = $1 AND device_id = $2 AND media_id = $3""";
  private static final String LOAD = """
      SELECT media_id, mime_type, file_name, size, created_at, data FROM media
      WHERE client_id = $1 AND device_id = $2 AND media_id = $3""";

  private MediaRepository() {
  }

  /** A stored file: its description and, when loaded, its bytes. */
  public record Media(String mediaId, String mimeType, String fileName, int size, Buffer data) {

    public JsonObject toJson() {
      return new JsonObject().put("mediaId", mediaId).put("mimeType", mimeType).put("size", size).put("fileName", fileName);
    }
  }

  public static Future<Media> insert(SqlClient sql, String clientId, String deviceId, String mimeType, String fileName,
      Buffer data) {
    String mediaId = ChatIds.newMediaId();
    return sql.preparedQuery(INSERT)
        .execute(Tuple.of(clientId, deviceId, mediaId, mimeType, fileName, data.length(), data))
        .map(r -> new Media(mediaId, mimeType, fileName, data.length(), null));
  }

  /** The description without the bytes, or null. */
  public static Future<Media> info(SqlClient sql, String clientId, String deviceId, String mediaId) {
    return sql.preparedQuery(INFO).execute(Tuple.of(clientId, deviceId, mediaId))
        .map(rows -> rows.size() == 0 ? null : media(rows.iterator().next(), false));
  }

  /** The description and the bytes, or null. */
  public static Future<Media> load(SqlClient sql, String clientId, String deviceId, String mediaId) {
    return sql.preparedQuery(LOAD).execute(Tuple.of(clientId, deviceId, mediaId))
        .map(rows -> rows.size() == 0 ? null : media(rows.iterator().next(), true));
  }

  private static Media media(Row r, boolean withData) {
    return new Media(r.getString("media_id"), r.getString("mime_type"), r.getString("file_name"), r.getInteger("size"),
        withData ? r.getBuffer("data") : null);
  }
}
