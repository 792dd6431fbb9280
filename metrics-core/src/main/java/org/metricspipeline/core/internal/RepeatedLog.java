package org.metricspipeline.core.internal;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;
import org.slf4j.Logger;

/**
 * Logs a repeated failure once per interval with a count, instead of once per occurrence: during a
 * storage outage every batch fails the same way, and a line per failure floods the log.
 *
 * <p>Occurrences are grouped by a key the caller chooses (the kind of failure, not its details). The
 * first occurrence of a key is logged at once; later ones within {@code interval} are only counted,
 * and the first occurrence after the interval is logged with {@code " (N more like this in the last
 * <interval>)"} appended. So an outage of any length logs at most one line per key per interval.
 * Thread-safe; holds at most {@value #MAX_KEYS} keys (more are logged without limit).
 */
public final class RepeatedLog {

  /** Default interval between two lines of the same key. */
  public static final Duration DEFAULT_INTERVAL = Duration.ofSeconds(10);
  static final int MAX_KEYS = 256;

  private final Logger log;
  private final long intervalNanos;
  private final LongSupplier nanoTime;
  private final Map<String, Window> windows = new ConcurrentHashMap<>();

  /** Groups lines of {@code log} per {@link #DEFAULT_INTERVAL}. */
  public RepeatedLog(Logger log) {
    this(log, DEFAULT_INTERVAL, System::nanoTime);
  }

  /** Groups lines of {@code log} per {@code interval}, measured with {@code nanoTime}. */
  public RepeatedLog(Logger log, Duration interval, LongSupplier nanoTime) {
    this.log = log;
    this.intervalNanos = interval.toNanos();
    this.nanoTime = nanoTime;
  }

  /** An occurrence at WARN; see the class comment. Returns whether a line was written. */
  public boolean warn(String key, String format, Object... args) {
    String suffix = admit(key);
    if (suffix == null) {
      return false;
    }
    log.warn(format + suffix, args);
    return true;
  }

  /** An occurrence at ERROR; see the class comment. Returns whether a line was written. */
  public boolean error(String key, String format, Object... args) {
    String suffix = admit(key);
    if (suffix == null) {
      return false;
    }
    log.error(format + suffix, args);
    return true;
  }

  /** Null when the occurrence is only counted; else the text to append to the line. */
  private String admit(String key) {
    Window w = windows.get(key);
    if (w == null) {
      if (windows.size() >= MAX_KEYS) {
        return "";
      }
      w = windows.computeIfAbsent(key, k -> new Window());
    }
    long now = nanoTime.getAsLong();
    long suppressed;
    synchronized (w) {
      if (w.started != Long.MIN_VALUE && now - w.started < intervalNanos) {
        w.suppressed++;
        return null;
      }
      suppressed = w.suppressed;
      w.suppressed = 0;
      w.started = now;
    }
    return suppressed == 0 ? "" : " (" + suppressed + " more like this in the last "
        + Duration.ofNanos(intervalNanos).toString().substring(2).toLowerCase(java.util.Locale.ROOT) + ")";
  }

  private static final class Window {
    long started = Long.MIN_VALUE;
    long suppressed;
  }
}
