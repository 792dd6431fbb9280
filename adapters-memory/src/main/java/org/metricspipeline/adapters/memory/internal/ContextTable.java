package org.metricspipeline.adapters.memory.internal;

import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The sparse side table for item {@code context}, which few items carry. Context belongs to an item,
 * not to a point, so it is kept by (timestamp, metric type, source): the key that query results
 * group points into items by. Items stored with the same key share one context; a later item's
 * entries replace earlier ones with the same name.
 */
final class ContextTable {

  private static final long ENTRY_BYTES = 96;
  private static final long VALUE_BYTES = 64;

  private record Key(long time, String metricType, String source) {}

  private final ConcurrentHashMap<Key, Map<String, Object>> contexts = new ConcurrentHashMap<>();
  private final AtomicLong values = new AtomicLong();

  void put(long time, String metricType, String source, Map<String, Object> context) {
    contexts.compute(new Key(time, metricType, source), (key, old) -> {
      if (old == null) {
        values.addAndGet(context.size());
        return context;
      }
      Map<String, Object> merged = new HashMap<>(old);
      merged.putAll(context);
      values.addAndGet(merged.size() - old.size());
      return Map.copyOf(merged);
    });
  }

  void removeBefore(long cutoff) {
    contexts.entrySet().removeIf(e -> {
      if (e.getKey().time() < cutoff) {
        values.addAndGet(-e.getValue().size());
        return true;
      }
      return false;
    });
  }

  Optional<Map<String, Object>> get(long time, String metricType, String source) {
    if (contexts.isEmpty()) {
      return Optional.empty();
    }
    return Optional.ofNullable(contexts.get(new Key(time, metricType, source)));
  }

  int size() {
    return contexts.size();
  }

  long bytes() {
    return ENTRY_BYTES * contexts.size() + VALUE_BYTES * values.get();
  }
}
