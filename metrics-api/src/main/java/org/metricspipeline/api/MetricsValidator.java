package org.metricspipeline.api;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Decides whether a {@link MetricsData} may be stored, and reports every problem with its field path.
 *
 * <p>The rules (defaults in brackets, each configurable on the {@link Builder}):
 *
 * <ul>
 *   <li>{@code metric_type}: 1 to [128] characters of {@code [A-Za-z0-9_.:-]}, starting with a letter
 *       or {@code _}.
 *   <li>{@code metrics}: 1 to [10,000] metrics per item.
 *   <li>{@code metrics[i].name}: 1 to [255] characters of {@code [A-Za-z0-9_.:-]}, starting with a
 *       letter, {@code _} or {@code :} (Prometheus names plus the dots and dashes of Micrometer and
 *       OpenTelemetry names).
 *   <li>{@code metrics[i].value}: finite; {@code NaN} and the infinities are rejected.
 *   <li>{@code metrics[i].unit}: at most [64] characters, no control characters.
 *   <li>{@code metrics[i].tags}: at most [64] tags; keys 1 to [128] characters of
 *       {@code [A-Za-z0-9_.-]} starting with a letter or {@code _}; values at most [4096] characters
 *       of any kind (values are data and are stored byte for byte).
 *   <li>{@code timestamp}: not before 1970-01-01T00:00:00Z and not more than [10 minutes] after the
 *       validator's clock.
 *   <li>{@code source}: at most [256] characters, no control characters.
 *   <li>{@code context}: at most [64] top-level entries.
 * </ul>
 *
 * <p>Instances are immutable and thread-safe.
 *
 * <pre>{@code
 * MetricsValidationResult result = MetricsValidator.defaults().validate(item);
 * if (!result.valid()) {
 *   result.errors().forEach(e -> log.warn("{}: {}", e.field(), e.message()));
 * }
 * }</pre>
 */
public final class MetricsValidator {

  /** Default longest metric type. */
  public static final int DEFAULT_MAX_METRIC_TYPE_LENGTH = 128;
  /** Default longest metric name. */
  public static final int DEFAULT_MAX_NAME_LENGTH = 255;
  /** Default most metrics in one item. */
  public static final int DEFAULT_MAX_METRICS_PER_ITEM = 10_000;
  /** Default longest unit. */
  public static final int DEFAULT_MAX_UNIT_LENGTH = 64;
  /** Default most tags on one metric. */
  public static final int DEFAULT_MAX_TAGS = 64;
  /** Default longest tag key. */
  public static final int DEFAULT_MAX_TAG_KEY_LENGTH = 128;
  /** Default longest tag value. */
  public static final int DEFAULT_MAX_TAG_VALUE_LENGTH = 4096;
  /** Default longest source. */
  public static final int DEFAULT_MAX_SOURCE_LENGTH = 256;
  /** Default most context entries. */
  public static final int DEFAULT_MAX_CONTEXT_ENTRIES = 64;
  /** Default furthest a timestamp may lie ahead of the clock. */
  public static final Duration DEFAULT_MAX_FUTURE_SKEW = Duration.ofMinutes(10);

  private static final boolean[] NAME_CHARS = identifierChars(true);
  private static final boolean[] TAG_KEY_CHARS = identifierChars(false);
  private static final MetricsValidator DEFAULTS = builder().build();
  /** How many valid tag key instances one {@link #validate} call remembers. */
  private static final int KNOWN_KEYS = 16;
  private static final int VALID_NAME_SLOTS = 1024;

  private final int maxMetricTypeLength;
  private final int maxNameLength;
  private final int maxMetricsPerItem;
  private final int maxUnitLength;
  private final int maxTags;
  private final int maxTagKeyLength;
  private final int maxTagValueLength;
  private final int maxSourceLength;
  private final int maxContextEntries;
  private final Duration maxFutureSkew;
  private final Clock clock;
  /**
   * Metric names found valid lately, by hash slot: decoders share name instances, so a name seen
   * again is recognised by reference. Racy on purpose (a lost write costs a later check).
   */
  private final String[] validNames = new String[VALID_NAME_SLOTS];

