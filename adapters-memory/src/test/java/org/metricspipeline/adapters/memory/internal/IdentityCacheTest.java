package org.metricspipeline.adapters.memory.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class IdentityCacheTest {

  private static Series series(int ordinal, String name, Map<String, String> tags) {
    return new Series(new SeriesKey("node", "", name, "", tags), 64, ordinal, false);
  }

  @Test
  void findsEachSeriesOfATagMapInstanceByNameAndUnitAcrossGrowth() {
    IdentityCache cache = new IdentityCache();
    Map<String, String> tags = Map.of("host", "a");
    IdentityCache.Group group = cache.group(tags, "node", "", 0);
    Map<String, Series> added = new HashMap<>();
    for (int m = 0; m < 1_000; m++) { // the group's table grows from 4 slots many times over
      Series s = series(m, "m" + m, tags);
      group.add("m" + m, m % 2 == 0 ? "" : "ms", s);
      added.put("m" + m, s);
    }
    for (int m = 0; m < 1_000; m++) {
      IdentityCache.Entry e = group.find(new String("m" + m), m % 2 == 0 ? "" : "ms"); // equal, not the same instance
      assertThat(e).as("m%d", m).isNotNull();
      assertThat(e.series).isSameAs(added.get("m" + m));
      assertThat(e.ordinal).isEqualTo(m);
      assertThat(group.find("m" + m, m % 2 == 0 ? "ms" : "")).as("another unit is another series").isNull();
    }
    assertThat(group.find("m1000", "")).isNull();
    // adding a name again keeps the first series
    group.add("m7", "ms", series(5_000, "m7", tags));
    assertThat(group.find("m7", "ms").ordinal).isEqualTo(7);
  }

  @Test
  void groupsAreKeptPerTagMapInstanceMetricTypeAndSourceAndSurviveTheTableGrowing() {
    IdentityCache cache = new IdentityCache();
    Map<String, String> a = Map.of("host", "a");
    Map<String, String> equalToA = new HashMap<>(a);
    IdentityCache.Group first = cache.group(a, "node", "", 0);
    assertThat(cache.group(a, "node", "", 0)).isSameAs(first);
    assertThat(cache.group(equalToA, "node", "", 0)).as("an equal map, another instance").isNotSameAs(first);
    assertThat(cache.group(a, "app", "", 0)).as("another metric type").isNotSameAs(first);
    assertThat(cache.group(a, "node", "edge", 0)).as("another source").isNotSameAs(first);
    assertThat(first.is(a, new String("node"), "")).isTrue();

    Map<String, String>[] maps = new Map[20_000];
    IdentityCache.Group[] groups = new IdentityCache.Group[maps.length];
    for (int h = 0; h < maps.length; h++) {
      maps[h] = Map.of("host", "h" + h);
      groups[h] = cache.group(maps[h], "node", "", 100L * maps.length);
    }
    int kept = 0;
    for (int h = 0; h < maps.length; h++) {
      IdentityCache.Group g = cache.group(maps[h], "node", "", 100L * maps.length);
      assertThat(g.is(maps[h], "node", "")).isTrue();
      kept += g == groups[h] ? 1 : 0;
    }
    // two slots per hash in a table kept at least 4x the groups: an evicted group is rare (and only costs misses)
    assertThat(kept).isGreaterThan(maps.length * 95 / 100);
    assertThat(cache.bytes(0)).isGreaterThan(4L * maps.length);
  }
}
