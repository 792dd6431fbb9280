package org.metricspipeline.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.metricspipeline.api.Delivery;
import org.metricspipeline.api.HealthCheckResult;
import org.metricspipeline.api.HealthStatus;
import org.metricspipeline.api.IngestionAdapter;
import org.metricspipeline.api.Metric;
import org.metricspipeline.api.MetricsBatchResult;
import org.metricspipeline.api.MetricsData;
import org.metricspipeline.api.MetricsValidationException;
import org.metricspipeline.api.MetricsValidationResult;
import org.metricspipeline.api.OverloadedException;
import org.metricspipeline.api.ValidationError;

/**
 * The conformance suite every {@link IngestionAdapter} (a channel) must pass: the
 * {@link Delivery} contract of DESIGN.md, checked through the channel's own producer side and its
 * {@link IngestionAdapter#poll polls}.
 *
 * <ul>
 *   <li>At-least-once: an item is forgotten only on {@code ack}; {@code nack} offers it again;
 *       {@code reject} never offers it again and reaches the producer.
 *   <li>Settle-once: the first of ack, nack and reject wins, later calls are ignored.
 *   <li>Polls: at most {@code maxDeliveries}; a poll finding nothing waits, returns early when an
 *       item arrives and empty once {@code maxWait} passed; {@code maxWait} zero never waits.
 *   <li>Backpressure: a full channel refuses with {@link OverloadedException} carrying a
 *       {@code retryAfter}; settling makes room.
 *   <li>Close with unsettled deliveries: they are offered again or reported, never dropped silently.
 *   <li>Concurrent producers and pollers: every item delivered and acked exactly once.
 *   <li>Validation through {@link IngestionAdapter#validate}, and invalid items refused by producers.
 * </ul>
 *
 * <p>An adapter's test extends it, says how to get a new, empty channel, and declares what the
 * channel can do:
 *
 * <pre>{@code
 * class MyChannelConformanceTest extends IngestionAdapterConformanceSuite {
 *   @Override
 *   protected IngestionAdapter createChannel(int capacity) {
 *     return MyChannel.builder().capacity(capacity).build();
 *   }
 *
 *   @Override
 *   protected Set<Capability> capabilities() {
 *     return EnumSet.of(Capability.BACKPRESSURE, Capability.FIFO);
 *   }
 * }
 * }</pre>
 *
 * <h2>Hooks</h2>
 * <ul>
 *   <li>{@link #createChannel(int)} (required): a new channel holding nothing, called before every
 *       test; {@code capacity} is the most items it may hold when it declares
 *       {@link Capability#BACKPRESSURE} (others may ignore it; it is never below
 *       {@value #MIN_CAPACITY}).
 *   <li>{@link #capabilities()} (required): what the channel can do beyond the mandatory contract.
 *       Tests of an undeclared capability are skipped, each with a reason naming it.
 *   <li>{@link #produce(IngestionAdapter, List)}: hands items to the channel as its producers do,
 *       returning once the channel holds them. The default calls {@code batchIngest}; a channel whose
 *       producer side is outside the adapter (HTTP requests, a Kafka producer) overrides it.
 *   <li>{@link #reportedRejections(IngestionAdapter)}: the items the channel reported to their
 *       producers as rejected (needed with {@link Capability#REPORTS_REJECTIONS}).
 *   <li>{@link #unsettledAfterClose(IngestionAdapter)}: what a channel closed while holding
 *       unsettled deliveries offers again or reports (needed with
 *       {@link Capability#ACCOUNTS_FOR_UNSETTLED_ON_CLOSE}).
 *   <li>{@link #cleanUp(IngestionAdapter)}: releases a test's channel (closes it unless
 *       overridden); {@link #timeout()}: the longest wait for one call [{@link #DEFAULT_TIMEOUT}];
 *       {@link #emptyPollWait()}: how long a poll must stay empty to show that nothing is offered
 *       [{@link #DEFAULT_EMPTY_POLL_WAIT}]; a channel that offers a nacked item again only after a
 *       delay makes this longer than the delay.
 * </ul>
 *
 * <p>Items are identified by their context entry {@code kit_id}; every item passes
 * {@code MetricsValidator.defaults()} except the ones the validation tests make invalid (a NaN
 * value). The channel's {@link IngestionAdapter#close()} must tolerate being called again by
 * {@link #cleanUp(IngestionAdapter)}.
 */
