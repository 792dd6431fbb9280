package org.metricspipeline.adapters.http.internal;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.zip.GZIPInputStream;
import org.eclipse.jetty.http.HttpField;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.Fields;
import org.metricspipeline.adapters.http.JwtAuth;
import org.metricspipeline.core.http.EndpointKind;
import org.metricspipeline.core.http.EndpointRequest;
import org.metricspipeline.core.http.EndpointResponse;
import org.metricspipeline.core.http.EndpointRouter;
import org.metricspipeline.core.http.ErrorBody;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one Jetty handler: reads the body (bounded, gunzipped on ingestion endpoints), turns the
 * request into an {@link EndpointRequest}, dispatches it through the router and writes the answer.
 */
public final class EndpointHandler extends Handler.Abstract {

  private static final Logger LOG = LoggerFactory.getLogger(EndpointHandler.class);

  private final EndpointRouter router;
  private final int maxBodyBytes;
  private final Clock clock;
  private final BearerAuth auth;
  private final JwtAuth jwt;
  private final boolean authenticateHealth;
  private final RateLimiter limiter;
  private final RequestStats stats;
  private final IngestionRequests ingestRequests;

  /**
   * A handler over the router, refusing bodies over {@code maxBodyBytes} (after decompression too);
   * {@code auth}, {@code jwt} and {@code limiter} may be {@code null} for none; with both a request
   * passes with a static token or a valid JWT. Ingestion endpoints are answered through
   * {@code ingestRequests} (deadline, idempotency keys, shutdown).
   */
  public EndpointHandler(EndpointRouter router, int maxBodyBytes, Clock clock, BearerAuth auth, JwtAuth jwt,
      boolean authenticateHealth, RateLimiter limiter, RequestStats stats, IngestionRequests ingestRequests) {
    this.router = router;
    this.maxBodyBytes = maxBodyBytes;
    this.clock = clock;
    this.auth = auth;
    this.jwt = jwt;
    this.authenticateHealth = authenticateHealth;
    this.limiter = limiter;
    this.stats = stats;
    this.ingestRequests = ingestRequests;
  }

  @Override
  public boolean handle(Request request, Response response, Callback callback) {
    Timed timed = new Timed(request.getMethod(), System.nanoTime(), callback);
    return handle(request, response, timed, timed.pattern);
  }

  /**
   * The request's callback, recording the request once: when its answer is written (so a client
   * that got the answer sees it counted), or as a 500 when Jetty fails it first.
   */
  private final class Timed implements Callback {
    final String method;
    final long started;
    final Callback delegate;
    final String[] pattern = {RequestStats.UNMATCHED};
    final java.util.concurrent.atomic.AtomicBoolean recorded = new java.util.concurrent.atomic.AtomicBoolean();

    Timed(String method, long started, Callback delegate) {
      this.method = method;
      this.started = started;
      this.delegate = delegate;
    }

    void record(int status) {
      if (recorded.compareAndSet(false, true)) {
        stats.record(method, pattern[0], status, System.nanoTime() - started);
      }
    }

    @Override
    public void succeeded() {
      delegate.succeeded();
    }

    @Override
    public void failed(Throwable x) {
      record(500);
      delegate.failed(x);
    }
  }

