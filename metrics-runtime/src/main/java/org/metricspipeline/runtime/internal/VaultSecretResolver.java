package org.metricspipeline.runtime.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.metricspipeline.api.HealthCheckResult;
import org.metricspipeline.core.config.SecretException;
import org.metricspipeline.core.config.SecretResolver;

/**
 * The {@code vault} backend: HashiCorp Vault's KV version 2 engine over its HTTP API, with the JDK's
 * HTTP client. {@code ${secret:KEY}} reads field KEY of the configured path; {@code ${secret:a/b#KEY}}
 * field KEY of path {@code a/b}. Each path is read once per resolver (a config load) and kept.
 *
 * <p>The API, as documented at https://developer.hashicorp.com/vault/api-docs/secret/kv/kv-v2 ("Read
 * secret version"): {@code GET /v1/:secret-mount-path/data/:path} with the token in
 * {@code X-Vault-Token}; a 200 answers {@code {"data": {"data": {field: value, ..}, "metadata":
 * {"created_time", "custom_metadata", "deletion_time", "destroyed", "version"}}}}; a path with no
 * secret (or only a deleted or destroyed version) answers 404, a token without access 403, both with
 * {@code {"errors": [..]}}. Health: {@code GET /v1/sys/health} (200 active, 429 standby, 503 sealed,
 * 501 not initialized) then {@code GET /v1/auth/token/lookup-self} to check the token.
 */
public final class VaultSecretResolver implements SecretResolver {

  private static final ObjectMapper JSON = new ObjectMapper();

  private final URI url;
  private final String token;
  private final String mount;
  private final String path;
  private final Optional<String> namespace;
  private final Duration timeout;
  private final HttpClient client;
  private final Map<String, Optional<Map<String, String>>> cache = new ConcurrentHashMap<>();

  /**
   * A resolver for the Vault at {@code url}.
   *
   * @param url the Vault address (scheme, host, port)
   * @param token sent as {@code X-Vault-Token}
   * @param mount the KV v2 mount, for example {@code secret}
   * @param path the secret path plain keys are read from
   * @param namespace sent as {@code X-Vault-Namespace} when present
   * @param timeout connect and request timeout
   */
  public VaultSecretResolver(URI url, String token, String mount, String path, Optional<String> namespace,
      Duration timeout) {
    this.url = Objects.requireNonNull(url, "url");
    this.token = Objects.requireNonNull(token, "token");
    this.mount = trimSlashes(Objects.requireNonNull(mount, "mount"));
    this.path = trimSlashes(Objects.requireNonNull(path, "path"));
    this.namespace = Objects.requireNonNull(namespace, "namespace");
    this.timeout = Objects.requireNonNull(timeout, "timeout");
    this.client = HttpClient.newBuilder().connectTimeout(timeout).followRedirects(HttpClient.Redirect.NEVER).build();
  }

  @Override
  public Optional<String> lookup(String key) {
    Objects.requireNonNull(key, "key");
    int hash = key.lastIndexOf('#');
    String secretPath = hash >= 0 ? trimSlashes(key.substring(0, hash)) : path;
    String field = hash >= 0 ? key.substring(hash + 1) : key;
    return cache.computeIfAbsent(secretPath, this::read).map(m -> m.get(field));
  }

  @Override
  public String backend() {
    return "vault";
  }

  @Override
  public HealthCheckResult health() {
    try {
      HttpResponse<String> h = get("/v1/sys/health", false);
      if (h.statusCode() != 200 && h.statusCode() != 429 && h.statusCode() != 473) {
        return HealthCheckResult.unhealthy("vault at " + url + " is not serving: sys/health answered "
            + h.statusCode() + (h.statusCode() == 503 ? " (sealed)" : h.statusCode() == 501 ? " (not initialized)" : ""));
      }
      HttpResponse<String> self = get("/v1/auth/token/lookup-self", true);
      if (self.statusCode() == 403) {
        return HealthCheckResult.unhealthy("vault at " + url + " refused the token (403)");
      }
      if (self.statusCode() != 200) {
        return HealthCheckResult.unhealthy("vault at " + url + " answered " + self.statusCode() + " to the token lookup");
      }
      return HealthCheckResult.healthy(Map.of("backend", "vault", "url", url.toString(), "mount", mount));
    } catch (SecretException e) {
      return HealthCheckResult.unhealthy(e.getMessage());
    }
  }

  private Optional<Map<String, String>> read(String secretPath) {
    HttpResponse<String> r = get("/v1/" + encodePath(mount) + "/data/" + encodePath(secretPath), true);
    switch (r.statusCode()) {
      case 200 -> {
        return Optional.of(fields(secretPath, r.body()));
      }
      case 404 -> {
        return Optional.empty();
      }
      case 403 -> throw new SecretException("vault at " + url + " refused the token for " + mount + "/" + secretPath
          + " (403 permission denied)");
      default -> throw new SecretException("vault at " + url + " answered " + r.statusCode() + " reading " + mount + "/"
          + secretPath);
    }
  }

  private Map<String, String> fields(String secretPath, String body) {
    JsonNode data;
    try {
      data = JSON.readTree(body).path("data").path("data");
    } catch (IOException e) {
      throw new SecretException("vault at " + url + " answered " + mount + "/" + secretPath + " with a body that is not JSON");
    }
    if (!data.isObject()) {
      // a soft-deleted latest version answers data.data = null
      return Map.of();
    }
    Map<String, String> out = new LinkedHashMap<>();
    for (Iterator<Map.Entry<String, JsonNode>> it = data.fields(); it.hasNext();) {
      Map.Entry<String, JsonNode> e = it.next();
      out.put(e.getKey(), e.getValue().isValueNode() ? e.getValue().asText() : e.getValue().toString());
    }
    return out;
  }

  private HttpResponse<String> get(String requestPath, boolean withToken) {
    HttpRequest.Builder b = HttpRequest.newBuilder(url.resolve(requestPath)).timeout(timeout).GET();
    if (withToken) {
      b.header("X-Vault-Token", token);
    }
    namespace.ifPresent(n -> b.header("X-Vault-Namespace", n));
    try {
      return client.send(b.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new SecretException("vault at " + url + " cannot be reached (" + e.getClass().getSimpleName() + ")");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new SecretException("interrupted while reading from vault at " + url);
    }
  }

  private static String encodePath(String p) {
    StringBuilder out = new StringBuilder();
    for (String segment : p.split("/")) {
      if (out.length() > 0) {
        out.append('/');
      }
      out.append(URLEncoder.encode(segment, StandardCharsets.UTF_8).replace("+", "%20"));
    }
    return out.toString();
  }

  private static String trimSlashes(String s) {
    String t = s;
    while (t.startsWith("/")) {
      t = t.substring(1);
    }
    while (t.endsWith("/")) {
      t = t.substring(0, t.length() - 1);
    }
    return t;
  }

  @Override
  public String toString() {
    return "SecretResolver{backend=vault, url=" + url + ", mount=" + mount + ", path=" + path + "}";
  }
}