public abstract class IngestionAdapterConformanceSuite {

  /** What a channel may be unable to do; the suite checks each one only when declared. */
  public enum Capability {
    /** {@code createChannel(capacity)} bounds the items held; a full channel refuses with OverloadedException. */
    BACKPRESSURE,
    /** Items of one producer are delivered in the order they were produced (one partition, one FIFO queue). */
    FIFO,
    /** A rejected item is reported to its producer: see {@link #reportedRejections(IngestionAdapter)}. */
    REPORTS_REJECTIONS,
    /**
     * A channel closed with unsettled deliveries offers them again or reports them: see
     * {@link #unsettledAfterClose(IngestionAdapter)}.
     */
    ACCOUNTS_FOR_UNSETTLED_ON_CLOSE
  }

  /** Default longest wait for one call. */
  public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(30);
  /** Default time a poll must stay empty to show that nothing is offered. */
  public static final Duration DEFAULT_EMPTY_POLL_WAIT = Duration.ofMillis(500);
  /** The smallest capacity {@link #createChannel(int)} is asked for. */
  public static final int MIN_CAPACITY = 3;
  /** The capacity of channels of tests that do not test the bound. */
  public static final int ROOMY = 10_000;

  private static final String ID = "kit_id";
  private static final Instant T0 = Instant.parse("2024-01-01T00:00:00Z");

  private final List<IngestionAdapter> channels = new ArrayList<>();
  private IngestionAdapter channel;

  /** A new channel holding nothing; with {@link Capability#BACKPRESSURE}, holding at most {@code capacity} items. */
  protected abstract IngestionAdapter createChannel(int capacity);

  /** What the channel can do beyond the mandatory contract; tests of the others are skipped. */
  protected abstract Set<Capability> capabilities();

  /**
   * Hands {@code items} to the channel as its producers do and returns once the channel holds every
   * one (fails the test when it refuses one). Default: {@code batchIngest}, all accepted.
   */
  protected void produce(IngestionAdapter channel, List<MetricsData> items) {
    MetricsBatchResult result = await(channel.batchIngest(items));
    assertThat(result.failures()).as("failures producing valid items into a channel with room").isEmpty();
  }

  /**
   * The items {@code channel} reported to their producers as rejected so far (memory: its
   * {@code rejected()} list; HTTP: requests answered 400; SQS: the dead letter queue). The suite
   * calls it until the rejected item shows up or {@link #timeout()} passed. Needed with
   * {@link Capability#REPORTS_REJECTIONS}.
   */
  protected List<MetricsData> reportedRejections(IngestionAdapter channel) {
    throw new UnsupportedOperationException("declare REPORTS_REJECTIONS and override reportedRejections");
  }

  /**
   * The items a {@code closed} channel (closed while they were delivered and unsettled) offers again
   * or reports: a memory channel's {@code undelivered()}; for a queue that outlives the adapter
   * (SQS, Kafka), what a new adapter on the same queue polls. Needed with
   * {@link Capability#ACCOUNTS_FOR_UNSETTLED_ON_CLOSE}.
   */
  protected List<MetricsData> unsettledAfterClose(IngestionAdapter closed) {
    throw new UnsupportedOperationException("declare ACCOUNTS_FOR_UNSETTLED_ON_CLOSE and override unsettledAfterClose");
  }

  /** Releases a test's channel after the test; closes it unless overridden. */
  protected void cleanUp(IngestionAdapter channel) {
    channel.close();
  }

  /** The longest wait for one call to complete [{@link #DEFAULT_TIMEOUT}]. */
  protected Duration timeout() {
    return DEFAULT_TIMEOUT;
  }

  /** How long a poll must stay empty to show that nothing is offered [{@link #DEFAULT_EMPTY_POLL_WAIT}]. */
  protected Duration emptyPollWait() {
    return DEFAULT_EMPTY_POLL_WAIT;
  }