  private MetricsValidator(Builder b) {
    this.maxMetricTypeLength = b.maxMetricTypeLength;
    this.maxNameLength = b.maxNameLength;
    this.maxMetricsPerItem = b.maxMetricsPerItem;
    this.maxUnitLength = b.maxUnitLength;
    this.maxTags = b.maxTags;
    this.maxTagKeyLength = b.maxTagKeyLength;
    this.maxTagValueLength = b.maxTagValueLength;
    this.maxSourceLength = b.maxSourceLength;
    this.maxContextEntries = b.maxContextEntries;
    this.maxFutureSkew = b.maxFutureSkew;
    this.clock = b.clock;
  }

  /** The validator with every default rule and the system UTC clock. */
  public static MetricsValidator defaults() {
    return DEFAULTS;
  }

  /** A builder starting from the defaults. */
  public static Builder builder() {
    return new Builder();
  }

  /** Checks one item against every rule and returns all problems found. */
  public MetricsValidationResult validate(MetricsData data) {
    Objects.requireNonNull(data, "data");
    List<ValidationError> errors = null;
    errors = checkIdentifier(errors, "metric_type", data.metricType(), maxMetricTypeLength, false, false);
    Instant ts = data.timestamp();
    if (ts.isBefore(Instant.EPOCH)) {
      errors = add(errors, "timestamp", "must not be before 1970-01-01T00:00:00Z, got " + ts);
    } else {
      Instant latest = clock.instant().plus(maxFutureSkew);
      if (ts.isAfter(latest)) {
        errors = add(errors, "timestamp",
            "must not be more than " + maxFutureSkew + " in the future, got " + ts);
      }
    }
    List<Metric> metrics = data.metrics();
    if (metrics.isEmpty()) {
      errors = add(errors, "metrics", "must contain at least one metric");
    } else if (metrics.size() > maxMetricsPerItem) {
      errors = add(errors, "metrics",
          "must contain at most " + maxMetricsPerItem + " metrics, got " + metrics.size());
    } else {
      String[] validKeys = new String[KNOWN_KEYS];
      Map<String, String> validTags = null; // the last tag map found valid: often shared by every metric
      for (int i = 0; i < metrics.size(); i++) {
        Metric m = metrics.get(i);
        int before = errors == null ? 0 : errors.size();
        errors = checkMetric(errors, i, m, validKeys, m.tags() == validTags);
        if (errors == null || errors.size() == before) {
          validTags = m.tags();
        }
      }
    }
    errors = checkText(errors, "source", data.source(), maxSourceLength);
    if (data.context().size() > maxContextEntries) {
      errors = add(errors, "context",
          "must have at most " + maxContextEntries + " entries, got " + data.context().size());
    }
    return errors == null ? MetricsValidationResult.ok() : MetricsValidationResult.of(errors);
  }

  /** Checks one item and throws {@link MetricsValidationException} listing every problem. */
  public MetricsData requireValid(MetricsData data) {
    MetricsValidationResult result = validate(data);
    if (!result.valid()) {
      throw new MetricsValidationException(result);
    }
    return data;
  }

  /**
   * Checks one metric. {@code validKeys} remembers tag key instances already found valid in this
   * item (producers usually share one key string across an item's metrics), so a key identical
   * ({@code ==}) to one of them is not checked character by character again.
   */
  private List<ValidationError> checkMetric(
      List<ValidationError> errors, int i, Metric m, String[] validKeys, boolean tagsKnownValid) {
    String name = m.name();
    int slot = name.hashCode() & (VALID_NAME_SLOTS - 1);
    if (validNames[slot] != name) {
      if (isValidIdentifier(name, maxNameLength, true, false)) {
        validNames[slot] = name;
      } else {
        errors = checkIdentifier(errors, at(i) + ".name", name, maxNameLength, true, false);
      }
    }
    double v = m.value();
    if (Double.isNaN(v) || Double.isInfinite(v)) {
      errors = add(errors, at(i) + ".value", "must be finite, got " + v);
    }
    String unit = m.unit();
    if (!unit.isEmpty() && !isValidText(unit, maxUnitLength)) {
      errors = checkText(errors, at(i) + ".unit", unit, maxUnitLength);
    }
    Map<String, String> tags = m.tags();
    if (tags.isEmpty() || tagsKnownValid) {
      return errors;
    }
    if (tags.size() > maxTags) {
      return add(errors, at(i) + ".tags", "must have at most " + maxTags + " tags, got " + tags.size());
    }
    for (Map.Entry<String, String> tag : tags.entrySet()) {
      String key = tag.getKey();
      if (!isKnown(validKeys, key)) {
        if (isValidIdentifier(key, maxTagKeyLength, false, true)) {
          remember(validKeys, key);
        } else {
          errors = checkIdentifier(errors, at(i) + ".tags." + key, key, maxTagKeyLength, false, true);
        }
      }
      int length = tag.getValue().length();
      if (length > maxTagValueLength) {
        errors = add(errors, at(i) + ".tags." + key,
            "value must be at most " + maxTagValueLength + " characters, got " + length);
      }
    }
    return errors;
  }

