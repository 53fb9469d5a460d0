package dev.switchboard.console;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.switchboard.Node;
import dev.switchboard.config.DbUrl;
import dev.switchboard.support.Api;
import dev.switchboard.support.Devices;
import dev.switchboard.support.Sim;
import dev.switchboard.support.TestDatabase;
import dev.switchboard.support.TestNode;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;

/**
 * The operator's side of the web console and the walls between clients, in a real headless
 * Chromium: the master's overview follows the nodes, the master manages clients and keys, and a
 * client key shows only its own client.
 */
class ConsoleMasterTest {

  private static Sim sim;
  private static String db;
  private static Node node;
  private static Api api;
  private static Browser browser;
  private static String alphaKey;
  private static String betaKey;

  @BeforeAll
  static void start() {
    sim = new Sim(20_000);
    db = TestDatabase.newDatabase();
    node = TestNode.start(TestNode.config(db, "--sim-url", sim.url()));
    api = new Api(node.httpPort());
    alphaKey = api.clientWithKey("alpha");
    betaKey = api.clientWithKey("beta");
    Devices.link(api, sim, alphaKey, "alpha", "alpha-phone", "15550201000");
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
  void theMastersOverviewListsTheLiveNodesAndDropsANodeThatIsGone() throws SQLException {
    // A node that died holding a lease: the overview shows it as gone until the lease runs out.
    sql("INSERT INTO devices (client_id, device_id, session_key, status, desired_state, owner_node, lease_until)"
        + " VALUES ('alpha', 'orphan', 'sk-orphan', 'CONNECTED', 'STOPPED', 'ghost', now() + interval '5 minutes')");
    browser.login(TestNode.MASTER);
    assertEquals("Master", browser.testId("who").getText());
    WebElement self = browser.await("[data-testid=node][data-node=test-node]");
    browser.until("test-node's device count", d -> "1".equals(
        self.findElement(By.cssSelector("[data-testid=node-devices]")).getText()) ? true : null);
    browser.await("[data-testid=node-stale][data-node=ghost]");
    assertTrue(browser.all("[data-testid=node][data-node=ghost]").isEmpty(), "a dead node is not listed as live");
    browser.await("[data-testid=client-row][data-client-id=alpha]");
    browser.await("[data-testid=client-row][data-client-id=beta]");
    browser.screenshot("08-overview");

    sql("UPDATE devices SET lease_until = now() - interval '1 second' WHERE device_id = 'orphan'");
    browser.until("the gone node leaves the overview by itself", d ->
        d.findElements(By.cssSelector("[data-node=ghost]")).isEmpty() ? true : null);
    assertEquals(1, browser.all("[data-testid=node]").size());
  }

  @Test
  void theMasterCreatesAClientAndSeesItsNewKeyOnceWithACopyButton() {
    browser.login(TestNode.MASTER);
    browser.await("[data-testid=nav-clients]").click();
    browser.await("[data-testid=client-id]").sendKeys("gamma");
    browser.testId("create-client").click();
    browser.await("[data-testid=client][data-client-id=gamma]");
    browser.await("[data-testid=issue-key]").click();
    String key = browser.await("[data-testid=secret]").getText();
    assertTrue(key.startsWith("sb_"), key);
    browser.await("[data-testid=secret-box] [data-testid=copy]");
    browser.await("[data-testid=rotate-key]");
    assertEquals(200, api.get("/api/clients/gamma", key).status(), "the key shown is the client's key");
    browser.screenshot("09-clients-key");
  }

  @Test
  void theMasterRetriesAFailedWebhookDeliveryAndReadsTheAuditLogOfAClient() throws SQLException {
    // Nothing listens on port 9: deliveries to it fail; one is then dead-lettered by hand.
    assertEquals(200, api.put("/api/clients/alpha/config", alphaKey,
        new io.vertx.core.json.JsonObject().put("webhookUrl", "http://127.0.0.1:9/hook")).status());
    sim.send("15550209999", new io.vertx.core.json.JsonObject().put("to", "15550201000").put("type", "text").put("text", "hi"));
    dev.switchboard.support.Wait.until("a delivery for alpha", 10_000,
        () -> api.get("/api/clients/alpha/webhook-deliveries?status=pending", alphaKey).data().getJsonArray("items").size(), n -> n > 0);
    sql("UPDATE webhook_deliveries SET status = 'failed', locked_by = NULL, locked_until = NULL WHERE client_id = 'alpha'");

    browser.login(TestNode.MASTER);
    browser.await("[data-testid=nav-webhooks]").click();
    new org.openqa.selenium.support.ui.Select(browser.await("[data-testid=client-select]")).selectByValue("alpha");
    WebElement retry = browser.await("[data-testid=delivery] [data-testid=retry]");
    browser.screenshot("10-webhooks-failed");
    String id = browser.await("[data-testid=delivery]").getDomAttribute("data-delivery-id");
    retry.click();
    browser.until("the retried delivery leaves the failed list", d ->
        d.findElements(By.cssSelector("[data-testid=delivery][data-delivery-id='" + id + "']")).isEmpty() ? true : null);
    assertTrue(api.get("/api/clients/alpha/webhook-deliveries?status=pending", alphaKey).body().toString().contains("\"id\":\"" + id + "\""));

    browser.testId("nav-audit").click();
    browser.until("alpha's audit log", d -> d.findElements(By.cssSelector("[data-testid=audit-row]")).stream()
        .anyMatch(r -> r.getText().contains("config.changed")) ? true : null);
  }

  @Test
  void aClientKeySeesOnlyItsOwnClient() {
    browser.login(betaKey);
    assertEquals("beta", browser.testId("who").getText());
    for (String page : List.of("overview", "clients")) {
      assertTrue(browser.all("[data-testid=nav-" + page + "]").isEmpty(), page + " is the master's");
    }
    // Asking for the master's pages by URL lands on the client's own.
    browser.open("/console/#/overview");
    browser.await("[data-testid=add-device]");
    browser.await("[data-testid=empty]");
    assertTrue(browser.all("[data-testid=device]").isEmpty(), "beta has no devices, and alpha's are not shown");
    browser.testId("nav-chats").click();
    browser.await("[data-testid=empty]");
    assertTrue(browser.all("[data-testid=device-select] option").isEmpty());
    // The picked client of an earlier master session in this tab changes nothing: the scope is the token's.
    browser.js("sessionStorage.setItem('switchboard.client', 'alpha')");
    browser.testId("nav-devices").click();
    browser.await("[data-testid=add-device]");
    assertFalse(browser.driver.getPageSource().contains("alpha-phone"));
    Object status = browser.driver.executeAsyncScript("const done = arguments[0];"
        + "const s = JSON.parse(sessionStorage.getItem('switchboard.session'));"
        + "fetch('/api/clients/alpha/devices', {headers: {authorization: 'Bearer ' + s.token}}).then(r => done(r.status));");
    assertEquals(401L, status, "the console's own token cannot read another client");
  }

  private static void sql(String statement) throws SQLException {
    DbUrl url = DbUrl.parse(db);
    try (Connection c = DriverManager.getConnection(url.jdbcUrl(), url.user(), url.password());
        Statement st = c.createStatement()) {
      st.execute(statement);
    }
  }
}