  /** The channel of the running test. */
  protected final IngestionAdapter channel() {
    return channel;
  }

  /** A further channel (from {@link #createChannel(int)}), cleaned up after the test like the first. */
  protected final IngestionAdapter newChannel(int capacity) {
    IngestionAdapter c = createChannel(capacity);
    assertThat(c).as("createChannel(%d)", capacity).isNotNull();
    channels.add(c);
    return c;
  }

  @BeforeEach
  void openChannel() {
    channel = newChannel(ROOMY);
  }

  @AfterEach
  void closeChannels() {
    for (int i = channels.size() - 1; i >= 0; i--) {
      cleanUp(channels.get(i));
    }
    channels.clear();
  }

  // ---------------------------------------------------------------------------------------------
  // Helpers, also for subclasses adding their own tests

  /** An item identified by {@code id} (its {@code kit_id} context entry), valid by the default rules. */
  public static MetricsData item(int id) {
    return MetricsData.builder().timestamp(T0.plusMillis(id)).metricType("kit").source("kit-producer")
        .metric(Metric.of("kit_value", id, Map.of("kind", "conformance"))).context(ID, Integer.toString(id)).build();
  }

  /** Items {@code from} to {@code from + count - 1}. */
  public static List<MetricsData> items(int from, int count) {
    List<MetricsData> out = new ArrayList<>(count);
    for (int i = from; i < from + count; i++) {
      out.add(item(i));
    }
    return out;
  }

  /** The id of an item made by {@link #item(int)}. */
  public static int idOf(MetricsData data) {
    Object id = data.context().get(ID);
    assertThat(id).as("the %s context entry of a delivered item (was it changed on the way?): %s", ID, data).isNotNull();
    return Integer.parseInt(id.toString());
  }

  /** An item no channel may accept: its value is NaN. */
  public static MetricsData invalidItem(int id) {
    return MetricsData.builder().timestamp(T0.plusMillis(id)).metricType("kit").source("kit-producer")
        .metric(Metric.of("kit_value", Double.NaN)).context(ID, Integer.toString(id)).build();
  }

  /** Waits for {@code future} up to {@link #timeout()}; fails the test when it fails or times out. */
  protected final <T> T await(CompletableFuture<T> future) {
    return Futures.await(future, timeout());
  }

  /** What {@code future} failed with; fails the test when it completes normally or not in time. */
  protected final Throwable failureOf(CompletableFuture<?> future) {
    return Futures.failureOf(() -> future, timeout());
  }

  /** Polls until {@code count} deliveries arrived (failing after {@link #timeout()}); never settles them. */
  protected final List<Delivery> pollExactly(IngestionAdapter from, int count) {
    List<Delivery> got = new ArrayList<>();
    long deadline = System.nanoTime() + timeout().toNanos();
    while (got.size() < count) {
      long left = deadline - System.nanoTime();
      if (left <= 0) {
        fail("%d of %d deliveries arrived within %s: %s", got.size(), count, timeout(), ids(got));
      }
      List<Delivery> batch = await(from.poll(count - got.size(), Duration.ofNanos(Math.min(left, TimeUnit.SECONDS.toNanos(1)))));
      assertThat(batch.size()).as("deliveries of a poll asking for %d", count - got.size())
          .isLessThanOrEqualTo(count - got.size());
      got.addAll(batch);
    }
    return got;
  }

  /** Asserts that a poll waiting {@link #emptyPollWait()} finds nothing. */
  protected final void assertNothingOffered(IngestionAdapter from, String why) {
    List<Delivery> extra = await(from.poll(100, emptyPollWait()));
    if (!extra.isEmpty()) {
      extra.forEach(Delivery::ack);
    }
    assertThat(ids(extra)).as(why).isEmpty();
  }

  /** The ids of the deliveries' items, in order. */
  protected static List<Integer> ids(Collection<Delivery> deliveries) {
    List<Integer> out = new ArrayList<>();
    for (Delivery d : deliveries) {
      out.add(idOf(d.data()));
    }
    return out;
  }

