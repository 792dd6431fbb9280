package org.metricspipeline.micrometer;

import io.micrometer.common.lang.Nullable;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.config.NamingConvention;
import java.util.Objects;
import org.metricspipeline.api.MetricsValidator;

/**
 * Names meters the way the rest of the library names metrics (Prometheus style, as the guard and the
 * dashboards do): {@code http.server.requests} becomes {@code http_server_requests_seconds} for a
 * timer, a counter gets {@code _total}, a base unit is appended ({@code jvm_memory_used_bytes}), and
 * anything the {@link MetricsValidator} would refuse is replaced: names keep
 * {@code [A-Za-z0-9_:]} and start with a letter, {@code _} or {@code :}; tag keys keep
 * {@code [A-Za-z0-9_]} and start with a letter or {@code _}; tag values are cut at
 * {@value MetricsValidator#DEFAULT_MAX_TAG_VALUE_LENGTH} characters.
 *
 * <p>{@link #sanitizing(NamingConvention)} keeps another convention's names (dotted ones, say) and
 * only replaces what the validator would refuse.
 */
public final class PipelineNamingConvention implements NamingConvention {

  /** Longest name this convention returns, leaving room for suffixes such as {@code _active_count}. */
  public static final int MAX_NAME_LENGTH = MetricsValidator.DEFAULT_MAX_NAME_LENGTH - 16;

  private static final PipelineNamingConvention PROMETHEUS_STYLE = new PipelineNamingConvention(null);

  @Nullable
  private final NamingConvention delegate;

  private PipelineNamingConvention(@Nullable NamingConvention delegate) {
    this.delegate = delegate;
  }

  /** The default: snake case, base unit and {@code _total} suffixes, as Prometheus names. */
  public static PipelineNamingConvention prometheusStyle() {
    return PROMETHEUS_STYLE;
  }

  /** {@code convention}'s names, with only what the validator would refuse replaced. */
  public static PipelineNamingConvention sanitizing(NamingConvention convention) {
    return new PipelineNamingConvention(Objects.requireNonNull(convention, "convention"));
  }

  @Override
  public String name(String name, Meter.Type type, @Nullable String baseUnit) {
    if (delegate != null) {
      return metricName(delegate.name(name, type, baseUnit), true);
    }
    String n = metricName(NamingConvention.snakeCase.name(name, type, baseUnit), false);
    if (baseUnit != null && !baseUnit.isEmpty()) {
      String unit = metricName(NamingConvention.snakeCase.name(baseUnit, type, null), false);
      if (!n.endsWith("_" + unit)) {
        n = n + "_" + unit;
      }
    } else if (type == Meter.Type.TIMER || type == Meter.Type.LONG_TASK_TIMER) {
      if (!n.endsWith("_seconds")) {
        n = n + "_seconds";
      }
    }
    if (type == Meter.Type.COUNTER && !n.endsWith("_total")) {
      n = n + "_total";
    }
    return truncate(n, MAX_NAME_LENGTH);
  }

  @Override
  public String tagKey(String key) {
    String k = delegate != null ? delegate.tagKey(key) : NamingConvention.snakeCase.tagKey(key);
    StringBuilder b = new StringBuilder(k.length() + 1);
    for (int i = 0; i < k.length(); i++) {
      char c = k.charAt(i);
      boolean keep = isAsciiLetterOrDigit(c) || c == '_' || (delegate != null && (c == '.' || c == '-'));
      b.append(keep ? c : '_');
    }
    if (b.length() == 0 || !(isAsciiLetter(b.charAt(0)) || b.charAt(0) == '_')) {
      b.insert(0, '_');
    }
    return truncate(b.toString(), MetricsValidator.DEFAULT_MAX_TAG_KEY_LENGTH);
  }

  @Override
  public String tagValue(String value) {
    String v = delegate != null ? delegate.tagValue(value) : value;
    return truncate(v, MetricsValidator.DEFAULT_MAX_TAG_VALUE_LENGTH);
  }

  /** {@code name} with characters outside the validator's name rule replaced by {@code _}. */
  static String metricName(String name, boolean keepDotsAndDashes) {
    StringBuilder b = new StringBuilder(name.length() + 1);
    for (int i = 0; i < name.length(); i++) {
      char c = name.charAt(i);
      boolean keep = isAsciiLetterOrDigit(c) || c == '_' || c == ':' || (keepDotsAndDashes && (c == '.' || c == '-'));
      b.append(keep ? c : '_');
    }
    if (b.length() == 0 || !(isAsciiLetter(b.charAt(0)) || b.charAt(0) == '_' || b.charAt(0) == ':')) {
      b.insert(0, '_');
    }
    return truncate(b.toString(), MAX_NAME_LENGTH);
  }

  private static String truncate(String s, int max) {
    return s.length() <= max ? s : s.substring(0, max);
  }

  private static boolean isAsciiLetter(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
  }

  private static boolean isAsciiLetterOrDigit(char c) {
    return isAsciiLetter(c) || (c >= '0' && c <= '9');
  }
}
