package org.metricspipeline.core.config;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Replaces {@code ${secret:KEY}} (through a {@link SecretResolver}) and {@code ${env:NAME}} (an
 * environment variable) inside configuration values. A resolved value may itself hold references;
 * they are resolved too, up to {@link Builder#maxDepth(int)} levels, and a reference that comes back
 * to itself is reported as a cycle. Errors name the field and the reference, never a value.
 *
 * <pre>{@code
 * References refs = References.builder().secrets(SecretResolver.file(secretsFile)).build();
 * String url = refs.resolve("alerts.webhook_url", "${secret:slack_webhook}");
 * }</pre>
 */
public final class References {

  /** Nesting levels followed before resolution stops with an error. */
  public static final int DEFAULT_MAX_DEPTH = 8;

  /** A reference: {@code ${env:NAME}} or {@code ${secret:KEY}}. */
  private static final Pattern REFERENCE = Pattern.compile("\\$\\{(env|secret):([A-Za-z0-9_.#/-]+)}");

  private final SecretResolver secrets;
  private final Map<String, String> environment;
  private final int maxDepth;

  private References(Builder b) {
    this.environment = b.environment;
    this.secrets = b.secrets == null ? SecretResolver.environment(environment) : b.secrets;
    this.maxDepth = b.maxDepth;
  }

  /** A builder. */
  public static Builder builder() {
    return new Builder();
  }

  /** Whether {@code value} holds at least one reference. */
  public static boolean containsReference(String value) {
    return value != null && REFERENCE.matcher(value).find();
  }

  /** The references written in {@code value}, in order (for example {@code ${secret:db_password}}). */
  public static List<String> referencesIn(String value) {
    List<String> out = new ArrayList<>();
    Matcher m = REFERENCE.matcher(value);
    while (m.find()) {
      out.add(m.group());
    }
    return out;
  }

  /** The secret backend references are resolved through. */
  public SecretResolver secrets() {
    return secrets;
  }

  /**
   * {@code value} with every reference replaced by what it resolves to.
   *
   * @param field the field path the value belongs to, named in errors
   * @throws SecretException naming the field and the reference when one cannot be resolved
   */
  public String resolve(String field, String value) {
    Objects.requireNonNull(field, "field");
    Objects.requireNonNull(value, "value");
    return resolve(field, value, new ArrayDeque<>());
  }

  private String resolve(String field, String value, Deque<String> chain) {
    Matcher m = REFERENCE.matcher(value);
    if (!m.find()) {
      return value;
    }
    m.reset();
    StringBuilder out = new StringBuilder();
    while (m.find()) {
      String reference = m.group();
      if (chain.contains(reference)) {
        throw new SecretException(field + ": references form a cycle: " + String.join(" -> ", chain) + " -> " + reference);
      }
      if (chain.size() >= maxDepth) {
        throw new SecretException(field + ": references nest deeper than " + maxDepth + " levels at " + reference);
      }
      String name = m.group(2);
      Optional<String> found;
      if (m.group(1).equals("env")) {
        found = Optional.ofNullable(environment.get(name));
        if (found.isEmpty()) {
          throw new SecretException(field + ": " + reference + " names environment variable " + name + ", which is not set");
        }
      } else {
        try {
          found = secrets.lookup(name);
        } catch (SecretException e) {
          throw new SecretException(field + ": " + reference + ": " + e.getMessage(), e);
        }
        if (found.isEmpty()) {
          throw new SecretException(field + ": " + reference + " names secret " + name + ", which the " + secrets.backend()
              + " secret backend lacks");
        }
      }
      chain.addLast(reference);
      String resolved = resolve(field, found.get(), chain);
      chain.removeLast();
      m.appendReplacement(out, Matcher.quoteReplacement(resolved));
    }
    m.appendTail(out);
    return out.toString();
  }

  /** Builds {@link References}. */
  public static final class Builder {
    private SecretResolver secrets;
    private Map<String, String> environment = System.getenv();
    private int maxDepth = DEFAULT_MAX_DEPTH;

    private Builder() {}

    /** Where {@code ${secret:KEY}} is looked up [the environment, as {@link SecretResolver#environment(Map)}]. */
    public Builder secrets(SecretResolver secrets) {
      this.secrets = Objects.requireNonNull(secrets, "secrets");
      return this;
    }

    /** Where {@code ${env:NAME}} is looked up [{@link System#getenv()}]. */
    public Builder environment(Map<String, String> environment) {
      this.environment = Map.copyOf(Objects.requireNonNull(environment, "environment"));
      return this;
    }

    /** How many levels of references inside resolved values are followed, 1 to 64 [{@value References#DEFAULT_MAX_DEPTH}]. */
    public Builder maxDepth(int maxDepth) {
      if (maxDepth < 1 || maxDepth > 64) {
        throw new IllegalArgumentException("maxDepth must be between 1 and 64, got " + maxDepth);
      }
      this.maxDepth = maxDepth;
      return this;
    }

    /** The resolver. */
    public References build() {
      return new References(this);
    }
  }
}
