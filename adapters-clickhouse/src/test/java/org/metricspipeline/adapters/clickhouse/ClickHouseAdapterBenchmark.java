package org.metricspipeline.adapters.clickhouse;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.metricspipeline.adapters.clickhouse.internal.Queries;
import org.metricspipeline.adapters.clickhouse.internal.RawRows;
import org.metricspipeline.adapters.clickhouse.internal.RowBinary;
import org.metricspipeline.adapters.clickhouse.internal.Schema;
import org.metricspipeline.api.Metric;
import org.metricspipeline.api.MetricsData;
import org.metricspipeline.api.query.Aggregation;
import org.metricspipeline.api.query.AggregationQuery;
import org.metricspipeline.api.query.QuerySource;
import org.metricspipeline.api.query.Resolution;
import org.metricspipeline.api.query.TimeRange;

/**
 * Insert and query figures against a real server, in one run (see scripts/bench-clickhouse.sh):
 *
 * <ol>
 *   <li>the same 1M rows through the adapter (from {@code MetricsData}) and through
 *       {@code curl --data-binary} RowBinary, alternating, median of the rounds, and their ratio;
 *   <li>a 1-minute-step {@code avg} over 10M points from raw points and from the 1m rollup through
 *       the adapter, beside the same SQL run with {@code clickhouse-client --time}.
 * </ol>
 */
public final class ClickHouseAdapterBenchmark {

  private static final long T0 = Instant.parse("2026-11-01T00:00:00Z").toEpochMilli();

  private ClickHouseAdapterBenchmark() {}

  public static void main(String[] args) throws Exception {
    String url = args[0];
    String tcpPort = args[1];
    int rows = args.length > 2 ? Integer.parseInt(args[2]) : 1_000_000;
    int queryPoints = args.length > 3 ? Integer.parseInt(args[3]) : 10_000_000;
    int rounds = args.length > 4 ? Integer.parseInt(args[4]) : 3;
    String db = "bench_" + Long.toHexString(System.nanoTime());

    List<MetricsData> items = items(rows, 0);
    Path file = Path.of("target", "bench", "rows.rowbinary");
    Files.createDirectories(file.getParent());
    writeRowBinary(items, file);
    System.out.printf("Insert: %,d rows (one metric each, 2 tags), %,d bytes of RowBinary%n", rows, Files.size(file));

    // warm-up (not counted): the JIT compiles the adapter's encoding path
    try (ClickHouseStorageAdapter a = ClickHouseStorageAdapter.builder(url).database(db).table("warmup").build()) {
      a.batchStore(items.subList(0, Math.min(items.size(), 200_000))).get(10, TimeUnit.MINUTES);
      a.batchStore(items.subList(0, Math.min(items.size(), 200_000))).get(10, TimeUnit.MINUTES);
    }
    double[] adapterRates = new double[rounds];
    double[] curlRates = new double[rounds];
    for (int r = 0; r < rounds; r++) {
      try (ClickHouseStorageAdapter a = ClickHouseStorageAdapter.builder(url).database(db).table("adapter_" + r).build()) {
        a.createSchema().join();
        long t0 = System.nanoTime();
        var result = a.batchStore(items).get(10, TimeUnit.MINUTES);
        double s = (System.nanoTime() - t0) / 1e9;
        if (!result.allSucceeded()) {
          throw new IllegalStateException("adapter insert failed: " + result.failures().get(0));
        }
        adapterRates[r] = rows / s;
      }
      try (ClickHouseStorageAdapter a = ClickHouseStorageAdapter.builder(url).database(db).table("curl_" + r).build()) {
        a.createSchema().join();
        String insert = "INSERT INTO " + db + ".curl_" + r + " (" + String.join(", ", Schema.RAW_INSERT_COLUMNS)
            + ") FORMAT RowBinary";
        long t0 = System.nanoTime();
        run(List.of("curl", "-sS", "--fail", "--data-binary", "@" + file, url + "/?query="
            + java.net.URLEncoder.encode(insert, StandardCharsets.UTF_8)));
        curlRates[r] = rows / ((System.nanoTime() - t0) / 1e9);
      }
      System.out.printf("  round %d: adapter %,.0f rows/s, curl %,.0f rows/s%n", r + 1, adapterRates[r], curlRates[r]);
    }
    double adapter = median(adapterRates);
    double curl = median(curlRates);
    System.out.printf("Insert median: adapter %,.0f rows/s, curl --data-binary RowBinary %,.0f rows/s, ratio %.2f (goal >= 0.90)%n",
        adapter, curl, adapter / curl);

    // ---- 1-minute avg over queryPoints points
    try (ClickHouseStorageAdapter a = ClickHouseStorageAdapter.builder(url).database(db).table("query").build()) {
      int series = 10;
      int perSeries = queryPoints / series;
      long t0 = System.nanoTime();
      int chunk = 1_000_000;
      for (int done = 0; done < queryPoints; done += chunk) {
        a.batchStore(items(Math.min(chunk, queryPoints - done), done)).get(10, TimeUnit.MINUTES);
      }
      double load = (System.nanoTime() - t0) / 1e9;
      long end = T0 + ((long) perSeries * 1000 + 59_999) / 60_000 * 60_000;
      TimeRange range = TimeRange.between(Instant.ofEpochMilli(T0), Instant.ofEpochMilli(end));
      long r0 = System.nanoTime();
      long buckets = a.rollup(Resolution.ONE_MINUTE, range).get(10, TimeUnit.MINUTES);
      double rollup = (System.nanoTime() - r0) / 1e9;
      System.out.printf("Query: %,d points (%d series, 1 s apart), loaded through the adapter in %.1f s; "
          + "1m rollup of %,d buckets in %.1f s%n", queryPoints, series, load, buckets, rollup);
      AggregationQuery raw = AggregationQuery.builder("cpu_usage", Aggregation.AVG).range(range)
          .step(Duration.ofMinutes(1)).source(QuerySource.RAW).build();
      AggregationQuery fromRollup = raw.toBuilder().source(QuerySource.ROLLUP_1M).build();
      Queries q = new Queries(new Schema(db, "query"));
      String rawSql = q.aggregateRaw(raw);
      String rollupSql = q.aggregateRollup(fromRollup, Resolution.ONE_MINUTE, range, Optional.empty(), false);
      int n = 5;
      double[] adapterRaw = new double[n];
      double[] adapterRollup = new double[n];
      double[] clientRaw = new double[n];
      double[] clientRollup = new double[n];
      int groups = 0;
      for (int i = 0; i < n; i++) {
        long s = System.nanoTime();
        groups = a.aggregate(raw).get().groups().get(0).buckets().size();
        adapterRaw[i] = (System.nanoTime() - s) / 1e6;
        s = System.nanoTime();
        a.aggregate(fromRollup).get();
        adapterRollup[i] = (System.nanoTime() - s) / 1e6;
        clientRaw[i] = clientMillis(tcpPort, rawSql);
        clientRollup[i] = clientMillis(tcpPort, rollupSql);
      }
      System.out.printf("avg, 1-minute step, %,d buckets (median of %d):%n", groups, n);
      System.out.printf("  from raw:    adapter %.0f ms, clickhouse-client (same SQL) %.0f ms%n", median(adapterRaw), median(clientRaw));
      System.out.printf("  from rollup: adapter %.0f ms, clickhouse-client (same SQL) %.0f ms%n", median(adapterRollup), median(clientRollup));
    }
    run(List.of("curl", "-sS", "--fail", "--data-binary", "DROP DATABASE IF EXISTS " + db, url + "/"));
  }

