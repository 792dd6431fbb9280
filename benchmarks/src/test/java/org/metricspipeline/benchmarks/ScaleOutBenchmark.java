package org.metricspipeline.benchmarks;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.elasticmq.rest.sqs.SQSRestServer;
import org.elasticmq.rest.sqs.SQSRestServerBuilder;
import org.metricspipeline.adapters.clickhouse.ClickHouseStorageAdapter;
import org.metricspipeline.adapters.kafka.KafkaMetricsPublisher;
import org.metricspipeline.adapters.sqs.SqsConnection;
import org.metricspipeline.adapters.sqs.SqsMetricsPublisher;
import org.metricspipeline.api.Metric;
import org.metricspipeline.api.MetricsData;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.sqs.SqsClient;

/**
 * Scale-out of pipeline processes: 1, 2 and 3 separate JVMs ({@link ScaleOutWorker}) in one Kafka
 * consumer group (a topic of {@value #PARTITIONS} partitions) and, separately, on one SQS queue
 * (ElasticMQ in this JVM), storing into a two-shard ClickHouse cluster. For each count the backlog
 * is published first, then the workers start; throughput is measured from the moment every worker
 * is consuming until every point is stored (points stored meanwhile counted out). A last run with 3
 * workers kills one with SIGKILL at 40 % and counts lost and duplicated points. Prints the load
 * average beside every figure.
 *
 * <p>Arguments: {@code [kafka|sqs|both] [items] [consumers, e.g. 1,2,3] [repeats]}: the counts run in
 * interleaved rounds and the medians are printed with their ratio to one worker. Environment:
 * {@code CLICKHOUSE_CLUSTER_URL}, {@code CLICKHOUSE_CLUSTER}, {@code KAFKA_BOOTSTRAP} (the script
 * starts them); {@code SCALEOUT_CGROUP}, a writable cgroup-v1 cpu directory: each worker then runs in
 * its own child group limited to {@code SCALEOUT_CPUS} CPUs (0.4), as on a small machine of its own.
 */
public final class ScaleOutBenchmark {

  static final int PARTITIONS = 6;
  static final int METRICS = 20;
  static final int HOSTS = 500;

  private final String clickhouse = System.getenv("CLICKHOUSE_CLUSTER_URL");
  private final String cluster = System.getenv().getOrDefault("CLICKHOUSE_CLUSTER", "metrics_cluster");
  private final boolean replicated = !"metrics_shards".equals(cluster);

  private int workerGroups;

  private ScaleOutBenchmark() {}

  public static void main(String[] args) throws Exception {
    String mode = args.length > 0 ? args[0] : "both";
    int items = args.length > 1 ? Integer.parseInt(args[1]) : 20_000;
    List<Integer> counts = new ArrayList<>();
    for (String c : (args.length > 2 ? args[2] : "1,2,3").split(",")) {
      counts.add(Integer.parseInt(c.trim()));
    }
    int repeats = args.length > 3 ? Integer.parseInt(args[3]) : 1;
    ScaleOutBenchmark b = new ScaleOutBenchmark();
    List<MetricsData> data = items(items);
    System.out.printf("%d items x %d metrics = %d points, %d series; cluster %s (replicated %s) at %s%n",
        items, METRICS, items * METRICS, HOSTS * METRICS, b.cluster, b.replicated, b.clickhouse);
    if (!mode.equals("sqs")) {
      b.run("kafka", data, counts, repeats);
    }
    if (!mode.equals("kafka")) {
      b.run("sqs", data, counts, repeats);
    }
  }

