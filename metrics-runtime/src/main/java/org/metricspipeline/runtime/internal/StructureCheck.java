package org.metricspipeline.runtime.internal;

import java.util.List;
import java.util.Map;
import org.metricspipeline.core.config.ConfigProblem;
import org.metricspipeline.runtime.MergedConfig;
import org.metricspipeline.runtime.internal.ConfigSchema.Key;
import org.metricspipeline.runtime.internal.ConfigSchema.Section;

/**
 * The first validation pass: every key is known in its section (else a problem naming the nearest
 * known key) and every section has the right shape (a map, a map of maps, a list of maps). Values
 * are checked later, after references are resolved.
 */
final class StructureCheck {
  private final MergedConfig merged;
  private final List<ConfigProblem> problems;

  StructureCheck(MergedConfig merged, List<ConfigProblem> problems) {
    this.merged = merged;
    this.problems = problems;
  }

  void run() {
    checkSection(merged.tree(), "", ConfigSchema.require(""));
  }

  private void checkSection(Map<?, ?> map, String path, Section section) {
    for (Map.Entry<?, ?> e : map.entrySet()) {
      String name = String.valueOf(e.getKey());
      String p = ConfigTree.join(path, name);
      Key key = section.key(name).orElse(null);
      if (key == null) {
        problems.add(new ConfigProblem(p, merged.originOf(p), "", "is not a known setting"
            + Suggestions.hint(name, section.names()) + "; known here: " + section.names()));
        continue;
      }
      Object v = e.getValue();
      String child = ConfigSchema.childSection(section.path(), key);
      switch (key.kind()) {
        case SECTION -> {
          if (v instanceof Map<?, ?> m) {
            checkSection(m, p, ConfigSchema.require(child));
          } else if (v != null) {
            problem(p, "must be a mapping of settings");
          }
        }
        case NAMED_SECTIONS -> {
          if (v instanceof Map<?, ?> m) {
            for (Map.Entry<?, ?> item : m.entrySet()) {
              String ip = p + "." + item.getKey();
              if (!String.valueOf(item.getKey()).matches("[A-Za-z0-9][A-Za-z0-9_-]{0,63}")) {
                problem(ip, "must be named with letters, digits, '_' and '-' (at most 64)");
              }
              if (item.getValue() instanceof Map<?, ?> im) {
                checkSection(im, ip, ConfigSchema.require(child));
              } else {
                problem(ip, "must be a mapping of settings");
              }
            }
          } else if (v != null) {
            problem(p, "must be a mapping of names to settings");
          }
        }
        case SECTION_LIST -> {
          if (v instanceof List<?> l) {
            for (int i = 0; i < l.size(); i++) {
              String ip = p + "[" + i + "]";
              if (l.get(i) instanceof Map<?, ?> im) {
                checkSection(im, ip, ConfigSchema.require(child));
              } else {
                problem(ip, "must be a mapping of settings");
              }
            }
          } else if (v != null) {
            problem(p, "must be a list");
          }
        }
        case OPTIONS -> {
          if (v != null && !(v instanceof Map<?, ?>)) {
            problem(p, "must be a mapping of option names to values");
          }
        }
        default -> { } // values: checked once resolved
      }
    }
  }

  private void problem(String path, String constraint) {
    problems.add(new ConfigProblem(path, merged.originOf(path), "", constraint));
  }
}
