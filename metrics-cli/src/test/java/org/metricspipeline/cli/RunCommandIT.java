package org.metricspipeline.cli;

import org.metricspipeline.runtime.ApiClient;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.elasticmq.rest.sqs.SQSRestServer;
import org.elasticmq.rest.sqs.SQSRestServerBuilder;
import org.metricspipeline.adapters.sqs.SqsConnection;
import org.metricspipeline.adapters.sqs.SqsMetricsPublisher;
import org.metricspipeline.api.Metric;
import org.metricspipeline.api.MetricsData;
import org.metricspipeline.runtime.Orchestrator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.sqs.SqsClient;

/**
 * {@code metrics-pipeline run} in a child JVM: the sample config (HTTP + embedded store + guard), a
 * failing part, and HTTP + SQS (ElasticMQ, in this JVM) into ClickHouse ({@code CLICKHOUSE_URL}).
 */
class RunCommandIT {

  private static final Duration START = Duration.ofSeconds(90);
  private final HttpClient client = HttpClient.newHttpClient();

  @TempDir
  Path dir;

  private Path sampleConfig(String itEnv) throws Exception {
    Path config = dir.resolve("config");
    assertThat(MetricsPipelineCommand.run(new String[] {"sample-config", config.toString()}, System.out, System.err))
        .isZero();
    Files.writeString(config.resolve("environments/it.yaml"), itEnv);
    return config;
  }

  /** A config directory whose platform.yaml holds these lines. */
  private Path platformConfig(String... lines) throws Exception {
    Path config = dir.resolve("config");
    Files.createDirectories(config);
    Files.writeString(config.resolve("platform.yaml"), String.join("\n", lines) + "\n");
    return config;
  }

  private static URI servedUri(CommandProcess child) throws InterruptedException {
    String line = child.awaitLine(l -> l.startsWith("Serving http://"), START)
        .orElseGet(() -> fail("the command did not start serving; its output:\n" + child.output()));
    return URI.create(line.split(" ")[1]);
  }

  private String get(URI base, String path) throws Exception {
    HttpResponse<String> r = client.send(HttpRequest.newBuilder(URI.create(base + path)).build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).as(path + ": " + r.body()).isEqualTo(200);
    return r.body();
  }

  private static int cli(ByteArrayOutputStream out, String... args) {
    out.reset();
    PrintStream ps = new PrintStream(out, true, StandardCharsets.UTF_8);
    return MetricsPipelineCommand.run(args, ps, ps);
  }

  private static void assertEveryPartRunning(JsonNode status, List<String> parts) {
    assertThat(status.path("state").asText()).isEqualTo("running");
    assertThat(status.path("parts").findValuesAsText("name")).containsExactlyElementsOf(parts);
    for (JsonNode part : status.path("parts")) {
      assertThat(part.path("state").asText()).as(part.toString()).isEqualTo("running");
      assertThat(part.path("last_error").isNull()).isTrue();
    }
  }

