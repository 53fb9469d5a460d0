package dev.switchboard.outbound;

import dev.switchboard.kernel.ApiException;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import org.junit.jupiter.api.Test;

/** What the SSRF guard lets through when private URLs are not allowed (the default). */
class UrlGuardTest {

  private final UrlGuard guard = new UrlGuard(false);

  @Test
  void ipv6FormsThatCarryAPrivateIpv4AreRefused() {
    for (String host : new String[] {"[::127.0.0.1]", "[::ffff:0:127.0.0.1]", "[64:ff9b::127.0.0.1]", "[2002:7f00:1::1]",
        "[::10.0.0.1]", "[::ffff:192.168.1.1]", "[64:ff9b::a9fe:a9fe]", "[2002:a9fe:a9fe::]", "[::ffff:0:169.254.169.254]",
        "[64:ff9b:1::7f00:1]", "[100::1]", "[2001:db8::1]", "[2001:0:4136:e378:8000:63bf:3fff:fdd2]", "[fd00::1]"}) {
      ApiException e = assertThrows(ApiException.class, () -> guard.check("url", "http://" + host + "/x"), host);
      assertEquals(422, e.status(), host + ": " + e.getMessage());
      assertEquals("UNSAFE_URL", e.code());
    }
  }

  @Test
  void ipv4LiteralsWithLeadingZerosAreRefused() {
    for (String host : new String[] {"0177.0.0.1", "010.0.0.1", "8.8.8.08", "00.0.0.0"}) {
      ApiException e = assertThrows(ApiException.class, () -> guard.check("url", "http://" + host + "/x"), host);
      assertEquals("UNSAFE_URL", e.code(), host + ": " + e.getMessage());
    }
  }

  @Test
  void publicAddressesInEveryFormPass() throws Exception {
    for (String host : new String[] {"8.8.8.8", "[::8.8.8.8]", "[::ffff:8.8.8.8]", "[64:ff9b::8.8.8.8]", "[2002:808:808::1]",
        "[2606:4700:4700::1111]", "example.com", "100.128.0.1"}) {
      assertEquals(host.replace("[", "").replace("]", ""), guard.check("url", "https://" + host + "/x").getHost()
          .replace("[", "").replace("]", ""));
    }
    assertTrue(UrlGuard.isPublic(InetAddress.getByName("2a00:1450:4001::200e")));
  }
}