  private boolean handle(Request request, Response response, Callback callback, String[] patternOut) {
    String method = request.getMethod().toUpperCase(Locale.ROOT);
    String path = request.getHttpURI().getDecodedPath();
    if (path == null || path.isEmpty()) {
      path = "/";
    }
    Map<String, String> headers = new LinkedHashMap<>();
    for (HttpField f : request.getHeaders()) {
      headers.merge(f.getName(), f.getValue() == null ? "" : f.getValue(), (a, b) -> a + ", " + b);
    }
    Map<String, List<String>> query = new LinkedHashMap<>();
    try {
      Fields fields = Request.extractQueryParameters(request);
      for (Fields.Field f : fields) {
        query.put(f.getName(), new ArrayList<>(f.getValues()));
      }
    } catch (RuntimeException e) {
      write(response, callback, ErrorBody.invalidField("", "the query string cannot be decoded", clock));
      return true;
    }
    String client = Optional.ofNullable(Request.getRemoteAddr(request)).orElse("");
    EndpointRequest bare = new EndpointRequest(method, path, Map.of(), query, headers, new byte[0], client);
    Optional<EndpointRouter.Match> match = router.match(method, path);
    if (match.isEmpty()) {
      writeUnread(request, response, callback, router.notMatched(bare));
      return true;
    }
    long declared = request.getLength();
    if (declared > maxBodyBytes) {
      writeUnread(request, response, callback, tooLarge());
      return true;
    }
    patternOut[0] = match.get().endpoint().pathPattern();
    EndpointKind kind = match.get().endpoint().kind();
    if (limiter != null) {
      Optional<java.time.Duration> wait = limiter.acquire(client, kind);
      if (wait.isPresent()) {
        stats.rejected(RequestStats.Rejection.RATE_LIMITED);
        writeUnread(request, response, callback, ErrorBody.retryLater(429, ErrorBody.RATE_LIMITED,
            "too many requests from " + client + " to " + kind.name().toLowerCase(Locale.ROOT) + " endpoints",
            wait.get(), clock));
        return true;
      }
    }
    if ((auth != null || jwt != null) && (kind != EndpointKind.HEALTH || authenticateHealth)) {
      Optional<EndpointResponse> refused = authenticate(bare.header("Authorization"), kind);
      if (refused.isPresent()) {
        stats.rejected(refused.get().status() == 403 ? RequestStats.Rejection.FORBIDDEN
            : RequestStats.Rejection.UNAUTHORIZED);
        writeUnread(request, response, callback, refused.get());
        return true;
      }
    }
    boolean ingestion = kind == EndpointKind.INGESTION;
    Content.Source.asByteArrayAsync(request, maxBodyBytes + 1).whenComplete((raw, failure) -> {
      if (failure != null) {
        LOG.debug("reading a request body failed", failure);
        write(response, callback, tooLarge());
        return;
      }
      if (raw.length > maxBodyBytes) {
        write(response, callback, tooLarge());
        return;
      }
      byte[] body = raw;
      String encoding = bare.header("Content-Encoding").orElse("identity").trim().toLowerCase(Locale.ROOT);
      if (!encoding.equals("identity") && !encoding.isEmpty()) {
        if (!ingestion || !(encoding.equals("gzip") || encoding.equals("snappy"))) {
          write(response, callback, ErrorBody.response(415, ErrorBody.UNSUPPORTED_MEDIA_TYPE,
              "Content-Encoding '" + encoding + "' is not supported here"
                  + (ingestion ? "; use gzip (or snappy for Prometheus remote write)" : ""),
              Map.of("content_encoding", encoding), clock));
          return;
        }
        try {
          // snappy: Prometheus remote write's block format, its declared length checked before allocating
          body = encoding.equals("gzip") ? gunzip(raw) : Snappy.decompress(raw, maxBodyBytes);
        } catch (TooLarge | Snappy.TooLargeException e) {
          write(response, callback, tooLarge());
          return;
        } catch (IOException e) {
          write(response, callback, ErrorBody.response(400, ErrorBody.UNSUPPORTED_MEDIA_TYPE,
              "the " + encoding + " body cannot be decompressed: " + e.getMessage(), Map.of(), clock));
          return;
        }
      }
      // built once with its body and path parameters, taking over the body array read for it
      EndpointRequest full = EndpointRequest.takingBody(bare.method(), bare.path(), match.get().pathParams(),
          bare.queryParams(), bare.headers(), body, bare.clientAddress());
      CompletableFuture<EndpointResponse> answer = ingestion
          ? ingestRequests.answer(full, () -> router.dispatch(match.get(), full))
          : router.dispatch(match.get(), full);
      answer.whenComplete((done, error) -> {
        EndpointResponse r = error == null ? done : ErrorBody.fromThrowable(error, clock);
        write(response, callback, r);
      });
    });
    return true;
  }

  private static final String REALM = "Bearer realm=\"metrics-pipeline\"";

