package dev.switchboard.console;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.switchboard.Node;
import dev.switchboard.support.Api;
import dev.switchboard.support.Sim;
import dev.switchboard.support.TestDatabase;
import dev.switchboard.support.TestNode;
import dev.switchboard.support.Wait;
import io.vertx.core.json.JsonObject;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.Select;

/**
 * A client's day in the web console, in a real headless Chromium against a real node and the
 * simulator: sign in, link a device by the QR on the screen, chat with a person both ways, and be
 * sent back to the login when the token no longer holds. The steps build on each other, in order.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ConsoleClientTest {

  private static final String CLIENT = "shop";
  private static final String DEVICE = "front-desk";
  private static final String PHONE = "15550101000";
  private static final String PERSON = "15550102000";
  private static final String PERSON_JID = PERSON + "@s.whatsapp.net";

  private static Sim sim;
  private static Node node;
  private static Api api;
  private static Browser browser;
  private static String key;

  @BeforeAll
  static void start() {
    // A short QR interval, so the QR on the page is seen to rotate before it is scanned.
    sim = new Sim(2_500);
    node = TestNode.start(TestNode.config(TestDatabase.newDatabase(), "--sim-url", sim.url(), "--send-rate", "0"));
    api = new Api(node.httpPort());
    key = api.clientWithKey(CLIENT);
    browser = new Browser(node.httpPort());
  }

  @AfterAll
  static void stop() {
    if (browser != null) {
      browser.close();
    }
    api.close();
    TestNode.stop(node);
    sim.close();
  }

  @Test
  @Order(1)
  void theRootAndTheDashboardRedirectToTheConsole() {
    for (String path : List.of("/", "/dashboard", "/console")) {
      Api.Response r = api.get(path, null);
      assertEquals(302, r.status(), path);
      assertEquals("/console/", r.headers().get("location"), path);
    }
    Api.Response page = api.get("/console/", null);
    assertEquals(200, page.status());
    assertTrue(page.headers().get("content-type").startsWith("text/html"), page.headers().toString());
    assertTrue(page.headers().get("content-security-policy").contains("default-src 'self'"));
    assertEquals(200, api.get("/console/js/main.js", null).status());
  }

  @Test
  @Order(2)
  void aClientLogsInAddsADeviceAndTheQrOnThePageLinksItWithoutAReload() {
    browser.open("/");
    browser.await("[data-testid=key]");
    browser.screenshot("01-login");
    browser.login(key);
    assertEquals(CLIENT, browser.testId("who").getText());
    assertTrue(browser.all("[data-testid=nav-overview]").isEmpty(), "a client key has no cluster overview");
    browser.testId("nav-devices").click();
    browser.await("[data-testid=empty]");
    browser.js("window.__sameDocument = true");

    browser.testId("add-device").click();
    browser.await("[data-testid=device-id]").sendKeys(DEVICE);
    browser.testId("create-device").click();
    String first = qrOnPage();
    browser.screenshot("02-devices-qr");
    // The QR rotates (every 2.5 s here): the page shows each new one without being asked.
    String rotated = browser.until("a new QR on the page", d -> {
      String now = qrOnPage();
      return now.equals(first) ? null : now;
    });
    assertNotEquals(first, rotated);
    Wait.until("the simulator accepts the QR on the page", 15_000, () -> sim.pair(qrOnPage(), PHONE).status(), s -> s == 200);

    WebElement card = browser.until(DEVICE + " CONNECTED on the page", d -> {
      WebElement c = d.findElement(By.cssSelector("[data-testid=device][data-device-id=" + DEVICE + "]"));
      return "CONNECTED".equals(c.getDomAttribute("data-status")) ? c : null;
    });
    browser.until("the phone number on the card", d -> card.getText().contains("+" + PHONE) ? true : null);
    assertTrue(browser.all("[data-testid=qr][data-qr]").isEmpty(), "the QR goes once linked");
    assertEquals(Boolean.TRUE, browser.js("return window.__sameDocument === true"), "no reload happened");
    browser.screenshot("03-devices-connected");
  }

  @Test
  @Order(3)
  void aPersonsMessageAppearsInTheChatListAndTheConversationLive() {
    browser.testId("nav-chats").click();
    Select devices = new Select(browser.await("[data-testid=device-select]"));
    assertEquals(DEVICE, devices.getFirstSelectedOption().getDomAttribute("value"));
    browser.await("[data-testid=empty]");

    sim.send(PERSON, new JsonObject().put("to", PHONE).put("type", "text").put("text", "שלום, is the shop open today? 🛍️"));
    String chat = "[data-testid=chat][data-chat-id='" + PERSON_JID + "']";
    assertEquals("1", browser.await(chat + " [data-testid=unread]").getText());
    browser.await(chat).click();
    browser.until("the person's message in the conversation", d -> inbound().stream()
        .anyMatch(m -> m.getText().contains("שלום, is the shop open today? 🛍️")) ? true : null);

    sim.send(PERSON, new JsonObject().put("to", PHONE).put("type", "text").put("text", "And until when?"));
    browser.until("the second message, live", d -> inbound().stream()
        .anyMatch(m -> m.getText().contains("And until when?")) ? true : null);
    assertEquals(2, inbound().size());
    // Reading the conversation sends read receipts: the chat's unread count goes.
    browser.until("no unread count on the open chat",
        d -> d.findElements(By.cssSelector("[data-testid=chat] [data-testid=unread]")).isEmpty() ? true : null);
  }

  @Test
  @Order(4)
  void aReplyTypedInTheConsoleReachesThePersonIntactAndShowsItsTicksLive() {
    String reply = "כן! פתוח עד 20:00 🙂👍🏽 Yes, open until 8 pm";
    WebElement compose = browser.testId("compose");
    // ChromeDriver types only characters of the Basic Multilingual Plane: the emoji go in as an edit would.
    compose.sendKeys("x");
    browser.js("arguments[0].value = arguments[1]; arguments[0].dispatchEvent(new Event('input'))", compose, reply);
    browser.testId("send").click();

    JsonObject received = Wait.until("the reply at the person", 15_000,
        () -> sim.received(PERSON).stream().map(o -> (JsonObject) o).filter(m -> reply.equals(m.getString("text")))
            .findFirst().orElse(null), m -> m != null);
    String messageId = received.getString("messageId");
    WebElement out = browser.await("[data-testid=message][data-direction=outbound][data-message-id='" + messageId + "']");
    assertTrue(out.getText().contains(reply), out.getText());
    awaitStatus(messageId, "SENT");
    assertEquals(200, sim.receipt(PERSON, messageId, "DELIVERED").status());
    awaitStatus(messageId, "DELIVERED");
    assertEquals(200, sim.receipt(PERSON, messageId, "READ").status());
    awaitStatus(messageId, "READ");
    browser.screenshot("04-conversation");

    browser.size(390, 844);
    browser.await("[data-testid=compose]");
    browser.screenshot("05-phone-conversation");
    browser.testId("nav-devices").click();
    browser.await("[data-testid=device]");
    browser.screenshot("06-phone-devices");
    browser.size(1280, 900);
  }

  @Test
  @Order(5)
  void anImageAttachedInTheConsoleIsUploadedAndSentToThePerson() throws Exception {
    java.nio.file.Path png = java.nio.file.Files.createDirectories(java.nio.file.Path.of("target", "console-files")).resolve("menu.png");
    java.awt.image.BufferedImage image = new java.awt.image.BufferedImage(40, 30, java.awt.image.BufferedImage.TYPE_INT_RGB);
    javax.imageio.ImageIO.write(image, "png", png.toFile());
    browser.testId("nav-chats").click();
    browser.await("[data-testid=chat][data-chat-id='" + PERSON_JID + "']").click();
    browser.await("[data-testid=compose]");
    browser.testId("attach").sendKeys(png.toAbsolutePath().toString());
    JsonObject received = Wait.until("the image at the person", 15_000,
        () -> sim.received(PERSON).stream().map(o -> (JsonObject) o).filter(m -> "image".equals(m.getString("type")))
            .findFirst().orElse(null), m -> m != null);
    browser.await("[data-testid=message][data-direction=outbound][data-message-id='" + received.getString("messageId") + "'] img");
  }

  @Test
  @Order(6)
  void aDeviceIsDeletedOnlyOnceTheDeletionIsConfirmed() {
    browser.testId("nav-devices").click();
    browser.testId("add-device").click();
    browser.await("[data-testid=device-id]").sendKeys("spare");
    browser.testId("create-device").click();
    String card = "[data-testid=device][data-device-id=spare]";
    browser.await(card + " [data-testid=delete-device]").click();
    browser.await("[data-testid=confirm-cancel]").click();
    assertEquals(200, api.get("/api/clients/" + CLIENT + "/devices/spare", key).status(), "cancelled: still there");
    browser.await(card + " [data-testid=delete-device]").click();
    browser.await("[data-testid=confirm-ok]").click();
    browser.until("the card gone", d -> d.findElements(By.cssSelector(card)).isEmpty() ? true : null);
    assertEquals(404, api.get("/api/clients/" + CLIENT + "/devices/spare", key).status());
  }

  @Test
  @Order(6)
  void aKeyMadeOnTheKeysPageIsShownOnceAndCanDoOnlyWhatItsScopesSay() {
    browser.testId("nav-keys").click();
    browser.await("[data-testid=usage-sent]");
    browser.await("[data-testid=key-name]").sendKeys("reader");
    browser.await("input[name='*']").click();
    browser.await("input[name='devices:read']").click();
    browser.testId("create-key").click();
    String shown = browser.await("[data-testid=secret]").getText();
    assertEquals(200, api.get("/api/clients/" + CLIENT + "/devices", shown).status(), "it reads devices");
    Api.Response send = api.post("/api/clients/" + CLIENT + "/devices/" + DEVICE + "/messages/text", shown,
        new io.vertx.core.json.JsonObject().put("to", PERSON).put("text", "not allowed"));
    assertEquals(403, send.status(), send.toString());
    browser.await("[data-testid=key] code");
    browser.screenshot("11-keys");
    browser.until("the new key listed", d -> d.findElements(By.cssSelector("[data-testid=key]")).size() >= 2 ? true : null);
    browser.all("[data-testid=key]").stream().filter(r -> r.getText().contains("reader")).findFirst().orElseThrow()
        .findElement(By.cssSelector("[data-testid=revoke-key]")).click();
    browser.await("[data-testid=confirm-ok]").click();
    browser.until("revoked", d -> api.get("/api/clients/" + CLIENT + "/devices", shown).status() == 401 ? true : null);
  }

  @Test
  @Order(6)
  void theUsagePageChartsTheStatsOfTheClient() {
    browser.testId("nav-usage").click();
    WebElement chart = browser.await("[data-testid=usage-chart]");
    assertTrue(Integer.parseInt(chart.getAttribute("data-buckets")) >= 24, "a bar group per hour of the last day");
    io.vertx.core.json.JsonArray items = api.get("/api/clients/" + CLIENT + "/stats?bucket=hour&since="
        + java.time.Instant.now().minusSeconds(24 * 3600), key).data().getJsonArray("items");
    long sent = items.stream().mapToLong(o -> ((io.vertx.core.json.JsonObject) o).getLong("sent")).sum();
    assertTrue(sent > 0, "the earlier tests sent messages: " + items);
    browser.until("the page shows what the stats API counts",
        d -> browser.await("[data-testid=usage-sent] .stat-value").getText().equals(String.valueOf(sent)) ? true : null);
    assertTrue(!browser.all("[data-testid=usage-chart] rect").isEmpty(), "bars are drawn");
    browser.screenshot("12-usage");
  }

  @Test
  @Order(7)
  void theTokenIsRenewedBeforeItExpiresAndTheLiveFeedFollowsIt() {
    String before = (String) browser.js("return JSON.parse(sessionStorage.getItem('switchboard.session')).token");
    // As if the token had two minutes left: the console renews it a few seconds after this reload.
    browser.js("const s = JSON.parse(sessionStorage.getItem('switchboard.session'));"
        + "s.expiresAt = new Date(Date.now() + 121000).toISOString();"
        + "sessionStorage.setItem('switchboard.session', JSON.stringify(s));");
    browser.driver.navigate().refresh();
    String after = browser.until("a renewed token", d -> {
      String now = (String) browser.js("return JSON.parse(sessionStorage.getItem('switchboard.session') || '{}').token || null");
      return now != null && !now.equals(before) ? now : null;
    });
    assertNotEquals(before, after);
    assertTrue(browser.all("[data-testid=logout]").size() == 1, "still signed in");
    browser.until("the feed live again", d -> "live".equals(browser.testId("live-status").getDomAttribute("data-state")) ? true : null);
    // The renewed feed still carries the person's messages.
    browser.testId("nav-chats").click();
    browser.await("[data-testid=chat][data-chat-id='" + PERSON_JID + "']").click();
    sim.send(PERSON, new JsonObject().put("to", PHONE).put("type", "text").put("text", "after the renewal"));
    browser.until("a message after the renewal", d -> inbound().stream()
        .anyMatch(m -> m.getText().contains("after the renewal")) ? true : null);
  }

  @Test
  @Order(8)
  void aTokenThatNoLongerHoldsSendsTheConsoleBackToTheLoginWithAMessage() {
    browser.testId("nav-devices").click();
    browser.await("[data-testid=device]");
    // The signature no longer matches once the payload changes: the node refuses it as it refuses an expired one.
    browser.js("const s = JSON.parse(sessionStorage.getItem('switchboard.session'));"
        + "const [h, p, sig] = s.token.split('.');"
        + "const claims = JSON.parse(atob(p.replace(/-/g, '+').replace(/_/g, '/')));"
        + "claims.exp = Math.floor(Date.now() / 1000) - 60;"
        + "s.token = [h, btoa(JSON.stringify(claims)).replace(/=+$/, '').replace(/\\+/g, '-').replace(/\\//g, '_'), sig].join('.');"
        + "sessionStorage.setItem('switchboard.session', JSON.stringify(s));");
    browser.testId("nav-chats").click();
    WebElement error = browser.await("[data-testid=login-error]");
    assertTrue(error.getText().contains("expired"), error.getText());
    assertTrue(browser.all("[data-testid=logout]").isEmpty());
    assertEquals(null, browser.js("return sessionStorage.getItem('switchboard.session')"), "the token is forgotten");
    browser.screenshot("07-login-expired");

    // A session kept in the tab past its expiry is not resumed on a reload either.
    browser.login(key);
    browser.js("const s = JSON.parse(sessionStorage.getItem('switchboard.session'));"
        + "s.expiresAt = new Date(Date.now() - 1000).toISOString();"
        + "sessionStorage.setItem('switchboard.session', JSON.stringify(s));");
    browser.driver.navigate().refresh();
    assertTrue(browser.await("[data-testid=login-error]").getText().contains("expired"));
  }

  private static String qrOnPage() {
    WebElement qr = browser.await("[data-testid=qr][data-qr]");
    String raw = qr.getDomAttribute("data-qr");
    assertTrue(raw != null && !raw.isBlank());
    return raw;
  }

  private static List<WebElement> inbound() {
    return browser.all("[data-testid=message][data-direction=inbound]");
  }

  private static void awaitStatus(String messageId, String status) {
    browser.until(messageId + " " + status + " on the page", d -> status.equals(
        d.findElement(By.cssSelector("[data-testid=message][data-message-id='" + messageId + "']")).getDomAttribute("data-status"))
        ? true : null);
  }
}