  private void require(Capability capability) {
    Assumptions.assumeTrue(capabilities().contains(capability), () -> channel.name() + " does not declare "
        + capability + " in capabilities(): its " + capability + " tests are skipped");
  }

  private static List<Integer> range(int from, int count) {
    List<Integer> out = new ArrayList<>();
    for (int i = from; i < from + count; i++) {
      out.add(i);
    }
    return out;
  }

  // ---------------------------------------------------------------------------------------------

  @Test
  void hasAName() {
    assertThat(channel.name()).isNotBlank();
  }

  @Test
  void startsEmpty() {
    assertNothingOffered(channel, "deliveries of a channel nothing was produced into");
  }

  /** An item is forgotten only on ack; nack offers it again; reject never does. */
  @Nested
  class AtLeastOnce {

    @Test
    void deliversEveryProducedItemWithItsContent() {
      List<MetricsData> sent = items(0, 5);
      produce(channel, sent);
      List<Delivery> got = pollExactly(channel, 5);
      assertThat(ids(got)).containsExactlyInAnyOrderElementsOf(range(0, 5));
      for (Delivery d : got) {
        assertThat(d.data()).as("item %d as delivered", idOf(d.data())).isEqualTo(sent.get(idOf(d.data())));
        d.ack();
      }
    }

    @Test
    void anAckedItemIsNeverOfferedAgain() {
      produce(channel, items(0, 3));
      pollExactly(channel, 3).forEach(Delivery::ack);
      assertNothingOffered(channel, "items offered again after they were acked");
    }

    @Test
    void anUnsettledItemIsNotOfferedToAnotherPollWhileItsDeliveryIsOpen() {
      produce(channel, items(0, 1));
      Delivery open = pollExactly(channel, 1).get(0);
      assertNothingOffered(channel, "an item offered twice while its first delivery was unsettled");
      open.ack();
    }

    @Test
    void aNackedItemIsOfferedAgainAndForgottenOnceAcked() {
      produce(channel, items(0, 1));
      Delivery first = pollExactly(channel, 1).get(0);
      first.nack("kit: storage unavailable");
      Delivery again = pollExactly(channel, 1).get(0);
      assertThat(idOf(again.data())).isEqualTo(0);
      assertThat(again.data()).isEqualTo(first.data());
      again.ack();
      assertNothingOffered(channel, "an item offered again after its redelivery was acked");
    }

    @Test
    void aNackedItemIsOfferedAgainAsOftenAsItIsNacked() {
      produce(channel, items(0, 1));
      for (int i = 0; i < 3; i++) {
        pollExactly(channel, 1).get(0).nack("kit: attempt " + i);
      }
      pollExactly(channel, 1).get(0).ack();
      assertNothingOffered(channel, "an item offered again after it was acked");
    }

    @Test
    void aRejectedItemIsNeverOfferedAgain() {
      produce(channel, items(0, 2));
      List<Delivery> got = pollExactly(channel, 2);
      got.get(0).reject(MetricsValidationResult.of(List.of(new ValidationError("metrics[0].value", "kit: rejected"))));
      got.get(1).ack();
      assertNothingOffered(channel, "a rejected item offered again");
    }
  }

  /** The first of ack, nack and reject wins; later calls are ignored. */
  @Nested
  class SettleOnce {

    @Test
    void aNackAfterAnAckIsIgnored() {
      produce(channel, items(0, 1));
      Delivery d = pollExactly(channel, 1).get(0);
      d.ack();
      d.nack("kit: late nack");
      d.ack();
      assertNothingOffered(channel, "an acked item offered again by a later nack");
    }

    @Test
    void anAckAfterANackIsIgnoredSoTheItemIsOfferedAgainOnce() {
      produce(channel, items(0, 1));
      Delivery d = pollExactly(channel, 1).get(0);
      d.nack("kit: first");
      d.ack();
      d.nack("kit: again");
      Delivery again = pollExactly(channel, 1).get(0);
      assertThat(idOf(again.data())).isEqualTo(0);
      again.ack();
      assertNothingOffered(channel, "a nacked item offered more than once for one nack");
    }