  /** The field path of metric {@code i}; built only when there is something to report. */
  private static String at(int i) {
    return "metrics[" + i + "]";
  }

  private static boolean isKnown(String[] validKeys, String key) {
    for (String k : validKeys) {
      if (k == key) {
        return true;
      }
      if (k == null) {
        return false;
      }
    }
    return false;
  }

  /** Adds a key to the first free slot; once all are taken, later keys are simply checked each time. */
  private static void remember(String[] validKeys, String key) {
    for (int j = 0; j < validKeys.length; j++) {
      if (validKeys[j] == null) {
        validKeys[j] = key;
        return;
      }
    }
  }

  private static List<ValidationError> checkIdentifier(
      List<ValidationError> errors, String field, String value, int maxLength, boolean allowColonStart,
      boolean isTagKey) {
    if (value.isEmpty()) {
      return add(errors, field, isTagKey ? "key must not be empty" : "must not be empty");
    }
    if (value.length() > maxLength) {
      return add(errors, field, (isTagKey ? "key must be" : "must be") + " at most " + maxLength
          + " characters, got " + value.length());
    }
    if (!isValidIdentifier(value, maxLength, allowColonStart, isTagKey)) {
      String allowed = isTagKey ? "[A-Za-z0-9_.-]" : "[A-Za-z0-9_.:-]";
      String first = allowColonStart ? "a letter, '_' or ':'" : "a letter or '_'";
      return add(errors, field, (isTagKey ? "key " : "") + "must start with " + first
          + " and contain only " + allowed + ", got " + quote(value));
    }
    return errors;
  }

  private static boolean isValidIdentifier(
      String s, int maxLength, boolean allowColonStart, boolean isTagKey) {
    int n = s.length();
    if (n == 0 || n > maxLength) {
      return false;
    }
    char c = s.charAt(0);
    if (!(isLetter(c) || c == '_' || (allowColonStart && c == ':'))) {
      return false;
    }
    boolean[] allowed = isTagKey ? TAG_KEY_CHARS : NAME_CHARS;
    for (int i = 1; i < n; i++) {
      c = s.charAt(i);
      if (c >= 128 || !allowed[c]) {
        return false;
      }
    }
    return true;
  }

  /** {@code allowed[c]}: whether ASCII character {@code c} may follow the first one. */
  private static boolean[] identifierChars(boolean colon) {
    boolean[] allowed = new boolean[128];
    for (char c = 0; c < 128; c++) {
      allowed[c] = isLetter(c) || (c >= '0' && c <= '9') || c == '_' || c == '.' || c == '-'
          || (colon && c == ':');
    }
    return allowed;
  }

  private static boolean isLetter(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
  }

  private static boolean isValidText(String value, int maxLength) {
    return value.length() <= maxLength && controlCharAt(value) < 0;
  }

  /** The index of the first control character in {@code value}, or -1 when it has none. */
  private static int controlCharAt(String value) {
    for (int i = 0; i < value.length(); i++) {
      if (Character.isISOControl(value.charAt(i))) {
        return i;
      }
    }
    return -1;
  }

  private static List<ValidationError> checkText(
      List<ValidationError> errors, String field, String value, int maxLength) {
    if (value.length() > maxLength) {
      return add(errors, field, "must be at most " + maxLength + " characters, got " + value.length());
    }
    int i = controlCharAt(value);
    if (i >= 0) {
      return add(errors, field, "must not contain control characters (found one at index " + i + ")");
    }
    return errors;
  }

