package org.metricspipeline.adapters.memory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.metricspipeline.api.Metric;
import org.metricspipeline.api.MetricsData;
import org.metricspipeline.api.query.Aggregation;
import org.metricspipeline.api.query.AggregationQuery;
import org.metricspipeline.api.query.Bucket;
import org.metricspipeline.api.query.GroupResult;
import org.metricspipeline.api.query.MetricsQuery;
import org.metricspipeline.api.query.TimeRange;

/**
 * Random data, random queries: every answer must equal the brute-force answer computed straight from
 * the documented rules. Small chunks and shuffled, batched inserts with queries in between exercise
 * chunking, late points and partial re-sorting.
 */
class InMemoryStorageAdapterRandomizedTest {

  private static final long SEED = 20240917L;
  private static final long T0 = 1_700_000_000_000L;
  private static final long FAR = 40L * 24 * 3600 * 1000; // beyond an int offset from a chunk base
  private static final String[] TYPES = {"system", "app", "Äpp"};
  private static final String[] SOURCES = {"", "web", "db"};
  private static final String[] NAMES = {"cpu", "mem", "reqs", "réqs"};
  private static final String[] UNITS = {"", "%"};
  private static final String[] HOSTS = {"h1", "h2", "h10", "\uD83D\uDE00", "\uFF21"};
  private static final String[] REGIONS = {"eu", "us"};
  private static final long[] STEPS = {1, 7, 1000, 5000, 60_000, 3_600_000};

  private static InMemoryStorageAdapter storage;
  private static BruteForce expected;
  private static final List<String> mismatches = new ArrayList<>();

  @BeforeAll
  static void storeRandomData() {
    Random r = new Random(SEED);
    storage = InMemoryStorageAdapter.builder().pointsPerChunk(16).build();
    expected = new BruteForce();
    List<MetricsData> items = new ArrayList<>();
    for (int i = 0; i < 1500; i++) {
      items.add(randomItem(r));
    }
    // Mostly in time order, then shuffled slices: late points at every distance.
    items.sort((a, b) -> a.timestamp().compareTo(b.timestamp()));
    for (int i = 0; i < 200; i++) {
      int a = r.nextInt(items.size());
      int b = r.nextInt(items.size());
      Collections.swap(items, a, b);
    }
    int at = 0;
    while (at < items.size()) {
      int n = Math.min(items.size() - at, 1 + r.nextInt(150));
      List<MetricsData> batch = items.subList(at, at + n);
      assertThat(storage.batchStore(batch).join().allSucceeded()).isTrue();
      batch.forEach(expected::add);
      at += n;
      // Reads between writes: sorts happen on partially written, partially late data.
      storage.query(MetricsQuery.builder().limit(1).build()).join();
    }
  }

  private static MetricsData randomItem(Random r) {
    long t;
    int kind = r.nextInt(20);
    if (kind == 0) {
      t = -r.nextInt(200_000); // before the epoch: floorMod alignment
    } else if (kind == 1) {
      t = T0 + FAR + r.nextInt(100_000);
    } else {
      t = T0 + r.nextInt(400) * 500L; // many collisions
    }
    MetricsData.Builder b = MetricsData.builder()
        .timestamp(Instant.ofEpochMilli(t))
        .metricType(TYPES[r.nextInt(TYPES.length)])
        .source(SOURCES[r.nextInt(SOURCES.length)]);
    int metrics = 1 + r.nextInt(4);
    for (int i = 0; i < metrics; i++) {
      Map<String, String> tags = new LinkedHashMap<>();
      if (r.nextInt(4) > 0) {
        tags.put("host", HOSTS[r.nextInt(HOSTS.length)]);
      }
      if (r.nextBoolean()) {
        tags.put("region", REGIONS[r.nextInt(REGIONS.length)]);
      }
      double value = r.nextInt(6) == 0 ? -r.nextInt(10) : r.nextInt(50);
      b.metric(new Metric(NAMES[r.nextInt(NAMES.length)], value, UNITS[r.nextInt(UNITS.length)], tags));
    }
    if (r.nextInt(20) == 0) {
      b.context("request", "r" + r.nextInt(5));
    }
    return b.build();
  }

  private static TimeRange randomRange(Random r) {
    long a = pickTime(r);
    long b = pickTime(r);
    if (a == b) {
      b = a + 1;
    }
    Instant lo = Instant.ofEpochMilli(Math.min(a, b));
    Instant hi = Instant.ofEpochMilli(Math.max(a, b));
    return switch (r.nextInt(4)) {
      case 0 -> TimeRange.all();
      case 1 -> TimeRange.from(lo);
      case 2 -> TimeRange.until(hi);
      default -> TimeRange.between(lo, hi);
    };
  }

