package org.metricspipeline.examples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.metricspipeline.api.Metric;
import org.metricspipeline.api.MetricsData;
import org.metricspipeline.api.query.Bucket;
import org.metricspipeline.api.query.GroupResult;
import org.metricspipeline.core.SyntheticData;
import org.metricspipeline.core.SyntheticData.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Runs the quick start once on a fixed clock and checks its figures against the data it was fed. */
class QuickStartTest {

  private static final Clock CLOCK = Clock.fixed(Instant.parse("2024-05-01T12:02:30Z"), ZoneOffset.UTC);
  private static final Instant START = Instant.parse("2024-05-01T11:00:00Z");
  private static final Instant END = Instant.parse("2024-05-01T12:00:00Z");
  private static final int HOSTS = 5;
  private static final long SEED = 7;
  /** Not the default, so the test sees the option reach the generator. */
  private static final Pattern PATTERN = Pattern.SPIKE;

  private static QuickStart.Summary summary;
  private static String output;
  /** The data fed, generated again: host index to its items. */
  private static List<List<MetricsData>> fed;
  /** The pattern series fed, generated again. */
  private static List<MetricsData> patternFed;

  @BeforeAll
  static void runQuickStart() {
    QuickStart.Options options = new QuickStart.Options(
        SEED, HOSTS, QuickStart.DEFAULT_SPAN, QuickStart.DEFAULT_INTERVAL, PATTERN, CLOCK);
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8)) {
      summary = QuickStart.run(options, out);
    }
    output = bytes.toString(StandardCharsets.UTF_8);
    SyntheticMetrics data = new SyntheticMetrics(SEED, HOSTS, START, QuickStart.DEFAULT_INTERVAL, 360);
    fed = new ArrayList<>();
    for (int host = 0; host < HOSTS; host++) {
      fed.add(data.itemsOf(host));
    }
    patternFed = SyntheticData.series("latency_ms", PATTERN, START, QuickStart.DEFAULT_SPAN,
        QuickStart.DEFAULT_INTERVAL, SEED);
  }

  @Test
  void feedsTheHourBeforeTheLastWholeFiveMinutes() {
    assertThat(summary.range().start()).contains(START);
    assertThat(summary.range().end()).contains(END);
  }

  @Test
  void endsTheDataFedAtAFiveMinuteEdgeTheRollupJobSeesAsClosed() {
    // 12:00:30 minus the allowed lateness (1 min) lies in the bucket [11:55, 12:00), still open.
    Clock justAfterTheEdge = Clock.fixed(Instant.parse("2024-05-01T12:00:30Z"), ZoneOffset.UTC);
    assertThat(QuickStart.ROLLUPS.allowedLateness()).isEqualTo(Duration.ofMinutes(1));
    assertThat(QuickStart.rangeEnd(justAfterTheEdge)).isEqualTo(Instant.parse("2024-05-01T11:55:00Z"));
    assertThat(QuickStart.rangeEnd(CLOCK)).isEqualTo(END);
  }

  @Test
  void storesEveryPointFedWithNothingLostOrDuplicated() {
    long points = fed.stream().flatMap(List::stream).mapToLong(i -> i.metrics().size()).sum();
    assertThat(summary.pointsFed()).isEqualTo(points).isEqualTo(HOSTS * 360L * 3);
    assertThat(summary.patternItems()).isEqualTo(patternFed.size()).isEqualTo(360);
    assertThat(summary.store().points()).isEqualTo(points + patternFed.size());
    assertThat(summary.pipeline().pointsStored()).isEqualTo(points + patternFed.size());
    assertThat(summary.pipeline().stored()).isEqualTo(summary.itemsFed() + patternFed.size())
        .isEqualTo(HOSTS * 360L + 360);
    assertThat(summary.pipeline().deadLettered()).isZero();
    assertThat(summary.pipeline().rejected()).isZero();
    assertThat(summary.store().series()).isEqualTo(HOSTS * 3L + 1);
  }

  @Test
  void summarizesThePatternSeriesAsItsRegeneratedValues() {
    double[] values = patternFed.stream().mapToDouble(i -> i.metrics().get(0).value()).toArray();
    assertThat(summary.pattern()).isEqualTo(PATTERN);
    assertThat(summary.patternFigures().count()).isEqualTo(values.length);
    assertThat(summary.patternFigures().min()).isEqualTo(Arrays.stream(values).min().orElseThrow());
    assertThat(summary.patternFigures().max()).isEqualTo(Arrays.stream(values).max().orElseThrow());
    assertThat(summary.patternFigures().avg())
        .isCloseTo(Arrays.stream(values).average().orElseThrow(), within(1e-9));
  }

  @Test
  void printsThePatternSeriesFigures() {
    // min and max are exact; the average was checked against the regenerated values above.
    double[] values = patternFed.stream().mapToDouble(i -> i.metrics().get(0).value()).toArray();
    assertThat(output).contains("latency_ms{pattern=spike}: 360 points, min "
        + QuickStart.number(Arrays.stream(values).min().orElseThrow()) + ", avg "
        + QuickStart.number(summary.patternFigures().avg()) + ", max "
        + QuickStart.number(Arrays.stream(values).max().orElseThrow()));
  }

  @Test
  void runsTheRollupJobOnceWithoutError() {
    assertThat(summary.rollup().runs()).isEqualTo(1);
    assertThat(summary.rollup().lastError()).isEmpty();
    assertThat(summary.rollup().lastResult()).isPositive();
  }

  @Test
  void answersTheFiveMinuteSeriesFromTheFiveMinuteRollupOnly() {
    assertThat(summary.cpuEvery5Minutes().sources()).containsExactly("5m");
    assertThat(summary.cpuEvery5MinutesFromRaw().sources()).containsExactly("raw");
  }

  @Test
  void answersTheFiveMinuteSeriesFromTheRollupWithTheRawValues() {
    List<Bucket> rollup = summary.cpuEvery5Minutes().groups().get(0).buckets();
    List<Bucket> raw = summary.cpuEvery5MinutesFromRaw().groups().get(0).buckets();
    assertThat(rollup).hasSameSizeAs(raw).hasSize(12);
    for (int i = 0; i < raw.size(); i++) {
      assertThat(rollup.get(i).start()).isEqualTo(raw.get(i).start());
      assertThat(rollup.get(i).count()).isEqualTo(raw.get(i).count());
      assertThat(rollup.get(i).value()).isCloseTo(raw.get(i).value(), within(1e-9));
    }
    assertThat(output).contains("avg(cpu_usage) 5m steps answered from [5m] (same values as raw: yes)");
  }

  @Test
  void sendsTheFirstHalfOfTheHostsThroughTheChannelAndTheRestThroughProcessBatch() {
    assertThat(summary.channelHosts()).isEqualTo(3);
    assertThat(summary.itemsViaChannel()).isEqualTo(3 * 360L);
    assertThat(summary.itemsViaBatch()).isEqualTo(2 * 360L);
  }

  @Test
  void countsThePointsOfEachMetric() {
    assertThat(summary.pointsPerMetric()).containsExactlyInAnyOrderEntriesOf(Map.of(
        "cpu_usage", HOSTS * 360L, "memory_used", HOSTS * 360L, "http_requests_total", HOSTS * 360L));
  }

  @Test
  void samplesTheFirstCpuPointsOfTheFirstHostInTimeOrder() {
    List<MetricsData> expected = new ArrayList<>();
    for (MetricsData item : fed.get(0).subList(0, QuickStart.SAMPLE_SIZE)) {
      Metric cpu = item.metrics().stream().filter(m -> m.name().equals("cpu_usage")).findFirst().orElseThrow();
      expected.add(new MetricsData(item.timestamp(), item.metricType(), List.of(cpu), item.source(), Map.of()));
    }
    assertThat(summary.sample()).isEqualTo(expected);
  }

  @Test
  void averagesCpuPerHostAsABruteForceAverage() {
    Map<String, Double> expected = new TreeMap<>();
    for (int host = 0; host < HOSTS; host++) {
      expected.put(SyntheticMetrics.hostName(host),
          values(fed.get(host), "cpu_usage").stream().mapToDouble(Double::doubleValue).average().orElseThrow());
    }
    Map<String, Double> actual = new TreeMap<>();
    for (GroupResult g : summary.cpuByHost().groups()) {
      actual.put(g.key().get("host"), g.value());
      assertThat(g.count()).isEqualTo(360);
    }
    assertThat(actual.keySet()).isEqualTo(expected.keySet());
    expected.forEach((host, avg) -> assertThat(actual.get(host)).as(host).isCloseTo(avg, within(1e-9)));
  }

  @Test
  void averagesCpuInFiveMinuteBucketsAsABruteForceBucketing() {
    double[] sums = new double[12];
    long[] counts = new long[12];
    for (List<MetricsData> items : fed) {
      for (MetricsData item : items) {
        int bucket = (int) ((item.timestamp().toEpochMilli() - START.toEpochMilli()) / QuickStart.STEP.toMillis());
        sums[bucket] += value(item, "cpu_usage");
        counts[bucket]++;
      }
    }
    assertThat(summary.cpuEvery5Minutes().groups()).hasSize(1);
    List<Bucket> buckets = summary.cpuEvery5Minutes().groups().get(0).buckets();
    assertThat(buckets).hasSize(12);
    for (int i = 0; i < 12; i++) {
      assertThat(buckets.get(i).start()).isEqualTo(START.plus(QuickStart.STEP.multipliedBy(i)));
      assertThat(buckets.get(i).count()).isEqualTo(counts[i]).isEqualTo(HOSTS * 30L);
      assertThat(buckets.get(i).value()).isCloseTo(sums[i] / counts[i], within(1e-9));
    }
  }

  @Test
  void ratesRequestsAsTheCountersIncreaseOverTheirTimeSpanSummedOverHosts() {
    double expected = 0;
    for (List<MetricsData> items : fed) {
      List<Double> counter = values(items, "http_requests_total");
      double seconds = (items.get(items.size() - 1).timestamp().toEpochMilli()
          - items.get(0).timestamp().toEpochMilli()) / 1000.0;
      expected += (counter.get(counter.size() - 1) - counter.get(0)) / seconds;
    }
    assertThat(summary.requestRate()).isCloseTo(expected, within(1e-9));
  }

  @Test
  void printsTheFiguresItReturns() {
    assertThat(output)
        .contains("Fed 1800 items (5400 points)")
        .contains("Store: " + summary.store().points() + " points in " + summary.store().series() + " series")
        .contains("stored " + summary.pipeline().stored() + " items (" + summary.pipeline().pointsStored() + " points)")
        .contains("rate(http_requests_total) over all hosts: " + QuickStart.number(summary.requestRate()));
    for (GroupResult g : summary.cpuByHost().groups()) {
      assertThat(output).contains(g.key().get("host") + " " + QuickStart.number(g.value()));
    }
    for (Bucket b : summary.cpuEvery5Minutes().groups().get(0).buckets()) {
      assertThat(output).contains(b.start().toString().substring(11, 16) + " " + QuickStart.number(b.value()));
    }
    assertThat(output.lines().count()).isLessThanOrEqualTo(25);
  }

  @Test
  void helpPrintsTheUsageAndSucceeds() {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int code = QuickStart.run(new String[] {"--help"}, print(out), print(err));
    assertThat(code).isZero();
    assertThat(out.toString(StandardCharsets.UTF_8)).startsWith("Usage: java -jar metrics-examples.jar");
    assertThat(err.toString(StandardCharsets.UTF_8)).isEmpty();
  }

  @Test
  void rejectsAnUnknownArgumentWithExitCodeTwoAndNamesIt() {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int code = QuickStart.run(new String[] {"--verbose"}, print(out), print(err));
    assertThat(code).isEqualTo(2);
    assertThat(err.toString(StandardCharsets.UTF_8)).startsWith("unknown argument: --verbose");
    assertThat(out.toString(StandardCharsets.UTF_8)).isEmpty();
  }

  @Test
  void onceAcceptsItsOwnFlagAndRefusesTheServeOnlyOptionsNamingThem() {
    assertThat(QuickStart.Options.parse(new String[] {"--once", "--seed", "3"}, CLOCK).seed()).isEqualTo(3);
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int code = QuickStart.run(new String[] {"--once", "--port", "9090"}, print(new ByteArrayOutputStream()), print(err));
    assertThat(code).isEqualTo(2);
    assertThat(err.toString(StandardCharsets.UTF_8)).startsWith("--port only applies when serving: drop --once");
  }

  @Test
  void rejectsAnUnknownPatternWithExitCodeTwoListingTheKnownNames() {
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int code = QuickStart.run(new String[] {"--pattern", "square"}, print(new ByteArrayOutputStream()), print(err));
    assertThat(code).isEqualTo(2);
    assertThat(err.toString(StandardCharsets.UTF_8)).startsWith(
        "--pattern must be one of noise, sine_wave, linear_trend, spike, combined, got 'square'");
  }

  @Test
  void parsesThePatternByItsWireNameAndDefaultsToCombined() {
    assertThat(QuickStart.Options.parse(new String[] {"--pattern", "sine_wave"}, CLOCK).pattern())
        .isEqualTo(Pattern.SINE_WAVE);
    assertThat(QuickStart.Options.parse(new String[0], CLOCK).pattern()).isEqualTo(Pattern.COMBINED);
  }

  @Test
  void rejectsAHostCountOutOfRangeNamingTheOption() {
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int code = QuickStart.run(new String[] {"--hosts", "0"}, print(new ByteArrayOutputStream()), print(err));
    assertThat(code).isEqualTo(2);
    assertThat(err.toString(StandardCharsets.UTF_8)).startsWith("--hosts must be between 1 and 20, got 0");
  }

  private static PrintStream print(ByteArrayOutputStream bytes) {
    return new PrintStream(bytes, true, StandardCharsets.UTF_8);
  }

  private static List<Double> values(List<MetricsData> items, String metric) {
    return items.stream().map(i -> value(i, metric)).toList();
  }

  private static double value(MetricsData item, String metric) {
    return item.metrics().stream().filter(m -> m.name().equals(metric)).findFirst().orElseThrow().value();
  }
}
