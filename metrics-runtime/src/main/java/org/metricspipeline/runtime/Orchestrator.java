package org.metricspipeline.runtime;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.metricspipeline.core.http.EndpointKind;
import org.metricspipeline.core.http.EndpointResponse;
import org.metricspipeline.core.http.HttpEndpoint;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Starts {@link Part}s in dependency order, stops them in reverse, and reports their status (seed
 * 001's orchestrator: {@code start}, {@code stop}, {@code get_orchestrator_status}).
 *
 * <pre>{@code
 * try (Orchestrator o = Orchestrator.builder()
 *     .part(Part.of("storage", PartKind.STORAGE, List.of(), storage::open, storage::close))
 *     .part(Part.of("pipeline", PartKind.PIPELINE, List.of("storage"), pipeline::startProcessing,
 *         () -> pipeline.stop().join()))
 *     .build()) {
 *   o.start();                       // storage, then pipeline; throws OrchestratorException on failure
 *   o.status().toJson();             // state, uptime and last error per part
 * }                                  // close(): pipeline, then storage
 * }</pre>
 *
 * <h2>Order</h2>
 * A part starts once every part it {@link Part#dependsOn depends on} runs; among parts ready at the
 * same time, by {@link PartKind} (storage, pipelines, channels, HTTP server, guard, collector,
 * jobs), then in the order they were added. {@link Builder#build()} rejects duplicate names, unknown
 * dependencies and cycles, naming them. Stops run in exactly the reverse of the start order.
 *
 * <h2>Failures and time bounds</h2>
 * A start that throws, or does not return within {@link Builder#startTimeout}, fails the whole
 * start: the parts already started are stopped in reverse order and {@link #start()} throws an
 * {@link OrchestratorException} naming the part and its cause. Each stop is waited for up to the
 * part's {@link Part#stopTimeout()} (else {@link Builder#stopTimeout}); a stop that throws or times
 * out marks the part {@link PartState#FAILED} with the reason and the next part is stopped anyway,
 * so {@link #stop()} always ends, after at most the sum of the stop timeouts.
 *
 * <h2>Threads</h2>
 * Each start and stop runs on its own daemon thread ({@code metrics-orchestrator-start-N},
 * {@code metrics-orchestrator-stop-N}) so that its time can be bounded; the calling thread waits. No
 * thread outlives a part's action except one that hangs past its timeout.
 */
public final class Orchestrator implements AutoCloseable {

  /** The path {@link #statusEndpoint()} answers on. */
  public static final String STATUS_PATH = "/api/v1/orchestrator/status";
  /** Default longest wait for one part's start. */
  public static final Duration DEFAULT_START_TIMEOUT = Duration.ofSeconds(60);
  /** Default longest wait for one part's stop. */
  public static final Duration DEFAULT_STOP_TIMEOUT = Duration.ofSeconds(30);

  private static final Logger LOG = LoggerFactory.getLogger(Orchestrator.class);
  private static final ObjectMapper JSON = new ObjectMapper();

  private enum State { NEW, STARTING, RUNNING, STOPPING, STOPPED, FAILED }

  private final List<Slot> order;
  private final Clock clock;
  private final Duration startTimeout;
  private final Duration stopTimeout;
  private final Object lock = new Object();
  private final CountDownLatch startEnded = new CountDownLatch(1);
  private final CountDownLatch stopped = new CountDownLatch(1);
  private final AtomicInteger threads = new AtomicInteger();
  private State state = State.NEW;
  private Instant startedAt;
  private String lastError;
  private boolean stopRequested;

  private Orchestrator(Builder b, List<Part> ordered) {
    this.clock = b.clock;
    this.startTimeout = b.startTimeout;
    this.stopTimeout = b.stopTimeout;
    Instant now = clock.instant();
    List<Slot> slots = new ArrayList<>();
    for (Part p : ordered) {
      slots.add(new Slot(p, now));
    }
    this.order = List.copyOf(slots);
  }

  /** A builder with the default timeouts and the system clock. */
  public static Builder builder() {
    return new Builder();
  }

  /** The part names in start order (stops run in the reverse). */
  public List<String> startOrder() {
    return order.stream().map(s -> s.part.name()).toList();
  }

  /**
   * Starts every part in order; returns once all run.
   *
   * @throws OrchestratorException when a part fails to start or does not start in time (the parts
   *     started before it are stopped first, in reverse order), or when {@link #stop()} was called
   *     while starting
   * @throws IllegalStateException when called a second time: an orchestrator starts once
   */
  public void start() {
    synchronized (lock) {
      if (state != State.NEW) {
        throw new IllegalStateException("the orchestrator was already started (state " + wire(state)
            + "); an orchestrator starts once");
      }
      state = State.STARTING;
    }
    long begin = System.nanoTime();
    List<Slot> started = new ArrayList<>();
    try {
      for (Slot slot : order) {
        boolean abort;
        synchronized (lock) {
          abort = stopRequested;
          if (!abort) {
            slot.enter(PartState.STARTING, clock.instant());
          }
        }
        if (abort) {
          fail(slot, started, new IllegalStateException("stop requested while starting"), "was not started");
        }
        long t0 = System.nanoTime();
        Throwable failure = runBounded("start", slot.part::start, startTimeout);
        if (failure != null) {
          if (failure instanceof TimeoutException) {
            // it may still be acquiring things: ask it to stop as well, bounded like any stop
            stopSlot(slot);
          }
          fail(slot, started, failure, "failed to start");
        }
        synchronized (lock) {
          Instant now = clock.instant();
          slot.startedAt = now;
          slot.enter(PartState.RUNNING, now);
        }
        started.add(slot);
        LOG.info("started {} '{}' in {} ms", slot.part.kind().wireName(), slot.part.name(),
            TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0));
      }
      synchronized (lock) {
        state = State.RUNNING;
        startedAt = clock.instant();
      }
      LOG.info("orchestrator started {} part(s) in {} ms: {}", order.size(),
          TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - begin), startOrder());
    } finally {
      startEnded.countDown();
    }
    boolean stopNow;
    synchronized (lock) {
      stopNow = stopRequested;
    }
    if (stopNow) {
      stop();
    }
  }

  /** Marks the part failed, stops what was started in reverse, and throws naming the part. */
  private void fail(Slot slot, List<Slot> started, Throwable cause, String what) {
    String reason = describe(cause);
    synchronized (lock) {
      slot.lastError = reason;
      slot.enter(PartState.FAILED, clock.instant());
    }
    LOG.error("{} '{}' {}: {}; stopping the {} part(s) started before it", slot.part.kind().wireName(),
        slot.part.name(), what, reason, started.size());
    for (int i = started.size() - 1; i >= 0; i--) {
      stopSlot(started.get(i));
    }
    synchronized (lock) {
      for (Slot s : order) {
        if (s.state == PartState.PENDING) {
          s.enter(PartState.STOPPED, clock.instant());
        }
      }
    }
    String message = "part '" + slot.part.name() + "' (" + slot.part.kind().wireName() + ") " + what + ": "
        + reason + "; stopped " + started.size() + " started part(s)"
        + (started.isEmpty() ? "" : " " + reversedNames(started));
    synchronized (lock) {
      state = State.FAILED;
      lastError = message;
    }
    stopped.countDown();
    throw new OrchestratorException(slot.part.name(), message, cause);
  }

  /**
   * Stops every running part gracefully, in reverse start order, each bounded by its stop timeout;
   * returns once all are stopped (or failed to stop, which the status shows). Called while
   * {@link #start()} runs, it makes the start stop after the part it is starting and waits for
   * that. Calling it again waits for the first call; before a start it just marks every part stopped.
   */
  public void stop() {
    boolean waitForStart = false;
    boolean mine = false;
    synchronized (lock) {
      switch (state) {
        case NEW -> {
          state = State.STOPPED;
          order.forEach(s -> s.enter(PartState.STOPPED, clock.instant()));
          stopped.countDown();
          return;
        }
        case STARTING -> {
          stopRequested = true;
          waitForStart = true;
        }
        case RUNNING -> {
          state = State.STOPPING;
          mine = true;
        }
        default -> {
          // stopping, stopped or failed: wait below
        }
      }
    }
    if (!mine) {
      if (waitForStart) {
        // the start sees the request after the part it is starting and stops what it started
        awaitUninterruptibly(startEnded);
      }
      awaitUninterruptibly(stopped);
      return;
    }
    long begin = System.nanoTime();
    int failed = 0;
    for (int i = order.size() - 1; i >= 0; i--) {
      Slot slot = order.get(i);
      if (slot.state == PartState.RUNNING && !stopSlot(slot)) {
        failed++;
      }
    }
    synchronized (lock) {
      state = State.STOPPED;
    }
    stopped.countDown();
    LOG.info("orchestrator stopped {} part(s) in {} ms{}", order.size(),
        TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - begin),
        failed == 0 ? "" : "; " + failed + " failed to stop (see the status's last_error)");
  }

  /** Stops one started part, bounded; records the outcome. Returns whether it stopped cleanly. */
  private boolean stopSlot(Slot slot) {
    synchronized (lock) {
      slot.enter(PartState.STOPPING, clock.instant());
    }
    Duration timeout = slot.part.stopTimeout().orElse(stopTimeout);
    long t0 = System.nanoTime();
    Throwable failure = runBounded("stop", slot.part::stop, timeout);
    synchronized (lock) {
      if (failure == null) {
        slot.enter(PartState.STOPPED, clock.instant());
      } else {
        slot.lastError = "stop failed: " + describe(failure);
        slot.enter(PartState.FAILED, clock.instant());
      }
    }
    if (failure == null) {
      LOG.info("stopped {} '{}' in {} ms", slot.part.kind().wireName(), slot.part.name(),
          TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0));
    } else {
      LOG.error("stopping {} '{}' failed: {}", slot.part.kind().wireName(), slot.part.name(), describe(failure));
    }
    return failure == null;
  }

  /** Runs an action on its own named thread and waits up to the timeout; the failure, or null. */
  private Throwable runBounded(String role, Part.Action action, Duration timeout) {
    CompletableFuture<Void> done = new CompletableFuture<>();
    Thread t = new Thread(() -> {
      try {
        action.run();
        done.complete(null);
      } catch (Throwable e) {
        done.completeExceptionally(e);
      }
    }, "metrics-orchestrator-" + role + "-" + threads.incrementAndGet());
    t.setDaemon(true);
    t.start();
    try {
      done.get(timeout.toNanos(), TimeUnit.NANOSECONDS);
      return null;
    } catch (TimeoutException e) {
      return new TimeoutException("did not " + role + " within " + timeout.toMillis() + " ms");
    } catch (ExecutionException e) {
      return e.getCause();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return e;
    }
  }

  private static List<String> reversedNames(List<Slot> slots) {
    List<String> names = new ArrayList<>();
    for (int i = slots.size() - 1; i >= 0; i--) {
      names.add(slots.get(i).part.name());
    }
    return names;
  }

  private static String describe(Throwable t) {
    Throwable root = t;
    String message = t.getMessage();
    // wrappers such as CompletionException carry the useful message in their cause
    while ((message == null || root instanceof java.util.concurrent.CompletionException) && root.getCause() != null) {
      root = root.getCause();
      message = root.getMessage();
    }
    String type = root.getClass().getSimpleName();
    return message == null ? type : (root instanceof TimeoutException ? message : type + ": " + message);
  }

  /** Blocks until {@link #stop()} has finished (or a failed start was rolled back). */
  public void awaitStopped() throws InterruptedException {
    stopped.await();
  }

  /** Blocks until stopped or the timeout passes; whether it stopped. */
  public boolean awaitStopped(Duration timeout) throws InterruptedException {
    return stopped.await(timeout.toNanos(), TimeUnit.NANOSECONDS);
  }

  /** The current status: the orchestrator's state and every part's, in start order. */
  public OrchestratorStatus status() {
    synchronized (lock) {
      Instant now = clock.instant();
      List<PartStatus> parts = new ArrayList<>(order.size());
      for (Slot s : order) {
        parts.add(s.status(now));
      }
      Duration uptime = state == State.RUNNING && startedAt != null ? Duration.between(startedAt, now) : Duration.ZERO;
      return new OrchestratorStatus(wire(state), Optional.ofNullable(startedAt), uptime, now,
          Optional.ofNullable(lastError), parts);
    }
  }

  /**
   * {@code GET /api/v1/orchestrator/status}: this orchestrator's {@link #status()} as JSON, for
   * {@code HttpIngestionAdapter.Builder#endpoints} or any web stack through core's
   * {@code EndpointRouter}. Answers 200 in every state (the body's {@code state} says which).
   */
  public HttpEndpoint statusEndpoint() {
    return statusEndpoint(this::status);
  }

  /**
   * The status endpoint over a status source, for a server built before its orchestrator: the
   * source may answer empty (503 {@code "orchestrator not built yet"}) until it is.
   */
  public static HttpEndpoint statusEndpoint(Supplier<Optional<OrchestratorStatus>> source, Clock clock) {
    Objects.requireNonNull(source, "source");
    Objects.requireNonNull(clock, "clock");
    return HttpEndpoint.of("GET", STATUS_PATH, EndpointKind.GENERAL, request -> {
      Optional<OrchestratorStatus> s = source.get();
      if (s.isEmpty()) {
        return CompletableFuture.completedFuture(org.metricspipeline.core.http.ErrorBody.retryLater(503,
            org.metricspipeline.core.http.ErrorBody.OVERLOADED, "orchestrator not built yet", Duration.ofSeconds(1),
            clock));
      }
      return CompletableFuture.completedFuture(json(s.get()));
    });
  }

  private static HttpEndpoint statusEndpoint(Supplier<OrchestratorStatus> source) {
    return HttpEndpoint.of("GET", STATUS_PATH, EndpointKind.GENERAL,
        request -> CompletableFuture.completedFuture(json(source.get())));
  }

  private static EndpointResponse json(OrchestratorStatus status) {
    try {
      return EndpointResponse.json(200, JSON.writeValueAsBytes(status.toJsonMap()));
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      return EndpointResponse.json(200, status.toJson().getBytes(StandardCharsets.UTF_8));
    }
  }

  /** {@link #stop()}. */
  @Override
  public void close() {
    stop();
  }

  private static String wire(State s) {
    return s.name().toLowerCase(java.util.Locale.ROOT);
  }

  private static void awaitUninterruptibly(CountDownLatch latch) {
    boolean interrupted = false;
    while (true) {
      try {
        latch.await();
        break;
      } catch (InterruptedException e) {
        interrupted = true;
      }
    }
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
  }

  @Override
  public String toString() {
    synchronized (lock) {
      return "Orchestrator{" + wire(state) + (stopRequested ? " (stop requested)" : "") + ", parts="
          + startOrder() + "}";
    }
  }

  /** One part and its life, guarded by the orchestrator's lock. */
  private static final class Slot {
    final Part part;
    PartState state = PartState.PENDING;
    Instant since;
    Instant startedAt;
    String lastError;

    Slot(Part part, Instant now) {
      this.part = part;
      this.since = now;
    }

    void enter(PartState next, Instant now) {
      state = next;
      since = now;
    }

    PartStatus status(Instant now) {
      Map<String, Object> details;
      try {
        details = state == PartState.RUNNING ? part.details() : Map.of();
      } catch (RuntimeException e) {
        details = Map.of("error", "details failed: " + describe(e));
      }
      Duration uptime = state == PartState.RUNNING && startedAt != null ? Duration.between(startedAt, now) : Duration.ZERO;
      return new PartStatus(part.name(), part.kind(), state, part.dependsOn(), since,
          Optional.ofNullable(startedAt), uptime, Optional.ofNullable(lastError),
          details == null ? Map.of() : new LinkedHashMap<>(details));
    }
  }

  /** Collects parts and timeouts; {@link #build()} checks names and dependencies and fixes the order. */
  public static final class Builder {
    private final List<Part> parts = new ArrayList<>();
    private Clock clock = Clock.systemUTC();
    private Duration startTimeout = DEFAULT_START_TIMEOUT;
    private Duration stopTimeout = DEFAULT_STOP_TIMEOUT;

    private Builder() {}

    /** Adds a part. */
    public Builder part(Part part) {
      parts.add(Objects.requireNonNull(part, "part"));
      return this;
    }

    /** Adds parts. */
    public Builder parts(List<? extends Part> more) {
      more.forEach(this::part);
      return this;
    }

    /** Longest wait for one part's start, 1 ms to 1 h [60 s]. */
    public Builder startTimeout(Duration timeout) {
      this.startTimeout = between("startTimeout", timeout);
      return this;
    }

    /** Longest wait for one part's stop unless the part says otherwise, 1 ms to 1 h [30 s]. */
    public Builder stopTimeout(Duration timeout) {
      this.stopTimeout = between("stopTimeout", timeout);
      return this;
    }

    /** The clock for uptimes and status times [system UTC]. */
    public Builder clock(Clock clock) {
      this.clock = Objects.requireNonNull(clock, "clock");
      return this;
    }

    private static Duration between(String option, Duration value) {
      Objects.requireNonNull(value, option);
      if (value.compareTo(Duration.ofMillis(1)) < 0 || value.compareTo(Duration.ofHours(1)) > 0) {
        throw new IllegalArgumentException(option + " must be between 1 ms and 1 h, got " + value);
      }
      return value;
    }

    /**
     * The orchestrator, not started; fails with {@link IllegalArgumentException} naming a duplicate
     * part name, a dependency on an unknown part, or a dependency cycle.
     */
    public Orchestrator build() {
      Map<String, Integer> index = new HashMap<>();
      for (int i = 0; i < parts.size(); i++) {
        String name = parts.get(i).name();
        if (name == null || name.isBlank()) {
          throw new IllegalArgumentException("part #" + (i + 1) + " has no name");
        }
        if (index.putIfAbsent(name, i) != null) {
          throw new IllegalArgumentException("two parts are named '" + name + "'");
        }
      }
      for (Part p : parts) {
        for (String dep : p.dependsOn()) {
          if (!index.containsKey(dep)) {
            throw new IllegalArgumentException("part '" + p.name() + "' depends on '" + dep
                + "', which is not a part; parts: " + index.keySet().stream().sorted().toList());
          }
          if (dep.equals(p.name())) {
            throw new IllegalArgumentException("part '" + p.name() + "' depends on itself");
          }
        }
      }
      List<Part> ordered = new ArrayList<>();
      Set<String> placed = new HashSet<>();
      List<Part> remaining = new ArrayList<>(parts);
      while (!remaining.isEmpty()) {
        Part next = null;
        for (Part p : remaining) {
          if (placed.containsAll(p.dependsOn()) && (next == null || p.kind().compareTo(next.kind()) < 0)) {
            next = p; // remaining keeps the order added, so ties go to the earlier part
          }
        }
        if (next == null) {
          throw new IllegalArgumentException("dependency cycle among parts "
              + remaining.stream().map(p -> p.name() + " -> " + p.dependsOn()).toList());
        }
        ordered.add(next);
        placed.add(next.name());
        remaining.remove(next);
      }
      return new Orchestrator(this, ordered);
    }
  }
}
