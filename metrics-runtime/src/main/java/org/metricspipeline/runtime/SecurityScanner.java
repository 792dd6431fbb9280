package org.metricspipeline.runtime;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.metricspipeline.core.config.SecretResolver;
import org.metricspipeline.runtime.internal.ConfigSchema;

/**
 * Checks a merged config and the files it names before deploy (seed 001's {@code SecurityScanner}):
 * authentication while bound beyond loopback, rate limits, secrets written in plain text instead of
 * references, secrets files readable by others, plain {@code http://} URLs to other hosts, default
 * or short tokens, TLS off for remote SQS, Kafka and ClickHouse endpoints. It reads the config as
 * written (references unresolved), so it never sees a secret value.
 *
 * <pre>{@code
 * SecurityReport report = SecurityScanner.create().scan(loader.merge());
 * if (report.hasHigh()) { ... }   // the metrics-pipeline command exits 3
 * }</pre>
 */
public final class SecurityScanner {

  /** Tokens shorter than this are a finding (the HTTP adapter refuses below 16). */
  public static final int MIN_TOKEN_LENGTH = 32;

  private static final Set<String> DEFAULT_TOKENS = Set.of("changeme", "change-me", "secret", "password", "token",
      "admin", "default", "test", "example", "your-token-here", "changeme-changeme-changeme");

  private SecurityScanner() {}

  /** A scanner with every check. */
  public static SecurityScanner create() {
    return new SecurityScanner();
  }

  /** Every finding of {@code config}, most severe first. */
  public SecurityReport scan(MergedConfig config) {
    List<SecurityFinding> out = new ArrayList<>();
    Map<String, Object> tree = config.tree();
    Map<?, ?> http = map(tree.get("http"));
    boolean httpOn = !"false".equals(String.valueOf(http.get("enabled")));
    if (httpOn) {
      httpChecks(http, out);
    }
    walk(tree, "", out);
    secretsFiles(config, out);
    out.sort(Comparator.comparing(SecurityFinding::severity).reversed().thenComparing(SecurityFinding::path));
    return new SecurityReport(out);
  }

  private static void httpChecks(Map<?, ?> http, List<SecurityFinding> out) {
    String bind = String.valueOf(http.get("bind_address") == null ? "127.0.0.1" : http.get("bind_address"));
    boolean tokens = http.get("bearer_tokens") instanceof List<?> l && !l.isEmpty()
        || http.get("bearer_tokens") instanceof String;
    boolean jwt = map(map(http.get("auth")).get("jwt")).size() > 0;
    if (!isLoopback(bind) && !tokens && !jwt) {
      out.add(new SecurityFinding(Severity.HIGH, "no-auth", "http.bind_address",
          "the server listens on " + bind + " (beyond loopback) and accepts every caller",
          "set http.bearer_tokens to ${secret:..} references or configure http.auth.jwt, or bind to 127.0.0.1"));
    }
    if ("false".equals(String.valueOf(map(http.get("rate_limits")).get("enabled")))) {
      out.add(new SecurityFinding(isLoopback(bind) ? Severity.LOW : Severity.MEDIUM, "rate-limits-off",
          "http.rate_limits.enabled", "rate limits are off: one client can exhaust the server",
          "remove http.rate_limits.enabled: false (seed 001's limits are on by default), or limit in a proxy in front"));
    }
  }

  /** Per-value checks: plain-text secrets, weak tokens, plain http URLs, TLS off. */
  private static void walk(Object node, String path, List<SecurityFinding> out) {
    if (node instanceof Map<?, ?> m) {
      if (path.endsWith("options") || path.endsWith("storage") || path.matches(".*channels\\[\\d+]")) {
        endpointChecks(m, path, out);
      }
      m.forEach((k, v) -> walk(v, path.isEmpty() ? String.valueOf(k) : path + "." + k, out));
      return;
    }
    if (node instanceof List<?> l) {
      for (int i = 0; i < l.size(); i++) {
        walk(l.get(i), path + "[" + i + "]", out);
      }
      return;
    }
    if (!(node instanceof String value) || value.isEmpty()) {
      return;
    }
    boolean reference = ConfigSchema.isReference(value);
    if (ConfigSchema.isSecretKey(path) && !reference && !path.startsWith("secrets.")) {
      out.add(new SecurityFinding(Severity.HIGH, "plaintext-secret", path,
          "a secret is written in plain text in the config",
          "replace it with a reference such as ${secret:" + leaf(path) + "} and put the value in the secret backend"));
    } else if (path.equals("secrets.vault.token") && !reference) {
      out.add(new SecurityFinding(Severity.HIGH, "plaintext-secret", path, "the Vault token is written in plain text",
          "use ${env:VAULT_TOKEN}"));
    }
    if (isTokenPath(path) && !reference) {
      String lower = value.toLowerCase(Locale.ROOT);
      if (DEFAULT_TOKENS.contains(lower) || lower.contains("changeme") || lower.contains("example")) {
        out.add(new SecurityFinding(Severity.HIGH, "default-token", path, "a default or example token is configured",
            "generate a random token (for example openssl rand -hex 32) and reference it with ${secret:..}"));
      } else if (value.length() < MIN_TOKEN_LENGTH) {
        out.add(new SecurityFinding(Severity.MEDIUM, "short-token", path, "the token has " + value.length()
            + " characters, fewer than " + MIN_TOKEN_LENGTH, "use at least " + MIN_TOKEN_LENGTH + " random characters"));
      }
    }
    if (!reference && (leaf(path).contains("webhook") || path.equals("visualization.options.url"))
        && value.startsWith("http://") && !isLoopback(host(value))) {
      out.add(new SecurityFinding(Severity.HIGH, "plain-http-url", path, "the URL sends data in clear text to "
          + host(value), "use https://"));
    }
  }

