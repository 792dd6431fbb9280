package org.metricspipeline.examples;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Assumptions;

/**
 * Debian's Chromium, headless, driven over the DevTools protocol with the JDK's own WebSocket client:
 * no WebDriver, no browser download, no extra dependency. One page; {@link #close()} ends the browser.
 *
 * <p>The binary is {@code $CHROMIUM} or {@code /usr/bin/chromium} ({@code scripts/chromium.sh}
 * installs it). When it is missing, {@link #launch} fails if {@code CI=true} and skips otherwise.
 */
final class HeadlessChromium implements AutoCloseable {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Duration CALL_TIMEOUT = Duration.ofSeconds(30);
  private static final Pattern LISTENING = Pattern.compile("DevTools listening on (ws://\\S+)");

  private final Process process;
  private final Path profile;
  private final WebSocket socket;
  private final AtomicInteger ids = new AtomicInteger();
  private final Map<Integer, CompletableFuture<JsonNode>> pending = new ConcurrentHashMap<>();
  private final List<Consumer<JsonNode>> listeners = new CopyOnWriteArrayList<>();

  private HeadlessChromium(Process process, Path profile, WebSocket socket) {
    this.process = process;
    this.profile = profile;
    this.socket = socket;
  }

  /** The Chromium binary, or a skip (failure when CI=true) saying how to install it. */
  static Path binary() {
    Path binary = Path.of(System.getenv().getOrDefault("CHROMIUM", "/usr/bin/chromium"));
    if (!Files.isExecutable(binary)) {
      String message = "Chromium not found at " + binary + ": run scripts/chromium.sh (installs Debian's "
          + "chromium) or set CHROMIUM to its path";
      if ("true".equals(System.getenv("CI"))) {
        throw new AssertionError(message + " (CI=true: browser tests may not be skipped)");
      }
      Assumptions.abort(message + " (skipped: CI is not \"true\")");
    }
    return binary;
  }

