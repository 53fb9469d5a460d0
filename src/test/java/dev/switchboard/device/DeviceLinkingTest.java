package dev.switchboard.device;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.zxing.BinaryBitmap;
import com.google.zxing.RGBLuminanceSource;
import com.google.zxing.common.HybridBinarizer;
import com.google.zxing.qrcode.QRCodeReader;
import dev.switchboard.support.Api;
import dev.switchboard.support.Devices;
import dev.switchboard.support.TestBed;
import dev.switchboard.support.TestNode;
import dev.switchboard.support.Wait;
import io.vertx.core.json.JsonObject;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Linking devices through the real simulator over real sockets: QR, pairing code, refresh, faults, isolation. */
class DeviceLinkingTest {

  @RegisterExtension
  static final TestBed bed = TestBed.database().withSim(1_500).withNode();

  @Test
  void deletesOfOneDeviceAtOnceAllAnswerWithinAFewSeconds() throws Exception {
    String key = bed.api().clientWithKey("del1");
    Devices.link(bed.api(), bed.sim(), key, "del1", "d", "15557010001");
    var pool = Executors.newFixedThreadPool(6);
    try {
      List<Future<Api.Response>> deletes = new ArrayList<>();
      for (int i = 0; i < 6; i++) {
        deletes.add(pool.submit(() -> {
          long t0 = System.nanoTime();
          Api.Response r = bed.api().delete("/api/clients/del1/devices/d", key);
          long ms = (System.nanoTime() - t0) / 1_000_000;
          assertTrue(ms < 5_000, "a delete answered in " + ms + " ms: " + r);
          return r;
        }));
      }
      for (Future<Api.Response> f : deletes) {
        int status = f.get().status();
        assertTrue(status == 200 || status == 404, "deleted, or already gone: " + status);
      }
      assertEquals(404, bed.api().get("/api/clients/del1/devices/d", key).status());
    } finally {
      pool.shutdown();
    }
  }

  @Test
  void linkByQrCode() throws Exception {
    String key = bed.api().clientWithKey("qr1");
    Api.Response created = bed.api().post("/api/clients/qr1/devices", key, new JsonObject().put("deviceId", "phone-1"));
    assertEquals(201, created.status(), created.toString());
    JsonObject d = created.data();
    assertEquals("QR_READY", d.getString("status"));
    String payload = d.getJsonObject("qr").getString("qr");
    assertTrue(d.getJsonObject("qr").getString("image").startsWith("data:image/png;base64,"));

    Api.Response png = bed.api().get("/api/clients/qr1/devices/phone-1/qr?format=png", key);
    assertEquals(200, png.status());
    assertEquals("image/png", png.headers().get("content-type"));
    String current = bed.api().get("/api/clients/qr1/devices/phone-1/qr", key).data().getString("qr");
    assertEquals(current, decode(png.body().getBytes()), "the PNG encodes the QR payload");

    assertEquals(200, bed.sim().pair(current, "15550001001").status());
    JsonObject connected = Devices.awaitStatus(bed.api(), key, "qr1", "phone-1", "CONNECTED");
    assertEquals("15550001001", connected.getString("phoneNumber"));
    assertEquals("test-node", connected.getString("node"));
    assertNotNull(connected.getString("connectedAt"));
    Api.Response noQr = bed.api().get("/api/clients/qr1/devices/phone-1/qr", key);
    assertEquals(409, noQr.status());
    assertEquals("DEVICE_NOT_QR_READY", noQr.errorCode());
    assertNotNull(payload);
  }

  @Test
  void linkByPairingCode() {
    String key = bed.api().clientWithKey("code1");
    assertEquals(201, bed.api().post("/api/clients/code1/devices", key, new JsonObject().put("deviceId", "p")).status());
    assertEquals(400, bed.api().post("/api/clients/code1/devices/p/pairing-code", key, new JsonObject().put("phoneNumber", "12ab")).status());
    Api.Response code = bed.api().post("/api/clients/code1/devices/p/pairing-code", key, new JsonObject().put("phoneNumber", "+15550002002"));
    assertEquals(200, code.status(), code.toString());
    assertTrue(code.data().getString("code").matches("[A-Z0-9]{4}-[A-Z0-9]{4}"), code.toString());
    assertEquals(200, bed.sim().pairCode(code.data().getString("code"), "15550002002").status());
    assertEquals("15550002002", Devices.awaitStatus(bed.api(), key, "code1", "p", "CONNECTED").getString("phoneNumber"));
  }

  @Test
  void theQrIsRefreshedAndAnOldOneNoLongerLinks() {
    String key = bed.api().clientWithKey("fresh1");
    String first = bed.api().post("/api/clients/fresh1/devices", key, new JsonObject().put("deviceId", "d"))
        .data().getJsonObject("qr").getString("qr");
    String second = Wait.until("a new QR", 10_000,
        () -> bed.api().get("/api/clients/fresh1/devices/d/qr", key).data().getString("qr"), q -> !q.equals(first));
    assertNotEquals(first, second);
    assertEquals(404, bed.sim().pair(first, "15550003003").status());
  }

  @Test
  void aDroppedConnectionReconnectsAndALogoutEndsInLoggedOut() {
    String key = bed.api().clientWithKey("fault1");
    Devices.link(bed.api(), bed.sim(), key, "fault1", "d", "15550004004");
    assertEquals(200, bed.sim().fault("15550004004", "disconnect").status());
    Devices.awaitStatus(bed.api(), key, "fault1", "d", "CONNECTED");
    Wait.until("a reconnect counted", 10_000, () -> bed.sim().stats().getInteger("connectedSessions"), n -> n >= 1);

    assertEquals(200, bed.sim().fault("15550004004", "logout").status());
    JsonObject out = Devices.awaitStatus(bed.api(), key, "fault1", "d", "LOGGED_OUT");
    assertNotNull(out.getString("lastError"));
    // Reconnecting a logged-out device starts linking again, with a new QR.
    assertEquals(202, bed.api().post("/api/clients/fault1/devices/d/reconnect", key, null).status());
    Devices.awaitStatus(bed.api(), key, "fault1", "d", "QR_READY");
  }