  /** {@code n} items of one metric each: 10 hosts, one point per host per second. */
  static List<MetricsData> items(int n, int offset) {
    List<MetricsData> items = new ArrayList<>(n);
    List<Map<String, String>> tags = new ArrayList<>();
    for (int h = 0; h < 10; h++) {
      tags.add(Map.of("host", "web-" + h, "dc", h % 2 == 0 ? "eu" : "us"));
    }
    for (int i = offset; i < offset + n; i++) {
      int h = i % 10;
      long t = T0 + (long) (i / 10) * 1000;
      items.add(new MetricsData(Instant.ofEpochMilli(t), "system", List.of(new Metric("cpu_usage", (i * 7919L) % 1000 / 10.0,
          "percent", tags.get(h))), "bench", Map.of()));
    }
    return items;
  }

  private static void writeRowBinary(List<MetricsData> items, Path file) throws IOException {
    RowBinary.Writer w = new RowBinary.Writer(64 << 20);
    RawRows.IntList ids = new RawRows.IntList();
    for (MetricsData item : items) {
      RawRows.append(w, item, ids);
    }
    try (OutputStream out = Files.newOutputStream(file)) {
      w.writeTo(out, 0, w.size());
    }
  }

  private static double clientMillis(String tcpPort, String sql) throws IOException, InterruptedException {
    Process p = new ProcessBuilder("clickhouse-client", "--port", tcpPort, "--time", "--format", "Null", "--query", sql)
        .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
    String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8).trim();
    if (p.waitFor() != 0) {
      throw new IllegalStateException("clickhouse-client failed: " + err);
    }
    String[] lines = err.split("\n");
    return Double.parseDouble(lines[lines.length - 1].trim()) * 1000;
  }

  private static void run(List<String> command) throws IOException, InterruptedException {
    Process p = new ProcessBuilder(command).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
    String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
    if (p.waitFor() != 0) {
      throw new IllegalStateException(command.get(0) + " failed: " + err);
    }
  }

  private static double median(double[] values) {
    double[] v = values.clone();
    Arrays.sort(v);
    return v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
  }
}