  /** Starts Chromium with a fresh profile under {@code workDir} and opens its one page. */
  static HeadlessChromium launch(Path workDir) throws IOException, InterruptedException {
    Path binary = binary();
    Files.createDirectories(workDir);
    Path profile = Files.createTempDirectory(workDir, "chromium-profile-");
    ProcessBuilder pb = new ProcessBuilder(binary.toString(), "--headless", "--no-sandbox", "--disable-gpu",
        "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update",
        "--disable-sync", "--disable-extensions", "--user-data-dir=" + profile, "--remote-debugging-port=0",
        "--remote-debugging-address=127.0.0.1", "--window-size=1280,2000", "about:blank");
    pb.environment().put("TZ", "UTC"); // the custom range inputs are local times: make them UTC
    pb.redirectErrorStream(true);
    Process process = pb.start();
    StringBuilder log = new StringBuilder();
    BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
    CompletableFuture<String> listening = CompletableFuture.supplyAsync(() -> {
      try {
        for (String line; (line = out.readLine()) != null; ) {
          log.append(line).append('\n');
          Matcher m = LISTENING.matcher(line);
          if (m.find()) {
            return m.group(1);
          }
        }
      } catch (IOException e) {
        throw new java.io.UncheckedIOException(e);
      }
      throw new IllegalStateException("Chromium exited before listening for DevTools:\n" + log);
    });
    String browserWs;
    try {
      browserWs = listening.get(CALL_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
    } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
      process.destroyForcibly();
      throw new IllegalStateException("Chromium did not start listening for DevTools within " + CALL_TIMEOUT
          + ":\n" + log, e);
    }
    Thread drain = new Thread(() -> {
      try {
        while (out.readLine() != null) {
          // keep the pipe flowing; Chromium's own log is not needed
        }
      } catch (IOException ignored) {
        // the browser ended
      }
    }, "metrics-test-chromium-log-1");
    drain.setDaemon(true);
    drain.start();
    URI base = URI.create(browserWs.replace("ws://", "http://"));
    HttpClient http = HttpClient.newHttpClient();
    JsonNode targets = JSON.readTree(http.send(HttpRequest.newBuilder(base.resolve("/json/list")).build(),
        HttpResponse.BodyHandlers.ofString()).body());
    String pageWs = null;
    for (JsonNode t : targets) {
      if (t.path("type").asText().equals("page")) {
        pageWs = t.path("webSocketDebuggerUrl").asText();
        break;
      }
    }
    if (pageWs == null) {
      process.destroyForcibly();
      throw new IllegalStateException("Chromium has no page target: " + targets);
    }
    CompletableFuture<HeadlessChromium> self = new CompletableFuture<>();
    WebSocket socket = http.newWebSocketBuilder().buildAsync(URI.create(pageWs), new WebSocket.Listener() {
      private final StringBuilder partial = new StringBuilder();

      @Override
      public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
        partial.append(data);
        if (last) {
          String text = partial.toString();
          partial.setLength(0);
          self.join().received(text);
        }
        ws.request(1);
        return null;
      }
    }).join();
    HeadlessChromium chromium = new HeadlessChromium(process, profile, socket);
    self.complete(chromium);
    return chromium;
  }

  private void received(String text) {
    try {
      JsonNode message = JSON.readTree(text);
      if (message.has("id")) {
        CompletableFuture<JsonNode> f = pending.remove(message.get("id").asInt());
        if (f != null) {
          if (message.has("error")) {
            f.completeExceptionally(new IllegalStateException("DevTools error: " + message.get("error")));
          } else {
            f.complete(message.path("result"));
          }
        }
      } else {
        listeners.forEach(l -> l.accept(message));
      }
    } catch (IOException e) {
      throw new IllegalStateException("unreadable DevTools message: " + text, e);
    }
  }

  /** Calls a DevTools method and waits for its result. */
  JsonNode call(String method, Map<String, ?> params) {
    int id = ids.incrementAndGet();
    ObjectNode message = JSON.createObjectNode();
    message.put("id", id);
    message.put("method", method);
    message.set("params", JSON.valueToTree(params));
    CompletableFuture<JsonNode> result = new CompletableFuture<>();
    pending.put(id, result);
    socket.sendText(message.toString(), true).join();
    return result.orTimeout(CALL_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS).join();
  }

  /** Receives every DevTools event (after the domain is enabled). */
  void onEvent(Consumer<JsonNode> listener) {
    listeners.add(listener);
  }

  /** Opens an address and waits until its load event. */
  void navigate(URI uri) {
    CompletableFuture<Void> loaded = new CompletableFuture<>();
    onEvent(e -> {
      if (e.path("method").asText().equals("Page.loadEventFired")) {
        loaded.complete(null);
      }
    });
    call("Page.enable", Map.of());
    JsonNode r = call("Page.navigate", Map.of("url", uri.toString()));
    if (r.has("errorText")) {
      throw new IllegalStateException("navigating to " + uri + " failed: " + r.get("errorText"));
    }
    loaded.orTimeout(CALL_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS).join();
  }

  /** Evaluates a JavaScript expression in the page; its value as JSON. */
  JsonNode evaluate(String expression) {
    JsonNode r = call("Runtime.evaluate", Map.of("expression", expression, "returnByValue", true,
        "awaitPromise", true));
    if (r.has("exceptionDetails")) {
      throw new IllegalStateException("script failed: " + r.get("exceptionDetails"));
    }
    return r.path("result").path("value");
  }

  /** Waits until a JavaScript expression is true; fails with {@code what} after {@code timeout}. */
  void awaitTrue(String expression, Duration timeout, String what) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!evaluate(expression).asBoolean(false)) {
      if (System.nanoTime() - deadline > 0) {
        throw new AssertionError("the page did not get there within " + timeout + ": " + what);
      }
      LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(50));
    }
  }

  /** Clicks the middle of the first element matching a CSS selector, as a user's mouse would. */
  void click(String selector) {
    JsonNode box = evaluate("(() => { const e = document.querySelector(" + JSON.valueToTree(selector)
        + "); if (!e) return null; e.scrollIntoView({block: 'center'}); const r = e.getBoundingClientRect();"
        + " return {x: r.x + r.width / 2, y: r.y + r.height / 2}; })()");
    if (box.isNull() || box.isMissingNode()) {
      throw new AssertionError("nothing on the page matches " + selector);
    }
    for (String type : List.of("mousePressed", "mouseReleased")) {
      call("Input.dispatchMouseEvent", Map.of("type", type, "x", box.get("x").asDouble(), "y",
          box.get("y").asDouble(), "button", "left", "clickCount", 1));
    }
  }

  /** Saves a PNG of the whole page. */
  void screenshot(Path file) throws IOException {
    JsonNode r = call("Page.captureScreenshot", Map.of("format", "png", "captureBeyondViewport", true));
    Files.createDirectories(file.getParent());
    Files.write(file, Base64.getDecoder().decode(r.get("data").asText()));
  }

  @Override
  public void close() {
    try {
      socket.sendClose(WebSocket.NORMAL_CLOSURE, "done").orTimeout(5, TimeUnit.SECONDS).exceptionally(t -> null).join();
    } finally {
      process.destroy();
      try {
        if (!process.waitFor(10, TimeUnit.SECONDS)) {
          process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      deleteQuietly(profile);
    }
  }

  private static void deleteQuietly(Path dir) {
    try (var walk = Files.walk(dir)) {
      List<Path> all = new ArrayList<>(walk.toList());
      Collections.reverse(all);
      for (Path p : all) {
        Files.deleteIfExists(p);
      }
    } catch (IOException | RuntimeException ignored) {
      // a profile left under target/ is harmless
    }
  }
}