    @Test
    void aNackAfterARejectIsIgnored() {
      produce(channel, items(0, 1));
      Delivery d = pollExactly(channel, 1).get(0);
      d.reject(MetricsValidationResult.of(List.of(new ValidationError("value", "kit: rejected"))));
      d.nack("kit: late nack");
      assertNothingOffered(channel, "a rejected item offered again by a later nack");
    }

    @Test
    void settlingFromManyThreadsAtOnceSettlesOnce() throws Exception {
      produce(channel, items(0, 20));
      List<Delivery> got = pollExactly(channel, 20);
      ExecutorService pool = Executors.newFixedThreadPool(4);
      try {
        List<Future<?>> calls = new ArrayList<>();
        for (Delivery d : got) {
          calls.add(pool.submit(d::ack));
          calls.add(pool.submit(() -> d.nack("kit: racing nack")));
          calls.add(pool.submit(d::ack));
        }
        for (Future<?> f : calls) {
          f.get(timeout().toMillis(), TimeUnit.MILLISECONDS);
        }
      } finally {
        pool.shutdownNow();
      }
      // each delivery was either acked first (forgotten) or nacked first (offered once more)
      Map<Integer, Integer> seen = new HashMap<>();
      List<Delivery> again = await(channel.poll(100, emptyPollWait()));
      List<Delivery> all = new ArrayList<>(again);
      while (!again.isEmpty()) {
        again.forEach(Delivery::ack);
        again = await(channel.poll(100, emptyPollWait()));
        all.addAll(again);
      }
      for (Delivery d : all) {
        seen.merge(idOf(d.data()), 1, Integer::sum);
      }
      assertThat(seen.values()).as("times an item was offered again after racing settlements").allMatch(n -> n == 1);
    }
  }

  /** poll: its bound and its waits. */
  @Nested
  class Polls {

    @Test
    void aPollNeverReturnsMoreThanItAskedFor() {
      produce(channel, items(0, 10));
      List<Delivery> all = new ArrayList<>();
      while (all.size() < 10) {
        List<Delivery> batch = await(channel.poll(3, Duration.ofSeconds(1)));
        assertThat(batch.size()).as("deliveries of poll(3, ...)").isLessThanOrEqualTo(3);
        assertThat(batch).as("a poll with items still in the channel").isNotEmpty();
        all.addAll(batch);
      }
      assertThat(ids(all)).containsExactlyInAnyOrderElementsOf(range(0, 10));
      all.forEach(Delivery::ack);
    }

    @Test
    void anEmptyPollWaitsThenAnswersEmpty() {
      Duration wait = emptyPollWait();
      long start = System.nanoTime();
      List<Delivery> got = await(channel.poll(10, wait));
      long took = System.nanoTime() - start;
      assertThat(got).isEmpty();
      assertThat(Duration.ofNanos(took)).as("time an empty poll of maxWait %s waited", wait)
          .isGreaterThanOrEqualTo(wait.multipliedBy(8).dividedBy(10));
    }

    @Test
    void aPollWithoutWaitAnswersEmptyAtOnce() {
      CompletableFuture<List<Delivery>> poll = channel.poll(10, Duration.ZERO);
      assertThat(poll).as("poll(10, 0) of an empty channel").succeedsWithin(timeout()).asList().isEmpty();
    }

    @Test
    void aWaitingPollReturnsAsSoonAsAnItemArrives() {
      Duration longWait = timeout().multipliedBy(4);
      CompletableFuture<List<Delivery>> waiting = channel.poll(10, longWait);
      produce(channel, items(0, 1));
      // answered within timeout(), a quarter of maxWait: early, because the item arrived
      List<Delivery> got = await(waiting);
      if (got.isEmpty()) {
        fail("a poll waiting up to %s answered empty although an item arrived", longWait);
      }
      assertThat(ids(got)).containsExactly(0);
      got.forEach(Delivery::ack);
    }