  @Test
  void devicesOfTwoClientsStayIsolatedAndLimitsHold() {
    String a = bed.api().clientWithKey("iso-a");
    String b = bed.api().clientWithKey("iso-b");
    Devices.link(bed.api(), bed.sim(), a, "iso-a", "shared-name", "15550005005");
    assertEquals(201, bed.api().post("/api/clients/iso-b/devices", b, new JsonObject().put("deviceId", "shared-name")).status());
    assertEquals(1, bed.api().get("/api/clients/iso-b/devices", b).data().getJsonArray("items").size());
    assertEquals("QR_READY", Devices.get(bed.api(), b, "iso-b", "shared-name").getString("status"));
    assertEquals("CONNECTED", Devices.get(bed.api(), a, "iso-a", "shared-name").getString("status"));
    assertEquals(401, bed.api().get("/api/clients/iso-a/devices/shared-name", b).status());
    assertEquals(401, bed.api().get("/api/clients/iso-a/devices", b).status());
    assertEquals(404, bed.api().get("/api/clients/iso-b/devices/other", b).status());
    assertEquals("DEVICE_NOT_FOUND", bed.api().get("/api/clients/iso-b/devices/other", b).errorCode());

    Api.Response dup = bed.api().post("/api/clients/iso-b/devices", b, new JsonObject().put("deviceId", "shared-name"));
    assertEquals(409, dup.status());
    assertEquals("DEVICE_EXISTS", dup.errorCode());
    bed.api().put("/api/clients/iso-b/config", TestNode.MASTER, new JsonObject().put("maxDevices", 1));
    Api.Response over = bed.api().post("/api/clients/iso-b/devices", b, new JsonObject().put("deviceId", "second"));
    assertEquals(409, over.status());
    assertEquals("DEVICE_LIMIT_REACHED", over.errorCode());
    assertEquals(400, bed.api().post("/api/clients/iso-b/devices", b, new JsonObject().put("deviceId", "bad id!")).status());
    assertEquals(400, bed.api().post("/api/clients/iso-b/devices", b, new JsonObject().put("deviceId", 42)).status());
    assertEquals(400, bed.api().get("/api/clients/iso-b/devices/%D7%90", b).status());
  }

  @Test
  void concurrentRegistrationsNeverExceedMaxDevicesAndADeleteMakesRoom() throws Exception {
    String key = bed.api().clientWithKey("limits");
    bed.api().put("/api/clients/limits/config", TestNode.MASTER, new JsonObject().put("maxDevices", 3));
    // The same id six times at once: one gets in, the others are told it exists, and only one is counted.
    List<Api.Response> twins = registerAtOnce(key, List.of("twin", "twin", "twin", "twin", "twin", "twin"));
    assertEquals(1, twins.stream().filter(r -> r.status() == 201).count());
    assertEquals(5, twins.stream().filter(r -> "DEVICE_EXISTS".equals(r.errorCode())).count());
    // Eight new ids at once: two fit.
    List<Api.Response> others = registerAtOnce(key, List.of("a", "b", "c", "d", "e", "f", "g", "h"));
    assertEquals(2, others.stream().filter(r -> r.status() == 201).count());
    assertEquals(6, others.stream().filter(r -> "DEVICE_LIMIT_REACHED".equals(r.errorCode())).count());
    assertEquals(3, bed.api().get("/api/clients/limits/devices", key).data().getJsonArray("items").size());

    assertEquals(200, bed.api().delete("/api/clients/limits/devices/twin", key).status());
    assertEquals(201, bed.api().post("/api/clients/limits/devices", key, new JsonObject().put("deviceId", "late")).status());
    assertEquals("DEVICE_LIMIT_REACHED", bed.api().post("/api/clients/limits/devices", key, new JsonObject().put("deviceId", "later")).errorCode());
  }

  private static List<Api.Response> registerAtOnce(String key, List<String> ids) throws Exception {
    try (var exec = Executors.newVirtualThreadPerTaskExecutor()) {
      List<Future<Api.Response>> calls = ids.stream().map(id -> exec.submit(() -> bed.api().post("/api/clients/limits/devices", key,
          new JsonObject().put("deviceId", id)))).toList();
      List<Api.Response> answers = new ArrayList<>();
      for (Future<Api.Response> c : calls) {
        answers.add(c.get());
      }
      return answers;
    }
  }

  @Test
  void deleteLogsTheSessionOutAndRemovesTheDevice() {
    String key = bed.api().clientWithKey("del1");
    Devices.link(bed.api(), bed.sim(), key, "del1", "d", "15550006006");
    assertEquals(200, bed.api().delete("/api/clients/del1/devices/d", key).status());
    assertEquals(404, bed.api().get("/api/clients/del1/devices/d", key).status());
    assertEquals("device.removed", bed.api().get("/api/clients/del1/audit", key).data().getJsonArray("items")
        .getJsonObject(0).getString("action"));
  }

  private static String decode(byte[] png) throws Exception {
    BufferedImage image = ImageIO.read(new ByteArrayInputStream(png));
    int[] pixels = image.getRGB(0, 0, image.getWidth(), image.getHeight(), null, 0, image.getWidth());
    var source = new RGBLuminanceSource(image.getWidth(), image.getHeight(), pixels);
    return new QRCodeReader().decode(new BinaryBitmap(new HybridBinarizer(source))).getText();
  }
}
