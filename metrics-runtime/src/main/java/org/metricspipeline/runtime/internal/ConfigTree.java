package org.metricspipeline.runtime.internal;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import org.metricspipeline.core.config.ConfigProblem;

/**
 * A merged config tree (maps, lists, scalars) and where each node came from. Files merge over it
 * in order: maps merge key by key, lists and scalars replace what was there. Environment variables
 * {@code METRICS_PIPELINE__A__B=value} set {@code a.b} last.
 */
public final class ConfigTree {

  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory())
      .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);

  private final Map<String, Object> root = new LinkedHashMap<>();
  private final Map<String, String> origins = new LinkedHashMap<>();
  private final Map<String, Integer> lines = new LinkedHashMap<>();
  private final List<ConfigProblem> problems = new ArrayList<>();

  /** The merged tree (mutable, owned by this object). */
  public Map<String, Object> root() {
    return root;
  }

  /** Field path to the file or variable its value came from. */
  public Map<String, String> origins() {
    return origins;
  }

  /** Field path to the line of its origin file that declares it (none for environment overrides). */
  public Map<String, Integer> lines() {
    return lines;
  }

  /** Problems found while reading (missing files, bad YAML). */
  public List<ConfigProblem> problems() {
    return problems;
  }

  /** Reads {@code file} and merges it over the tree; a problem (not an exception) when it cannot. */
  public void mergeFile(Path file) {
    String source = file.toString();
    Object parsed;
    Map<String, Integer> fileLines = new HashMap<>();
    try {
      String text = Files.readString(file, StandardCharsets.UTF_8);
      parsed = YAML.readValue(text, Object.class);
      lineNumbers(text, fileLines);
    } catch (JsonProcessingException e) {
      String where = e.getLocation() == null ? "" : " at line " + e.getLocation().getLineNr() + ", column "
          + e.getLocation().getColumnNr();
      // the parser's message may quote a secret; its own first line names the problem only
      String what = e.getOriginalMessage() == null ? "" : e.getOriginalMessage().lines().findFirst().orElse("");
      problems.add(new ConfigProblem("", source, "", "must be valid YAML" + where + ": " + what));
      return;
    } catch (IOException e) {
      problems.add(new ConfigProblem("", source, "", "cannot be read: " + e.getClass().getSimpleName()));
      return;
    }
    if (parsed == null) {
      return; // an empty file changes nothing
    }
    if (!(parsed instanceof Map<?, ?> map)) {
      problems.add(new ConfigProblem("", source, "", "must be a mapping of settings"));
      return;
    }
    mergeMap(root, map, "", source);
    fileLines.forEach((path, line) -> {
      if (source.equals(origins.get(path))) {
        lines.put(path, line);
      }
    });
  }

  /** Records the line of every field and list item of a YAML document, by field path. */
  private static void lineNumbers(String text, Map<String, Integer> out) throws IOException {
    try (JsonParser p = YAML.getFactory().createParser(text)) {
      if (p.nextToken() != null) {
        walk(p, "", out);
      }
    }
  }

  private static void walk(JsonParser p, String path, Map<String, Integer> out) throws IOException {
    if (p.currentToken() == JsonToken.START_OBJECT) {
      while (p.nextToken() == JsonToken.FIELD_NAME) {
        String child = join(path, p.currentName());
        out.put(child, p.getTokenLocation().getLineNr());
        p.nextToken();
        walk(p, child, out);
      }
    } else if (p.currentToken() == JsonToken.START_ARRAY) {
      int i = 0;
      while (p.nextToken() != JsonToken.END_ARRAY) {
        String child = path + "[" + i++ + "]";
        out.put(child, p.getTokenLocation().getLineNr());
        walk(p, child, out);
      }
    }
  }

  @SuppressWarnings("unchecked")
  private void mergeMap(Map<String, Object> into, Map<?, ?> from, String path, String source) {
    for (Map.Entry<?, ?> e : from.entrySet()) {
      String key = String.valueOf(e.getKey());
      String p = join(path, key);
      Object incoming = e.getValue();
      Object existing = into.get(key);
      if (existing instanceof Map<?, ?> && incoming instanceof Map<?, ?> m) {
        origins.put(p, source);
        mergeMap((Map<String, Object>) existing, m, p, source);
      } else {
        removeOrigins(p);
        into.put(key, copy(incoming, p, source));
      }
    }
  }

  private Object copy(Object v, String path, String source) {
    origins.put(path, source);
    if (v instanceof Map<?, ?> m) {
      Map<String, Object> out = new LinkedHashMap<>();
      m.forEach((k, val) -> out.put(String.valueOf(k), copy(val, join(path, String.valueOf(k)), source)));
      return out;
    }
    if (v instanceof List<?> l) {
      List<Object> out = new ArrayList<>();
      for (int i = 0; i < l.size(); i++) {
        out.add(copy(l.get(i), path + "[" + i + "]", source));
      }
      return out;
    }
    return v;
  }

  private void removeOrigins(String path) {
    origins.keySet().removeIf(k -> k.equals(path) || k.startsWith(path + ".") || k.startsWith(path + "["));
    lines.keySet().removeIf(k -> k.equals(path) || k.startsWith(path + ".") || k.startsWith(path + "["));
  }

  /**
   * Applies {@code METRICS_PIPELINE__SEGMENT__SEGMENT=value} overrides, in name order: segments are
   * lower-cased and joined by dots; a number selects a list item; inside {@code options} a
   * {@code _} becomes {@code -} (provider options are kebab-case). Values are read as YAML scalars
   * ({@code 8080} a number, {@code true} a boolean, {@code [a, b]} a list).
   */
  @SuppressWarnings("unchecked")
  public void applyEnvironment(Map<String, String> variables, String prefix) {
    for (Map.Entry<String, String> e : new TreeMap<>(variables).entrySet()) {
      if (!e.getKey().startsWith(prefix) || e.getKey().length() == prefix.length()) {
        continue;
      }
      String source = "environment variable " + e.getKey();
      String[] segments = e.getKey().substring(prefix.length()).split("__");
      Object node = root;
      String path = "";
      boolean inOptions = false;
      for (int i = 0; i < segments.length; i++) {
        String seg = segments[i].toLowerCase(Locale.ROOT);
        if (inOptions) {
          seg = seg.replace('_', '-');
        }
        if (seg.isEmpty()) {
          problems.add(new ConfigProblem(path, source, "", "has an empty path segment (use __ only between names)"));
          node = null;
          break;
        }
        boolean last = i == segments.length - 1;
        if (node instanceof List<?> list) {
          int index = seg.matches("\\d{1,6}") ? Integer.parseInt(seg) : -1;
          String p = path + "[" + seg + "]";
          if (index < 0 || index >= list.size()) {
            problems.add(new ConfigProblem(p, source, "", "selects no item: " + path + " has " + list.size()
                + " item(s), numbered from 0"));
            node = null;
            break;
          }
          path = p;
          if (last) {
            removeOrigins(path);
            ((List<Object>) list).set(index, copy(scalar(e.getValue()), path, source));
          } else {
            node = list.get(index);
          }
        } else if (node instanceof Map<?, ?> map) {
          path = join(path, seg);
          Map<String, Object> m = (Map<String, Object>) map;
          if (last) {
            removeOrigins(path);
            m.put(seg, copy(scalar(e.getValue()), path, source));
          } else {
            Object child = m.get(seg);
            if (!(child instanceof Map<?, ?>) && !(child instanceof List<?>)) {
              child = new LinkedHashMap<String, Object>();
              removeOrigins(path);
              m.put(seg, child);
              origins.put(path, source);
            }
            node = child;
          }
          inOptions = seg.equals("options");
        } else {
          problems.add(new ConfigProblem(path, source, "", "is a single value, so " + e.getKey() + " cannot set a key inside it"));
          break;
        }
      }
    }
  }

  private static Object scalar(String text) {
    String t = text.trim();
    if (t.startsWith("[")) {
      try {
        Object v = YAML.readValue(t, Object.class);
        if (v instanceof List<?>) {
          return v;
        }
      } catch (IOException e) {
        // not a list: the text as it is
      }
      return text;
    }
    if (t.equals("true") || t.equals("false")) {
      return Boolean.valueOf(t);
    }
    if (t.matches("-?\\d{1,18}")) {
      return Long.valueOf(t);
    }
    return text;
  }

  static String join(String path, String key) {
    return path.isEmpty() ? key : path + "." + key;
  }
}
