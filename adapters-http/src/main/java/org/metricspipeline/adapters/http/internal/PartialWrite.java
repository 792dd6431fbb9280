package org.metricspipeline.adapters.http.internal;

import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;
import java.util.function.UnaryOperator;
import org.metricspipeline.api.MetricsBatchResult;
import org.metricspipeline.api.MetricsData;
import org.metricspipeline.api.MetricsValidationResult;
import org.metricspipeline.api.MetricsValidator;
import org.metricspipeline.api.ValidationError;
import org.metricspipeline.core.http.EndpointResponse;
import org.metricspipeline.core.http.ErrorBody;
import org.metricspipeline.core.http.MetricsEndpoints;

/**
 * The items one write request of a foreign protocol (InfluxDB line protocol, Prometheus remote
 * write) decoded to, each validated with the rules of the JSON endpoints, and the answer: 204 when
 * everything was taken; otherwise what was valid is still handed on (a partial write, as InfluxDB
 * does) and the answer is a 400 in the seed 001 error body naming every element at fault, which
 * clients of both protocols do not retry. Not thread-safe: one per request.
 */
final class PartialWrite {

  /** The most errors listed in one answer; the counts cover all of them. */
  static final int MAX_ERRORS = 100;

  private final MetricsValidator validator;
  private final Clock clock;
  private final String unit;
  private final List<MetricsData> items = new ArrayList<>();
  private final List<UnaryOperator<String>> origins = new ArrayList<>();
  private final List<Integer> weights = new ArrayList<>();
  private final List<Map<String, Object>> errors = new ArrayList<>();
  private long accepted;
  private long rejected;
  private int errorCount;

  /** Counts in {@code unit} ({@code lines}, {@code samples}). */
  PartialWrite(MetricsValidator validator, Clock clock, String unit) {
    this.validator = validator;
    this.clock = clock;
    this.unit = unit;
  }

  /** Records {@code count} units that could not be decoded, with the element at fault. */
  void reject(String field, String message, long count) {
    rejected += count;
    error(field, message);
  }

  /**
   * Validates {@code item}, worth {@code count} units; a valid one is kept, an invalid one recorded
   * with each validator field path turned into the request's path by {@code fieldOf}.
   */
  void offer(MetricsData item, int count, UnaryOperator<String> fieldOf) {
    MetricsValidationResult v = validator.validate(item);
    if (!v.valid()) {
      rejected += count;
      for (ValidationError e : v.errors()) {
        error(fieldOf.apply(e.field()), e.message());
      }
      return;
    }
    items.add(item);
    origins.add(fieldOf);
    weights.add(count);
  }

  /** Whether anything was rejected so far. */
  boolean hasErrors() {
    return errorCount > 0;
  }

  /** The valid items so far. */
  int size() {
    return items.size();
  }

  private void error(String field, String message) {
    errorCount++;
    if (errors.size() < MAX_ERRORS) {
      Map<String, Object> e = new LinkedHashMap<>();
      e.put("field", field);
      e.put("message", message);
      errors.add(e);
    }
  }

  /**
   * Hands the valid items to {@code sink} (refusing more than {@code maxItems} with 413) and
   * answers: 204 when everything was taken, 400 naming what was not.
   */
  CompletableFuture<EndpointResponse> send(Function<List<MetricsData>, CompletableFuture<MetricsBatchResult>> sink,
      int maxItems) {
    if (items.size() > maxItems) {
      return CompletableFuture.completedFuture(MetricsEndpoints.tooManyItems(items.size(), maxItems, clock));
    }
    if (items.isEmpty()) {
      if (errorCount == 0) {
        return CompletableFuture.completedFuture(ErrorBody.invalidField("",
            "the body holds no " + unit + "; send at least one", clock));
      }
      return CompletableFuture.completedFuture(answer());
    }
    return sink.apply(List.copyOf(items)).thenApply(result -> {
      long refused = 0;
      for (MetricsBatchResult.Failure f : result.failures()) {
        refused += weights.get(f.index());
        UnaryOperator<String> fieldOf = origins.get(f.index());
        if (f.errors().isEmpty()) {
          error(fieldOf.apply(""), f.reason());
        }
        for (ValidationError e : f.errors()) {
          error(fieldOf.apply(e.field()), e.message());
        }
      }
      for (Integer w : weights) {
        accepted += w;
      }
      accepted -= refused;
      rejected += refused;
      return errorCount == 0 ? new EndpointResponse(204, Map.of(), new byte[0]) : answer();
    });
  }

  private EndpointResponse answer() {
    Map<String, Object> details = new LinkedHashMap<>();
    details.put("errors", errors);
    details.put("accepted_" + unit, accepted);
    details.put("rejected_" + unit, rejected);
    Map<String, Object> first = errors.get(0);
    String firstText = first.get("field") + ": " + first.get("message");
    String message = accepted == 0
        ? "nothing written: " + rejected + " " + unit + " rejected; " + firstText
        : "partial write: " + accepted + " " + unit + " written, " + rejected + " rejected; " + firstText;
    return ErrorBody.response(400, ErrorBody.VALIDATION, message, details, clock);
  }
}
