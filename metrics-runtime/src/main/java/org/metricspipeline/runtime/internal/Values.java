package org.metricspipeline.runtime.internal;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import org.metricspipeline.core.config.ConfigProblem;
import org.metricspipeline.runtime.MergedConfig;
import org.metricspipeline.runtime.internal.ConfigSchema.Key;

/**
 * Reads typed values from a resolved section, with the schema's defaults; a value of the wrong
 * type or out of range becomes a problem (and the default is used so that reading goes on).
 */
final class Values {
  private final MergedConfig merged;
  private final Map<String, String> written; // path -> the reference as written
  private final List<ConfigProblem> problems;

  Values(MergedConfig merged, Map<String, String> written, List<ConfigProblem> problems) {
    this.merged = merged;
    this.written = written;
    this.problems = problems;
  }

  /** A reader of one section. */
  Section at(Map<?, ?> map, String path, String sectionPath) {
    return new Section(map == null ? Map.of() : map, path, ConfigSchema.require(sectionPath));
  }

  void problem(String path, Object value, String constraint) {
    problems.add(new ConfigProblem(path, merged.originOf(path), shown(path, value), constraint));
  }

  /** What a problem may show of a value: the reference written, {@code ****} for secrets, else the value. */
  String shown(String path, Object value) {
    if (written.containsKey(path)) {
      return written.get(path);
    }
    if (value == null) {
      return "";
    }
    if (ConfigSchema.isSecretKey(path)) {
      return "****";
    }
    return value instanceof Map<?, ?> || value instanceof List<?> ? "" : String.valueOf(value);
  }

  /** One section's values. */
  final class Section {
    final Map<?, ?> map;
    final String path;
    final ConfigSchema.Section schema;

    Section(Map<?, ?> map, String path, ConfigSchema.Section schema) {
      this.map = map;
      this.path = path;
      this.schema = schema;
    }

    String pathOf(String name) {
      return ConfigTree.join(path, name);
    }

    boolean has(String name) {
      return map.get(name) != null;
    }

    Object raw(String name) {
      return map.get(name);
    }

    Map<?, ?> map(String name) {
      return map.get(name) instanceof Map<?, ?> m ? m : null;
    }

    private Key key(String name) {
      return schema.key(name).orElseThrow(() -> new IllegalStateException("no key " + schema.path() + "." + name));
    }

    @SuppressWarnings("unchecked")
    private <T> T dflt(Key k) {
      return (T) k.defaultValue().orElse(null);
    }

    private <T> T read(String name, Function<Object, Optional<T>> parse, String constraint) {
      Key k = key(name);
      Object v = map.get(name);
      if (v == null) {
        if (k.required()) {
          problem(pathOf(name), null, "is required");
        }
        return dflt(k);
      }
      Optional<T> t = parse.apply(v);
      if (t.isEmpty()) {
        problem(pathOf(name), v, constraint);
        return dflt(k);
      }
      return t.get();
    }

    Optional<String> string(String name) {
      return Optional.ofNullable(read(name, v -> v instanceof Map<?, ?> || v instanceof List<?> ? Optional.empty()
          : Optional.of(String.valueOf(v)), "must be a single value"));
    }

    String stringOr(String name, String fallback) {
      return string(name).orElse(fallback);
    }

    int integer(String name) {
      Key k = key(name);
      Object v = map.get(name);
      if (v == null) {
        if (k.required()) {
          problem(pathOf(name), null, "is required");
        }
        return k.defaultValue().map(d -> (Integer) d).orElse(0);
      }
      String t = String.valueOf(v).trim();
      if (v instanceof Double || !t.matches("-?\\d{1,18}")) {
        problem(pathOf(name), v, "must be a whole number");
        return k.defaultValue().map(d -> (Integer) d).orElse(0);
      }
      long value = Long.parseLong(t);
      if (value < k.min() || value > k.max()) {
        problem(pathOf(name), v, "must be between " + k.min() + " and " + k.max());
        return k.defaultValue().map(d -> (Integer) d).orElse(0);
      }
      return (int) value;
    }

    boolean bool(String name) {
      Boolean b = read(name, v -> switch (String.valueOf(v).trim()) {
        case "true" -> Optional.of(true);
        case "false" -> Optional.of(false);
        default -> Optional.empty();
      }, "must be true or false");
      return b != null && b;
    }

    Duration duration(String name) {
      return read(name, v -> v instanceof String s ? Durations.parse(s) : Optional.empty(),
          "must be a duration with a unit, such as 250ms, 5s, 2m, 1h, 7d or PT5S");
    }

    List<String> strings(String name) {
      List<String> l = read(name, v -> {
        if (v instanceof List<?> list) {
          List<String> out = new ArrayList<>();
          for (Object o : list) {
            if (o == null) {
              continue; // a reference that could not be resolved: reported already
            }
            if (o instanceof Map<?, ?> || o instanceof List<?>) {
              return Optional.empty();
            }
            out.add(String.valueOf(o));
          }
          return Optional.of(out);
        }
        return v instanceof Map<?, ?> ? Optional.empty() : Optional.of(List.of(String.valueOf(v)));
      }, "must be a list of single values");
      return l == null ? List.of() : List.copyOf(l);
    }

    String enumeration(String name) {
      Key k = key(name);
      return read(name, v -> k.allowed().contains(String.valueOf(v)) ? Optional.of(String.valueOf(v)) : Optional.empty(),
          "must be one of " + String.join(", ", k.allowed()) + Suggestions.hint(String.valueOf(map.get(name)), k.allowed()));
    }
  }
}
