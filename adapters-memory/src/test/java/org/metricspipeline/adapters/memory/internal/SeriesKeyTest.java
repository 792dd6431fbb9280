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
}
