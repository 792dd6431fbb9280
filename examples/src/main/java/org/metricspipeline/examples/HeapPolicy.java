package org.metricspipeline.examples;

import com.sun.management.HotSpotDiagnosticMXBean;
import com.sun.management.VMOption;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The quick-start server's heap sizing: G1 gives memory it does not need back to the system.
 *
 * <p>With the JVM's defaults G1 grows the heap under a burst of writes and keeps it: after one
 * million series were written, the server's RSS stayed near 2 GB for a live heap under 400 MB. A
 * server process (not a library: a service embedding Metrics Pipeline chooses its own flags, see
 * docs/performance.md) may set the two manageable flags below at start, which shrink the heap to
 * at most 15% free after a collection; {@link IdleCompaction} then runs that collection once the
 * server is idle. Each flag is set only where the command line left it at its default and only
 * under G1; the flags changed are returned.
 */
final class HeapPolicy {

  /** In the order set: MinHeapFreeRatio must stay <= MaxHeapFreeRatio at every step, so the minimum goes first. */
  private static final List<Map.Entry<String, String>> FLAGS = List.of(
      Map.entry("MinHeapFreeRatio", "10"),
      Map.entry("MaxHeapFreeRatio", "15"));

  /** Where Linux says whether transparent huge pages apply to every mapping or only to those that ask. */
  static final Path THP_MODE = Path.of("/sys/kernel/mm/transparent_hugepage/enabled");

  private HeapPolicy() {}

  /**
   * A hint for the log when the heap runs on 4 KB pages although the system would give it 2 MB
   * ones on request: Linux's transparent huge pages in {@code madvise} mode (the mode the JVM asks
   * for with {@code -XX:+UseTransparentHugePages}, a command-line flag only) and the flag off. At
   * 100,000 series and more, the store's writes touch objects all over the heap and, on 4 KB pages,
   * spend much of their time in address translation: the flag made ingestion about 1.6x faster here
   * (docs/performance.md). Empty when the flag is on, huge pages are {@code always} on or off, or
   * this is not Linux.
   */
  static Optional<String> hugePagesHint(String thpMode, boolean flagSet) {
    if (flagSet || thpMode == null || !thpMode.contains("[madvise]")) {
      return Optional.empty();
    }
    return Optional.of("the heap is on 4 KB pages: start the JVM with -XX:+UseTransparentHugePages"
        + " (transparent huge pages are madvise-only on this system) for faster ingestion at high cardinality");
  }

  /** {@link #hugePagesHint(String, boolean)} for this JVM and system. */
  static Optional<String> hugePagesHint() {
    String mode;
    try {
      mode = Files.readString(THP_MODE);
    } catch (IOException | RuntimeException e) {
      return Optional.empty(); // not Linux, or no transparent huge pages
    }
    HotSpotDiagnosticMXBean hotspot = ManagementFactory.getPlatformMXBean(HotSpotDiagnosticMXBean.class);
    try {
      return hugePagesHint(mode, flagOn(hotspot, "UseTransparentHugePages"));
    } catch (IllegalArgumentException e) {
      return Optional.empty(); // a JVM without the flag
    }
  }

  /** Whether a boolean VM flag is on ({@code false} without the diagnostic bean). */
  private static boolean flagOn(HotSpotDiagnosticMXBean hotspot, String name) {
    return hotspot != null && "true".equals(hotspot.getVMOption(name).getValue());
  }

  /** Applies the policy; returns "name=value" of each flag it set (none when not on G1). */
  static List<String> apply() {
    List<String> set = new ArrayList<>();
    HotSpotDiagnosticMXBean hotspot = ManagementFactory.getPlatformMXBean(HotSpotDiagnosticMXBean.class);
    if (!flagOn(hotspot, "UseG1GC")) {
      return set;
    }
    for (Map.Entry<String, String> flag : FLAGS) {
      try {
        VMOption option = hotspot.getVMOption(flag.getKey());
        if (option.getOrigin() == VMOption.Origin.DEFAULT && option.isWriteable()) {
          hotspot.setVMOption(flag.getKey(), flag.getValue());
          set.add(flag.getKey() + "=" + flag.getValue());
        }
      } catch (IllegalArgumentException e) {
        // a JVM without the flag, or a value it refuses: keep its default
      }
    }
    return set;
  }
}
