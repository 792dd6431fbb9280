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
 * The quick-start server's heap sizing: G1 gives memory it does not need back to the system once
 * the server is idle, and keeps the room it grew under load while it is busy.
 *
 * <p>With the JVM's defaults G1 grows the heap under a burst of writes and keeps it: after one
 * million series were written, the server's RSS stayed near 2 GB for a live heap under 400 MB. A
 * server process (not a library: a service embedding Metrics Pipeline chooses its own flags, see
 * docs/performance.md) may tighten the two manageable flags below for the one full collection that
 * {@link IdleCompaction} runs once the server is idle, which then shrinks the heap to at most 15%
 * free; they are put back right after it. Tightened for good, they made G1 shrink the heap at every
 * concurrent cycle under load and start the next one at once: 9 to 17% of the server's CPU went to
 * collections under 4 connections, against 4 to 11% with the defaults. Only flags the command line
 * left at their defaults are touched, and only under G1.
 */
final class HeapPolicy {

  /** The tight values, minimum first (see {@link #collectTight(Runnable)}). */
  private static final List<Map.Entry<String, String>> FLAGS = List.of(
      Map.entry("MinHeapFreeRatio", "10"),
      Map.entry("MaxHeapFreeRatio", "15"));

  /** Where Linux says whether transparent huge pages apply to every mapping or only to those that ask. */
  static final Path THP_MODE = Path.of("/sys/kernel/mm/transparent_hugepage/enabled");

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

  /** The flags this JVM lets the policy tighten: G1, and each flag writeable and at its default. */
  static Optional<HeapPolicy> forThisJvm() {
    HotSpotDiagnosticMXBean hotspot = ManagementFactory.getPlatformMXBean(HotSpotDiagnosticMXBean.class);
    if (!flagOn(hotspot, "UseG1GC")) {
      return Optional.empty();
    }
    List<Map.Entry<String, String>> owned = new ArrayList<>();
    for (Map.Entry<String, String> flag : FLAGS) {
      try {
        VMOption option = hotspot.getVMOption(flag.getKey());
        if (option.getOrigin() == VMOption.Origin.DEFAULT && option.isWriteable()) {
          owned.add(Map.entry(flag.getKey(), option.getValue()));
        }
      } catch (IllegalArgumentException e) {
        // a JVM without the flag: leave it
      }
    }
    return owned.isEmpty() ? Optional.empty() : Optional.of(new HeapPolicy(hotspot, owned));
  }

  private final HotSpotDiagnosticMXBean hotspot;
  /** The flags tightened, each with the value to put back (its default), in {@link #FLAGS} order. */
  private final List<Map.Entry<String, String>> owned;

  private HeapPolicy(HotSpotDiagnosticMXBean hotspot, List<Map.Entry<String, String>> owned) {
    this.hotspot = hotspot;
    this.owned = List.copyOf(owned);
  }

  /** "name=tight (default)" of each flag the policy tightens for an idle collection, for the log. */
  List<String> describe() {
    List<String> out = new ArrayList<>();
    for (Map.Entry<String, String> flag : owned) {
      out.add(flag.getKey() + "=" + tight(flag.getKey()) + " (default " + flag.getValue() + ")");
    }
    return out;
  }

  /**
   * Runs {@code collection} (a full collection) with the flags tightened, then puts their defaults
   * back, whatever the collection did. The minimum goes first when tightening and last when putting
   * back, so that the minimum never exceeds the maximum at any step (the JVM refuses that).
   */
  void collectTight(Runnable collection) {
    int set = 0;
    try {
      for (Map.Entry<String, String> flag : owned) {
        hotspot.setVMOption(flag.getKey(), tight(flag.getKey()));
        set++;
      }
      collection.run();
    } finally {
      for (int i = set - 1; i >= 0; i--) {
        hotspot.setVMOption(owned.get(i).getKey(), owned.get(i).getValue());
      }
    }
  }

  private static String tight(String name) {
    for (Map.Entry<String, String> flag : FLAGS) {
      if (flag.getKey().equals(name)) {
        return flag.getValue();
      }
    }
    throw new IllegalArgumentException(name);
  }
}
