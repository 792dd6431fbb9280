package org.metricspipeline.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;
import static org.assertj.core.api.Assertions.within;
import static org.metricspipeline.testkit.Items.DAY;
import static org.metricspipeline.testkit.Items.HOUR;
import static org.metricspipeline.testkit.Items.MINUTE;
import static org.metricspipeline.testkit.Items.SECOND;
import static org.metricspipeline.testkit.Items.T0;
import static org.metricspipeline.testkit.Items.at;
import static org.metricspipeline.testkit.Items.item;
import static org.metricspipeline.testkit.Items.m;
import static org.metricspipeline.testkit.Items.tags;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Queue;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.metricspipeline.api.HealthCheckResult;
import org.metricspipeline.api.HealthStatus;
import org.metricspipeline.api.Metric;
import org.metricspipeline.api.MetricsBatchResult;
import org.metricspipeline.api.MetricsData;
import org.metricspipeline.api.MetricsPipelineException;
import org.metricspipeline.api.MetricsValidator;
import org.metricspipeline.api.StorageAdapter;
import org.metricspipeline.api.query.Aggregation;
import org.metricspipeline.api.query.AggregationQuery;
import org.metricspipeline.api.query.AggregationResult;
import org.metricspipeline.api.query.Bucket;
import org.metricspipeline.api.query.GroupResult;
import org.metricspipeline.api.query.MetricsQuery;
import org.metricspipeline.api.query.QuerySource;
import org.metricspipeline.api.query.Resolution;
import org.metricspipeline.api.query.TimeRange;
import org.metricspipeline.api.timeseries.DiscoveryStorage;
import org.metricspipeline.api.timeseries.MetricInfo;
import org.metricspipeline.api.timeseries.MetricListQuery;
import org.metricspipeline.api.timeseries.MetricPage;
import org.metricspipeline.api.timeseries.MetricSummary;
import org.metricspipeline.api.timeseries.RetentionStorage;
import org.metricspipeline.api.timeseries.RollupBucket;
import org.metricspipeline.api.timeseries.RollupInfo;
import org.metricspipeline.api.timeseries.RollupQuery;
import org.metricspipeline.api.timeseries.RollupStorage;
import org.metricspipeline.api.timeseries.SeriesId;
import org.metricspipeline.api.timeseries.TagValues;

/**
 * The conformance suite every {@link StorageAdapter} must pass: store, batch store, query (filters,
 * order, paging), aggregate (every function, step buckets, group-by), the optional capabilities
 * (rollups, retention, discovery), concurrent writers, bad input, the health check, and hostile
 * strings read back exactly.
 *
 * <p>An adapter's test extends it and says how to get an empty store and which optional capabilities
 * the store has:
 *
 * <pre>{@code
 * class MyStorageAdapterConformanceTest extends StorageAdapterConformanceSuite {
 *   @Override
 *   protected StorageAdapter createStorage() {
 *     return MyStorageAdapter.builder().build();
 *   }
 *
 *   @Override
 *   protected Set<Capability> capabilities() {
 *     return EnumSet.of(Capability.ROLLUPS, Capability.RETENTION, Capability.DISCOVERY);
 *   }
 * }
 * }</pre>
 *
 * <p>Before each test the suite calls {@link #createStorage()}, which must return a new adapter over
 * empty storage (a server-backed adapter can create its tables once per class and truncate them here);
 * after each test it calls {@link #cleanUp(StorageAdapter)}, which closes the adapter unless
 * overridden. Tests of a capability the subclass does not declare are skipped, each with a reason
 * naming the capability; a declared capability the adapter does not offer through
 * {@link StorageAdapter#capability(Class)} fails, and so does an offered one left undeclared
 * (capabilities are looked up through that method, so a decorator such as {@code GuardedStorage}
 * passes the suite with the capabilities of the store it wraps).
 *
 * <p>Expected answers are small hand-computed examples and, for random data, a reference model built
 * from the documented semantics ({@code MetricsQuery}, {@code AggregationQuery}, core's
 * {@code Aggregations}), never another store's answers. All data lies within a few years after
 * 2024-01-01T00:00:00Z and passes {@link MetricsValidator#defaults()} (except the bad-input items);
 * queries read it with explicit ranges or all of time, never relative to now. Every call is awaited
 * up to {@link #timeout()}. Stored values, strings and hand-computed answers are compared exactly;
 * aggregated values compared with the reference model may differ by a relative 1e-9 (a store may sum
 * in another order). Rate examples never have two points of one series at one instant (their order,
 * and so the rate, would be undefined).
 *
 * <p>One health test closes the store itself, so {@link StorageAdapter#close()} must tolerate being
 * called again by {@link #cleanUp(StorageAdapter)}; after close, calls must fail with a
 * {@link MetricsPipelineException} and the health check must not report healthy.
 */
public abstract class StorageAdapterConformanceSuite {

  /** The optional storage capabilities the suite checks when declared. */
  public enum Capability {
    /** {@link RollupStorage}. */
    ROLLUPS(RollupStorage.class),
    /** {@link RetentionStorage}. */
    RETENTION(RetentionStorage.class),
    /** {@link DiscoveryStorage}. */
    DISCOVERY(DiscoveryStorage.class);

    private final Class<?> type;

    Capability(Class<?> type) {
      this.type = type;
    }

    /** The interface a store implements to have this capability. */
    public Class<?> type() {
      return type;
    }
  }

  /** Default longest wait for one call. */
  public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(30);

  private static final double RELATIVE_TOLERANCE = 1e-9;

  private StorageAdapter storage;

  /** A new adapter over empty storage; called before every test. */
  protected abstract StorageAdapter createStorage();

  /** The optional capabilities the adapter has; their tests run, the others are skipped. */
  protected abstract Set<Capability> capabilities();

  /** Releases a test's adapter after the test; closes it unless overridden. */
  protected void cleanUp(StorageAdapter storage) {
    storage.close();
  }

  /** The longest wait for one call to complete [{@link #DEFAULT_TIMEOUT}]. */
  protected Duration timeout() {
    return DEFAULT_TIMEOUT;
  }

  /** The adapter of the running test. */
  protected final StorageAdapter storage() {
    return storage;
  }

  @BeforeEach
  void openStorage() {
    storage = createStorage();
    assertThat(storage).as("createStorage()").isNotNull();
    assertThat(await(storage.query(MetricsQuery.builder().build())))
        .as("createStorage() must return an empty store, but %s holds data", storage.name())
        .isEmpty();
  }

