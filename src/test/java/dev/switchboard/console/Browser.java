package dev.switchboard.console;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.function.Function;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * One headless Chromium for a test class, driven by Debian's chromedriver (both on the PATH, put there
 * by src/test/sh/ensure-browser.sh before the tests run). Nothing is downloaded: the driver and the
 * browser are given explicitly, so Selenium Manager is never asked.
 */
final class Browser implements AutoCloseable {

  static final Path SCREENSHOTS = Path.of("target", "console-screenshots");
  static final Duration WAIT = Duration.ofSeconds(20);

  final ChromeDriver driver;
  private final String base;

  Browser(int port) {
    ChromeOptions options = new ChromeOptions();
    options.setBinary(executable("chromium"));
    options.addArguments("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu",
        "--window-size=1280,900", "--lang=en-US", "--force-device-scale-factor=1");
    ChromeDriverService service = new ChromeDriverService.Builder()
        .usingDriverExecutable(new File(executable("chromedriver"))).usingAnyFreePort().build();
    driver = new ChromeDriver(service, options);
    driver.manage().timeouts().scriptTimeout(Duration.ofSeconds(20));
    base = "http://127.0.0.1:" + port;
  }

  /** The absolute path of a program on the PATH; ensure-browser.sh has made sure it is there. */
  private static String executable(String name) {
    for (String dir : System.getenv().getOrDefault("PATH", "/usr/bin").split(File.pathSeparator)) {
      File f = new File(dir, name);
      if (f.canExecute()) {
        return f.getAbsolutePath();
      }
    }
    throw new IllegalStateException(name + " is not on the PATH: install it as root with 'apt-get install chromium chromium-driver'");
  }

  void open(String path) {
    driver.get(base + path);
  }

  /** Opens the console with an empty session and signs in with {@code key}. */
  void login(String key) {
    open("/console/");
    js("sessionStorage.clear()");
    driver.navigate().refresh();
    WebElement input = await(By.cssSelector("[data-testid=key]"));
    input.sendKeys(key);
    testId("login").click();
    await(By.cssSelector("[data-testid=logout]"));
  }

  WebElement testId(String id) {
    return driver.findElement(By.cssSelector("[data-testid=" + id + "]"));
  }

  List<WebElement> all(String css) {
    return driver.findElements(By.cssSelector(css));
  }

  WebElement await(By by) {
    return until("an element " + by, d -> {
      List<WebElement> found = d.findElements(by);
      return found.isEmpty() || !found.get(0).isDisplayed() ? null : found.get(0);
    });
  }

  WebElement await(String css) {
    return await(By.cssSelector(css));
  }

  <T> T until(String what, Function<WebDriver, T> condition) {
    return new WebDriverWait(driver, WAIT).withMessage(what).ignoring(org.openqa.selenium.StaleElementReferenceException.class)
        .until(condition);
  }

  Object js(String script, Object... args) {
    return ((JavascriptExecutor) driver).executeScript(script, args);
  }

  void size(int width, int height) {
    driver.manage().window().setSize(new Dimension(width, height));
  }

  /** Saves a PNG of the viewport under target/console-screenshots/. */
  Path screenshot(String name) {
    try {
      Files.createDirectories(SCREENSHOTS);
      Path file = SCREENSHOTS.resolve(name + ".png");
      Files.write(file, ((TakesScreenshot) driver).getScreenshotAs(OutputType.BYTES));
      return file;
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  @Override
  public void close() {
    driver.quit();
  }
}
