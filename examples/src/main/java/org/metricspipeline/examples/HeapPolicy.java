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

  private static final Map<String, String> FLAGS = Map.of(
      "MinHeapFreeRatio", "10",
      "MaxHeapFreeRatio", "30",
      "G1PeriodicGCInterval", "2000");

  private HeapPolicy() {}

  /** Applies the policy; returns "name=value" of each flag it set (none when not on G1). */
  static List<String> apply() {
    List<String> set = new ArrayList<>();
    HotSpotDiagnosticMXBean hotspot = ManagementFactory.getPlatformMXBean(HotSpotDiagnosticMXBean.class);
    if (hotspot == null || !"true".equals(hotspot.getVMOption("UseG1GC").getValue())) {
      return set;
    }
    // MinHeapFreeRatio must stay <= MaxHeapFreeRatio at every step: lower the minimum first
    for (String name : List.of("MinHeapFreeRatio", "MaxHeapFreeRatio", "G1PeriodicGCInterval")) {
      try {
        VMOption option = hotspot.getVMOption(name);
        if (option.getOrigin() == VMOption.Origin.DEFAULT && option.isWriteable()) {
          hotspot.setVMOption(name, FLAGS.get(name));
          set.add(name + "=" + FLAGS.get(name));
        }
      } catch (IllegalArgumentException e) {
        // a JVM without the flag, or a value it refuses: keep its default
      }
    }
    return set;
  }
}