  /** Production-shaped: many hosts, 20 metrics each, random walks, jittered timestamps over a day. */
  static List<MetricsData> items(int n) {
    SplittableRandom random = new SplittableRandom(7);
    Instant t0 = Instant.now().minus(Duration.ofHours(20));
    double[][] walk = new double[HOSTS][METRICS];
    List<MetricsData> out = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      int host = random.nextInt(HOSTS);
      MetricsData.Builder b = MetricsData.builder().timestamp(t0.plusMillis(i * 3_000L + random.nextInt(2_000)))
          .metricType("node").source("agent-" + host % 7).context("id", Integer.toString(i));
      Map<String, String> tags = Map.of("host", "host-" + host, "region", "r" + host % 5, "env",
          host % 3 == 0 ? "prod" : "staging");
      for (int m = 0; m < METRICS; m++) {
        walk[host][m] += random.nextDouble() * 10 - (m % 2 == 0 ? 0 : 5);
        b.metric(new Metric("m" + m + (m % 2 == 0 ? "_total" : ""), Math.round(walk[host][m] * 100) / 100.0, "",
            tags));
      }
      out.add(b.build());
    }
    return out;
  }

  private void run(String mode, List<MetricsData> data, List<Integer> counts, int repeats) throws Exception {
    String cpus = System.getenv("SCALEOUT_CGROUP") == null ? "no CPU limit"
        : System.getenv().getOrDefault("SCALEOUT_CPUS", "0.4") + " CPU each (own cgroup)";
    System.out.printf("%n== %s: pipeline processes (%s) -> cluster %s%n", mode, cpus, cluster);
    Double one = null;
    List<Integer> runs = new ArrayList<>();
    for (int r = 0; r < repeats; r++) {
      runs.addAll(counts); // interleaved rounds: a load change hits every count alike
    }
    runs.add(-3); // 3 workers, one killed
    Map<Integer, List<Double>> rates = new java.util.TreeMap<>();
    SQSRestServer sqs = null;
    String endpoint = null;
    if (mode.equals("sqs")) {
      sqs = SQSRestServerBuilder.withInterface("127.0.0.1").withDynamicPort().withAWSRegion("us-east-1")
          .withAWSAccountId("000000000000").start();
      endpoint = "http://127.0.0.1:" + sqs.waitUntilStarted().localAddress().getPort();
    }
    try {
      for (int run : runs) {
        int workers = Math.abs(run);
        boolean kill = run < 0;
        String database = "bench_scaleout_" + Long.toHexString(System.nanoTime());
        try (ClickHouseStorageAdapter store = ClickHouseStorageAdapter.builder(clickhouse).cluster(cluster)
            .replicated(replicated).database(database).build()) {
          store.createSchema().get(120, TimeUnit.SECONDS);
          String source;
          String group = "scaleout-" + System.nanoTime();
          if (mode.equals("kafka")) {
            source = topic();
            publishKafka(source, data);
          } else {
            source = queue(endpoint);
            publishSqs(endpoint, source, data);
          }
          long total = (long) data.size() * METRICS;
          String load0 = loadAverage();
          List<Process> processes = new ArrayList<>();
          for (int w = 0; w < workers; w++) {
            processes.add(start(mode, mode.equals("kafka") ? System.getenv("KAFKA_BOOTSTRAP") : endpoint, source,
                group, database));
          }
          for (Process p : processes) {
            awaitReady(p);
          }
          long startRows = rows(database);
          long start = System.nanoTime();
          double cpu0 = cpuSeconds(processes);
          boolean killed = false;
          long deadline = start + TimeUnit.MINUTES.toNanos(15);
          long stored;
          while ((stored = rows(database)) < total && System.nanoTime() < deadline) {
            if (kill && !killed && stored >= total * 4 / 10) {
              Process victim = processes.get(0);
              new ProcessBuilder("kill", "-9", Long.toString(victim.pid())).start().waitFor();
              victim.waitFor(10, TimeUnit.SECONDS);
              killed = true;
              System.out.printf("  killed worker pid %d (kill -9) at %d of %d points%n", victim.pid(), stored, total);
            }
            Thread.sleep(200);
          }
          double seconds = (System.nanoTime() - start) / 1e9;
          double cpu = cpuSeconds(processes) - cpu0; // a killed worker's share is lost: a floor
          // let a killed worker's redelivered records land (at-least-once: duplicates are counted)
          Thread.sleep(kill ? 40_000 : 1_000);
          long rows = rows(database);
          long distinct = distinct(store, database);
          String load1 = loadAverage();
          for (Process p : processes) {
            p.destroy();
          }
          for (Process p : processes) {
            if (!p.waitFor(30, TimeUnit.SECONDS)) {
              p.destroyForcibly();
            }
          }
          double rate = (Math.min(stored, total) - startRows) / seconds;
          if (!kill && workers == 1) {
            one = rate;
          }
          if (!kill) {
            rates.computeIfAbsent(workers, k -> new ArrayList<>()).add(rate);
          }
          System.out.printf("  %d worker%s%s: %,.0f points/s (%,.0f items/s)%s | workers used %.2f CPUs,"
              + " %,.0f points per CPU-second | lost %d, duplicates %d | load average %s -> %s%n", workers,
              workers == 1 ? " " : "s", kill ? " (one killed)" : "", rate, rate / METRICS,
              one == null || kill ? "" : String.format(", ratio to 1: %.2f", rate / one), cpu / seconds,
              (Math.min(stored, total) - startRows) / cpu, total - distinct, rows - distinct, load0, load1);
          dropDatabase(store, database);
        }
      }
      double oneMedian = rates.containsKey(1) ? median(rates.get(1)) : Double.NaN;
      for (Map.Entry<Integer, List<Double>> e : rates.entrySet()) {
        double m = median(e.getValue());
        System.out.printf("  median %s, %d worker%s: %,.0f points/s over %d run%s, ratio to 1: %.2f%n", mode,
            e.getKey(), e.getKey() == 1 ? " " : "s", m, e.getValue().size(), e.getValue().size() == 1 ? "" : "s",
            m / oneMedian);
      }
    } finally {
      if (sqs != null) {
        sqs.stopAndWait();
      }
    }
  }

  private Process start(String mode, String endpoint, String source, String group, String database)
      throws Exception {
    List<String> cmd = new ArrayList<>();
    String cgroup = System.getenv("SCALEOUT_CGROUP");
    if (cgroup != null && !cgroup.isBlank()) {
      // its own cpu cgroup with a CFS quota, like a small machine of its own; the shell joins it before
      // exec, so the JVM starts inside and sizes its GC and JIT threads for that quota
      Path cpuGroup = Path.of(cgroup, "w" + (++workerGroups));
      Files.createDirectories(cpuGroup);
      long period = Long.parseLong(Files.readString(cpuGroup.resolve("cpu.cfs_period_us")).trim());
      double cpus = Double.parseDouble(System.getenv().getOrDefault("SCALEOUT_CPUS", "0.4"));
      Files.writeString(cpuGroup.resolve("cpu.cfs_quota_us"), Long.toString(Math.round(period * cpus)));
      cmd.addAll(List.of("sh", "-c", "echo $$ > \"$0\"/cgroup.procs && exec \"$@\"", cpuGroup.toString()));
    }
    cmd.addAll(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-Xmx512m", "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn",
        "-Dorg.slf4j.simpleLogger.log.com.clickhouse=error", "-cp", System.getProperty("java.class.path"),
        ScaleOutWorker.class.getName(), mode, endpoint, source, mode.equals("kafka") ? group : "-", clickhouse,
        cluster, database, Boolean.toString(replicated)));
    Path log = Files.createTempFile("scaleout-worker", ".log");
    return new ProcessBuilder(cmd).redirectError(log.toFile()).start();
  }

  private static void awaitReady(Process p) throws Exception {
    BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
    String line;
    while ((line = r.readLine()) != null) {
      if (line.equals("READY")) {
        return;
      }
    }
    throw new IllegalStateException("worker exited before it was ready (exit " + p.waitFor() + ")");
  }

  /** Points stored (rows on the cluster, duplicates included). */
  private long rows(String database) throws Exception {
    return Long.parseLong(http("SELECT count() FROM `" + database + "`.`metrics`").trim());
  }

  /** Distinct (item id, metric) pairs, on the cluster: points stored at least once. */
  private long distinct(ClickHouseStorageAdapter store, String database) throws Exception {
    return Long.parseLong(http("SELECT uniqExact(context, name) FROM `" + database + "`.`metrics`").trim());
  }

  private void dropDatabase(ClickHouseStorageAdapter store, String database) throws Exception {
    http("DROP DATABASE IF EXISTS `" + database + "` ON CLUSTER `" + cluster + "`");
  }

  private String http(String sql) throws Exception {
    var client = java.net.http.HttpClient.newHttpClient();
    var response = client.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(clickhouse + "/"))
        .POST(java.net.http.HttpRequest.BodyPublishers.ofString(sql)).build(),
        java.net.http.HttpResponse.BodyHandlers.ofString());
    if (response.statusCode() != 200) {
      throw new IllegalStateException(sql + ": " + response.body());
    }
    return response.body();
  }

  private static String topic() throws Exception {
    String t = "scaleout-" + Long.toHexString(System.nanoTime());
    try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, System.getenv("KAFKA_BOOTSTRAP")))) {
      admin.createTopics(List.of(new NewTopic(t, PARTITIONS, (short) 1))).all().get(60, TimeUnit.SECONDS);
      // a loaded broker answers "created" before every partition has a leader; publishing earlier
      // left batches unsent until delivery.timeout.ms (twice, at load averages of 15 to 25)
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
      while (admin.describeTopics(List.of(t)).allTopicNames().get(30, TimeUnit.SECONDS).get(t).partitions().stream()
          .anyMatch(p -> p.leader() == null || p.leader().isEmpty()) && System.nanoTime() < deadline) {
        Thread.sleep(200);
      }
    }
    return t;
  }

  private static void publishKafka(String topic, List<MetricsData> data) throws Exception {
    try (KafkaMetricsPublisher p = KafkaMetricsPublisher.builder().bootstrapServers(System.getenv("KAFKA_BOOTSTRAP"))
        .topicNamer(t -> topic).build()) {
      List<CompletableFuture<Void>> sent = new ArrayList<>(data.size());
      for (MetricsData d : data) {
        sent.add(p.send(d, d.context().get("id").toString()));
      }
      CompletableFuture.allOf(sent.toArray(CompletableFuture[]::new)).get(10, TimeUnit.MINUTES);
    }
  }

  private static String queue(String endpoint) {
    try (SqsClient admin = SqsClient.builder().endpointOverride(java.net.URI.create(endpoint)).region(Region.US_EAST_1)
        .httpClient(ApacheHttpClient.builder().build())
        .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("x", "x"))).build()) {
      return admin.createQueue(b -> b.queueName("scaleout-" + Long.toHexString(System.nanoTime()))).queueUrl();
    }
  }

  private static void publishSqs(String endpoint, String queueUrl, List<MetricsData> data) throws Exception {
    SqsConnection connection = SqsConnection.builder().queueUrl(queueUrl).endpointOverride(java.net.URI.create(endpoint))
        .region("us-east-1").staticCredentials("x", "x").build();
    try (SqsMetricsPublisher p = SqsMetricsPublisher.builder().connection(connection).build()) {
      for (int i = 0; i < data.size(); i += 1000) {
        p.publishBatch(data.subList(i, Math.min(data.size(), i + 1000))).get(10, TimeUnit.MINUTES);
      }
    }
  }

  /** CPU time (user + system) the workers have used so far, from /proc (0 where it cannot be read). */
  private static double cpuSeconds(List<Process> processes) {
    double total = 0;
    for (Process p : processes) {
      try {
        String stat = Files.readString(Path.of("/proc", Long.toString(p.pid()), "stat"));
        String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        total += (Long.parseLong(f[11]) + Long.parseLong(f[12])) / 100.0; // utime, stime in clock ticks (USER_HZ 100)
      } catch (java.io.IOException | RuntimeException e) {
        // gone (killed) or not Linux
      }
    }
    return total;
  }

  private static double median(List<Double> values) {
    List<Double> sorted = new ArrayList<>(values);
    sorted.sort(null);
    int n = sorted.size();
    return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
  }

  private static String loadAverage() {
    try {
      String[] f = Files.readString(Path.of("/proc/loadavg")).split(" ");
      return f[0] + " " + f[1] + " " + f[2];
    } catch (java.io.IOException e) {
      return "n/a";
    }
  }
}
