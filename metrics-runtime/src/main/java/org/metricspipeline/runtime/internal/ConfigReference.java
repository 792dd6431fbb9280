package org.metricspipeline.runtime.internal;

import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.metricspipeline.runtime.internal.ConfigSchema.Key;
import org.metricspipeline.runtime.internal.ConfigSchema.Section;
import org.metricspipeline.runtime.internal.ProviderOptions.AdapterKind;

/** The reference tables of {@code docs/runtime-config.md}, generated from {@link ConfigSchema} and {@link ProviderOptions}. */
public final class ConfigReference {

  /** Marks where the generated part of the document starts. */
  public static final String BEGIN = "<!-- generated from ConfigSchema: do not edit by hand -->";
  /** Marks where it ends. */
  public static final String END = "<!-- end of generated part -->";

  private ConfigReference() {}

  /** The tables: one per section, then the provider options. */
  public static String markdown() {
    StringBuilder out = new StringBuilder();
    for (Section s : ConfigSchema.sections()) {
      out.append("### `").append(s.path().isEmpty() ? "(top level)" : s.path()).append("`\n\n");
      out.append(s.meaning()).append("\n\n");
      out.append("| key | type | default | meaning |\n|---|---|---|---|\n");
      for (Key k : s.keys()) {
        out.append("| `").append(k.name()).append("` | ").append(k.typeText()).append(" | ").append(k.defaultText())
            .append(" | ").append(k.meaning()).append(" |\n");
      }
      out.append('\n');
    }
    out.append("### `guard`\n\n");
    out.append("The guard's own format, read by its `ConfigManager` (types, defaults and meanings: docs/guard.md)."
        + " Its `" + GuardSection.REFUSED + "` keys (the standalone guard's server) are refused: the `http` section's"
        + " server serves the guard's endpoints.\n\n");
    out.append("| key |\n|---|\n");
    for (String k : org.metricspipeline.guard.ConfigManager.knownSettings()) {
      if (!k.equals(GuardSection.REFUSED) && !k.startsWith(GuardSection.REFUSED + ".")) {
        out.append("| `").append(k).append("` |\n");
      }
    }
    out.append('\n');
    out.append("### Provider options\n\n");
    out.append("The `options` of a channel, storage, visualization or sink, checked when the config is loaded"
        + " (values as text; a list becomes comma-separated; meanings and defaults: docs/configuration.md).\n\n");
    out.append("| kind | provider | option keys |\n|---|---|---|\n");
    for (AdapterKind kind : AdapterKind.values()) {
      for (Map.Entry<String, Set<String>> e : ProviderOptions.builtIn(kind).entrySet()) {
        Set<String> keys = new TreeSet<>(e.getValue());
        String text = keys.isEmpty() ? "none" : "`" + String.join("`, `", keys) + "`";
        if (kind == AdapterKind.INGESTION && e.getKey().equals("kafka")) {
          text += ", and any `kafka.*` client property";
        }
        out.append("| ").append(kind.name().toLowerCase(java.util.Locale.ROOT).replace('_', ' ')).append(" | `")
            .append(e.getKey()).append("` | ").append(text).append(" |\n");
      }
    }
    return out.toString();
  }
}