  @Test
  void theSampleConfigRunsStoresWhatIsPostedReportsEveryPartAndStopsGracefullyOnSigterm() throws Exception {
    Path data = dir.resolve("data");
    Path config = sampleConfig("http:\n  port: 0\npipelines:\n  main:\n    storage:\n      options:\n        data-dir: "
        + data + "\n");
    List<String> parts = List.of("storage.main", "pipeline.main", "visualization", "http", "guard", "collector");
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    URI base;
    try (CommandProcess child = CommandProcess.start(Map.of(), "run", "--config-dir", config.toString(), "--env", "it")) {
      base = servedUri(child);
      assertThat(cli(out, "generate", "--metric", "it_cpu", "--pattern", "sine_wave", "--duration", "10m",
          "--interval", "10s", "--base-url", base.toString())).as(out.toString()).isZero();
      assertThat(out.toString(StandardCharsets.UTF_8)).contains("Posted 60 points", "60 accepted, 0 refused");
      JsonNode raw = ApiClient.JSON.readTree(get(base, "/query/raw?metric_name=it_cpu&limit=1000"));
      assertThat(raw.toString()).contains("it_cpu");
      assertThat(raw.findValues("value")).hasSize(60);

      assertThat(cli(out, "status", "--url", base.toString())).as(out.toString()).isZero();
      assertEveryPartRunning(ApiClient.JSON.readTree(get(base, Orchestrator.STATUS_PATH)), parts);
      assertThat(cli(out, "guard", "--status", "--url", base.toString())).as(out.toString()).isZero();

      child.sigterm();
      int code = child.awaitExit(Duration.ofSeconds(60));
      assertThat(code).as(child.output()).isEqualTo(143); // the JVM's exit status after SIGTERM, hooks run
      assertThat(child.output()).contains("Stopped gracefully: 6 parts", "stopped collector 'collector'", "stopped http_server 'http'",
          "stopped storage 'storage.main'", "orchestrator stopped 6 part(s)");
      assertThat(child.output().indexOf("stopped http_server 'http'"))
          .isLessThan(child.output().indexOf("stopped storage 'storage.main'"));
    }
    // stopped gracefully: the durable store kept every point for the next run
    try (CommandProcess again = CommandProcess.start(Map.of(), "run", "--config-dir", config.toString(), "--env", "it")) {
      URI second = servedUri(again);
      assertThat(ApiClient.JSON.readTree(get(second, "/query/raw?metric_name=it_cpu&limit=1000")).findValues("value"))
          .hasSize(60);
      again.sigterm();
      assertThat(again.awaitExit(Duration.ofSeconds(60))).isEqualTo(143);
    }
  }

  @Test
  void aPortAlreadyBoundRollsBackWhatStartedAndExits1NamingThePart() throws Exception {
    try (ServerSocket taken = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
      Path config = sampleConfig("http:\n  port: " + taken.getLocalPort() + "\npipelines:\n  main:\n    storage:\n"
          + "      options:\n        data-dir: " + dir.resolve("data") + "\n");
      try (CommandProcess child = CommandProcess.start(Map.of(), "run", "--config-dir", config.toString(), "--env", "it")) {
        assertThat(child.awaitExit(START)).as(child.output()).isEqualTo(ExitCodes.FAILURE);
        assertThat(child.output()).contains("cannot start: part 'http' (http_server) failed to start: "
            + "ConfigurationException: cannot listen on 127.0.0.1:" + taken.getLocalPort())
            .contains("stopped 3 started part(s) [visualization, pipeline.main, storage.main]")
            .doesNotContain("started guard");
      }
    }
  }

  @Test
  void clickHouseAtAClosedPortFailsItsStoragePartRollsBackAndExits1NamingIt() throws Exception {
    int closed;
    try (ServerSocket probe = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
      closed = probe.getLocalPort(); // nothing listens there once the socket is closed
    }
    Path config = platformConfig(
        "pipelines:",
        "  local:",
        "    storage: {provider: memory}",
        "  remote:",
        "    storage:",
        "      provider: clickhouse",
        "      options: {url: \"http://127.0.0.1:" + closed + "\", connect-timeout: 2s, socket-timeout: 5s}",
        "http:",
        "  port: 0");
    try (CommandProcess child = CommandProcess.start(Map.of(), "run", "--config-dir", config.toString())) {
      assertThat(child.awaitExit(START)).as(child.output()).isEqualTo(ExitCodes.FAILURE);
      assertThat(child.output())
          .contains("cannot start: part 'storage.remote' (storage) failed to start: StorageUnavailableException: "
              + "pipelines.remote.storage (clickhouse) is not reachable")
          .contains("127.0.0.1:" + closed)
          .contains("stopped 1 started part(s) [storage.local]") // stores start first, in declaration order
          .doesNotContain("Serving http://");
    }
  }