    @Test
    void waitingPollsShareTheItemsWithoutDuplicates() {
      List<CompletableFuture<List<Delivery>>> polls = new ArrayList<>();
      for (int i = 0; i < 3; i++) {
        polls.add(channel.poll(2, timeout()));
      }
      produce(channel, items(0, 6));
      List<Delivery> all = new ArrayList<>();
      for (CompletableFuture<List<Delivery>> p : polls) {
        List<Delivery> got = await(p);
        assertThat(got.size()).isLessThanOrEqualTo(2);
        all.addAll(got);
      }
      all.addAll(pollExactly(channel, 6 - all.size()));
      assertThat(ids(all)).containsExactlyInAnyOrderElementsOf(range(0, 6));
      all.forEach(Delivery::ack);
    }

    @Test
    void pollFailsOnAnInvalidMaximumNamingIt() {
      Throwable t;
      try {
        t = failureOf(channel.poll(0, Duration.ZERO));
      } catch (IllegalArgumentException e) {
        t = e;
      }
      assertThat(t).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("maxDeliveries");
    }
  }

  /** Items of one producer come out in order, when the channel says so. */
  @Nested
  class Ordering {

    @Test
    void deliversOneProducersItemsInOrder() {
      require(Capability.FIFO);
      for (int i = 0; i < 10; i++) {
        produce(channel, items(i, 1));
      }
      List<Delivery> got = pollExactly(channel, 10);
      assertThat(ids(got)).containsExactlyElementsOf(range(0, 10));
      got.forEach(Delivery::ack);
    }

    @Test
    void aNackedItemComesBackBeforeNewerOnes() {
      require(Capability.FIFO);
      produce(channel, items(0, 1));
      Delivery first = pollExactly(channel, 1).get(0);
      produce(channel, items(1, 1));
      first.nack("kit: retry");
      List<Delivery> got = pollExactly(channel, 2);
      assertThat(ids(got)).containsExactly(0, 1);
      got.forEach(Delivery::ack);
    }
  }

  /** A full channel refuses with OverloadedException and a retryAfter; settling makes room. */
  @Nested
  class Backpressure {

    private IngestionAdapter full() {
      require(Capability.BACKPRESSURE);
      IngestionAdapter small = newChannel(MIN_CAPACITY);
      produce(small, items(0, MIN_CAPACITY));
      return small;
    }

    @Test
    void aFullChannelRefusesWithOverloadedExceptionAndRetryAfter() {
      IngestionAdapter small = full();
      Throwable t = failureOf(small.ingest(item(100)));
      assertThat(t).isInstanceOf(OverloadedException.class);
      Duration retryAfter = ((OverloadedException) t).retryAfter();
      assertThat(retryAfter).as("retryAfter of %s", t).isNotNull();
      assertThat(retryAfter.isNegative()).as("retryAfter %s is negative", retryAfter).isFalse();
    }

    @Test
    void aBatchIntoAFullChannelNamesEveryRefusedItem() {
      IngestionAdapter small = full();
      MetricsBatchResult result = await(small.batchIngest(items(100, 2)));
      assertThat(result.successCount()).isZero();
      assertThat(result.failures()).extracting(MetricsBatchResult.Failure::index).containsExactly(0, 1);
    }

    @Test
    void unsettledDeliveriesStillTakeTheirPlace() {
      IngestionAdapter small = full();
      List<Delivery> open = pollExactly(small, MIN_CAPACITY);
      assertThat(failureOf(small.ingest(item(100)))).as("ingest while every place is held by an unsettled delivery")
          .isInstanceOf(OverloadedException.class);
      open.get(0).nack("kit: back");
      assertThat(failureOf(small.ingest(item(101)))).as("ingest after a nack, which keeps the item")
          .isInstanceOf(OverloadedException.class);
      pollExactly(small, 1).get(0).ack();
      await(small.ingest(item(102)));
      open.subList(1, open.size()).forEach(Delivery::ack);
    }

    @Test
    void ackingAndRejectingMakeRoom() {
      IngestionAdapter small = full();
      List<Delivery> got = pollExactly(small, MIN_CAPACITY);
      got.get(0).ack();
      got.get(1).reject(MetricsValidationResult.of(List.of(new ValidationError("value", "kit: rejected"))));
      produce(small, items(100, 2));
      assertThat(failureOf(small.ingest(item(200)))).isInstanceOf(OverloadedException.class);
      got.get(2).ack();
      pollExactly(small, 2).forEach(Delivery::ack);
    }
  }

