package org.metricspipeline.core.http;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeoutException;
import org.metricspipeline.api.MetricsValidationException;
import org.metricspipeline.api.NotFoundException;
import org.metricspipeline.api.OverloadedException;
import org.metricspipeline.api.StorageUnavailableException;
import org.metricspipeline.api.UnsupportedCapabilityException;
import org.metricspipeline.api.ValidationError;
import org.metricspipeline.core.internal.HttpJson;
import org.metricspipeline.core.internal.Timestamps;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Builds error responses in seed 001's format, the one every endpoint uses:
 *
 * <pre>{@code
 * {"error": {"type": "ValidationError",
 *            "message": "2 fields are invalid",
 *            "details": {"errors": [{"field": "value", "message": "must be a finite number"}]},
 *            "timestamp": "2025-12-03T12:00:00.000Z"}}
 * }</pre>
 *
 * <p>Messages never contain stack traces; unexpected exceptions are logged and answered with a
 * generic 500.
 */
public final class ErrorBody {

  /** {@code type} of a 400 for input that failed validation; details hold {@code errors}. */
  public static final String VALIDATION = "ValidationError";
  /** {@code type} of a 404. */
  public static final String NOT_FOUND = "NotFound";
  /** {@code type} of a 405. */
  public static final String METHOD_NOT_ALLOWED = "MethodNotAllowed";
  /** {@code type} of a 413. */
  public static final String PAYLOAD_TOO_LARGE = "PayloadTooLarge";
  /** {@code type} of a 415 or a body that cannot be decoded. */
  public static final String UNSUPPORTED_MEDIA_TYPE = "UnsupportedMediaType";
  /** {@code type} of a 401. */
  public static final String UNAUTHORIZED = "Unauthorized";
  /** {@code type} of a 403: authenticated, but not allowed (for example a missing token scope). */
  public static final String FORBIDDEN = "Forbidden";
  /** {@code type} of a 429 from rate limiting. */
  public static final String RATE_LIMITED = "RateLimited";
  /** {@code type} of a 503 because a buffer is full. */
  public static final String OVERLOADED = "Overloaded";
  /** {@code type} of a 503 because storage is unavailable. */
  public static final String STORAGE_UNAVAILABLE = "StorageUnavailable";
  /** {@code type} of a 504. */
  public static final String TIMEOUT = "Timeout";
  /** {@code type} of a 501 when the store lacks a capability. */
  public static final String UNSUPPORTED_CAPABILITY = "UnsupportedCapability";
  /** {@code type} of a configuration error (seed 001's {@code ConfigurationError}). */
  public static final String CONFIGURATION = "ConfigurationError";
  /** {@code type} of a 500. */
  public static final String INTERNAL = "InternalError";

  private static final Logger LOG = LoggerFactory.getLogger(ErrorBody.class);

  private ErrorBody() {}

  /** An error response with details (JSON-like values). */
  public static EndpointResponse response(
      int status, String type, String message, Map<String, Object> details, Clock clock) {
    Objects.requireNonNull(type, "type");
    Objects.requireNonNull(message, "message");
    Map<String, Object> error = new LinkedHashMap<>();
    error.put("type", type);
    error.put("message", message);
    error.put("details", details);
    error.put("timestamp", Timestamps.formatMillis(Instant.now(clock)));
    return EndpointResponse.json(status, HttpJson.write(Map.of("error", error)));
  }

  /**
   * Seed 001's body for configuration problems, as a map (for a command's output or a log):
   * {@code {"error": {"type": "ConfigurationError", "message", "details", "timestamp"}}}; one problem's
   * fields are the details, several go under {@code details.errors}.
   */
  public static Map<String, Object> configurationError(List<Map<String, Object>> problems, Clock clock) {
    if (problems.isEmpty()) {
      throw new IllegalArgumentException("problems must not be empty");
    }
    Map<String, Object> error = new LinkedHashMap<>();
    error.put("type", CONFIGURATION);
    error.put("message", problems.size() == 1 ? "Invalid configuration parameter"
        : problems.size() + " invalid configuration parameters");
    error.put("details", problems.size() == 1 ? problems.get(0) : Map.of("errors", List.copyOf(problems)));
    error.put("timestamp", Instant.now(clock).toString());
    return Map.of("error", error);
  }

  /** A 400 naming every field at fault: details {@code {"errors": [{"field", "message"}]}}. */
  public static EndpointResponse validation(List<ValidationError> errors, Clock clock) {
    List<Map<String, Object>> list = new ArrayList<>();
    for (ValidationError e : errors) {
      list.add(Map.of("field", e.field(), "message", e.message()));
    }
    String message = errors.size() == 1 ? errors.get(0).toString() : errors.size() + " fields are invalid";
    return response(400, VALIDATION, message, Map.of("errors", list), clock);
  }

  /** A 400 for one field. */
  public static EndpointResponse invalidField(String field, String message, Clock clock) {
    return validation(List.of(new ValidationError(field, message)), clock);
  }

  /** A 503, 504 or 429 with {@code Retry-After} in whole seconds (at least 1). */
  public static EndpointResponse retryLater(int status, String type, String message, Duration retryAfter, Clock clock) {
    long seconds = Math.max(1, (retryAfter.toMillis() + 999) / 1000);
    return response(status, type, message, Map.of("retry_after_seconds", seconds), clock)
        .withHeader("Retry-After", Long.toString(seconds));
  }

  /**
   * The response for a failure: validation 400 (also {@link IllegalArgumentException}), not found 404, missing capability 501, overloaded
   * 503 with {@code Retry-After}, storage unavailable 503 and timeout 504 (both with
   * {@code Retry-After: 1}), anything else a logged,
   * generic 500.
   */
  public static EndpointResponse fromThrowable(Throwable failure, Clock clock) {
    Throwable t = unwrap(failure);
    if (t instanceof MetricsValidationException v) {
      return validation(v.errors(), clock);
    }
    if (t instanceof NotFoundException) {
      return response(404, NOT_FOUND, t.getMessage(), Map.of(), clock);
    }
    if (t instanceof UnsupportedCapabilityException) {
      return response(501, UNSUPPORTED_CAPABILITY, t.getMessage(), Map.of(), clock);
    }
    if (t instanceof OverloadedException o) {
      return retryLater(503, OVERLOADED, t.getMessage(), o.retryAfter(), clock);
    }
    if (t instanceof StorageUnavailableException) {
      return retryLater(503, STORAGE_UNAVAILABLE, t.getMessage(), Duration.ofSeconds(1), clock);
    }
    if (t instanceof IllegalArgumentException) {
      return response(400, VALIDATION, String.valueOf(t.getMessage()), Map.of(), clock);
    }
    if (t instanceof TimeoutException) {
      return retryLater(504, TIMEOUT, "the request did not complete in time", Duration.ofSeconds(1), clock);
    }
    LOG.warn("endpoint failed unexpectedly", t);
    return response(500, INTERNAL, "internal error", Map.of(), clock);
  }

  private static Throwable unwrap(Throwable t) {
    Throwable current = t;
    while ((current instanceof CompletionException || current instanceof ExecutionException)
        && current.getCause() != null) {
      current = current.getCause();
    }
    if (current instanceof CancellationException) {
      return new TimeoutException("cancelled");
    }
    return current;
  }
}
