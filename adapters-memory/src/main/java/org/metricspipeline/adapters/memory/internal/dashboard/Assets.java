package org.metricspipeline.adapters.memory.internal.dashboard;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;
import java.util.Optional;

/** The static files of the dashboard pages, read once from the jar. */
public final class Assets {

  /**
   * One file.
   *
   * @param body its bytes
   * @param contentType its Content-Type
   * @param etag a strong entity tag of its content, quoted
   */
  public record Asset(byte[] body, String contentType, String etag) {

    /** The body as UTF-8 text. */
    public String text() {
      return new String(body, StandardCharsets.UTF_8);
    }
  }

  private static final Map<String, Asset> FILES = Map.of(
      "dashboard.css", load("dashboard.css", "text/css; charset=utf-8"),
      "dashboard.js", load("dashboard.js", "text/javascript; charset=utf-8"));

  private Assets() {}

  /** A file by name, for example {@code dashboard.js}. */
  public static Optional<Asset> get(String name) {
    return Optional.ofNullable(FILES.get(name));
  }

  /**
   * The version of a file, its entity tag without quotes: pages link {@code file?v=<version>}, so a
   * new jar's files get new addresses and a versioned address can be cached for good.
   */
  public static String version(String name) {
    String etag = FILES.get(name).etag();
    return etag.substring(1, etag.length() - 1);
  }

  /** The stylesheet (also inlined into the html export). */
  public static String css() {
    return FILES.get("dashboard.css").text();
  }

  private static Asset load(String name, String contentType) {
    try (InputStream in = Assets.class.getResourceAsStream(name)) {
      if (in == null) {
        throw new IllegalStateException("dashboard asset " + name + " is missing from the jar");
      }
      byte[] body = in.readAllBytes();
      byte[] hash = MessageDigest.getInstance("SHA-256").digest(body);
      return new Asset(body, contentType, "\"" + HexFormat.of().formatHex(hash, 0, 12) + "\"");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