  /** A rejected item reaches its producer. */
  @Nested
  class Rejections {

    @Test
    void aRejectedItemIsReportedToItsProducer() throws Exception {
      require(Capability.REPORTS_REJECTIONS);
      produce(channel, items(0, 2));
      List<Delivery> got = pollExactly(channel, 2);
      Delivery rejected = got.get(0).data().equals(item(1)) ? got.get(0) : got.get(1);
      Delivery acked = rejected == got.get(0) ? got.get(1) : got.get(0);
      acked.ack();
      rejected.reject(MetricsValidationResult.of(List.of(new ValidationError("metrics[0].value", "kit: rejected"))));
      long deadline = System.nanoTime() + timeout().toNanos();
      List<MetricsData> reported = reportedRejections(channel);
      while (!reported.contains(item(1)) && System.nanoTime() < deadline) {
        Thread.sleep(20); // polling an outside observer (a dead letter queue, a response)
        reported = reportedRejections(channel);
      }
      assertThat(reported).as("items reported to their producers as rejected").containsExactly(item(1));
    }
  }

  /** Close with unsettled deliveries: offered again or reported, never dropped silently. */
  @Nested
  class Closing {

    @Test
    void aClosedChannelAccountsForEveryUnsettledDelivery() {
      require(Capability.ACCOUNTS_FOR_UNSETTLED_ON_CLOSE);
      produce(channel, items(0, 4));
      List<Delivery> got = pollExactly(channel, 4);
      Map<Integer, Delivery> byId = new HashMap<>();
      got.forEach(d -> byId.put(idOf(d.data()), d));
      byId.get(0).ack();
      channel.close();
      List<Integer> accounted = new ArrayList<>();
      unsettledAfterClose(channel).forEach(d -> accounted.add(idOf(d)));
      assertThat(accounted).as("unsettled items a closed channel offers again or reports")
          .containsExactlyInAnyOrder(1, 2, 3);
    }

    @Test
    void aClosedChannelAnswersPollsEmptyAndRefusesProducers() {
      channel.close();
      assertThat(channel.poll(10, Duration.ofSeconds(5))).as("a poll of a closed channel")
          .succeedsWithin(timeout()).asList().isEmpty();
      CompletableFuture<Void> late = channel.ingest(item(0));
      assertThat(failureOf(late)).as("ingest into a closed channel").isNotNull();
    }

    @Test
    void closingAnswersAWaitingPollEmpty() {
      CompletableFuture<List<Delivery>> waiting = channel.poll(10, timeout().multipliedBy(4));
      channel.close();
      assertThat(waiting).as("a poll waiting while the channel closed").succeedsWithin(timeout()).asList().isEmpty();
    }

    @Test
    void settlingAfterCloseDoesNotFail() {
      produce(channel, items(0, 3));
      List<Delivery> got = pollExactly(channel, 3);
      channel.close();
      got.get(0).ack();
      got.get(1).nack("kit: after close");
      got.get(2).reject(MetricsValidationResult.of(List.of(new ValidationError("value", "kit: rejected"))));
    }

    @Test
    void closeIsIdempotent() {
      channel.close();
      channel.close();
      HealthCheckResult h = await(channel.healthCheck());
      assertThat(h.status()).as("health of a closed channel").isNotEqualTo(HealthStatus.HEALTHY);
    }
  }

  /** Concurrent producers and pollers: every item delivered and acked exactly once. */
  @Nested
  class Concurrency {