  @AfterEach
  void closeStorage() {
    if (storage != null) {
      cleanUp(storage);
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Helpers, also for subclasses adding their own tests

  /** Waits for {@code future} up to {@link #timeout()}; fails the test when it fails or times out. */
  protected final <T> T await(CompletableFuture<T> future) {
    return Futures.await(future, timeout());
  }

  /**
   * What the call's future failed with; fails the test when the call throws instead of returning a
   * failed future, or when the future completes normally.
   */
  protected final Throwable failureOf(Supplier<? extends CompletableFuture<?>> call) {
    return Futures.failureOf(call, timeout());
  }

  private void store(MetricsData... items) {
    storeAll(List.of(items));
  }

  private void storeAll(List<MetricsData> items) {
    MetricsBatchResult result = await(storage.batchStore(items));
    assertThat(result.failures()).as("failures storing valid items").isEmpty();
    assertThat(result.successCount()).isEqualTo(items.size());
  }

  private List<MetricsData> query(MetricsQuery.Builder query) {
    return await(storage.query(query.build()));
  }

  private List<MetricsData> all() {
    return query(MetricsQuery.builder().limit(MetricsQuery.MAX_LIMIT));
  }

  private AggregationResult aggregate(AggregationQuery.Builder query) {
    return await(storage.aggregate(query.build()));
  }

  private static AggregationQuery.Builder agg(String name, Aggregation function) {
    return AggregationQuery.builder(name, function);
  }

  /** Every point read back as {@code "<offset from T0> <name><tags>=<value>"}, in the order returned. */
  private static List<String> points(List<MetricsData> items) {
    List<String> out = new ArrayList<>();
    for (MetricsData d : items) {
      for (Metric p : d.metrics()) {
        out.add((d.timestamp().toEpochMilli() - T0) + " " + p.name() + new TreeMap<>(p.tags())
            + "=" + p.value());
      }
    }
    return out;
  }

  private static List<Double> values(List<MetricsData> items) {
    List<Double> out = new ArrayList<>();
    items.forEach(d -> d.metrics().forEach(p -> out.add(p.value())));
    return out;
  }

  private <T> T require(Capability capability) {
    Assumptions.assumeTrue(capabilities().contains(capability), () -> storage.name()
        + " does not declare " + capability + " in capabilities(): its " + capability + " tests are skipped");
    Optional<?> found = storage.capability(capability.type());
    assertThat(found).as("%s declares %s, so capability(%s) must find it", storage.name(), capability,
        capability.type().getSimpleName()).isPresent();
    @SuppressWarnings("unchecked")
    T typed = (T) found.get();
    return typed;
  }

  private RollupStorage rollups() {
    return require(Capability.ROLLUPS);
  }

  private RetentionStorage retention() {
    return require(Capability.RETENTION);
  }

  private DiscoveryStorage discovery() {
    return require(Capability.DISCOVERY);
  }

  private static void assertSameGroups(Object query, List<GroupResult> actual, List<GroupResult> expected) {
    assertThat(actual).as("groups of %s", query).hasSameSizeAs(expected);
    for (int g = 0; g < expected.size(); g++) {
      GroupResult a = actual.get(g);
      GroupResult w = expected.get(g);
      assertThat(a.key()).as("key of group %d of %s", g, query).isEqualTo(w.key());
      assertThat(a.buckets()).as("buckets of %s in %s", w.key(), query).hasSameSizeAs(w.buckets());
      for (int i = 0; i < w.buckets().size(); i++) {
        Bucket ab = a.buckets().get(i);
        Bucket wb = w.buckets().get(i);
        assertThat(ab.start()).as("start of bucket %d of %s in %s", i, w.key(), query).isEqualTo(wb.start());
        assertThat(ab.count()).as("count of bucket %s of %s in %s", wb.start(), w.key(), query)
            .isEqualTo(wb.count());
        assertThat(ab.value()).as("value of bucket %s of %s in %s", wb.start(), w.key(), query)
            .isCloseTo(wb.value(), within(RELATIVE_TOLERANCE * Math.max(1, Math.abs(wb.value()))));
      }
    }
  }

  // ---------------------------------------------------------------------------------------------

  @Test
  void declaresExactlyTheCapabilitiesItImplements() {
    Set<Capability> declared = EnumSet.noneOf(Capability.class);
    declared.addAll(capabilities());
    for (Capability c : Capability.values()) {
      boolean implemented = storage.capability(c.type()).isPresent();
      if (declared.contains(c) && !implemented) {
        fail("%s declares %s but capability(%s) finds none", storage.name(), c, c.type().getSimpleName());
      }
      if (!declared.contains(c) && implemented) {
        fail("%s offers %s but does not declare %s in capabilities(), so its tests would be skipped",
            storage.name(), c.type().getSimpleName(), c);
      }
    }
  }

  @Test
  void hasAName() {
    assertThat(storage.name()).isNotBlank();
  }

  /** store and batchStore: what goes in comes back. */
  @Nested
  class Storing {

    @Test
    void readsBackAStoredItemWithItsUnitsTagsSourceAndType() {
      MetricsData stored = new MetricsData(at(1_000), "system",
          List.of(new Metric("cpu", 0.5, "%", tags("host", "a", "dc", "eu")), new Metric("mem", 1024, "By", Map.of())),
          "web-1", Map.of());

      await(storage.store(stored));

      assertThat(all()).containsExactly(stored);
    }

    @Test
    void batchStoreReportsEveryItemStored() {
      List<MetricsData> batch = List.of(item(1, m("a", 1)), item(2, m("a", 2)), item(3, m("b", 3)));

      MetricsBatchResult result = await(storage.batchStore(batch));

      assertThat(result).isEqualTo(MetricsBatchResult.allSucceeded(3));
      assertThat(all()).containsExactlyElementsOf(batch);
    }

    @Test
    void anEmptyBatchSucceedsAndStoresNothing() {
      assertThat(await(storage.batchStore(List.of()))).isEqualTo(MetricsBatchResult.allSucceeded(0));
      assertThat(all()).isEmpty();
    }

    @Test
    void keepsTimestampsToTheMillisecond() {
      store(MetricsData.of(at(0).plusNanos(123_456_789), "system", List.of(m("a", 1))));

      assertThat(all().get(0).timestamp()).isEqualTo(at(123));
    }

    @Test
    void keepsValuesExactly() {
      double[] values = {0.1 + 0.2, -123.456, Double.MAX_VALUE, -Double.MAX_VALUE, Double.MIN_VALUE,
          9_007_199_254_740_993.0, 1e-300, 0};
      List<Metric> metrics = new ArrayList<>();
      for (int i = 0; i < values.length; i++) {
        metrics.add(m("v", values[i], "i", Integer.toString(i)));
      }
      store(MetricsData.of(at(0), "system", metrics));

      List<MetricsData> back = all();

      assertThat(back).hasSize(1);
      for (Metric p : back.get(0).metrics()) {
        assertThat(p.value()).as("value %s", p.tags().get("i"))
            .isEqualTo(values[Integer.parseInt(p.tags().get("i"))]);
      }
      assertThat(back.get(0).metrics()).hasSize(values.length);
    }

    @Test
    void keepsEveryMetricOfALargeItem() {
      List<Metric> metrics = new ArrayList<>();
      for (int i = 0; i < 1_000; i++) {
        metrics.add(m("cpu", i, "core", String.format("%04d", i)));
      }
      MetricsData big = MetricsData.of(at(0), "system", metrics);

      store(big);

      assertThat(query(MetricsQuery.builder().limit(1_000))).containsExactly(big);
      assertThat(aggregate(agg("cpu", Aggregation.SUM)).singleValue()).contains(999.0 * 1_000 / 2);
    }

    @Test
    void keepsPointsFarApartInTime() {
      store(item(500 * DAY, m("a", 3)), item(0, m("a", 1)), item(30 * DAY, m("a", 2)),
          item(-400 * DAY, m("a", 0)));

      assertThat(values(all())).containsExactly(0.0, 1.0, 2.0, 3.0);
    }

    @Test
    void keepsPointsStoredOneByOneAndInBatchesAlike() {
      await(storage.store(item(1, m("a", 1))));
      store(item(2, m("a", 2)), item(3, m("a", 3)));
      await(storage.store(item(0, m("a", 0))));

      assertThat(values(all())).containsExactly(0.0, 1.0, 2.0, 3.0);
    }
  }

  /** query: selection, the documented order, items, paging. */
  @Nested
  class Querying {

    @Test
    void includesTheRangeStartAndExcludesItsEnd() {
      store(item(999, m("a", 1)), item(1_000, m("a", 2)), item(1_999, m("a", 3)), item(2_000, m("a", 4)));

      assertThat(values(query(MetricsQuery.builder().between(at(1_000), at(2_000))))).containsExactly(2.0, 3.0);
      assertThat(values(query(MetricsQuery.builder().range(TimeRange.from(at(1_999)))))).containsExactly(3.0, 4.0);
      assertThat(values(query(MetricsQuery.builder().range(TimeRange.until(at(1_000)))))).containsExactly(1.0);
    }

    @Test
    void filtersByMetricTypeAndNames() {
      store(item(1, "a", "", m("x", 1), m("y", 2), m("z", 3)), item(2, "b", "", m("x", 4)));

      List<MetricsData> items = query(MetricsQuery.builder().metricType("a").metricNames("x", "z", "x"));

      assertThat(items).hasSize(1);
      assertThat(items.get(0).metrics()).extracting(Metric::name).containsExactly("x", "z");
      assertThat(values(query(MetricsQuery.builder().metricNames("x")))).containsExactly(1.0, 4.0);
      assertThat(query(MetricsQuery.builder().metricNames("nope"))).isEmpty();
      assertThat(query(MetricsQuery.builder().metricType("c"))).isEmpty();
    }

    @Test
    void matchesTagFiltersExactlyAndCaseSensitively() {
      store(item(1, m("a", 1, "host", "web", "dc", "x")), item(2, m("a", 2, "host", "Web")),
          item(3, m("a", 3, "host", "web")), item(4, m("a", 4)), item(5, m("a", 5, "host", "web-1")),
          item(6, m("a", 6, "host", "")));

      assertThat(values(query(MetricsQuery.builder().tag("host", "web")))).containsExactly(1.0, 3.0);
      assertThat(values(query(MetricsQuery.builder().tag("host", "web").tag("dc", "x")))).containsExactly(1.0);
      assertThat(values(query(MetricsQuery.builder().tag("dc", "y")))).isEmpty();
    }

    @Test
    void anEmptyTagValueFilterMatchesOnlyPointsCarryingTheTagWithAnEmptyValue() {
      store(item(1, m("a", 1, "host", "")), item(2, m("a", 2)), item(3, m("a", 3, "host", "x")));

      assertThat(values(query(MetricsQuery.builder().tag("host", "")))).containsExactly(1.0);
    }

    @Test
    void ordersPointsWithOneTimestampByTypeSourceNameTagsThenValue() {
      store(
          item(5, "b", "", m("x", 1)),
          item(5, "a", "s2", m("x", 1)),
          item(5, "a", "s1", m("y", 1), m("x", 3, "k", "2"), m("x", 3, "k", "1"), m("x", 2, "k", "1"),
              m("x", 0, "j", "9")),
          item(4, "z", "", m("z", 9)));

      List<String> order = new ArrayList<>();
      for (MetricsData d : all()) {
        for (Metric p : d.metrics()) {
          order.add((d.timestamp().toEpochMilli() - T0) + " " + d.metricType() + " " + d.source() + " "
              + p.name() + p.tags() + "=" + p.value());
        }
      }
      assertThat(order).containsExactly(
          "4 z  z{}=9.0",
          "5 a s1 x{j=9}=0.0", // tag key "j" sorts before "k"
          "5 a s1 x{k=1}=2.0",
          "5 a s1 x{k=1}=3.0",
          "5 a s1 x{k=2}=3.0",
          "5 a s1 y{}=1.0",
          "5 a s2 x{}=1.0",
          "5 b  x{}=1.0");
    }

    @Test
    void comparesStringsByUnicodeCodePoint() {
      // UTF-16 order would put the emoji (a surrogate pair) before U+FF21; code point order puts it last.
      String[] hosts = {"\uD83D\uDE00", "\uFF21", "\u00E9", "Z", "a", "", "a\u0000"};
      List<Metric> metrics = new ArrayList<>();
      for (String h : hosts) {
        metrics.add(m("cpu", 1, "host", h));
      }
      store(MetricsData.of(at(0), "system", metrics));

      List<String> read = all().get(0).metrics().stream().map(p -> p.tags().get("host")).toList();

      assertThat(read).containsExactly("", "Z", "a", "a\u0000", "\u00E9", "\uFF21", "\uD83D\uDE00");
    }

    @Test
    void ordersTagSetsByTheirSortedKeysThenTheirValues() {
      store(item(0, m("c", 1, "b", "1"), m("c", 2, "a", "2", "b", "0"), m("c", 3, "a", "1"), m("c", 4, "a", "1", "b", "0")));

      assertThat(points(all())).containsExactly(
          "0 c{a=1}=3.0", "0 c{a=1, b=0}=4.0", "0 c{a=2, b=0}=2.0", "0 c{b=1}=1.0");
    }

    @Test
    void groupsConsecutivePointsWithOneTimestampTypeAndSourceIntoOneItem() {
      store(item(1, "t", "s", m("a", 1)), item(1, "t", "s", m("b", 2)), item(1, "t", "other", m("c", 3)),
          item(2, "t", "s", m("a", 4)));

      assertThat(all()).extracting(d -> (d.timestamp().toEpochMilli() - T0) + "/" + d.source() + "/"
          + d.metrics().size()).containsExactly("1/other/1", "1/s/2", "2/s/1");
    }

    @Test
    void countsLimitAndOffsetInPointsSplittingItemsAcrossPages() {
      store(item(1, m("a", 1), m("b", 2), m("c", 3)), item(2, m("a", 4)));

      List<MetricsData> page = query(MetricsQuery.builder().offset(1).limit(2));

      assertThat(page).hasSize(1);
      assertThat(page.get(0).metrics()).extracting(Metric::name).containsExactly("b", "c");
      assertThat(values(query(MetricsQuery.builder().offset(3).limit(5)))).containsExactly(4.0);
      assertThat(query(MetricsQuery.builder().offset(4))).isEmpty();
    }

    @Test
    void returnsTheDefaultLimitOfPointsWhenNoLimitIsGiven() {
      List<MetricsData> items = new ArrayList<>();
      for (int i = 0; i < MetricsQuery.DEFAULT_LIMIT + 20; i++) {
        items.add(item(i, m("a", i)));
      }
      storeAll(items);

      assertThat(values(query(MetricsQuery.builder()))).hasSize(MetricsQuery.DEFAULT_LIMIT).startsWith(0.0)
          .endsWith(MetricsQuery.DEFAULT_LIMIT - 1.0);
    }

    @Test
    void pagesThroughEveryPointOnceInOrder() {
      List<MetricsData> items = new ArrayList<>();
      for (int i = 0; i < 60; i++) {
        items.add(item(i / 3, m("n" + (i % 3), i, "host", "h" + (i % 4))));
      }
      Collections.shuffle(items, new Random(1));
      storeAll(items);
      List<String> expected = points(all());

      List<String> paged = new ArrayList<>();
      for (int offset = 0; offset < 70; offset += 7) {
        paged.addAll(points(query(MetricsQuery.builder().offset(offset).limit(7))));
      }

      assertThat(expected).hasSize(60);
      assertThat(paged).isEqualTo(expected);
    }

    @Test
    void readsLatePointsBackInTimeOrder() {
      for (int t = 100; t < 150; t++) {
        store(item(t, m("a", t)));
      }
      assertThat(all()).hasSize(50);
      store(item(120, m("a", -1)), item(5, m("a", -2)), item(149, m("a", -3)));

      List<MetricsData> items = all();

      assertThat(items).extracting(MetricsData::timestamp).isSorted();
      assertThat(values(items)).hasSize(53).startsWith(-2.0, 100.0).containsSubsequence(-1.0, 120.0)
          .endsWith(-3.0, 149.0);
    }
  }

  /** aggregate: functions, buckets, groups, filters. */
  @Nested
  class Aggregating {

    @Test
    void computesEveryFunctionAsTheDocumentedExample() {
      store(item(1, m("v", 3)), item(2, m("v", 5)), item(3, m("v", 10)));

      assertThat(aggregate(agg("v", Aggregation.COUNT)).singleValue()).contains(3.0);
      assertThat(aggregate(agg("v", Aggregation.SUM)).singleValue()).contains(18.0);
      assertThat(aggregate(agg("v", Aggregation.AVG)).singleValue()).contains(6.0);
      assertThat(aggregate(agg("v", Aggregation.MIN)).singleValue()).contains(3.0);
      assertThat(aggregate(agg("v", Aggregation.MAX)).singleValue()).contains(10.0);
      assertThat(aggregate(agg("v", Aggregation.SUM)).groups().get(0).buckets())
          .containsExactly(new Bucket(at(1), 18, 3));
    }

    @Test
    void startsTheSingleBucketAtTheRangeStartWhenBoundedElseAtTheEarliestPoint() {
      store(item(1_500, m("v", 1)), item(1_700, m("v", 2)));

      assertThat(aggregate(agg("v", Aggregation.SUM).range(TimeRange.from(at(1_000)))).groups().get(0).buckets())
          .containsExactly(new Bucket(at(1_000), 3, 2));
      assertThat(aggregate(agg("v", Aggregation.SUM).range(TimeRange.until(at(2_000)))).groups().get(0).buckets())
          .containsExactly(new Bucket(at(1_500), 3, 2));
    }

    @Test
    void alignsBucketsToMultiplesOfTheStepSinceTheEpoch() {
      store(item(0, m("v", 0)), item(59_999, m("v", 1)), item(60_000, m("v", 2)), item(119_999, m("v", 4)),
          item(120_000, m("v", 8)));

      assertThat(aggregate(agg("v", Aggregation.SUM).step(Duration.ofMinutes(1))).groups().get(0).buckets())
          .containsExactly(new Bucket(at(0), 1, 2), new Bucket(at(60_000), 6, 2), new Bucket(at(120_000), 8, 1));
      // T0 is 3 s past a multiple of 7 s: 7 s buckets start at multiples of 7 s since 1970, not at T0
      assertThat(Math.floorMod(T0, 7 * SECOND)).isEqualTo(3 * SECOND);
      assertThat(aggregate(agg("v", Aggregation.COUNT).step(Duration.ofSeconds(7))).groups().get(0).buckets())
          .containsExactly(new Bucket(at(-3_000), 1, 1), new Bucket(at(53_000), 1, 1), new Bucket(at(60_000), 1, 1),
              new Bucket(at(116_000), 2, 2));
    }

    @Test
    void leavesEmptyBucketsOut() {
      store(item(0, m("v", 1)), item(10_000, m("v", 2)));

      assertThat(aggregate(agg("v", Aggregation.COUNT).step(Duration.ofSeconds(1))).groups().get(0).buckets())
          .extracting(Bucket::start).containsExactly(at(0), at(10_000));
    }

    @Test
    void putsPointsWithoutAGroupByTagInTheEmptyValueGroupAndOrdersGroupsByValue() {
      store(item(1, m("v", 1, "host", "b")), item(2, m("v", 2, "host", "a")), item(3, m("v", 4)),
          item(4, m("v", 8, "host", "a", "dc", "x")), item(5, m("v", 16, "host", "")));

      List<GroupResult> groups = aggregate(agg("v", Aggregation.SUM).groupBy("host")).groups();

      assertThat(groups).extracting(GroupResult::key)
          .containsExactly(Map.of("host", ""), Map.of("host", "a"), Map.of("host", "b"));
      assertThat(groups).extracting(GroupResult::value).containsExactly(20.0, 10.0, 1.0);
    }

    @Test
    void ordersGroupsByTheirKeyValuesInGroupByOrder() {
      store(item(1, m("v", 1, "a", "2", "b", "1")), item(1, m("v", 1, "a", "1", "b", "2")),
          item(1, m("v", 1, "a", "1", "b", "1")));

      List<GroupResult> groups = aggregate(agg("v", Aggregation.COUNT).groupBy("b", "a")).groups();

      assertThat(groups).extracting(g -> g.key().get("b") + g.key().get("a")).containsExactly("11", "12", "21");
    }

    @Test
    void bucketsEachGroupByStep() {
      store(item(0, m("v", 1, "host", "a")), item(30_000, m("v", 2, "host", "b")),
          item(60_000, m("v", 4, "host", "a")), item(90_000, m("v", 8, "host", "a")));

      List<GroupResult> groups = aggregate(agg("v", Aggregation.MAX).groupBy("host").step(Duration.ofMinutes(1)))
          .groups();

      assertThat(groups).containsExactly(
          new GroupResult(Map.of("host", "a"), List.of(new Bucket(at(0), 1, 1), new Bucket(at(60_000), 8, 2))),
          new GroupResult(Map.of("host", "b"), List.of(new Bucket(at(0), 2, 1))));
    }

    @Test
    void computesRateAsTheDocumentedExample() {
      store(item(0, m("c", 10)), item(10_000, m("c", 20)), item(20_000, m("c", 5)), item(30_000, m("c", 15)));

      Bucket bucket = aggregate(agg("c", Aggregation.RATE)).groups().get(0).buckets().get(0);

      assertThat(bucket.value()).isCloseTo(25.0 / 30, within(1e-12));
      assertThat(bucket.count()).isEqualTo(4);
    }

    @Test
    void sumsTheRatesOfTheSeriesOfAGroup() {
      store(item(0, m("c", 0, "host", "a"), m("c", 100, "host", "b")),
          item(10_000, m("c", 10, "host", "a"), m("c", 150, "host", "b")));

      assertThat(aggregate(agg("c", Aggregation.RATE)).singleValue().orElseThrow()).isCloseTo(6.0, within(1e-12));
    }

    @Test
    void treatsEachSourceTypeAndUnitAsItsOwnSeriesForRate() {
      store(item(0, "t", "s1", m("c", 0)), item(0, "t", "s2", m("c", 1_000)),
          item(10_000, "t", "s1", m("c", 10)), item(10_000, "t", "s2", m("c", 1_010)),
          item(0, "u", "s1", m("c", 500)), item(10_000, "u", "s1", m("c", 520)),
          item(0, "t", "s1", new Metric("c", 7, "ms", Map.of())), item(10_000, "t", "s1", new Metric("c", 17, "ms", Map.of())));

      double rate = aggregate(agg("c", Aggregation.RATE)).singleValue().orElseThrow();

      assertThat(rate).isCloseTo(1.0 + 1.0 + 2.0 + 1.0, within(1e-12)); // no resets between the series
    }

    @Test
    void leavesOutRateBucketsWhereNoSeriesHasTwoPointsAtDifferentTimes() {
      store(item(0, m("c", 1, "host", "a")), item(500, m("c", 1, "host", "b")), item(60_000, m("c", 1)),
          item(70_000, m("c", 3)));

      AggregationResult result = aggregate(agg("c", Aggregation.RATE).step(Duration.ofMinutes(1)).groupBy("host"));

      assertThat(result.groups()).containsExactly(
          new GroupResult(Map.of("host", ""), List.of(new Bucket(at(60_000), 0.2, 2))));
    }

    @Test
    void computesRateOverLatePointsInTimeOrder() {
      store(item(20_000, m("c", 30)), item(0, m("c", 10)), item(10_000, m("c", 20)));

      assertThat(aggregate(agg("c", Aggregation.RATE)).singleValue().orElseThrow()).isCloseTo(1.0, within(1e-12));
    }

    @Test
    void filtersByMetricTypeTagsAndRange() {
      store(item(1, "a", "", m("v", 1, "host", "x")), item(2, "b", "", m("v", 2, "host", "x")),
          item(3, "a", "", m("v", 4, "host", "y")), item(4, "a", "", m("v", 8, "host", "x")),
          item(0, "a", "", m("v", 16, "host", "x")));

      double sum = aggregate(agg("v", Aggregation.SUM).metricType("a").tag("host", "x")
          .between(at(1), at(4))).singleValue().orElseThrow();

      assertThat(sum).isEqualTo(1.0);
    }

    @Test
    void answersFromRawDataWhenAskedTo() {
      store(item(1, m("v", 1)));

      assertThat(aggregate(agg("v", Aggregation.SUM).source(QuerySource.RAW)).sources()).containsExactly("raw");
    }

    @Test
    void answersAnUnknownMetricWithNoGroups() {
      store(item(1, m("v", 1)));

      AggregationResult result = aggregate(agg("nope", Aggregation.COUNT));

      assertThat(result.groups()).isEmpty();
      assertThat(result.singleValue()).isEmpty();
    }

    @Test
    void bucketsSparseDataWithATinyStep() {
      store(item(0, m("v", 1)), item(365 * DAY, m("v", 2)));

      assertThat(aggregate(agg("v", Aggregation.MAX).step(Duration.ofMillis(1))).groups().get(0).buckets())
          .containsExactly(new Bucket(at(0), 1, 1), new Bucket(at(365 * DAY), 2, 1));
    }
  }

  /**
   * Random data, random queries and aggregations: every answer equals the reference model's, computed
   * from the documented rules.
   */
  @Nested
  class RandomData {

    private static final long SEED = 20240917L;
    private static final String[] TYPES = {"system", "app", "app.v2"};
    private static final String[] SOURCES = {"", "web-1", "db"};
    private static final String[] NAMES = {"cpu", "mem", "reqs", "http.server.requests"};
    private static final String[] HOSTS = {"h1", "h2", "h10", "", "\uD83D\uDE00", "\uFF21", "\u00E9"};
    private static final String[] REGIONS = {"eu", "us"};
    private static final long[] STEPS = {1, 7, 1_000, 5_000, MINUTE, HOUR};
    private static final long FAR = 40 * DAY;

    private final ReferenceModel expected = new ReferenceModel();

    @BeforeEach
    void storeRandomData() {
      Random r = new Random(SEED);
      List<MetricsData> items = new ArrayList<>();
      Set<List<Object>> seen = new HashSet<>();
      for (int i = 0; i < 600; i++) {
        MetricsData candidate = randomItem(r);
        List<Metric> unique = new ArrayList<>();
        for (Metric p : candidate.metrics()) {
          // one point per series and instant, so rate does not depend on how ties are ordered
          if (seen.add(List.of(candidate.metricType(), candidate.source(), p.name(), p.unit(), p.tags(),
              candidate.timestamp()))) {
            unique.add(p);
          }
        }
        if (!unique.isEmpty()) {
          items.add(new MetricsData(candidate.timestamp(), candidate.metricType(), unique, candidate.source(), Map.of()));
        }
      }
      // mostly in time order with some swapped (late points), in batches with reads in between
      items.sort((x, y) -> x.timestamp().compareTo(y.timestamp()));
      for (int i = 0; i < 80; i++) {
        Collections.swap(items, r.nextInt(items.size()), r.nextInt(items.size()));
      }
      for (int at = 0; at < items.size(); at += 100) {
        List<MetricsData> batch = items.subList(at, Math.min(items.size(), at + 100));
        storeAll(batch);
        expected.addAll(batch);
        await(storage.query(MetricsQuery.builder().limit(1).build()));
      }
      assertThat(expected.hasTiesWithinASeries()).isFalse();
    }

    private MetricsData randomItem(Random r) {
      long t = switch (r.nextInt(10)) {
        case 0 -> FAR + r.nextInt(100_000);
        default -> r.nextInt(400) * 500L; // many points share an instant
      };
      MetricsData.Builder b = MetricsData.builder().timestamp(at(t))
          .metricType(TYPES[r.nextInt(TYPES.length)]).source(SOURCES[r.nextInt(SOURCES.length)]);
      int metrics = 1 + r.nextInt(4);
      for (int i = 0; i < metrics; i++) {
        Map<String, String> tags = new LinkedHashMap<>();
        if (r.nextInt(4) > 0) {
          tags.put("host", HOSTS[r.nextInt(HOSTS.length)]);
        }
        if (r.nextBoolean()) {
          tags.put("region", REGIONS[r.nextInt(REGIONS.length)]);
        }
        int n = r.nextInt(NAMES.length);
        double value = r.nextInt(6) == 0 ? -r.nextInt(10) : r.nextInt(50);
        // the unit follows the name: no two points differ only in unit (the query order ends at value)
        b.metric(new Metric(NAMES[n], value, n == 0 ? "%" : "", tags));
      }
      return b.build();
    }

    private TimeRange randomRange(Random r) {
      long a = pickTime(r);
      long b = pickTime(r);
      if (a == b) {
        b = a + 1;
      }
      Instant lo = at(Math.min(a, b));
      Instant hi = at(Math.max(a, b));
      return switch (r.nextInt(4)) {
        case 0 -> TimeRange.all();
        case 1 -> TimeRange.from(lo);
        case 2 -> TimeRange.until(hi);
        default -> TimeRange.between(lo, hi);
      };
    }

    private long pickTime(Random r) {
      return switch (r.nextInt(5)) {
        case 0 -> FAR + r.nextInt(100_000);
        default -> r.nextInt(420) * 500L - r.nextInt(2) * 250; // on and between points
      };
    }

    @Test
    void queriesEqualTheReferenceModel() {
      Random r = new Random(SEED + 1);
      int returned = 0;
      for (int i = 0; i < 150; i++) {
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
        List<MetricsData> actual = await(storage.query(q));
        assertThat(actual).as("%s", q).isEqualTo(expected.query(q));
        returned += actual.size();
      }
      assertThat(returned).as("the random queries must return data").isGreaterThan(500);
    }

    @Test
    void aggregationsEqualTheReferenceModel() {
      Random r = new Random(SEED + 2);
      int nonEmpty = 0;
      for (int i = 0; i < 240; i++) {
        Aggregation f = Aggregation.values()[i % Aggregation.values().length];
        AggregationQuery.Builder b = agg(NAMES[r.nextInt(NAMES.length)], f).range(randomRange(r));
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
        List<GroupResult> actual = await(storage.aggregate(q)).groups();
        assertSameGroups(q, actual, expected.aggregate(q));
        if (!actual.isEmpty()) {
          nonEmpty++;
        }
      }
      assertThat(nonEmpty).as("most random aggregations must find data").isGreaterThan(120);
    }
  }

  /** RollupStorage: buckets, watermark, listing, and answers equal to raw ones. */
  @Nested
  class Rollups {

    private final ReferenceModel expected = new ReferenceModel();

    /** Two hosts' counters with resets and a gauge over ten minutes, integer values (exact sums). */
    private void storeCounters() {
      List<MetricsData> items = new ArrayList<>();
      double[] counter = {0, 1_000};
      for (int i = 0; i < 60; i++) {
        long t = i * 10 * SECOND + (i % 3) * 700;
        for (int h = 0; h < 2; h++) {
          // resets inside a minute (at 1:40) and on minute edges (3:00, 6:00, 9:00), where buckets merge
          counter[h] = i == 10 || i % 18 == 0 ? i % 5 + h : counter[h] + (i * 7 + h) % 11;
        }
        items.add(item(t, m("reqs", counter[0], "host", "a", "dc", "eu"), m("reqs", counter[1], "host", "b"),
            m("cpu", (i * 37) % 100, "host", i % 2 == 0 ? "a" : "b")));
      }
      storeAll(items);
      expected.addAll(items);
    }

    private Map<SeriesId, List<RollupBucket>> bySeries(List<RollupBucket> buckets) {
      Map<SeriesId, List<RollupBucket>> out = new LinkedHashMap<>();
      SeriesId last = null;
      for (RollupBucket b : buckets) {
        if (!b.series().equals(last)) {
          assertThat(out).as("buckets must be ordered by series: %s appears twice", b.series())
              .doesNotContainKey(b.series());
          last = b.series();
        }
        out.computeIfAbsent(b.series(), s -> new ArrayList<>()).add(b);
      }
      out.values().forEach(list -> assertThat(list).extracting(RollupBucket::startMillis).isSorted());
      return out;
    }

    @Test
    void storesBucketsHoldingTheAccumulatorStateOfTheirPoints() {
      RollupStorage rollups = rollups();
      storeCounters();

      long stored = await(rollups.rollup(Resolution.ONE_MINUTE, TimeRange.between(at(0), at(10 * MINUTE))));

      RollupQuery all = RollupQuery.of("reqs", Resolution.ONE_MINUTE, TimeRange.all());
      Map<SeriesId, List<RollupBucket>> read = bySeries(await(rollups.readRollups(all)));
      assertThat(read).isEqualTo(expected.rollups(all)).hasSize(2);
      assertThat(stored).isEqualTo(40); // 10 one-minute buckets for each of the 4 series (2 reqs, 2 cpu)
    }

    @Test
    void computesBucketsWithoutStoringThem() {
      RollupStorage rollups = rollups();
      storeCounters();
      RollupQuery query = RollupQuery.of("reqs", Resolution.FIVE_MINUTES, TimeRange.between(at(0), at(10 * MINUTE)));

      Map<SeriesId, List<RollupBucket>> computed = bySeries(await(rollups.computeRollups(query)));

      assertThat(computed).isEqualTo(expected.rollups(query));
      assertThat(await(rollups.readRollups(query))).isEmpty();
      assertThat(await(rollups.rollupWatermark(Resolution.FIVE_MINUTES))).isEmpty();
    }

    @Test
    void readsBucketsOfTheSeriesCarryingTheTagsAndTypeStartingInTheRange() {
      RollupStorage rollups = rollups();
      storeCounters();
      store(item(HOUR, "other", "", m("reqs", 1, "host", "a", "dc", "eu")));
      await(rollups.rollup(Resolution.ONE_MINUTE, TimeRange.until(at(2 * HOUR))));
      RollupQuery query = new RollupQuery("reqs", Resolution.ONE_MINUTE,
          TimeRange.between(at(2 * MINUTE), at(5 * MINUTE)), Map.of("dc", "eu"), Optional.of("system"));

      List<RollupBucket> read = await(rollups.readRollups(query));

      assertThat(bySeries(read)).isEqualTo(expected.rollups(query));
      assertThat(read).extracting(RollupBucket::startMillis)
          .containsExactly(T0 + 2 * MINUTE, T0 + 3 * MINUTE, T0 + 4 * MINUTE);
    }

    @Test
    void rollingUpTwiceChangesNothing() {
      RollupStorage rollups = rollups();
      storeCounters();
      TimeRange range = TimeRange.until(at(10 * MINUTE));
      await(rollups.rollup(Resolution.FIVE_MINUTES, range));
      List<RollupBucket> first = await(rollups.readRollups(RollupQuery.of("reqs", Resolution.FIVE_MINUTES, TimeRange.all())));

      await(rollups.rollup(Resolution.FIVE_MINUTES, range));

      assertThat(await(rollups.readRollups(RollupQuery.of("reqs", Resolution.FIVE_MINUTES, TimeRange.all()))))
          .isNotEmpty().isEqualTo(first);
    }

    @Test
    void includesLateDataWhenItsBucketsAreRolledUpAgain() {
      RollupStorage rollups = rollups();
      store(item(10 * SECOND, m("cpu", 1)));
      await(rollups.rollup(Resolution.ONE_MINUTE, TimeRange.until(at(MINUTE))));
      store(item(20 * SECOND, m("cpu", 5)));

      await(rollups.rollup(Resolution.ONE_MINUTE, TimeRange.until(at(MINUTE))));

      assertThat(await(rollups.readRollups(RollupQuery.of("cpu", Resolution.ONE_MINUTE, TimeRange.all()))))
          .singleElement().satisfies(b -> {
            assertThat(b.count()).isEqualTo(2);
            assertThat(b.sum()).isEqualTo(6);
            assertThat(b.lastValue()).isEqualTo(5);
          });
    }

    @Test
    void movesTheWatermarkAsDocumented() {
      RollupStorage rollups = rollups();
      store(item(30 * SECOND, m("cpu", 1)), item(20 * MINUTE, m("cpu", 2)));
      assertThat(await(rollups.rollupWatermark(Resolution.ONE_MINUTE))).isEmpty();

      // no watermark yet and a point before the range: the watermark stays unset
      await(rollups.rollup(Resolution.ONE_MINUTE, TimeRange.between(at(10 * MINUTE), at(15 * MINUTE))));
      assertThat(await(rollups.rollupWatermark(Resolution.ONE_MINUTE))).isEmpty();
      // unbounded below: moves to the end
      await(rollups.rollup(Resolution.ONE_MINUTE, TimeRange.until(at(5 * MINUTE))));
      assertThat(await(rollups.rollupWatermark(Resolution.ONE_MINUTE))).contains(at(5 * MINUTE));
      // starting after the watermark: stays
      await(rollups.rollup(Resolution.ONE_MINUTE, TimeRange.between(at(10 * MINUTE), at(30 * MINUTE))));
      assertThat(await(rollups.rollupWatermark(Resolution.ONE_MINUTE))).contains(at(5 * MINUTE));
      // starting at the watermark: moves to the end
      await(rollups.rollup(Resolution.ONE_MINUTE, TimeRange.between(at(5 * MINUTE), at(25 * MINUTE))));
      assertThat(await(rollups.rollupWatermark(Resolution.ONE_MINUTE))).contains(at(25 * MINUTE));
      // other resolutions are untouched
      assertThat(await(rollups.rollupWatermark(Resolution.FIVE_MINUTES))).isEmpty();
    }

    @Test
    void setsTheFirstWatermarkWhenNoPointLiesBeforeTheRange() {
      RollupStorage rollups = rollups();
      store(item(HOUR + 10, m("cpu", 1)));

      await(rollups.rollup(Resolution.ONE_HOUR, TimeRange.between(at(HOUR), at(2 * HOUR))));

      assertThat(await(rollups.rollupWatermark(Resolution.ONE_HOUR))).contains(at(2 * HOUR));
    }

    @Test
    void listsRollupsPerMetricAndResolution() {
      RollupStorage rollups = rollups();
      store(item(10, m("cpu", 1), m("mem", 2)), item(MINUTE + 10, m("cpu", 3)), item(MINUTE + 20, m("cpu", 4, "host", "a")));
      await(rollups.rollup(Resolution.ONE_MINUTE, TimeRange.until(at(5 * MINUTE))));
      await(rollups.rollup(Resolution.FIVE_MINUTES, TimeRange.until(at(5 * MINUTE))));

      List<RollupInfo> list = await(rollups.listRollups());

      assertThat(list).containsExactly(
          new RollupInfo("cpu", Resolution.ONE_MINUTE, 2, 3, 3, at(0), at(MINUTE), Optional.of(at(5 * MINUTE))),
          new RollupInfo("cpu", Resolution.FIVE_MINUTES, 2, 2, 3, at(0), at(0), Optional.of(at(5 * MINUTE))),
          new RollupInfo("mem", Resolution.ONE_MINUTE, 1, 1, 1, at(0), at(0), Optional.of(at(5 * MINUTE))),
          new RollupInfo("mem", Resolution.FIVE_MINUTES, 1, 1, 1, at(0), at(0), Optional.of(at(5 * MINUTE))));
    }

    @Test
    void answersEveryFunctionFromRollupsExactlyAsFromRawPoints() {
      RollupStorage rollups = rollups();
      storeCounters();
      await(rollups.rollup(Resolution.ONE_MINUTE, TimeRange.until(at(7 * MINUTE))));
      int fromRollups = 0;
      for (Aggregation f : Aggregation.values()) {
        for (Duration step : List.of(Duration.ofMinutes(1), Duration.ofMinutes(2), Duration.ofMinutes(5))) {
          for (boolean grouped : List.of(false, true)) {
            AggregationQuery.Builder b = agg(f == Aggregation.RATE ? "reqs" : "cpu", f)
                .between(at(0), at(10 * MINUTE)).step(step);
            if (grouped) {
              b.groupBy("host");
            }
            AggregationQuery q = b.build();
            AggregationResult auto = await(storage.aggregate(q));
            AggregationResult raw = await(storage.aggregate(q.toBuilder().source(QuerySource.RAW).build()));
            assertThat(raw.sources()).containsExactly("raw");
            assertThat(auto.sources()).as("sources of %s", q).containsExactly("1m", "raw");
            assertSameGroups(q, auto.groups(), expected.aggregate(q));
            assertSameGroups(q, raw.groups(), expected.aggregate(q));
            fromRollups++;
          }
        }
      }
      assertThat(fromRollups).isEqualTo(36);
    }

    @Test
    void answersRandomQueriesFromRollupsAndRawPointsAsTheReferenceModel() {
      RollupStorage rollups = rollups();
      Random r = new Random(42);
      String[] hosts = {"a", "b", "c"};
      double[] counters = new double[hosts.length];
      Set<List<Object>> seen = new HashSet<>();
      List<MetricsData> items = new ArrayList<>();
      for (int i = 0; i < 3_000; i++) {
        long t = r.nextInt((int) (6 * HOUR));
        int h = r.nextInt(hosts.length);
        String type = r.nextBoolean() ? "system" : "app";
        if (!seen.add(List.of(type, h, t))) {
          continue; // one point per series and instant
        }
        counters[h] = r.nextInt(20) == 0 ? r.nextInt(5) : counters[h] + r.nextInt(10);
        items.add(item(t, type, "", m("reqs", counters[h], "host", hosts[h], "dc", h == 0 ? "eu" : "us"),
            m("cpu", r.nextInt(100), "host", hosts[h])));
      }
      storeAll(items);
      expected.addAll(items);
      await(rollups.rollup(Resolution.ONE_MINUTE, TimeRange.until(at(4 * HOUR + 17 * MINUTE))));
      await(rollups.rollup(Resolution.FIVE_MINUTES, TimeRange.until(at(3 * HOUR + 35 * MINUTE))));
      await(rollups.rollup(Resolution.ONE_HOUR, TimeRange.until(at(2 * HOUR))));
      long[] steps = {MINUTE, 5 * MINUTE, 10 * MINUTE, HOUR, 2 * HOUR};
      int fromRollups = 0;
      for (int i = 0; i < 120; i++) {
        Aggregation f = Aggregation.values()[i % Aggregation.values().length];
        AggregationQuery.Builder b = agg(r.nextBoolean() ? "reqs" : "cpu", f);
        long start = (r.nextInt(7) - 1) * HOUR + r.nextInt(4) * 5 * MINUTE + (r.nextInt(3) == 0 ? MINUTE : 0);
        long end = start + (1 + r.nextInt(8)) * 30 * MINUTE;
        switch (r.nextInt(4)) {
          case 0 -> b.range(TimeRange.until(at(end)));
          case 1 -> b.range(TimeRange.from(at(start)));
          default -> b.between(at(start), at(end));
        }
        if (r.nextBoolean()) {
          b.step(Duration.ofMillis(steps[r.nextInt(steps.length)]));
        }
        if (r.nextBoolean()) {
          b.groupBy("host");
        }
        if (r.nextInt(4) == 0) {
          b.tag("dc", "eu");
        }
        if (r.nextInt(4) == 0) {
          b.metricType("app");
        }
        AggregationQuery q = b.build();
        AggregationResult result = await(storage.aggregate(q));
        if (!result.sources().equals(List.of("raw"))) {
          fromRollups++;
        }
        assertSameGroups(q + " from " + result.sources(), result.groups(), expected.aggregate(q));
      }
      assertThat(fromRollups).as("queries answered from rollups").isGreaterThan(40);
    }

    @Test
    void usesTheCoarsestRollupThatAnswersExactly() {
      RollupStorage rollups = rollups();
      store(item(10, m("cpu", 1)));
      for (Resolution r : Resolution.values()) {
        await(rollups.rollup(r, TimeRange.until(at(2 * HOUR))));
      }
      AggregationQuery hourly = agg("cpu", Aggregation.COUNT).between(at(0), at(2 * HOUR))
          .step(Duration.ofHours(1)).build();
      AggregationQuery tenMinutes = hourly.toBuilder().step(Duration.ofMinutes(10)).build();
      AggregationQuery offByAMinute = hourly.toBuilder().between(at(-MINUTE), at(2 * HOUR)).build();
      AggregationQuery ninetySeconds = hourly.toBuilder().step(Duration.ofSeconds(90)).build();

      assertThat(await(storage.aggregate(hourly)).sources()).containsExactly("1h");
      assertThat(await(storage.aggregate(tenMinutes)).sources()).containsExactly("5m");
      assertThat(await(storage.aggregate(offByAMinute)).sources()).containsExactly("1m");
      assertThat(await(storage.aggregate(ninetySeconds)).sources()).containsExactly("raw");
      for (AggregationQuery q : List.of(hourly, tenMinutes, offByAMinute, ninetySeconds)) {
        assertThat(await(storage.aggregate(q)).singleValue()).as("%s", q).contains(1.0);
      }
    }

    @Test
    void mergesCounterResetsAcrossRollupBucketsAsTheDocumentedExample() {
      RollupStorage rollups = rollups();
      store(item(0, m("reqs", 10)), item(50 * SECOND, m("reqs", 20)), item(70 * SECOND, m("reqs", 5)),
          item(110 * SECOND, m("reqs", 15)));
      await(rollups.rollup(Resolution.ONE_MINUTE, TimeRange.until(at(2 * MINUTE))));

      AggregationResult result = aggregate(agg("reqs", Aggregation.RATE).between(at(0), at(2 * MINUTE)));

      assertThat(result.sources()).containsExactly("1m");
      assertThat(result.singleValue().orElseThrow()).isCloseTo(25.0 / 110, within(1e-12));
    }

    @Test
    void anExplicitRollupSourceReadsOnlyStoredBuckets() {
      RollupStorage rollups = rollups();
      store(item(10, m("cpu", 4)));
      await(rollups.rollup(Resolution.ONE_MINUTE, TimeRange.until(at(MINUTE))));
      store(item(2 * MINUTE, m("cpu", 8)));

      AggregationResult result = aggregate(agg("cpu", Aggregation.SUM).source(QuerySource.ROLLUP_1M));

      assertThat(result.sources()).containsExactly("1m");
      assertThat(result.singleValue()).contains(4.0);
    }

    @Test
    void anExplicitRollupSourceThatCannotAnswerExactlyFailsNamingWhy() {
      rollups();
      AggregationQuery q = agg("cpu", Aggregation.AVG).between(at(0), at(HOUR)).step(Duration.ofMinutes(1))
          .source(QuerySource.ROLLUP_5M).build();

      assertThat(failureOf(() -> storage.aggregate(q))).isInstanceOf(MetricsPipelineException.class)
          .hasMessageContaining("not a multiple of 5m");
    }

    @Test
    void refusesRangesNotAlignedToTheResolutionOrUnboundedAtTheEnd() {
      RollupStorage rollups = rollups();

      assertThat(failureOf(() -> rollups.rollup(Resolution.ONE_HOUR, TimeRange.until(at(MINUTE)))))
          .isInstanceOf(MetricsPipelineException.class).hasMessageContaining("1h");
      assertThat(failureOf(() -> rollups.rollup(Resolution.ONE_MINUTE, TimeRange.from(at(0)))))
          .isInstanceOf(MetricsPipelineException.class).message().isNotBlank();
    }
  }

  /** RetentionStorage: deletes before the cutoff, never at or after it. */
  @Nested
  class Retention {

    @Test
    void deletesRawPointsBeforeTheCutoffAndKeepsThoseAtIt() {
      RetentionStorage retention = retention();
      store(item(0, m("cpu", 1), m("mem", 1)), item(DAY - 1, m("cpu", 2)), item(DAY, m("cpu", 4)),
          item(2 * DAY, m("cpu", 8)));

      long deleted = await(retention.deleteRawBefore(at(DAY)));

      assertThat(deleted).isEqualTo(3);
      assertThat(values(all())).containsExactly(4.0, 8.0);
      assertThat(aggregate(agg("cpu", Aggregation.SUM).source(QuerySource.RAW)).singleValue()).contains(12.0);
      assertThat(await(retention.deleteRawBefore(at(DAY)))).isZero();
    }

    @Test
    void deletesRollupBucketsEndingAtOrBeforeTheCutoff() {
      RetentionStorage retention = retention();
      RollupStorage rollups = rollups();
      store(item(10 * SECOND, m("cpu", 1)), item(MINUTE + 10 * SECOND, m("cpu", 2)),
          item(2 * MINUTE + 10 * SECOND, m("cpu", 4)));
      await(rollups.rollup(Resolution.ONE_MINUTE, TimeRange.until(at(5 * MINUTE))));
      await(rollups.rollup(Resolution.FIVE_MINUTES, TimeRange.until(at(5 * MINUTE))));

      // [0:00, 1:00) and [1:00, 2:00) end before 2:30 and go; [2:00, 3:00) holds a point after it and stays
      long deleted = await(retention.deleteRollupsBefore(Resolution.ONE_MINUTE, at(2 * MINUTE + 30 * SECOND)));

      assertThat(deleted).isEqualTo(2);
      assertThat(await(rollups.readRollups(RollupQuery.of("cpu", Resolution.ONE_MINUTE, TimeRange.all()))))
          .singleElement().satisfies(b -> assertThat(b.sum()).isEqualTo(4));
      assertThat(await(rollups.readRollups(RollupQuery.of("cpu", Resolution.FIVE_MINUTES, TimeRange.all()))))
          .as("5m buckets, another resolution").singleElement().satisfies(b -> assertThat(b.sum()).isEqualTo(7));
      assertThat(values(all())).as("raw points").containsExactly(1.0, 2.0, 4.0);
    }
  }

  /** DiscoveryStorage: the metric list and one metric's details. */
  @Nested
  class Discovery {

    private void storeNames(String... names) {
      for (String n : names) {
        store(item(1_000, m(n, 1)));
      }
    }

    @Test
    void pagesThroughMetricsInNameOrder() {
      DiscoveryStorage discovery = discovery();
      storeNames("e", "a", "d", "c", "b", "B");

      MetricPage second = await(discovery.listMetrics(new MetricListQuery(2, 2, "")));

      assertThat(second.metrics()).extracting(MetricSummary::name).containsExactly("b", "c");
      assertThat(second.page()).isEqualTo(2);
      assertThat(second.pageSize()).isEqualTo(2);
      assertThat(second.total()).isEqualTo(6);
      assertThat(second.hasNext()).isTrue();
      assertThat(await(discovery.listMetrics(new MetricListQuery(1, 2, ""))).metrics())
          .extracting(MetricSummary::name).containsExactly("B", "a");
    }

    @Test
    void aPageAfterTheLastIsEmpty() {
      DiscoveryStorage discovery = discovery();
      storeNames("a", "b");

      MetricPage page = await(discovery.listMetrics(new MetricListQuery(3, 2, "")));

      assertThat(page.metrics()).isEmpty();
      assertThat(page.total()).isEqualTo(2);
      assertThat(page.hasNext()).isFalse();
    }

    @Test
    void searchMatchesASubstringIgnoringCase() {
      DiscoveryStorage discovery = discovery();
      storeNames("cpu_usage", "CPU_temp", "memory", "gpu");

      MetricPage page = await(discovery.listMetrics(new MetricListQuery(1, 10, "cPu")));

      assertThat(page.metrics()).extracting(MetricSummary::name).containsExactly("CPU_temp", "cpu_usage");
      assertThat(page.total()).isEqualTo(2);
    }

    @Test
    void searchTakesWildcardCharactersLiterally() {
      DiscoveryStorage discovery = discovery();
      storeNames("a_b", "axb", "a.b", "a-b");

      assertThat(await(discovery.listMetrics(new MetricListQuery(1, 10, "a_b"))).metrics())
          .extracting(MetricSummary::name).containsExactly("a_b");
      assertThat(await(discovery.listMetrics(new MetricListQuery(1, 10, "a.b"))).metrics())
          .extracting(MetricSummary::name).containsExactly("a.b");
      for (String search : List.of("%", "*", "a%b", ".*", "?", "\\", "'", "[a]")) {
        assertThat(await(discovery.listMetrics(new MetricListQuery(1, 10, search))).total())
            .as("metrics matching %s", search).isZero();
      }
    }

    @Test
    void summarizesTypesUnitsCountsAndFirstAndLastSeen() {
      DiscoveryStorage discovery = discovery();
      store(item(5_000, "system", "", new Metric("cpu", 1, "%", tags("host", "a"))),
          item(1_000, "app", "", new Metric("cpu", 2, "", tags("host", "b"))),
          item(3_000, "app", "", new Metric("cpu", 3, "", tags("host", "b"))),
          item(4_000, "app", "web", new Metric("cpu", 3, "", tags("host", "b"))),
          item(9_000, "app", "", m("other", 1)));

      MetricSummary s = await(discovery.metricInfo("cpu", 10)).orElseThrow().summary();

      assertThat(s).isEqualTo(new MetricSummary("cpu", List.of("app", "system"), List.of("", "%"), 3, 4,
          at(1_000), at(5_000)));
      assertThat(await(discovery.listMetrics(MetricListQuery.firstPage())).metrics()).first().isEqualTo(s);
    }

    @Test
    void listsDistinctTagValuesSortedUpToTheLimit() {
      DiscoveryStorage discovery = discovery();
      for (String host : List.of("h3", "h1", "h2", "h1")) {
        store(item(1_000, m("cpu", 1, "host", host, "dc", "eu")));
      }

      MetricInfo info = await(discovery.metricInfo("cpu", 2)).orElseThrow();

      assertThat(info.tags()).isEqualTo(Map.of(
          "host", new TagValues(List.of("h1", "h2"), 3), "dc", new TagValues(List.of("eu"), 1)));
      assertThat(info.tags().get("host").truncated()).isTrue();
    }

    @Test
    void hasNoInfoForAnUnknownMetric() {
      DiscoveryStorage discovery = discovery();
      storeNames("cpu");

      assertThat(await(discovery.metricInfo("nope", 10))).isEmpty();
      assertThat(await(discovery.metricInfo("cp", 10))).isEmpty();
    }

    @Test
    void forgetsMetricsWhosePointsWereAllDeleted() {
      DiscoveryStorage discovery = discovery();
      RetentionStorage retention = retention();
      storeNames("old");
      store(item(10_000, m("new", 1)));

      await(retention.deleteRawBefore(at(5_000)));

      assertThat(await(discovery.listMetrics(MetricListQuery.firstPage())).metrics())
          .extracting(MetricSummary::name).containsExactly("new");
      assertThat(await(discovery.metricInfo("old", 10))).isEmpty();
    }

    @Test
    void refusesAMaxTagValuesBelowOne() {
      DiscoveryStorage discovery = discovery();

      assertThat(failureOf(() -> discovery.metricInfo("cpu", 0))).isInstanceOf(MetricsPipelineException.class)
          .hasMessageContaining("maxTagValues");
    }
  }

  /** Several threads writing at once lose nothing and duplicate nothing; readers meanwhile see order. */
  @Nested
  class ConcurrentWriters {

    private static final int WRITERS = 4;
    private static final int READERS = 2;
    private static final int BATCHES = 25;
    private static final int ITEMS_PER_BATCH = 10;
    private static final int HOSTS = 8;

    /** Writer {@code writer}'s batch {@code b}: every writer writes every series, at its own instants. */
    private List<MetricsData> batch(int writer, int b) {
      List<MetricsData> batch = new ArrayList<>();
      for (int i = 0; i < ITEMS_PER_BATCH; i++) {
        int seq = (writer * BATCHES + b) * ITEMS_PER_BATCH + i;
        List<Metric> metrics = new ArrayList<>();
        for (int h = 0; h < HOSTS; h++) {
          metrics.add(m("load", seq, "host", "h" + h));
        }
        batch.add(MetricsData.of(at(seq * 10L), "system", metrics));
      }
      return batch;
    }

    private Void write(int writer, CountDownLatch start, AtomicInteger single) throws InterruptedException {
      start.await();
      for (int b = 0; b < BATCHES; b++) {
        List<MetricsData> batch = batch(writer, b);
        if (b % 5 == 0) {
          for (MetricsData d : batch) {
            await(storage.store(d));
            single.incrementAndGet();
          }
        } else {
          assertThat(await(storage.batchStore(batch)).allSucceeded()).isTrue();
        }
      }
      return null;
    }

    private Void read(CountDownLatch start, AtomicBoolean writing, Queue<String> problems)
        throws InterruptedException {
      start.await();
      long lastCount = 0;
      while (writing.get()) {
        List<GroupResult> groups = await(storage.aggregate(agg("load", Aggregation.COUNT).build())).groups();
        long count = groups.isEmpty() ? 0 : (long) groups.get(0).value();
        if (count < lastCount) {
          problems.add("count went down from " + lastCount + " to " + count);
        }
        lastCount = count;
        List<MetricsData> page = await(storage.query(MetricsQuery.builder().tag("host", "h3").limit(500).build()));
        for (int i = 1; i < page.size(); i++) {
          if (page.get(i).timestamp().isBefore(page.get(i - 1).timestamp())) {
            problems.add("query out of order at " + i);
          }
        }
      }
      return null;
    }

    @Test
    void keepsEveryPointOfConcurrentWritersWhileReadersRead() throws Exception {
      ExecutorService pool = Executors.newFixedThreadPool(WRITERS + READERS, r -> {
        Thread t = new Thread(r, "metrics-testkit-concurrency");
        t.setDaemon(true);
        return t;
      });
      CountDownLatch start = new CountDownLatch(1);
      AtomicInteger single = new AtomicInteger();
      AtomicBoolean writing = new AtomicBoolean(true);
      Queue<String> problems = new ConcurrentLinkedQueue<>();
      try {
        List<Future<Void>> writers = new ArrayList<>();
        for (int w = 0; w < WRITERS; w++) {
          int writer = w;
          writers.add(pool.submit(() -> write(writer, start, single)));
        }
        List<Future<Void>> readers = new ArrayList<>();
        for (int r = 0; r < READERS; r++) {
          readers.add(pool.submit(() -> read(start, writing, problems)));
        }
        start.countDown();
        for (Future<Void> f : writers) {
          f.get(timeout().toMillis() * 4, TimeUnit.MILLISECONDS);
        }
        writing.set(false);
        for (Future<Void> f : readers) {
          f.get(timeout().toMillis() * 4, TimeUnit.MILLISECONDS);
        }
      } finally {
        writing.set(false);
        pool.shutdownNow();
      }

      int items = WRITERS * BATCHES * ITEMS_PER_BATCH;
      double sumOfSeq = (double) items * (items - 1) / 2;
      List<GroupResult> perHost = aggregate(agg("load", Aggregation.COUNT).groupBy("host")).groups();
      List<GroupResult> sums = aggregate(agg("load", Aggregation.SUM).groupBy("host")).groups();
      assertThat(problems).as("what readers saw while writers wrote").isEmpty();
      assertThat(single.get()).isPositive();
      assertThat(perHost).hasSize(HOSTS).allSatisfy(g -> assertThat(g.value()).isEqualTo(items));
      assertThat(sums).hasSize(HOSTS).allSatisfy(g -> assertThat(g.value()).isEqualTo(sumOfSeq));
      assertThat(query(MetricsQuery.builder().tag("host", "h3").limit(MetricsQuery.MAX_LIMIT)))
          .hasSize(items).extracting(MetricsData::timestamp).isSorted().doesNotHaveDuplicates();
    }
  }

  /**
   * Items a store can never hold (here: timestamps beyond epoch milliseconds) fail alone, with a reason
   * naming the field; the rest of the batch is stored.
   */
  @Nested
  class BadInput {

    private MetricsData unrepresentable(Instant timestamp) {
      return MetricsData.of(timestamp, "system", List.of(m("cpu", 1)));
    }

    @Test
    void reportsEachUnstorableItemOfABatchWithItsIndexAndStoresTheOthers() {
      List<MetricsData> batch = List.of(item(1, m("cpu", 1)), unrepresentable(Instant.MAX), item(2, m("cpu", 2)),
          unrepresentable(Instant.MIN), item(3, m("cpu", 3)));

      MetricsBatchResult result = await(storage.batchStore(batch));

      assertThat(result.successCount()).isEqualTo(3);
      assertThat(result.failures()).extracting(MetricsBatchResult.Failure::index).containsExactly(1, 3);
      assertThat(result.failures()).as("failures naming the field at fault")
          .allSatisfy(f -> assertThat(f.reason()).containsIgnoringCase("timestamp"));
      assertThat(values(all())).containsExactly(1.0, 2.0, 3.0);
    }

    @Test
    void failsStoreOfAnUnstorableItemWithAMetricsPipelineException() {
      assertThat(failureOf(() -> storage.store(unrepresentable(Instant.MAX))))
          .isInstanceOf(MetricsPipelineException.class).message().containsIgnoringCase("timestamp");
      store(item(1, m("cpu", 1)));
      assertThat(values(all())).containsExactly(1.0);
    }
  }

  /** healthCheck: healthy while working, and never claims health once closed. */
  @Nested
  class Health {

    @Test
    void reportsHealthyWhileWorking() {
      store(item(1, m("cpu", 1)));

      HealthCheckResult health = await(storage.healthCheck());

      assertThat(health.status()).isEqualTo(HealthStatus.HEALTHY);
    }

    @Test
    void neverReportsHealthyOnceClosedAndFailsCallsWithAMetricsPipelineException() {
      storage.close();

      CompletableFuture<HealthCheckResult> health = storage.healthCheck();
      assertThat(health).as("healthCheck() after close()").isNotNull();
      HealthCheckResult result = await(
          health.handle((h, e) -> e == null ? h : HealthCheckResult.unhealthy(e.toString())));
      assertThat(result.status()).isNotEqualTo(HealthStatus.HEALTHY);
      assertThat(failureOf(() -> storage.store(item(1, m("cpu", 1))))).isInstanceOf(MetricsPipelineException.class);
      assertThat(failureOf(() -> storage.query(MetricsQuery.builder().build())))
          .isInstanceOf(MetricsPipelineException.class);
    }
  }

  /**
   * Quotes, backslashes, SQL comment and statement separators, NUL and other control characters,
   * unicode and very long strings, wherever {@link MetricsValidator#defaults()} allows them: tag
   * values (anything), units and sources (no control characters), and names, types and tag keys
   * (their identifier alphabets), read back exactly and matched exactly.
   */
  @Nested
  class HostileStrings {

    private static final String LONG_VALUE = "\uD83D\uDE00'\"\\".repeat(MetricsValidator.DEFAULT_MAX_TAG_VALUE_LENGTH / 5)
        + "x".repeat(MetricsValidator.DEFAULT_MAX_TAG_VALUE_LENGTH % 5);

    static final List<String> TAG_VALUES = List.of(
        "'", "''", "\"", "\\", "\\'", "'\\", "\\\\", "--", "/*", "*/", ";", "'; DROP TABLE metrics; --",
        "' OR '1'='1", "a\u0000b", "\u0000", "tab\there", "line\nbreak\r\n", "\u007F\u0001\u001F",
        "%", "_", "$1", "${x}", "{}", "[]", "?", ":name", "\u00E9", "e\u0301", "\u65E5\u672C\u8A9E",
        "\uD83D\uDE00\uD83D\uDC68\u200D\uD83D\uDC69\u200D\uD83D\uDC67", "\u202Eright-to-left", "\uFEFF",
        "\uFFFD", " leading and trailing ", "", LONG_VALUE);
    static final String LONG_NAME = "n" + ":-.".repeat(84) + "_z";
    static final String LONG_TYPE = "t" + "-".repeat(MetricsValidator.DEFAULT_MAX_METRIC_TYPE_LENGTH - 2) + ":";
    static final String LONG_KEY = "k" + "--".repeat(MetricsValidator.DEFAULT_MAX_TAG_KEY_LENGTH / 2 - 1) + "_";
    static final String UNIT = "'\"\\;--/*\u00B5s\uD83D\uDE00 \u00B0C";
    static final String SOURCE = "'; DROP TABLE metrics; -- \\\" \u65E5\u672C \uD83D\uDE00 ".repeat(6);

    /** One point per hostile tag value, with a hostile unit, source, name, type and tag key. */
    private List<MetricsData> hostileItems() {
      List<MetricsData> items = new ArrayList<>();
      for (int i = 0; i < TAG_VALUES.size(); i++) {
        Map<String, String> tags = new LinkedHashMap<>();
        tags.put("v", TAG_VALUES.get(i));
        tags.put(LONG_KEY, TAG_VALUES.get(TAG_VALUES.size() - 1 - i));
        tags.put("a--b", "--");
        items.add(new MetricsData(at(i * SECOND), LONG_TYPE,
            List.of(new Metric(LONG_NAME, i, UNIT, tags), new Metric("x:y--z", i, "", Map.of("v", TAG_VALUES.get(i)))),
            SOURCE, Map.of()));
      }
      return items;
    }

    @Test
    void theHostileItemsAreValid() {
      for (MetricsData item : hostileItems()) {
        assertThat(MetricsValidator.defaults().validate(item).errors()).as("%s", item).isEmpty();
      }
      assertThat(LONG_NAME).hasSize(MetricsValidator.DEFAULT_MAX_NAME_LENGTH);
      assertThat(LONG_VALUE).hasSize(MetricsValidator.DEFAULT_MAX_TAG_VALUE_LENGTH);
    }

    @Test
    void readsHostileStringsBackExactly() {
      List<MetricsData> items = hostileItems();
      storeAll(items);

      assertThat(all()).containsExactlyElementsOf(items);
    }

    @Test
    void matchesHostileTagValuesExactly() {
      storeAll(hostileItems());

      for (int i = 0; i < TAG_VALUES.size(); i++) {
        String value = TAG_VALUES.get(i);
        assertThat(values(query(MetricsQuery.builder().metricNames(LONG_NAME).metricType(LONG_TYPE).tag("v", value))))
            .as("points tagged v=%s", value).containsExactly((double) i);
        assertThat(aggregate(agg("x:y--z", Aggregation.SUM).tag("v", value)).singleValue())
            .as("sum of points tagged v=%s", value).contains((double) i);
      }
      assertThat(query(MetricsQuery.builder().tag("v", "a"))).isEmpty(); // not a prefix match at the NUL
      assertThat(query(MetricsQuery.builder().tag("v", "' OR '1'='1' --"))).isEmpty();
    }

    @Test
    void groupsByHostileTagValuesInCodePointOrder() {
      storeAll(hostileItems());

      List<GroupResult> groups = aggregate(agg(LONG_NAME, Aggregation.COUNT).metricType(LONG_TYPE).groupBy(LONG_KEY))
          .groups();

      List<String> sorted = new ArrayList<>(TAG_VALUES);
      sorted.sort(ReferenceModel::compareCodePoints);
      assertThat(groups).extracting(g -> g.key().get(LONG_KEY)).containsExactlyElementsOf(sorted);
      assertThat(groups).allSatisfy(g -> assertThat(g.value()).isEqualTo(1.0));
    }

    @Test
    void discoversHostileTagValuesAndSearchesHostileStrings() {
      DiscoveryStorage discovery = discovery();
      storeAll(hostileItems());

      MetricInfo info = await(discovery.metricInfo(LONG_NAME, 1_000)).orElseThrow();

      List<String> sorted = new ArrayList<>(TAG_VALUES);
      sorted.sort(ReferenceModel::compareCodePoints);
      assertThat(info.tags().get("v")).isEqualTo(new TagValues(sorted, TAG_VALUES.size()));
      assertThat(info.tags().get(LONG_KEY).values()).containsExactlyElementsOf(sorted);
      assertThat(info.summary().metricTypes()).containsExactly(LONG_TYPE);
      assertThat(info.summary().units()).containsExactly(UNIT);
      for (String search : TAG_VALUES) {
        if (!search.isEmpty() && !LONG_NAME.toLowerCase(Locale.ROOT).contains(search)
            && !"x:y--z".contains(search)) {
          assertThat(await(discovery.listMetrics(new MetricListQuery(1, 10, search))).total())
              .as("metrics matching %s", search).isZero();
        }
      }
      assertThat(await(discovery.listMetrics(new MetricListQuery(1, 10, "--"))).metrics())
          .extracting(MetricSummary::name).containsExactly("x:y--z");
    }

    @Test
    void rollsUpSeriesWithHostileStrings() {
      RollupStorage rollups = rollups();
      List<MetricsData> items = hostileItems();
      storeAll(items);
      ReferenceModel expected = new ReferenceModel();
      expected.addAll(items);

      await(rollups.rollup(Resolution.ONE_MINUTE, TimeRange.until(at(HOUR))));

      for (String value : List.of("a\u0000b", "'; DROP TABLE metrics; --", "\\'", LONG_VALUE)) {
        RollupQuery q = new RollupQuery(LONG_NAME, Resolution.ONE_MINUTE, TimeRange.all(), Map.of("v", value),
            Optional.of(LONG_TYPE));
        assertThat(await(rollups.readRollups(q))).as("rollups of v=%s", value)
            .containsExactlyElementsOf(expected.rollups(q).values().stream().flatMap(List::stream).toList())
            .hasSize(1);
      }
    }
  }
}
