package org.metricspipeline.benchmarks;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import org.metricspipeline.core.DecodedBatch;
import org.metricspipeline.core.MetricsJson;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Decoding the body {@code benchmarks/http-load.sh} posts (10 items of 100 metrics, one tag each),
 * per point: {@code bytes} is what the HTTP endpoint does ({@code decodeBatch(byte[])}, the fast
 * path), {@code stream} reads the same document with the full Jackson reader.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {
    "-Dslf4j.provider=org.slf4j.helpers.NOP_FallbackServiceProvider", "-Dslf4j.internal.verbosity=WARN"})
@State(Scope.Benchmark)
public class JsonDecodeBenchmark {

  static final int POINTS = 1000;
  private final byte[] body = body();

  static byte[] body() {
    StringBuilder json = new StringBuilder("[");
    for (int h = 0; h < 10; h++) {
      json.append(h == 0 ? "" : ",").append("{\"timestamp\":\"2026-01-01T00:00:00Z\",\"metric_type\":\"bench\",")
          .append("\"source\":\"wrk\",\"metrics\":[");
      for (int m = 0; m < 100; m++) {
        json.append(m == 0 ? "" : ",").append(String.format(
            "{\"name\":\"bench_m%03d\",\"value\":%s,\"unit\":\"1\",\"tags\":{\"host\":\"host-%02d\"}}", m, h * 100 + m + 0.5, h));
      }
      json.append("]}");
    }
    return json.append(']').toString().getBytes(StandardCharsets.UTF_8);
  }

  /** The HTTP endpoint's way: from the body's bytes. */
  @Benchmark
  @OperationsPerInvocation(POINTS)
  public DecodedBatch bytes() {
    return MetricsJson.decodeBatch(body);
  }

  /** The full Jackson reader over the same bytes. */
  @Benchmark
  @OperationsPerInvocation(POINTS)
  public DecodedBatch stream() {
    return MetricsJson.decodeBatch(new ByteArrayInputStream(body));
  }
}
