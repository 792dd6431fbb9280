package org.metricspipeline.cli;

import org.metricspipeline.runtime.ApiClient;
import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import org.metricspipeline.api.Metric;
import org.metricspipeline.api.MetricsData;
import org.metricspipeline.api.spi.AdapterConfig;
import org.metricspipeline.core.MetricsJson;
import org.metricspipeline.core.SyntheticData;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/** {@code generate}: seed 004's data generator, posting a synthetic series to a running server. */
@Command(name = "generate", mixinStandardHelpOptions = true,
    description = {"Posts synthetic data to a running server (seed 004's generator).", "Posts a synthetic series to a running server (POST /api/v1/ingest, seed 004's data generator):",
        "one point every --interval over the --duration ending now, following --pattern, tagged pattern=P plus",
        "any --label. Deterministic under --seed. Exits 1 when the server refused any point."})
final class GenerateCommand implements Callable<Integer> {

  @ParentCommand
  MetricsPipelineCommand parent;

  @Option(names = "--metric", required = true, paramLabel = "NAME", description = "the metric's name")
  String metric;

  @Option(names = "--pattern", defaultValue = "sine_wave", paramLabel = "PATTERN",
      description = "noise, sine_wave, linear_trend, spike or combined [${DEFAULT-VALUE}]")
  String pattern;

  @Option(names = "--duration", defaultValue = "5m", paramLabel = "DURATION",
      description = "the span generated, ending now: 300s, 5m, 1h, 7d [${DEFAULT-VALUE}]")
  String duration;

  @Option(names = "--interval", defaultValue = "5s", paramLabel = "DURATION",
      description = "time between two points [${DEFAULT-VALUE}]")
  String interval;

  @Option(names = "--base-url", defaultValue = StatusCommand.DEFAULT_URL, paramLabel = "URL",
      description = "the server's address [${DEFAULT-VALUE}]")
  URI baseUrl;

  @Option(names = "--label", paramLabel = "KEY=VALUE", description = "a tag on every point (repeatable)")
  Map<String, String> labels = Map.of();

  @Option(names = "--seed", defaultValue = "42", paramLabel = "N", description = "random seed [${DEFAULT-VALUE}]")
  long seed;

  @Option(names = "--batch-size", defaultValue = "500", paramLabel = "N",
      description = "points per request, 1 to 10000 [${DEFAULT-VALUE}]")
  int batchSize;

  @Option(names = "--token", paramLabel = "TOKEN", description = "bearer token, when the server asks for one")
  String token;

  Clock clock = Clock.systemUTC();

  @Override
  public Integer call() {
    SyntheticData.Pattern p;
    try {
      p = SyntheticData.Pattern.fromWireName(pattern);
    } catch (IllegalArgumentException e) {
      throw new ConfigOptions.UsageException("--pattern: " + e.getMessage());
    }
    Duration span = duration("--duration", duration);
    Duration step = duration("--interval", interval);
    if (step.isZero() || step.isNegative() || span.compareTo(step) < 0) {
      throw new ConfigOptions.UsageException("--interval must be positive and at most --duration, got " + interval
          + " and " + duration);
    }
    if (batchSize < 1 || batchSize > 10_000) {
      throw new ConfigOptions.UsageException("--batch-size must be between 1 and 10000, got " + batchSize);
    }
    Instant end = clock.instant().truncatedTo(ChronoUnit.SECONDS);
    Instant start = end.minus(span);
    List<MetricsData> items = new ArrayList<>();
    for (MetricsData item : SyntheticData.series(metric, p, start, span, step, seed)) {
      items.add(labels.isEmpty() ? item : withLabels(item));
    }
    ApiClient api = new ApiClient(baseUrl, Optional.ofNullable(token), StatusCommand.RUN_HINT);
    long stored = 0;
    long refused = 0;
    String firstRefusal = null;
    for (int from = 0; from < items.size(); from += batchSize) {
      List<MetricsData> chunk = items.subList(from, Math.min(items.size(), from + batchSize));
      JsonNode answer = api.post("/api/v1/ingest", MetricsJson.encodeItems(chunk));
      stored += answer.path("success_count").asLong();
      long failed = answer.path("failure_count").asLong();
      refused += failed;
      if (failed > 0 && firstRefusal == null) {
        firstRefusal = answer.path("failures").path(0).path("reason").asText();
      }
    }
    parent.out.println("Posted " + items.size() + " points of " + metric + " (" + p.wireName() + ", every "
        + interval + " from " + start + " to " + end + ") to " + api.base() + ": " + stored + " accepted, "
        + refused + " refused" + (firstRefusal == null ? "" : " (first: " + firstRefusal + ")"));
    return refused == 0 ? ExitCodes.OK : ExitCodes.FAILURE;
  }

  private MetricsData withLabels(MetricsData item) {
    MetricsData.Builder b = MetricsData.builder().timestamp(item.timestamp()).metricType(item.metricType())
        .source(item.source());
    for (Metric m : item.metrics()) {
      Map<String, String> tags = new java.util.TreeMap<>(m.tags());
      tags.putAll(labels);
      b.metric(new Metric(m.name(), m.value(), m.unit(), tags));
    }
    return b.build();
  }

  private static Duration duration(String option, String value) {
    try {
      return AdapterConfig.parseDuration(option, value);
    } catch (RuntimeException e) {
      throw new ConfigOptions.UsageException(option + " must be a duration such as 10s, 5m, 1h or 7d, got '"
          + value + "'");
    }
  }
}
