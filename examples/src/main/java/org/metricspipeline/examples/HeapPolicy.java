package org.metricspipeline.examples;

import com.sun.management.HotSpotDiagnosticMXBean;
import com.sun.management.VMOption;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The quick-start server's heap sizing: G1 gives memory it does not need back to the system.
 *
 * <p>With the JVM's defaults G1 grows the heap under a burst of writes and keeps it: after one
 * million series were written, the server's RSS stayed near 2 GB for a live heap under 400 MB. A
 * server process (not a library: a service embedding Metrics Pipeline chooses its own flags, see
 * docs/performance.md) may set the three manageable flags below at start, which shrink the heap
 * to at most 30% free after a collection and run a collection every 2 s when idle. Each is set only
 * where the command line left it at its default and only under G1; the flags changed are returned.
 */
final class HeapPolicy {

  /** In the order set: MinHeapFreeRatio must stay <= MaxHeapFreeRatio at every step, so the minimum goes first. */
  private static final List<Map.Entry<String, String>> FLAGS = List.of(
      Map.entry("MinHeapFreeRatio", "10"),
      Map.entry("MaxHeapFreeRatio", "30"),
      Map.entry("G1PeriodicGCInterval", "2000"));

  private HeapPolicy() {}

  /** Applies the policy; returns "name=value" of each flag it set (none when not on G1). */
  static List<String> apply() {
    List<String> set = new ArrayList<>();
    HotSpotDiagnosticMXBean hotspot = ManagementFactory.getPlatformMXBean(HotSpotDiagnosticMXBean.class);
    if (hotspot == null || !"true".equals(hotspot.getVMOption("UseG1GC").getValue())) {
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