  private static void endpointChecks(Map<?, ?> options, String path, List<SecurityFinding> out) {
    Object endpoint = options.get("endpoint");
    if (endpoint instanceof String e && e.startsWith("http://") && !isLoopback(host(e))) {
      out.add(new SecurityFinding(Severity.HIGH, "tls-off", path + ".endpoint", "the SQS endpoint " + host(e)
          + " is reached without TLS", "use an https:// endpoint"));
    }
    Object url = options.get("url");
    if (url instanceof String u && (u.startsWith("http://") || u.startsWith("jdbc:clickhouse:http:"))
        && !isLoopback(host(u.replace("jdbc:clickhouse:", ""))) && !path.startsWith("visualization")) {
      out.add(new SecurityFinding(Severity.HIGH, "tls-off", path + ".url", "the store at " + host(u)
          + " is reached without TLS", "use an https:// URL (ClickHouse's HTTPS port, 8443 by default)"));
    }
    Object servers = options.get("bootstrap-servers");
    if (servers instanceof String s) {
      Object protocol = options.get("kafka.security.protocol");
      boolean tls = protocol != null && String.valueOf(protocol).toUpperCase(Locale.ROOT).contains("SSL");
      boolean remote = false;
      for (String server : s.split(",")) {
        String h = server.trim().replaceFirst(":\\d+$", "");
        remote |= !isLoopback(h);
      }
      if (remote && !tls) {
        out.add(new SecurityFinding(Severity.HIGH, "tls-off", path + ".bootstrap-servers", "the Kafka brokers "
            + s + " are reached without TLS", "set kafka.security.protocol: SSL (or SASL_SSL) in the options"));
      }
    }
  }

  private static void secretsFiles(MergedConfig config, List<SecurityFinding> out) {
    Map<?, ?> secrets = map(config.tree().get("secrets"));
    List<String[]> files = new ArrayList<>();
    if (secrets.get("file") instanceof String f) {
      files.add(new String[] {"secrets.file", f});
    }
    if (map(config.tree().get("guard")).get("secrets_file") instanceof String f) {
      files.add(new String[] {"guard.secrets_file", f});
    }
    for (String[] f : files) {
      Path p = config.configDir().resolve(f[1]);
      try {
        if (SecretResolver.readableByOthers(p)) {
          out.add(new SecurityFinding(Severity.HIGH, "secrets-file-readable", f[0], "the secrets file " + p
              + " may be read by group or others", "chmod 600 " + p));
        }
      } catch (IOException e) {
        // a missing file is the loader's problem
      }
    }
  }

  private static boolean isTokenPath(String path) {
    String leaf = leaf(path);
    return leaf.startsWith("bearer_tokens") || leaf.startsWith("bearer-tokens") || leaf.equals("token")
        || leaf.equals("hmac_secret") || leaf.equals("api-key");
  }

  private static String leaf(String path) {
    return path.substring(path.lastIndexOf('.') + 1);
  }

  private static Map<?, ?> map(Object o) {
    return o instanceof Map<?, ?> m ? m : Map.of();
  }

  private static String host(String url) {
    try {
      String h = URI.create(url.trim()).getHost();
      return h == null ? "" : h;
    } catch (IllegalArgumentException e) {
      return "";
    }
  }

  /** Whether a host or bind address is this machine only. */
  static boolean isLoopback(String host) {
    String h = host.trim().toLowerCase(Locale.ROOT);
    if (h.startsWith("[") && h.endsWith("]")) {
      h = h.substring(1, h.length() - 1);
    }
    return h.equals("localhost") || h.startsWith("127.") || h.equals("::1") || h.equals("0:0:0:0:0:0:0:1");
  }
}