  @Test
  void httpAndSqsIntoClickHouseStoreBothAndStopOnSigterm() throws Exception {
    String clickhouse = System.getenv("CLICKHOUSE_URL");
    if (clickhouse == null || clickhouse.isBlank()) {
      String howTo = "CLICKHOUSE_URL is not set: start ClickHouse with export CLICKHOUSE_URL=$(scripts/clickhouse.sh start)";
      if ("true".equals(System.getenv("CI"))) {
        fail(howTo);
      }
      System.out.println("SKIPPED httpAndSqsIntoClickHouse: " + howTo);
      assumeTrue(false, howTo);
    }
    SQSRestServer sqs = SQSRestServerBuilder.withInterface("127.0.0.1").withDynamicPort()
        .withAWSRegion("us-east-1").withAWSAccountId("000000000000").start();
    URI endpoint = URI.create("http://127.0.0.1:" + sqs.waitUntilStarted().localAddress().getPort());
    try (SqsClient admin = SqsClient.builder().endpointOverride(endpoint).region(Region.US_EAST_1)
        .httpClient(ApacheHttpClient.builder().build())
        .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("x", "x"))).build()) {
      String queueUrl = admin.createQueue(b -> b.queueName("cli-it-" + System.nanoTime())).queueUrl();
      String table = "cli_it_" + Long.toHexString(ThreadLocalRandom.current().nextLong() & Long.MAX_VALUE);
      Path config = platformConfig(
          "pipelines:",
          "  main:",
          "    channels:",
          "      - provider: http",
          "      - provider: sqs",
          "        options:",
          "          queue-url: " + queueUrl,
          "          endpoint: " + endpoint,
          "          region: us-east-1",
          "          access-key-id: x",
          "          secret-access-key: x",
          "          receive-wait: 1s",
          "    storage:",
          "      provider: clickhouse",
          "      options:",
          "        url: " + clickhouse,
          "        table: " + table,
          "    batch:",
          "      processing_interval: 100ms",
          "http:",
          "  port: 0",
          "guard:",
          "  check_interval_seconds: 5");
      try (CommandProcess child = CommandProcess.start(Map.of(), "run", "--config-dir", config.toString())) {
        URI base = servedUri(child);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        assertThat(cli(out, "generate", "--metric", "it_http", "--duration", "5m", "--interval", "10s",
            "--base-url", base.toString())).as(out.toString()).isZero();
        Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);
        try (SqsMetricsPublisher publisher = SqsMetricsPublisher.builder().connection(SqsConnection.builder()
            .queueUrl(queueUrl).region("us-east-1").endpointOverride(endpoint).staticCredentials("x", "x").build())
            .build()) {
          for (int i = 0; i < 20; i++) {
            publisher.publish(MetricsData.of(now.minusSeconds(i), "it", List.of(Metric.of("it_sqs", i, Map.of("n", "" + i)))))
                .get(30, TimeUnit.SECONDS);
          }
        }
        assertThat(ApiClient.JSON.readTree(get(base, "/query/raw?metric_name=it_http&limit=1000")).findValues("value"))
            .hasSize(30);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        int sqsPoints = 0;
        while (System.nanoTime() < deadline && sqsPoints < 20) {
          sqsPoints = ApiClient.JSON.readTree(get(base, "/query/raw?metric_name=it_sqs&limit=1000")).findValues("value").size();
          Thread.sleep(200); // polling the server until the SQS channel's items are stored
        }
        assertThat(sqsPoints).as("points from SQS stored in ClickHouse").isEqualTo(20);
        assertEveryPartRunning(ApiClient.JSON.readTree(get(base, Orchestrator.STATUS_PATH)),
            List.of("storage.main", "pipeline.main", "channel.main.sqs", "http", "guard", "collector"));
        child.sigterm();
        assertThat(child.awaitExit(Duration.ofSeconds(90))).as(child.output()).isEqualTo(143);
        assertThat(child.output()).contains("stopped channel 'channel.main.sqs'", "orchestrator stopped 6 part(s)");
      }
    } finally {
      sqs.stopAndWait();
    }
  }
}
