package org.metricspipeline.adapters.memory.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SeriesKeyTest {

  private static SeriesKey key(Map<String, String> tags) {
    return new SeriesKey("node", "agent", "cpu", "seconds", tags);
  }

  @Test
  void equalsForEqualTagsBuiltSeparately() {
    Map<String, String> a = Map.copyOf(new HashMap<>(Map.of("host", "h1", "env", "prod", "device", "0")));
    Map<String, String> b = Map.copyOf(new HashMap<>(Map.of("device", "0", "env", "prod", "host", "h1")));

    assertThat(key(a)).isEqualTo(key(b)).hasSameHashCodeAs(key(b));
  }

  @Test
  void equalsForEqualTagsInMapsIteratingInDifferentOrders() {
    Map<String, String> forward = new LinkedHashMap<>();
    Map<String, String> backward = new LinkedHashMap<>();
    for (int i = 0; i < 6; i++) {
      forward.put("k" + i, "v" + i);
      backward.put("k" + (5 - i), "v" + (5 - i));
    }

    assertThat(key(forward)).isEqualTo(key(backward));
    assertThat(key(Map.copyOf(forward))).isEqualTo(key(Map.copyOf(backward)));
  }

  @Test
  void differsWhenOneTagValueDiffers() {
    Map<String, String> a = Map.of("host", "h1", "env", "prod", "device", "0");
    Map<String, String> b = Map.of("host", "h1", "env", "prod", "device", "1");

    assertThat(key(a)).isNotEqualTo(key(b));
  }

  @Test
  void differsWhenTheTagKeysDifferButNotTheirCount() {
    Map<String, String> a = Map.of("host", "h1", "env", "prod");
    Map<String, String> b = Map.of("host", "h1", "zone", "prod");

    assertThat(key(a)).isNotEqualTo(key(b));
  }

  @Test
  void differsWhenATagIsMissing() {
    assertThat(key(Map.of("host", "h1", "env", "prod"))).isNotEqualTo(key(Map.of("host", "h1")));
  }

  @Test
  void regularNamesAndTagValuesGiveDistinctHashes() {
    // 100 metrics on 1,000 hosts: with 31 * h + tags.hashCode(), name m01 on host-0000 and m00 on
    // host-0100 (and many such pairs) had the very same hash, and the index's bins became trees
    java.util.Set<Integer> hashes = new java.util.HashSet<>();
    int keys = 0;
    for (int host = 0; host < 1_000; host++) {
      Map<String, String> tags = Map.of("host", String.format("host-%07d", host));
      for (int m = 0; m < 100; m++) {
        hashes.add(new SeriesKey("bench", "wrk", String.format("bench_m%03d", m), "1", tags).hashCode());
        keys++;
      }
    }
    // 100,000 random 32-bit hashes collide about once (n^2 / 2^33)
    assertThat(keys - hashes.size()).as("keys sharing a hash").isLessThan(10);
  }
}