  private static String quote(String value) {
    String shown = value.length() > 64 ? value.substring(0, 64) + "..." : value;
    StringBuilder sb = new StringBuilder("\"");
    for (char c : shown.toCharArray()) {
      if (Character.isISOControl(c)) {
        sb.append(String.format("\\u%04x", (int) c));
      } else {
        sb.append(c);
      }
    }
    return sb.append('"').toString();
  }

  private static List<ValidationError> add(List<ValidationError> errors, String field, String message) {
    List<ValidationError> list = errors == null ? new ArrayList<>(4) : errors;
    list.add(new ValidationError(field, message));
    return list;
  }

  /** Builds a {@link MetricsValidator}; every limit must be positive. */
  public static final class Builder {
    private int maxMetricTypeLength = DEFAULT_MAX_METRIC_TYPE_LENGTH;
    private int maxNameLength = DEFAULT_MAX_NAME_LENGTH;
    private int maxMetricsPerItem = DEFAULT_MAX_METRICS_PER_ITEM;
    private int maxUnitLength = DEFAULT_MAX_UNIT_LENGTH;
    private int maxTags = DEFAULT_MAX_TAGS;
    private int maxTagKeyLength = DEFAULT_MAX_TAG_KEY_LENGTH;
    private int maxTagValueLength = DEFAULT_MAX_TAG_VALUE_LENGTH;
    private int maxSourceLength = DEFAULT_MAX_SOURCE_LENGTH;
    private int maxContextEntries = DEFAULT_MAX_CONTEXT_ENTRIES;
    private Duration maxFutureSkew = DEFAULT_MAX_FUTURE_SKEW;
    private Clock clock = Clock.systemUTC();

    private Builder() {}

    /** Longest metric type, at least 1. */
    public Builder maxMetricTypeLength(int value) {
      this.maxMetricTypeLength = positive("maxMetricTypeLength", value);
      return this;
    }

    /** Longest metric name, at least 1. */
    public Builder maxNameLength(int value) {
      this.maxNameLength = positive("maxNameLength", value);
      return this;
    }

    /** Most metrics in one item, at least 1. */
    public Builder maxMetricsPerItem(int value) {
      this.maxMetricsPerItem = positive("maxMetricsPerItem", value);
      return this;
    }

    /** Longest unit, at least 1. */
    public Builder maxUnitLength(int value) {
      this.maxUnitLength = positive("maxUnitLength", value);
      return this;
    }

    /** Most tags per metric, at least 1. */
    public Builder maxTags(int value) {
      this.maxTags = positive("maxTags", value);
      return this;
    }

    /** Longest tag key, at least 1. */
    public Builder maxTagKeyLength(int value) {
      this.maxTagKeyLength = positive("maxTagKeyLength", value);
      return this;
    }

    /** Longest tag value, at least 1. */
    public Builder maxTagValueLength(int value) {
      this.maxTagValueLength = positive("maxTagValueLength", value);
      return this;
    }

    /** Longest source, at least 1. */
    public Builder maxSourceLength(int value) {
      this.maxSourceLength = positive("maxSourceLength", value);
      return this;
    }

    /** Most context entries, at least 1. */
    public Builder maxContextEntries(int value) {
      this.maxContextEntries = positive("maxContextEntries", value);
      return this;
    }

    /** How far ahead of the clock a timestamp may be; zero or more. */
    public Builder maxFutureSkew(Duration value) {
      Objects.requireNonNull(value, "maxFutureSkew");
      if (value.isNegative()) {
        throw new IllegalArgumentException("maxFutureSkew must be >= 0, got " + value);
      }
      this.maxFutureSkew = value;
      return this;
    }

    /** The clock that "now" comes from (for tests). */
    public Builder clock(Clock clock) {
      this.clock = Objects.requireNonNull(clock, "clock");
      return this;
    }

    /** The validator. */
    public MetricsValidator build() {
      return new MetricsValidator(this);
    }

    private static int positive(String option, int value) {
      if (value < 1) {
        throw new IllegalArgumentException(option + " must be >= 1, got " + value);
      }
      return value;
    }
  }
}
