package org.metricspipeline.guard;

import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Robust per-metric baselines and anomaly detection (seed 001's baselines).
 *
 * <p>For every metric key it keeps two baselines over the values {@link #observe observed}:
 * <ul>
 *   <li>the median and the median absolute deviation (MAD) of the last {@code window} values
 *       [60]; the band is {@code median ± threshold × 1.4826 × MAD} (1.4826 makes MAD estimate the
 *       standard deviation of normal data), so a few outliers do not move it;
 *   <li>an exponentially weighted mean and deviation with weight {@code alpha} [0.1]; the band is
 *       {@code mean ± threshold × deviation}; it learns each value clipped to that band, so a spike
 *       does not widen its own band.
 * </ul>
 * Each value is judged against the band of the chosen {@link Method} [{@link Method#MEDIAN_MAD}]
 * as it was <em>before</em> the value, once {@code warmup} values [20] are known. When
 * {@code pointsOutside} values in a row [3] are outside the band, the key is anomalous, and an
 * alert (kind {@code anomaly}, severity degraded) is raised on the guard, if one was given; the
 * first value back inside the band resolves it. A single outlier never alerts.
 *
 * <p>Seasonality-free: the baselines know no time of day or week. A metric with a daily cycle
 * needs a window long enough to hold the cycle's range, or a key per hour of day chosen by the
 * caller (for example {@code "latency_ms@h13"}).
 */
public final class Baselines {

  /** Default values kept per key for median and MAD. */
  public static final int DEFAULT_WINDOW = 60;
  /** Default values needed before anything is judged. */
  public static final int DEFAULT_WARMUP = 20;
  /** Default band half-width in (robust) standard deviations. */
  public static final double DEFAULT_THRESHOLD = 3.5;
  /** Default weight of the newest value in the EWMA. */
  public static final double DEFAULT_ALPHA = 0.1;
  /** Default values outside the band in a row that make an anomaly. */
  public static final int DEFAULT_POINTS_OUTSIDE = 3;

  private static final double MAD_SCALE = 1.4826;
  private static final double MIN_SPREAD = 1e-9;

  /** Which band judges values. */
  public enum Method {
    /** Rolling median ± threshold × scaled MAD. */
    MEDIAN_MAD,
    /** Exponentially weighted mean ± threshold × deviation. */
    EWMA
  }

  /**
   * One key's baseline after the last observed value.
   *
   * @param key the metric key
   * @param points values observed
   * @param median rolling median
   * @param mad rolling median absolute deviation (unscaled)
   * @param ewmaMean exponentially weighted mean
   * @param ewmaDeviation exponentially weighted standard deviation
   * @param lower lower edge of the judging band
   * @param upper upper edge of the judging band
   * @param consecutiveOutside values outside the band in a row
   * @param anomalous whether the key is in an anomaly now
   * @param lastValue the last value observed
   */
  public record Baseline(String key, long points, double median, double mad, double ewmaMean,
      double ewmaDeviation, double lower, double upper, int consecutiveOutside, boolean anomalous, double lastValue) {

    /** Validates. */
    public Baseline {
      Objects.requireNonNull(key, "key");
    }
  }

  private final int window;
  private final int warmup;
  private final double threshold;
  private final double alpha;
  private final int pointsOutside;
  private final Method method;
  private final SelfHealingPipelineGuard guard; // null: no alerts
  private final Map<String, State> states = new ConcurrentHashMap<>();

  private Baselines(Builder b) {
    this.window = b.window;
    this.warmup = b.warmup;
    this.threshold = b.threshold;
    this.alpha = b.alpha;
    this.pointsOutside = b.pointsOutside;
    this.method = b.method;
    this.guard = b.guard;
  }

  /** A builder. */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * Judges a value against the key's band, then adds it to the baselines. Returns the baseline
   * after the value; raises or resolves the key's anomaly alert on the guard.
   */
  public Baseline observe(String key, double value) {
    Objects.requireNonNull(key, "key");
    if (!Double.isFinite(value)) {
      throw new IllegalArgumentException("value must be finite, got " + value + " for " + key);
    }
    State s = states.computeIfAbsent(key, k -> new State());
    Baseline after;
    boolean raise;
    boolean resolve;
    synchronized (s) {
      boolean wasAnomalous = s.anomalous;
      double[] band = s.points >= warmup ? band(s) : null;
      boolean outside = band != null && (value < band[0] || value > band[1]);
      s.consecutiveOutside = outside ? s.consecutiveOutside + 1 : 0;
      s.anomalous = s.consecutiveOutside >= pointsOutside || (s.anomalous && outside);
      raise = s.anomalous && !wasAnomalous;
      resolve = wasAnomalous && !s.anomalous;
      // The EWMA learns a value clipped to the EWMA band, so a spike does not widen its own band.
      add(s, value, s.points >= warmup ? ewmaBand(s) : null);
      after = snapshot(key, s, band);
    }
    if (guard != null && raise) {
      Map<String, Object> meta = new LinkedHashMap<>();
      meta.put("value", value);
      meta.put("lower", after.lower());
      meta.put("upper", after.upper());
      meta.put("method", method.name().toLowerCase(java.util.Locale.ROOT));
      meta.put("points_outside", after.consecutiveOutside());
      guard.raiseAlert(key, "anomaly", ComponentState.DEGRADED, key + " left its baseline band for "
          + after.consecutiveOutside() + " points in a row (last " + value + ")", meta);
    } else if (guard != null && resolve) {
      guard.resolveAlert(key, "anomaly", "back within baseline");
    }
    return after;
  }

  /** The baseline of one key, when it has values. */
  public Optional<Baseline> baseline(String key) {
    State s = states.get(key);
    if (s == null) {
      return Optional.empty();
    }
    synchronized (s) {
      return Optional.of(snapshot(key, s, s.points >= warmup ? band(s) : null));
    }
  }

  /** Every key's baseline, sorted by key. */
  public List<Baseline> all() {
    return states.keySet().stream().sorted().map(k -> baseline(k).orElseThrow()).toList();
  }

  private double[] band(State s) {
    if (method == Method.MEDIAN_MAD) {
      double[] mm = medianAndMad(s);
      double spread = Math.max(MAD_SCALE * mm[1], MIN_SPREAD);
      return new double[] {mm[0] - threshold * spread, mm[0] + threshold * spread};
    }
    return ewmaBand(s);
  }

  private double[] ewmaBand(State s) {
    double dev = Math.max(Math.sqrt(s.ewmaVar), MIN_SPREAD);
    return new double[] {s.ewmaMean - threshold * dev, s.ewmaMean + threshold * dev};
  }

  private void add(State s, double value, double[] clip) {
    s.values.addLast(value);
    if (s.values.size() > window) {
      s.values.removeFirst();
    }
    if (s.points == 0) {
      s.ewmaMean = value;
      s.ewmaVar = 0;
    } else {
      double learned = clip == null ? value : Math.max(clip[0], Math.min(clip[1], value));
      double diff = learned - s.ewmaMean;
      s.ewmaMean += alpha * diff;
      s.ewmaVar = (1 - alpha) * (s.ewmaVar + alpha * diff * diff);
    }
    s.points++;
    s.lastValue = value;
  }

  private Baseline snapshot(String key, State s, double[] band) {
    double[] mm = medianAndMad(s);
    double[] b = band != null ? band : new double[] {Double.NEGATIVE_INFINITY, Double.POSITIVE_INFINITY};
    return new Baseline(key, s.points, mm[0], mm[1], s.ewmaMean, Math.sqrt(s.ewmaVar), b[0], b[1],
        s.consecutiveOutside, s.anomalous, s.lastValue);
  }

  private static double[] medianAndMad(State s) {
    if (s.values.isEmpty()) {
      return new double[] {Double.NaN, Double.NaN};
    }
    double[] v = s.values.stream().mapToDouble(Double::doubleValue).toArray();
    double median = median(v);
    double[] dev = new double[v.length];
    for (int i = 0; i < v.length; i++) {
      dev[i] = Math.abs(v[i] - median);
    }
    return new double[] {median, median(dev)};
  }

  private static double median(double[] v) {
    double[] c = v.clone();
    Arrays.sort(c);
    int n = c.length;
    return n % 2 == 1 ? c[n / 2] : (c[n / 2 - 1] + c[n / 2]) / 2;
  }

  private static final class State {
    final ArrayDeque<Double> values = new ArrayDeque<>();
    long points;
    double ewmaMean;
    double ewmaVar;
    int consecutiveOutside;
    boolean anomalous;
    double lastValue = Double.NaN;
  }

  /** Builds {@link Baselines}; setters reject values out of range, naming the option. */
  public static final class Builder {
    private int window = DEFAULT_WINDOW;
    private int warmup = DEFAULT_WARMUP;
    private double threshold = DEFAULT_THRESHOLD;
    private double alpha = DEFAULT_ALPHA;
    private int pointsOutside = DEFAULT_POINTS_OUTSIDE;
    private Method method = Method.MEDIAN_MAD;
    private SelfHealingPipelineGuard guard;

    private Builder() {}

    /** Values kept per key for median and MAD: 5 to 100,000 [{@value #DEFAULT_WINDOW}]. */
    public Builder window(int values) {
      this.window = count("window", values, 5, 100_000);
      return this;
    }

    /** Values needed before judging: 3 to 100,000 [{@value #DEFAULT_WARMUP}]. */
    public Builder warmup(int values) {
      this.warmup = count("warmup", values, 3, 100_000);
      return this;
    }

    /** Band half-width in standard deviations: above 0, at most 100 [{@value #DEFAULT_THRESHOLD}]. */
    public Builder threshold(double deviations) {
      if (!(deviations > 0 && deviations <= 100)) {
        throw new IllegalArgumentException("threshold must be above 0 and at most 100, got " + deviations);
      }
      this.threshold = deviations;
      return this;
    }

    /** EWMA weight of the newest value: above 0, below 1 [{@value #DEFAULT_ALPHA}]. */
    public Builder alpha(double weight) {
      if (!(weight > 0 && weight < 1)) {
        throw new IllegalArgumentException("alpha must be above 0 and below 1, got " + weight);
      }
      this.alpha = weight;
      return this;
    }

    /** Values outside the band in a row that make an anomaly: 1 to 1000 [{@value #DEFAULT_POINTS_OUTSIDE}]. */
    public Builder pointsOutside(int values) {
      this.pointsOutside = count("pointsOutside", values, 1, 1000);
      return this;
    }

    /** Which band judges values [{@link Method#MEDIAN_MAD}]. */
    public Builder method(Method method) {
      this.method = Objects.requireNonNull(method, "method");
      return this;
    }

    /** Raises anomaly alerts on this guard (component = the metric key). */
    public Builder alertsTo(SelfHealingPipelineGuard guard) {
      this.guard = Objects.requireNonNull(guard, "guard");
      return this;
    }

    /** The baselines. */
    public Baselines build() {
      return new Baselines(this);
    }

    private static int count(String option, int value, int min, int max) {
      if (value < min || value > max) {
        throw new IllegalArgumentException(option + " must be between " + min + " and " + max + ", got " + value);
      }
      return value;
    }
  }
}