  /**
   * Empty when the {@code Authorization} header carries an accepted static token or a JWT valid for
   * {@code kind}; else the 401 or 403 to answer (RFC 6750 challenge; the token is never echoed).
   */
  private Optional<EndpointResponse> authenticate(Optional<String> header, EndpointKind kind) {
    if (header.isEmpty()) {
      return Optional.of(ErrorBody.response(401, ErrorBody.UNAUTHORIZED, "a bearer token is required", Map.of(), clock)
          .withHeader("WWW-Authenticate", REALM));
    }
    if (auth != null && auth.accepts(header)) {
      return Optional.empty();
    }
    Optional<String> token = BearerAuth.token(header.get());
    Optional<JwtAuth.Rejection> rejection = jwt == null || token.isEmpty() ? Optional.empty()
        : jwt.check(token.get(), kind);
    if (jwt != null && token.isPresent() && rejection.isEmpty()) {
      return Optional.empty();
    }
    if (rejection.isPresent() && rejection.get().status() == 403) {
      JwtAuth.Rejection r = rejection.get();
      String scope = String.join(" ", r.requiredScopes());
      return Optional.of(ErrorBody.response(403, ErrorBody.FORBIDDEN, r.message(),
          Map.of("required_scopes", r.requiredScopes()), clock)
          .withHeader("WWW-Authenticate", REALM + ", error=\"insufficient_scope\", scope=\"" + scope + "\""));
    }
    String message = rejection.map(JwtAuth.Rejection::message).orElse("the bearer token is not accepted");
    return Optional.of(ErrorBody.response(401, ErrorBody.UNAUTHORIZED, message, Map.of(), clock)
        .withHeader("WWW-Authenticate", REALM + ", error=\"invalid_token\", error_description=\""
            + message.replace("\"", "'") + "\""));
  }

  /** The largest unread request body discarded to keep the connection usable after an early answer. */
  private static final long MAX_DISCARDED_BODY_BYTES = 16L << 20;

  private EndpointResponse tooLarge() {
    stats.rejected(RequestStats.Rejection.BODY_TOO_LARGE);
    return ErrorBody.response(413, ErrorBody.PAYLOAD_TOO_LARGE,
        "the request body is larger than " + maxBodyBytes + " bytes", Map.of("max_body_bytes", maxBodyBytes), clock);
  }

  private byte[] gunzip(byte[] raw) throws IOException {
    try (InputStream in = new GZIPInputStream(new ByteArrayInputStream(raw))) {
      byte[] buffer = new byte[Math.min(maxBodyBytes + 1, Math.max(8192, raw.length * 4))];
      int n = 0;
      while (true) {
        if (n == buffer.length) {
          if (buffer.length > maxBodyBytes) {
            throw new TooLarge();
          }
          buffer = java.util.Arrays.copyOf(buffer, (int) Math.min((long) maxBodyBytes + 1, buffer.length * 2L));
        }
        int read = in.read(buffer, n, buffer.length - n);
        if (read < 0) {
          break;
        }
        n += read;
        if (n > maxBodyBytes) {
          throw new TooLarge();
        }
      }
      return java.util.Arrays.copyOf(buffer, n);
    }
  }

  private static final class TooLarge extends IOException {
    private static final long serialVersionUID = 1L;

    TooLarge() {
      super("too large", null);
    }
  }

  /**
   * Answers a request whose body was not read. Closing a connection with unread request bytes makes
   * the kernel reset it, and a client still sending then loses the answer; so a body of known,
   * bounded length is read and discarded first, and anything else is answered with
   * {@code Connection: close}.
   */
  private static void writeUnread(Request request, Response response, Callback callback, EndpointResponse r) {
    long length = request.getLength();
    if (length == 0) {
      write(response, callback, r);
    } else if (length > 0 && length <= MAX_DISCARDED_BODY_BYTES) {
      Content.Source.consumeAll(request, Callback.from(
          () -> write(response, callback, r),
          failure -> write(response, callback, r.withHeader("Connection", "close"))));
    } else {
      write(response, callback, r.withHeader("Connection", "close"));
    }
  }

  private static void write(Response response, Callback callback, EndpointResponse r) {
    if (callback instanceof Timed timed) {
      timed.record(r.status());
    }
    response.setStatus(r.status());
    r.headers().forEach((k, v) -> response.getHeaders().put(k, v));
    byte[] body = r.body();
    response.getHeaders().put("Content-Length", Integer.toString(body.length));
    response.write(true, ByteBuffer.wrap(body), callback);
  }
}
