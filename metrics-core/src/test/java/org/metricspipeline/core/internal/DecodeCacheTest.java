package org.metricspipeline.core.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class DecodeCacheTest {

  /** 20,000 hosts: the working set of a server receiving about a million series. */
  private static final int HOSTS = 20_000;

  @Test
  void tagMapsOfTensOfThousandsOfHostsAreSharedAcrossRequests() {
    DecodeCache cache = new DecodeCache();
    List<Map<String, String>> first = new ArrayList<>();
    for (int h = 0; h < HOSTS; h++) {
      first.add(cache.tagMap(new String[] {"host", "host-" + h, "region", "eu-" + (h % 3)}, 4));
    }
    int same = 0;
    for (int h = 0; h < HOSTS; h++) {
      Map<String, String> again = cache.tagMap(new String[] {"host", "host-" + h, "region", "eu-" + (h % 3)}, 4);
      assertEquals(Map.of("host", "host-" + h, "region", "eu-" + (h % 3)), again);
      if (again == first.get(h)) {
        same++;
      }
    }
    // with 4,096 direct-mapped slots (before) fewer than a fifth were the same instance
    assertTrue(same > HOSTS * 9 / 10, "tag maps found again: " + same + " of " + HOSTS);
  }

  @Test
  void asciiStringsOfTensOfThousandsOfHostsAreSharedAcrossRequests() {
    DecodeCache cache = new DecodeCache();
    List<String> first = new ArrayList<>();
    for (int h = 0; h < HOSTS; h++) {
      byte[] b = ("host-" + h).getBytes(StandardCharsets.US_ASCII);
      first.add(cache.ascii(b, 0, b.length));
    }
    int same = 0;
    for (int h = 0; h < HOSTS; h++) {
      byte[] b = ("xx\"host-" + h + "\"").getBytes(StandardCharsets.US_ASCII);
      String again = cache.ascii(b, 3, b.length - 4);
      assertEquals("host-" + h, again);
      if (again == first.get(h)) {
        same++;
      }
    }
    assertTrue(same > HOSTS * 9 / 10, "strings found again: " + same + " of " + HOSTS);
  }

  @Test
  void twoValuesSharingASlotPairBothStay() {
    DecodeCache cache = new DecodeCache();
    char[] a = "a".toCharArray();
    String s1 = cache.string(a, 0, 1);
    assertSame(s1, cache.string(a, 0, 1));
    assertEquals("b", cache.string("b".toCharArray(), 0, 1));
    assertSame(s1, cache.string(a, 0, 1));
  }
}
