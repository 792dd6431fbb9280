package org.metricspipeline.core.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.reflect.Proxy;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;

class RepeatedLogTest {

  private final List<String> lines = new CopyOnWriteArrayList<>();
  private final AtomicLong now = new AtomicLong();
  private final RepeatedLog log = new RepeatedLog(recordingLogger(), Duration.ofSeconds(10), now::get);

  /** A logger that records the format of each WARN and ERROR line. */
  private Logger recordingLogger() {
    return (Logger) Proxy.newProxyInstance(Logger.class.getClassLoader(), new Class<?>[] {Logger.class},
        (proxy, method, args) -> {
          if ((method.getName().equals("warn") || method.getName().equals("error")) && args != null) {
            lines.add(method.getName() + " " + args[0]);
          }
          return method.getReturnType() == boolean.class ? Boolean.TRUE : null;
        });
  }

  @Test
  void logsAnOutageOfThousandsOfFailuresInOneLinePerIntervalWithTheCount() {
    // 30 s of outage, a failure every 10 ms: 3,000 occurrences
    for (int i = 0; i < 3_000; i++) {
      log.warn("store", "storing failed: {}", "connection refused");
      now.addAndGet(Duration.ofMillis(10).toNanos());
    }

    assertThat(lines).hasSize(3);
    assertThat(lines.get(0)).isEqualTo("warn storing failed: {}");
    assertThat(lines.get(1)).isEqualTo("warn storing failed: {} (999 more like this in the last 10s)");
    assertThat(lines.get(2)).isEqualTo("warn storing failed: {} (999 more like this in the last 10s)");
  }

  @Test
  void keepsSeparateCountsPerKey() {
    assertThat(log.warn("timeout", "timed out")).isTrue();
    assertThat(log.error("exhausted", "gave up")).isTrue();
    assertThat(log.warn("timeout", "timed out")).isFalse();

    assertThat(lines).containsExactly("warn timed out", "error gave up");
  }
}