  private static long pickTime(Random r) {
    return switch (r.nextInt(5)) {
      case 0 -> -r.nextInt(200_000);
      case 1 -> T0 + FAR + r.nextInt(100_000);
      default -> T0 + r.nextInt(420) * 500L - r.nextInt(2) * 250; // on and between points
    };
  }

  @Test
  void queriesMatchBruteForceOnRandomData() {
    Random r = new Random(SEED + 1);
    int checked = 0;
    for (int i = 0; i < 400; i++) {
      MetricsQuery.Builder b = MetricsQuery.builder().range(randomRange(r));
      if (r.nextBoolean()) {
        b.metricType(TYPES[r.nextInt(TYPES.length)]);
      }
      int names = r.nextInt(3);
      for (int n = 0; n < names; n++) {
        b.metricNames(NAMES[r.nextInt(NAMES.length)]);
      }
      if (r.nextInt(3) == 0) {
        b.tag("host", HOSTS[r.nextInt(HOSTS.length)]);
      }
      if (r.nextInt(4) == 0) {
        b.tag("region", REGIONS[r.nextInt(REGIONS.length)]);
      }
      b.limit(r.nextInt(4) == 0 ? MetricsQuery.MAX_LIMIT : 1 + r.nextInt(60));
      b.offset(r.nextInt(3) == 0 ? 0 : r.nextInt(expected.size() + 10));
      MetricsQuery q = b.build();
      List<MetricsData> actual = storage.query(q).join();
      assertThat(actual).as("%s", q).isEqualTo(expected.query(q));
      checked += actual.size();
    }
    assertThat(checked).as("the random queries must return data").isGreaterThan(1000);
  }

  @Test
  void aggregationsMatchBruteForceOnRandomData() {
    Random r = new Random(SEED + 2);
    int nonEmpty = 0;
    for (int i = 0; i < 600; i++) {
      Aggregation f = Aggregation.values()[i % Aggregation.values().length];
      AggregationQuery.Builder b = AggregationQuery.builder(NAMES[r.nextInt(NAMES.length)], f)
          .range(randomRange(r));
      if (r.nextInt(3) == 0) {
        b.metricType(TYPES[r.nextInt(TYPES.length)]);
      }
      if (r.nextInt(4) == 0) {
        b.tag("region", REGIONS[r.nextInt(REGIONS.length)]);
      }
      List<String> keys = new ArrayList<>(List.of("host", "region", "zone"));
      Collections.shuffle(keys, r);
      b.groupBy(keys.subList(0, r.nextInt(3)));
      if (r.nextInt(3) > 0) {
        b.step(Duration.ofMillis(STEPS[r.nextInt(STEPS.length)]));
      }
      AggregationQuery q = b.build();
      List<GroupResult> actual = storage.aggregate(q).join().groups();
      assertSameGroups(q, actual, expected.aggregate(q));
      if (!actual.isEmpty()) {
        nonEmpty++;
      }
    }
    assertThat(nonEmpty).as("most random aggregations must find data").isGreaterThan(300);
  }

  private static void assertSameGroups(AggregationQuery q, List<GroupResult> actual, List<GroupResult> wanted) {
    assertThat(actual).as("%s", q).hasSameSizeAs(wanted);
    for (int g = 0; g < wanted.size(); g++) {
      GroupResult a = actual.get(g);
      GroupResult w = wanted.get(g);
      assertThat(a.key()).as("group %d of %s", g, q).isEqualTo(w.key());
      assertThat(a.buckets()).as("buckets of %s in %s", w.key(), q).hasSameSizeAs(w.buckets());
      for (int i = 0; i < w.buckets().size(); i++) {
        Bucket ab = a.buckets().get(i);
        Bucket wb = w.buckets().get(i);
        assertThat(ab.start()).as("bucket %d of %s in %s", i, w.key(), q).isEqualTo(wb.start());
        assertThat(ab.count()).as("count of bucket %s of %s in %s", wb.start(), w.key(), q).isEqualTo(wb.count());
        assertThat(ab.value()).as("value of bucket %s of %s in %s", wb.start(), w.key(), q)
            .isCloseTo(wb.value(), within(1e-9 * Math.max(1, Math.abs(wb.value()))));
      }
    }
  }

  @Test
  void memoryStatsCountEveryStoredPoint() {
    MemoryStats stats = storage.memoryStats();
    assertThat(stats.points()).isEqualTo(expected.size());
    assertThat(stats.series()).isGreaterThan(100);
    assertThat(stats.bytesUsed()).isGreaterThan(12L * expected.size());
  }
}
