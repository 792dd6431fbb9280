package org.metricspipeline.adapters.postgres;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.metricspipeline.adapters.postgres.internal.CopyRows;
import org.metricspipeline.adapters.postgres.internal.Inserter;
import org.metricspipeline.adapters.postgres.internal.Queries;
import org.metricspipeline.adapters.postgres.internal.Schema;
import org.metricspipeline.adapters.postgres.internal.Sql;
import org.metricspipeline.api.Metric;
import org.metricspipeline.api.MetricsData;
import org.metricspipeline.api.query.Aggregation;
import org.metricspipeline.api.query.AggregationQuery;
import org.metricspipeline.api.query.QuerySource;
import org.metricspipeline.api.query.Resolution;
import org.metricspipeline.api.query.TimeRange;

/**
 * Insert and query figures against a real server, in one run (see scripts/bench-postgres.sh):
 *
 * <ol>
 *   <li>the same 1M rows through the adapter (from {@code MetricsData}, one {@code batchStore}) and
 *       through {@code psql \copy ... (FORMAT binary)} of the same rows, alternating, median of the
 *       rounds, and their ratio;
 *   <li>a 1-minute-step {@code avg} over 10M points from raw points and from the 1m rollup through
 *       the adapter (raw rows encoded by the adapter's COPY encoder and loaded with one {@code psql
 *       \copy}; the 1m rollup made by the adapter's {@code rollup}), beside the same SQL run by
 *       {@code psql} with {@code \timing}.
 * </ol>
 */
public final class PostgresAdapterBenchmark {

  private static final long T0 = Instant.parse("2026-11-01T00:00:00Z").toEpochMilli();
  private static final Pattern URL = Pattern.compile("^jdbc:postgresql://([^:/]+):(\\d+)/([^?]+)\\?user=([^&]+)&password=([^&]+)$");

  private PostgresAdapterBenchmark() {}

  public static void main(String[] args) throws Exception {
    String url = args[0];
    int rows = args.length > 1 ? Integer.parseInt(args[1]) : 1_000_000;
    int queryPoints = args.length > 2 ? Integer.parseInt(args[2]) : 10_000_000;
    int rounds = args.length > 3 ? Integer.parseInt(args[3]) : 3;
    Matcher m = URL.matcher(url);
    if (!m.matches()) {
      throw new IllegalArgumentException("POSTGRES_URL must be jdbc:postgresql://host:port/db?user=..&password=..");
    }
    Psql psql = new Psql(m.group(1), m.group(2), m.group(3), m.group(4), m.group(5));
    String schema = "bench_" + Long.toHexString(System.nanoTime());

    List<MetricsData> items = items(rows, 0);
    Path file = Path.of("target", "bench", "rows.pgcopy").toAbsolutePath();
    Files.createDirectories(file.getParent());
    writeCopy(items, file);
    System.out.printf("Insert: %,d rows (one metric each, 2 tags), %,d bytes of binary COPY%n", rows, Files.size(file));

    // warm-up (not counted): the JIT compiles the adapter's encoding path
    try (PostgresStorageAdapter a = PostgresStorageAdapter.builder(url).schema(schema).table("warmup").build()) {
      a.batchStore(items.subList(0, Math.min(items.size(), 200_000))).get(10, TimeUnit.MINUTES);
      a.batchStore(items.subList(0, Math.min(items.size(), 200_000))).get(10, TimeUnit.MINUTES);
    }
    double[] adapterRates = new double[rounds];
    double[] psqlRates = new double[rounds];
    for (int r = 0; r < rounds; r++) {
      try (PostgresStorageAdapter a = PostgresStorageAdapter.builder(url).schema(schema).table("adapter_" + r).build()) {
        a.createSchema().join();
        long t0 = System.nanoTime();
        var result = a.batchStore(items).get(10, TimeUnit.MINUTES);
        double s = (System.nanoTime() - t0) / 1e9;
        if (!result.allSucceeded()) {
          throw new IllegalStateException("adapter insert failed: " + result.failures().get(0));
        }
        adapterRates[r] = rows / s;
      }
      try (PostgresStorageAdapter a = PostgresStorageAdapter.builder(url).schema(schema).table("psql_" + r).build()) {
        a.createSchema().join();
        long t0 = System.nanoTime();
        psql.run("\\copy " + schema + ".psql_" + r + " (" + Schema.RAW_COPY_COLUMNS + ") FROM '" + file
            + "' WITH (FORMAT binary)");
        psqlRates[r] = rows / ((System.nanoTime() - t0) / 1e9);
      }
      System.out.printf("  round %d: adapter %,.0f rows/s, psql \\copy binary %,.0f rows/s%n", r + 1, adapterRates[r],
          psqlRates[r]);
    }
    double adapter = median(adapterRates);
    double copy = median(psqlRates);
    System.out.printf("Insert median: adapter %,.0f rows/s, psql \\copy (FORMAT binary) %,.0f rows/s, ratio %.2f (goal >= 0.90)%n",
        adapter, copy, adapter / copy);

    // ---- 1-minute avg over queryPoints points
    // one rollup over the whole range is one long statement (minutes on a loaded machine): a longer read timeout
    try (PostgresStorageAdapter a = PostgresStorageAdapter.builder(url).schema(schema).table("query")
        .socketTimeout(Duration.ofHours(1)).build()) {
      int series = 10;
      int perSeries = queryPoints / series;
      // The raw rows are encoded by the adapter's own COPY encoder (as batchStore sends them) into a
      // file and loaded with one psql \copy: the insert path is measured above, and going through
      // batchStore here would only add minutes to the run on a loaded 2-core machine.
      a.createSchema().join();
      long t0 = System.nanoTime();
      Path queryFile = Path.of("target", "bench", "query.pgcopy").toAbsolutePath();
      writeCopy(queryPoints, queryFile);
      psql.run("\\copy " + schema + ".query (" + Schema.RAW_COPY_COLUMNS + ") FROM '" + queryFile
          + "' WITH (FORMAT binary)");
      Files.delete(queryFile);
      psql.run("VACUUM ANALYZE " + schema + ".query");
      double load = (System.nanoTime() - t0) / 1e9;
      long end = T0 + ((long) perSeries * 1000 + 59_999) / 60_000 * 60_000;
      TimeRange range = TimeRange.between(Instant.ofEpochMilli(T0), Instant.ofEpochMilli(end));
      long r0 = System.nanoTime();
      long buckets = a.rollup(Resolution.ONE_MINUTE, range).get(30, TimeUnit.MINUTES);
      psql.run("ANALYZE " + schema + ".query_rollup_1m");
      double rollup = (System.nanoTime() - r0) / 1e9;
      System.out.printf("Query: %,d points (%d series, 1 s apart), loaded with psql \\copy of the adapter's "
          + "encoding in %.1f s; adapter's 1m rollup of %,d buckets in %.1f s%n", queryPoints, series, load, buckets,
          rollup);
      AggregationQuery raw = AggregationQuery.builder("cpu_usage", Aggregation.AVG).range(range)
          .step(Duration.ofMinutes(1)).source(QuerySource.RAW).build();
      AggregationQuery fromRollup = raw.toBuilder().source(QuerySource.ROLLUP_1M).build();
      Queries q = new Queries(new Schema(schema, "query"));
      String rawSql = literal(q.aggregateRaw(raw));
      String rollupSql = literal(q.aggregateRollup(fromRollup, Resolution.ONE_MINUTE, range, Optional.empty()));
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
        clientRaw[i] = psql.timedMillis(rawSql);
        clientRollup[i] = psql.timedMillis(rollupSql);
      }
      System.out.printf("avg, 1-minute step, %,d buckets (median of %d):%n", groups, n);
      System.out.printf("  from raw:    adapter %.0f ms, psql (same SQL) %.0f ms%n", median(adapterRaw), median(clientRaw));
      System.out.printf("  from rollup: adapter %.0f ms, psql (same SQL) %.0f ms%n", median(adapterRollup), median(clientRollup));
    }
    psql.run("DROP SCHEMA IF EXISTS " + schema + " CASCADE");
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

