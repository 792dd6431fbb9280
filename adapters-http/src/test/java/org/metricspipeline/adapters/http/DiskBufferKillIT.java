package org.metricspipeline.adapters.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.File;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.metricspipeline.adapters.memory.InMemoryStorageAdapter;
import org.metricspipeline.api.Metric;
import org.metricspipeline.api.MetricsData;
import org.metricspipeline.api.query.MetricsQuery;
import org.metricspipeline.core.MetricsPipeline;

/**
 * Kill -9 drill for {@code ack=accepted} with the disk buffer: a child JVM
 * ({@link DiskBufferDrillServer}) answers 202 to points and is killed (SIGKILL) at a random moment;
 * a restarted channel on the same directories delivers what was left, and every point answered
 * 202 ends up stored.
 */
class DiskBufferKillIT {

  private static final HttpClient CLIENT = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

  @TempDir
  Path dir;

  @Test
  void losesNoPointAnswered202WhenKilled() throws Exception {
    Path data = dir.resolve("data");
    Path buffer = dir.resolve("buffer");
    Set<Long> accepted = new HashSet<>();
    Random random = new Random();
    for (int round = 0; round < 2; round++) {
      Process child = new ProcessBuilder(javaCommand(DiskBufferDrillServer.class.getName(), data.toString(),
          buffer.toString())).redirectError(ProcessBuilder.Redirect.INHERIT).start();
      try (BufferedReader out = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
        String line = out.readLine();
        assertThat(line).as("the child's first line").startsWith("PORT ");
        URI ingest = URI.create("http://127.0.0.1:" + line.substring(5) + "/metrics/ingest");
        int sends = 200 + random.nextInt(800);
        // the first two points share a millisecond, as two requests answered within one often do:
        // the store then returns them as one item holding both metrics
        String sharedTimestamp = ",\"timestamp\":\"" + Instant.now().truncatedTo(ChronoUnit.MILLIS) + "\"";
        for (int i = 0; i < sends; i++) {
          long value = round * 1_000_000L + i;
          HttpResponse<String> answer = CLIENT.send(HttpRequest.newBuilder(ingest)
              .header("Content-Type", "application/json")
              .POST(HttpRequest.BodyPublishers.ofString("{\"metric_name\":\"drill\",\"value\":" + value
                  + ",\"labels\":{\"n\":\"" + value + "\"}" + (i < 2 ? sharedTimestamp : "") + "}"))
              .build(), HttpResponse.BodyHandlers.ofString());
          assertThat(answer.statusCode()).as(answer.body()).isEqualTo(202);
          accepted.add(value);
        }
        child.destroyForcibly(); // SIGKILL, right after the last 202
        assertThat(child.waitFor(30, TimeUnit.SECONDS)).isTrue();
      }
    }

    try (InMemoryStorageAdapter storage = InMemoryStorageAdapter.builder().dataDir(data).build();
        HttpIngestionAdapter http = DiskBufferDrillServer.start(storage, buffer);
        MetricsPipeline pipeline = MetricsPipeline.builder().storage(storage).ingestion(http)
            .processingInterval(Duration.ofMillis(20)).build()) {
      pipeline.startProcessing();
      TreeSet<Long> missing = new TreeSet<>(accepted);
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
      while (!missing.isEmpty() && System.nanoTime() < deadline) {
        for (MetricsData item : storage.query(MetricsQuery.builder().metricNames("drill").limit(100_000).build()).join()) {
          for (Metric point : item.metrics()) { // points of one millisecond come back as one item
            missing.remove((long) point.value());
          }
        }
        if (!missing.isEmpty()) {
          TimeUnit.MILLISECONDS.sleep(200); // the restarted channel is still delivering
        }
      }
      assertThat(missing).as("points answered 202 and lost after kill -9 (of %d)", accepted.size()).isEmpty();
    }
  }

  private static List<String> javaCommand(String mainClass, String... args) {
    String classPath = System.getProperty("java.class.path", "");
    String modulePath = System.getProperty("jdk.module.path", "");
    String path = modulePath.isEmpty() ? classPath : classPath + File.pathSeparator + modulePath;
    List<String> command = new ArrayList<>(List.of(
        Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx256m", "-cp", path, mainClass));
    command.addAll(List.of(args));
    return command;
  }
}
