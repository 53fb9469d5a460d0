package dev.switchboard.tenant;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/** Failed authentications are logged as one line for an address's first, then one summary a minute. */
class FailureLogTest {

  @Test
  void aHundredFailuresFromOneAddressMakeTwoLinesWithPrefixesOnly() {
    ListAppender<ILoggingEvent> logged = new ListAppender<>();
    logged.start();
    Logger logger = (Logger) LoggerFactory.getLogger(AuthFailures.class);
    logger.addAppender(logged);
    try {
      FailureLog failures = new FailureLog();
      for (int i = 0; i < 100; i++) {
        failures.failed("192.0.2.1", "sb_" + (char) ('a' + i % 8) + "\n\u001b[");
      }
      failures.failed("192.0.2.2", "sb_only");
      failures.summarise();
      failures.summarise();
    } finally {
      logger.detachAppender(logged);
    }
    List<String> lines = logged.list.stream().map(ILoggingEvent::getFormattedMessage).toList();
    assertEquals(3, lines.size(), lines.toString());
    assertTrue(lines.get(0).contains("192.0.2.1") && lines.get(0).contains("sb_a???"), lines.get(0));
    assertTrue(lines.get(1).contains("192.0.2.2"), lines.get(1));
    String summary = lines.get(2);
    assertTrue(summary.startsWith("99 more failed") && summary.contains("192.0.2.1") && summary.contains(", ..."), summary);
    assertTrue(lines.stream().noneMatch(l -> l.contains("\n") || l.contains("\u001b")), "no control characters");
  }
}
