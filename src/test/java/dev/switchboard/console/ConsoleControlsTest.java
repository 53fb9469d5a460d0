package dev.switchboard.console;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.switchboard.support.Api;
import dev.switchboard.support.Devices;
import dev.switchboard.support.Sim;
import dev.switchboard.support.TestBed;
import io.vertx.core.json.JsonObject;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.openqa.selenium.By;
import org.openqa.selenium.Keys;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.Select;

/**
 * The console's controls of a linked device and its chats, in a real headless Chromium against a
 * real node and the simulator: stop and start a device, rename it, and archive, pin and mute a chat.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ConsoleControlsTest {

  private static final String CLIENT = "cafe";
  private static final String DEVICE = "counter";
  private static final String PHONE = "15550301000";
  private static final String PERSON = "15550302000";
  private static final String PERSON_JID = PERSON + "@s.whatsapp.net";
  private static final String CARD = "[data-testid=device][data-device-id=" + DEVICE + "]";
  private static final String D = "/api/clients/" + CLIENT + "/devices/" + DEVICE;

  @RegisterExtension
  static final TestBed bed = TestBed.database().withSim(20_000).withNode("--send-rate", "0").withClient(CLIENT);

  private static Sim sim;
  private static Api api;
  private static Browser browser;
  private static String key;

  @BeforeAll
  static void start() {
    sim = bed.sim();
    api = bed.api();
    key = bed.key();
    Devices.link(api, sim, key, CLIENT, DEVICE, PHONE);
    browser = new Browser(bed.node().httpPort());
    browser.login(key);
  }

  @AfterAll
  static void stop() {
    if (browser != null) {
      browser.close();
    }
  }

  @Test
  @Order(1)
  void aDeviceStoppedFromTheConsoleIsStartedAgainWithoutAQr() {
    browser.testId("nav-devices").click();
    browser.await(CARD + "[data-status=CONNECTED]");
    assertTrue(browser.all(CARD + " [data-testid=start-device]").stream().noneMatch(WebElement::isDisplayed),
        "no Start for a running device");
    browser.await(CARD + " [data-testid=stop-device]").click();
    browser.await(CARD + "[data-status=STOPPED]");
    assertEquals("STOPPED", Devices.get(api, key, CLIENT, DEVICE).getString("status"));
    assertEquals(0, sim.stats().getInteger("connectedSessions"), "the session is closed");
    browser.screenshot("20-device-stopped");

    // Every state the card shows from here on is recorded: starting goes back to CONNECTED without a QR.
    browser.js("const card = document.querySelector(arguments[0]); window.__states = [];"
        + "new MutationObserver(() => { window.__states.push(card.dataset.status);"
        + " if (card.querySelector('[data-testid=qr][data-qr]')) window.__states.push('QR shown'); })"
        + ".observe(card, {attributes: true, subtree: true, childList: true});", CARD);
    browser.await(CARD + " [data-testid=start-device]").click();
    browser.await(CARD + "[data-status=CONNECTED]");
    @SuppressWarnings("unchecked")
    List<String> states = (List<String>) browser.js("return window.__states");
    assertFalse(states.contains("QR_READY") || states.contains("QR shown"), "shown on the way: " + states);
    assertTrue(browser.all(CARD + " [data-testid=start-device]").stream().noneMatch(WebElement::isDisplayed));
    assertTrue(browser.await(CARD).getText().contains("+" + PHONE), "still the same linked number");
    assertEquals("CONNECTED", Devices.get(api, key, CLIENT, DEVICE).getString("status"));
  }

  @Test
  @Order(2)
  void aDeviceRenamedInTheConsoleShowsItsNameThereAndInTheApi() {
    browser.testId("nav-devices").click();
    assertEquals(DEVICE, browser.await(CARD + " [data-testid=device-name]").getText(), "the id until it has a name");
    browser.await(CARD + " [data-testid=rename-device]").click();
    WebElement input = browser.await(CARD + " [data-testid=device-name-input]");
    input.sendKeys(Keys.chord(Keys.CONTROL, "a"), "  Café counter · caja 1 ");
    browser.await(CARD + " [data-testid=save-device-name]").click();
    browser.until("the new name on the card",
        d -> "Café counter · caja 1".equals(d.findElement(By.cssSelector(CARD + " [data-testid=device-name]")).getText()) ? true : null);
    assertTrue(browser.await(CARD).getText().contains(DEVICE), "the id is still shown under the name");
    assertEquals("Café counter · caja 1", Devices.get(api, key, CLIENT, DEVICE).getString("name"));
    browser.screenshot("21-device-renamed");

    // A name the API refuses (only spaces) is said so, and the name stays.
    browser.await(CARD + " [data-testid=rename-device]").click();
    browser.await(CARD + " [data-testid=device-name-input]").sendKeys(Keys.chord(Keys.CONTROL, "a"), "   ");
    browser.await(CARD + " [data-testid=save-device-name]").click();
    browser.until("the refusal in a toast", d -> d.findElements(By.cssSelector("[data-testid=toast]")).stream()
        .anyMatch(t -> t.getText().contains("VALIDATION_ERROR")) ? true : null);
    assertEquals("Café counter · caja 1", Devices.get(api, key, CLIENT, DEVICE).getString("name"));

    browser.testId("nav-chats").click();
    Select devices = new Select(browser.await("[data-testid=device-select]"));
    assertTrue(devices.getFirstSelectedOption().getText().contains("Café counter · caja 1"), devices.getFirstSelectedOption().getText());
  }

  @Test
  @Order(3)
  void aChatArchivedInTheConsoleMovesUnderTheArchivedFilterAndBack() {
    sim.send(PERSON, new JsonObject().put("to", PHONE).put("type", "text").put("text", "Two coffees to go, please"));
    browser.testId("nav-chats").click();
    String chat = "[data-testid=chat][data-chat-id='" + PERSON_JID + "']";
    String toggles = "[data-chat-id='" + PERSON_JID + "']";
    browser.await(chat + "[data-archived=false]");
    Select filter = new Select(browser.await("[data-testid=chat-filter]"));

    browser.await("[data-testid=chat-archive]" + toggles).click();
    browser.until("the chat gone from the chats", d -> d.findElements(By.cssSelector(chat)).isEmpty() ? true : null);
    assertEquals(true, chatFlags().getBoolean("archived"));
    filter.selectByValue("true");
    browser.await(chat + "[data-archived=true]");
    browser.screenshot("22-chats-archived");

    browser.await("[data-testid=chat-archive]" + toggles).click();
    browser.until("the chat gone from the archived", d -> d.findElements(By.cssSelector(chat)).isEmpty() ? true : null);
    filter.selectByValue("false");
    browser.await(chat + "[data-archived=false]");
    assertEquals(false, chatFlags().getBoolean("archived"));

    browser.await("[data-testid=chat-pin]" + toggles).click();
    browser.await(chat + "[data-pinned=true]");
    assertEquals(true, chatFlags().getBoolean("pinned"));
    browser.await("[data-testid=chat-mute]" + toggles).click();
    browser.await(chat + "[data-muted=true]");
    assertNotNull(chatFlags().getString("mutedUntil"));
    browser.await("[data-testid=chat-mute]" + toggles).click();
    browser.await(chat + "[data-muted=false]");
    assertEquals(null, chatFlags().getString("mutedUntil"));
  }

  private static JsonObject chatFlags() {
    Api.Response r = api.get(D + "/chats/" + PERSON_JID, key);
    assertEquals(200, r.status(), r.toString());
    return r.data();
  }
}