    @Test
    void concurrentProducersAndPollersDeliverEveryItemExactlyOnce() throws Exception {
      int producers = 4;
      int perProducer = 250;
      int pollers = 3;
      int total = producers * perProducer;
      Map<Integer, AtomicInteger> acked = new ConcurrentHashMap<>();
      AtomicInteger ackedCount = new AtomicInteger();
      AtomicBoolean stop = new AtomicBoolean();
      ExecutorService pool = Executors.newFixedThreadPool(producers + pollers);
      try {
        List<Future<?>> producing = new ArrayList<>();
        for (int p = 0; p < producers; p++) {
          int from = p * perProducer;
          producing.add(pool.submit(() -> {
            for (int i = from; i < from + perProducer; i += 25) {
              produce(channel, items(i, 25));
            }
          }));
        }
        List<Future<?>> polling = new ArrayList<>();
        for (int p = 0; p < pollers; p++) {
          int poller = p;
          polling.add(pool.submit(() -> {
            int round = 0;
            while (!stop.get()) {
              List<Delivery> got = await(channel.poll(37, Duration.ofMillis(100)));
              for (Delivery d : got) {
                // every few deliveries are nacked once first, to mix redeliveries in
                if (++round % 11 == poller && acked.get(idOf(d.data())) == null) {
                  d.nack("kit: once more");
                  continue;
                }
                acked.computeIfAbsent(idOf(d.data()), k -> new AtomicInteger()).incrementAndGet();
                ackedCount.incrementAndGet();
                d.ack();
              }
            }
          }));
        }
        for (Future<?> f : producing) {
          f.get(timeout().toMillis(), TimeUnit.MILLISECONDS);
        }
        long deadline = System.nanoTime() + timeout().toNanos();
        while (acked.size() < total && System.nanoTime() < deadline) {
          Thread.sleep(10); // waiting for the pollers, which run on their own
        }
        stop.set(true);
        for (Future<?> f : polling) {
          f.get(timeout().toMillis(), TimeUnit.MILLISECONDS);
        }
      } finally {
        stop.set(true);
        pool.shutdownNow();
      }
      Set<Integer> missing = new HashSet<>(range(0, total));
      missing.removeAll(acked.keySet());
      assertThat(missing).as("items produced but never delivered").isEmpty();
      assertThat(ackedCount.get()).as("acked deliveries of %d items", total).isEqualTo(total);
      assertNothingOffered(channel, "items offered after all were acked");
    }
  }

  /** validate, and producers refusing invalid items. */
  @Nested
  class Validation {

    @Test
    void validateAcceptsAValidItem() {
      MetricsValidationResult r = await(channel.validate(item(0)));
      assertThat(r.valid()).as("validate(a valid item): %s", r.errors()).isTrue();
      assertThat(r.errors()).isEmpty();
    }

    @Test
    void validateNamesTheFieldOfAnInvalidItem() {
      MetricsValidationResult r = await(channel.validate(invalidItem(0)));
      assertThat(r.valid()).isFalse();
      assertThat(r.errors()).extracting(ValidationError::field).anyMatch(f -> f.contains("value"));
    }

    @Test
    void validateDoesNotIngest() {
      await(channel.validate(item(0)));
      assertNothingOffered(channel, "items offered after validate alone");
    }

    @Test
    void ingestRefusesAnInvalidItemWithItsErrors() {
      Throwable t = failureOf(channel.ingest(invalidItem(0)));
      assertThat(t).isInstanceOf(MetricsValidationException.class);
      assertThat(((MetricsValidationException) t).errors()).extracting(ValidationError::field)
          .anyMatch(f -> f.contains("value"));
      assertNothingOffered(channel, "an invalid item offered to the pipeline");
    }

    @Test
    void batchIngestNamesTheInvalidItemAndKeepsTheOthers() {
      MetricsBatchResult r = await(channel.batchIngest(List.of(item(0), invalidItem(1), item(2))));
      assertThat(r.successCount()).isEqualTo(2);
      assertThat(r.failures()).extracting(MetricsBatchResult.Failure::index).containsExactly(1);
      List<Delivery> got = pollExactly(channel, 2);
      assertThat(ids(got)).containsExactlyInAnyOrder(0, 2);
      got.forEach(Delivery::ack);
      assertNothingOffered(channel, "an invalid item offered to the pipeline");
    }
  }

  /** The health check reports figures while open. */
  @Nested
  class Health {

    @Test
    void anOpenChannelIsNotUnhealthy() {
      HealthCheckResult h = await(channel.healthCheck());
      assertThat(h.status()).as("health of a new channel: %s", h.details()).isNotEqualTo(HealthStatus.UNHEALTHY);
    }
  }
}
