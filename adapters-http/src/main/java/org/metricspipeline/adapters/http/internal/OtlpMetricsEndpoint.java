package org.metricspipeline.adapters.http.internal;

import com.google.protobuf.InvalidProtocolBufferException;
import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsPartialSuccess;
import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceRequest;
import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;
import org.metricspipeline.api.MetricsBatchResult;
import org.metricspipeline.api.MetricsData;
import org.metricspipeline.api.MetricsValidationResult;
import org.metricspipeline.api.MetricsValidator;
import org.metricspipeline.core.http.EndpointKind;
import org.metricspipeline.core.http.EndpointRequest;
import org.metricspipeline.core.http.EndpointResponse;
import org.metricspipeline.core.http.ErrorBody;
import org.metricspipeline.core.http.HttpEndpoint;
import org.metricspipeline.core.http.MetricsEndpoints;

/**
 * {@code POST /v1/metrics}: OTLP/HTTP in protobuf ({@code application/x-protobuf}) or JSON
 * ({@code application/json}). Valid data points go to the sink (see {@link OtlpMetricsDecoder} for
 * the mapping); the answer is an {@code ExportMetricsServiceResponse} in the request's encoding,
 * with {@code partial_success} counting the data points that were rejected and why.
 */
public final class OtlpMetricsEndpoint {

  /** The path the OTLP exporters post metrics to. */
  public static final String PATH = "/v1/metrics";
  /** The protobuf content type. */
  public static final String PROTOBUF = "application/x-protobuf";

  private static final int MAX_REASONS = 5;

  private final Function<List<MetricsData>, CompletableFuture<MetricsBatchResult>> sink;
  private final MetricsValidator validator;
  private final Clock clock;
  private final int maxItems;

  /**
   * An endpoint handing valid items to {@code sink}; a request with more than {@code maxItems}
   * valid data points, which the sink could never take, answers 413 with the limit (an OTLP exporter
   * does not retry a 413, where it would retry a 503 forever).
   */
  public OtlpMetricsEndpoint(Function<List<MetricsData>, CompletableFuture<MetricsBatchResult>> sink,
      MetricsValidator validator, Clock clock, int maxItems) {
    this.sink = sink;
    this.validator = validator;
    this.clock = clock;
    this.maxItems = maxItems;
  }

  /** The endpoint to mount. */
  public HttpEndpoint endpoint() {
    return HttpEndpoint.of("POST", PATH, EndpointKind.INGESTION, this::handle);
  }

  /** Answers one export request. */
  public CompletableFuture<EndpointResponse> handle(EndpointRequest r) {
    String type = r.header("Content-Type").orElse("").toLowerCase(Locale.ROOT);
    int semicolon = type.indexOf(';');
    type = (semicolon < 0 ? type : type.substring(0, semicolon)).trim();
    boolean json;
    if (type.equals(PROTOBUF)) {
      json = false;
    } else if (type.equals(EndpointResponse.JSON)) {
      json = true;
    } else {
      return CompletableFuture.completedFuture(ErrorBody.response(415, ErrorBody.UNSUPPORTED_MEDIA_TYPE,
          "Content-Type must be " + PROTOBUF + " or " + EndpointResponse.JSON + ", got '" + type + "'",
          Map.of("content_type", type), clock));
    }
    ExportMetricsServiceRequest request;
    try {
      if (json) {
        ExportMetricsServiceRequest.Builder b = ExportMetricsServiceRequest.newBuilder();
        OtlpJson.merge(r.body(), b);
        request = b.build();
      } else {
        request = ExportMetricsServiceRequest.parseFrom(r.body());
      }
    } catch (InvalidProtocolBufferException e) {
      return CompletableFuture.completedFuture(
          ErrorBody.invalidField("", "the body is not an OTLP ExportMetricsServiceRequest: " + e.getMessage(), clock));
    } catch (OtlpJson.BadOtlpJsonException e) {
      return CompletableFuture.completedFuture(ErrorBody.invalidField("", e.getMessage(), clock));
    }
    List<OtlpMetricsDecoder.Point> points = OtlpMetricsDecoder.decode(request);
    List<String> reasons = new ArrayList<>();
    long[] rejected = {0};
    List<MetricsData> valid = new ArrayList<>();
    for (OtlpMetricsDecoder.Point p : points) {
      if (p.item().isEmpty()) {
        reject(reasons, rejected, p.rejection());
        continue;
      }
      MetricsValidationResult v = validator.validate(p.item().get());
      if (v.valid()) {
        valid.add(p.item().get());
      } else {
        String metric = p.item().get().metrics().get(0).name();
        reject(reasons, rejected, metric + ": " + v.errors().get(0));
      }
    }
    if (valid.size() > maxItems) {
      return CompletableFuture.completedFuture(MetricsEndpoints.tooManyItems(valid.size(), maxItems, clock));
    }
    CompletableFuture<MetricsBatchResult> stored = valid.isEmpty()
        ? CompletableFuture.completedFuture(MetricsBatchResult.allSucceeded(0)) : sink.apply(valid);
    boolean asJson = json;
    return stored.thenApply(result -> {
      for (MetricsBatchResult.Failure f : result.failures()) {
        reject(reasons, rejected, f.reason());
      }
      return answer(asJson, rejected[0], reasons);
    });
  }

  private static void reject(List<String> reasons, long[] rejected, String reason) {
    rejected[0]++;
    if (reasons.size() < MAX_REASONS && !reasons.contains(reason)) {
      reasons.add(reason);
    }
  }

  private static EndpointResponse answer(boolean json, long rejected, List<String> reasons) {
    String message = rejected == 0 ? "" : rejected + " data points rejected: " + String.join("; ", reasons);
    if (!json) {
      ExportMetricsServiceResponse.Builder b = ExportMetricsServiceResponse.newBuilder();
      if (rejected > 0) {
        b.setPartialSuccess(ExportMetricsPartialSuccess.newBuilder()
            .setRejectedDataPoints(rejected).setErrorMessage(message));
      }
      return new EndpointResponse(200, Map.of("Content-Type", PROTOBUF), b.build().toByteArray());
    }
    Map<String, Object> body = new LinkedHashMap<>();
    if (rejected > 0) {
      Map<String, Object> partial = new LinkedHashMap<>();
      partial.put("rejectedDataPoints", Long.toString(rejected)); // int64 as a string, per the JSON mapping
      partial.put("errorMessage", message);
      body.put("partialSuccess", partial);
    }
    return EndpointResponse.json(200, writeJson(body).getBytes(StandardCharsets.UTF_8));
  }

  private static String writeJson(Map<String, Object> body) {
    try {
      return new com.fasterxml.jackson.databind.ObjectMapper().writeValueAsString(body);
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }
}