  private static void writeCopy(List<MetricsData> items, Path file) throws IOException {
    CopyRows out = new CopyRows(64 << 20);
    out.header();
    for (MetricsData item : items) {
      Inserter.append(out, item);
    }
    out.trailer();
    try (OutputStream os = Files.newOutputStream(file)) {
      os.write(out.array(), 0, out.size());
    }
  }

  /** {@code n} rows of {@link #items} encoded by the adapter's encoder, written 1M rows at a time. */
  private static void writeCopy(int n, Path file) throws IOException {
    int chunk = 1_000_000;
    try (OutputStream os = Files.newOutputStream(file)) {
      CopyRows out = new CopyRows(64 << 20);
      out.header();
      for (int done = 0; done < n; done += chunk) {
        for (MetricsData item : items(Math.min(chunk, n - done), done)) {
          Inserter.append(out, item);
        }
        if (done + chunk >= n) {
          out.trailer();
        }
        os.write(out.array(), 0, out.size());
        out.clear();
      }
    }
  }

  /** The statement with its parameters written as literals, for psql (the benchmark's own values only). */
  static String literal(Sql sql) {
    String[] parts = sql.text().split("\\?", -1);
    StringBuilder sb = new StringBuilder(parts[0]);
    for (int i = 0; i < sql.params().size(); i++) {
      Object p = sql.params().get(i);
      String lit = p instanceof byte[] b ? "'\\x" + HexFormat.of().formatHex(b) + "'::bytea"
          : p instanceof Number ? p.toString() : "'" + String.valueOf(p).replace("'", "''") + "'";
      sb.append(lit).append(parts[i + 1]);
    }
    return sb.toString();
  }

  private static double median(double[] values) {
    double[] v = values.clone();
    Arrays.sort(v);
    return v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
  }

  private record Psql(String host, String port, String database, String user, String password) {
    private ProcessBuilder process(String... args) {
      List<String> command = new ArrayList<>(List.of("psql", "-X", "-q", "-v", "ON_ERROR_STOP=1", "-h", host, "-p", port,
          "-U", user, "-d", database));
      command.addAll(Arrays.asList(args));
      ProcessBuilder pb = new ProcessBuilder(command);
      pb.environment().put("PGPASSWORD", password);
      return pb;
    }

    void run(String command) throws IOException, InterruptedException {
      Process p = process("-c", command).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
      String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
      if (p.waitFor() != 0) {
        throw new IllegalStateException("psql failed: " + err);
      }
    }

    double timedMillis(String sql) throws IOException, InterruptedException {
      Process p = process("-c", "\\timing on", "-c", "\\o /dev/null", "-c", sql).start();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
      if (p.waitFor() != 0) {
        throw new IllegalStateException("psql failed: " + err);
      }
      Matcher m = Pattern.compile("Time: ([0-9.]+) ms").matcher(out);
      double last = Double.NaN;
      while (m.find()) {
        last = Double.parseDouble(m.group(1));
      }
      return last;
    }
  }
}
