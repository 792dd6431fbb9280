package org.metricspipeline.adapters.kafka.events;

import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.SplittableRandom;
import java.util.UUID;

/**
 * Realistic synthetic events for the declared event types (seed 002's
 * {@code SyntheticDataGenerator}): every event has an {@code event_id}, a {@code timestamp}, a user
 * from a pool of {@link #DEFAULT_USER_POOL_SIZE} users by default, and a value for every declared
 * field; page views carry {@code page_url} and {@code page_title}, purchases an {@code order_id}.
 * The same seed gives the same events. Not thread-safe.
 *
 * <pre>{@code
 * SyntheticDataGenerator generator = new SyntheticDataGenerator(types, 100, 42L, Clock.systemUTC());
 * Map<String, Object> view = generator.generateEvent("page_view");
 * List<Map<String, Object>> session = generator.generateUserSession("user_7", 6);
 * }</pre>
 */
public final class SyntheticDataGenerator {

  /** Seed 002's default number of simulated users. */
  public static final int DEFAULT_USER_POOL_SIZE = 100;
  /** The member naming an event's type in a session (sessions mix types). */
  public static final String EVENT_TYPE = "event_type";

  private static final String[][] PAGES = {{"/", "Home"}, {"/products", "Products"},
      {"/products/42", "Product 42"}, {"/cart", "Cart"}, {"/search", "Search"}, {"/about", "About"}};
  private static final String[] DEVICES = {"desktop", "mobile", "tablet"};
  private static final String[] COUNTRIES = {"US", "DE", "FR", "GB", "JP", "BR"};

  private final EventTypes types;
  private final int userPoolSize;
  private final SplittableRandom random;
  private final Clock clock;
  private long orders;

  /** A generator with the default user pool, a random seed and the system clock. */
  public SyntheticDataGenerator(EventTypes types) {
    this(types, DEFAULT_USER_POOL_SIZE, new SplittableRandom().nextLong(), Clock.systemUTC());
  }

  /**
   * A generator.
   *
   * @param userPoolSize how many distinct users events come from, at least 1
   * @param seed the random seed: the same seed gives the same events
   * @param clock what "now" is for events without a given timestamp
   */
  public SyntheticDataGenerator(EventTypes types, int userPoolSize, long seed, Clock clock) {
    this.types = Objects.requireNonNull(types, "types");
    if (userPoolSize < 1) {
      throw new IllegalArgumentException("userPoolSize must be >= 1, got " + userPoolSize);
    }
    this.userPoolSize = userPoolSize;
    this.random = new SplittableRandom(seed);
    this.clock = Objects.requireNonNull(clock, "clock");
  }

  /** The number of simulated users. */
  public int userPoolSize() {
    return userPoolSize;
  }

  /** One event of {@code eventType} from a random user, now. */
  public Map<String, Object> generateEvent(String eventType) {
    return generateEvent(eventType, randomUser(), clock.millis());
  }

  /**
   * One event of {@code eventType} from {@code userId} at {@code timestampMillis}.
   *
   * @throws IllegalArgumentException when the event type is unknown
   */
  public Map<String, Object> generateEvent(String eventType, String userId, long timestampMillis) {
    EventType type = types.get(eventType);
    Objects.requireNonNull(userId, "userId");
    Map<String, Object> event = new LinkedHashMap<>();
    event.put(EventType.EVENT_ID, new UUID(random.nextLong() & ~0xF000L | 0x4000L,
        random.nextLong() & 0x3FFFFFFFFFFFFFFFL | 0x8000000000000000L).toString());
    event.put(EventType.TIMESTAMP, timestampMillis);
    event.put(type.primaryKey(), userId);
    String[] page = PAGES[random.nextInt(PAGES.length)];
    for (EventField f : type.fields()) {
      event.put(f.name(), value(f, page));
    }
    if (type.name().contains("page_view")) {
      event.putIfAbsent("page_url", "https://example.com" + page[0]);
      event.putIfAbsent("page_title", page[1]);
    }
    if (type.name().contains("purchase") && event.get("order_id") == null) {
      event.put("order_id", nextOrderId());
    }
    return event;
  }

  /** {@code count} events of {@code eventType} from random users, now. */
  public List<Map<String, Object>> generateEvents(String eventType, int count) {
    if (count < 0) {
      throw new IllegalArgumentException("count must be >= 0, got " + count);
    }
    List<Map<String, Object>> out = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      out.add(generateEvent(eventType));
    }
    return out;
  }

  /** A session of a random user with 3 to 10 events; see {@link #generateUserSession(String, int)}. */
  public List<Map<String, Object>> generateUserSession() {
    return generateUserSession(randomUser(), 3 + random.nextInt(8));
  }

  /**
   * A realistic session of {@code eventCount} events (at least 1) from one user, a few seconds
   * apart, each with an {@value #EVENT_TYPE} member: a landing {@code page_view}, more page views
   * while browsing, then perhaps {@code add_to_cart} and {@code purchase} (each only when declared;
   * a purchase only after an add to cart). Needs a {@code page_view} type.
   */
  public List<Map<String, Object>> generateUserSession(String userId, int eventCount) {
    Objects.requireNonNull(userId, "userId");
    if (eventCount < 1) {
      throw new IllegalArgumentException("eventCount must be >= 1, got " + eventCount);
    }
    types.get("page_view");
    boolean cart = types.find("add_to_cart").isPresent() && eventCount >= 2 && random.nextDouble() < 0.5;
    boolean purchase = cart && types.find("purchase").isPresent() && eventCount >= 3 && random.nextDouble() < 0.5;
    List<String> kinds = new ArrayList<>();
    int views = eventCount - (cart ? 1 : 0) - (purchase ? 1 : 0);
    for (int i = 0; i < views; i++) {
      kinds.add("page_view");
    }
    if (cart) {
      kinds.add("add_to_cart");
    }
    if (purchase) {
      kinds.add("purchase");
    }
    long t = clock.millis();
    List<Map<String, Object>> session = new ArrayList<>(eventCount);
    for (String kind : kinds) {
      Map<String, Object> event = new LinkedHashMap<>();
      event.put(EVENT_TYPE, kind);
      event.putAll(generateEvent(kind, userId, t));
      session.add(event);
      t += 1_000 + random.nextInt(29_000);
    }
    return session;
  }

  private String randomUser() {
    return "user_" + random.nextInt(userPoolSize);
  }

  private String nextOrderId() {
    return "order_" + (++orders) + "_" + Integer.toHexString(random.nextInt(1 << 20));
  }

  private Object value(EventField f, String[] page) {
    String n = f.name();
    return switch (f.type()) {
      case STRING -> switch (n) {
        case "page_url" -> "https://example.com" + page[0];
        case "page_title" -> page[1];
        case "device_type" -> DEVICES[random.nextInt(DEVICES.length)];
        case "country" -> COUNTRIES[random.nextInt(COUNTRIES.length)];
        case "order_id" -> nextOrderId();
        case "product_id" -> "product_" + random.nextInt(500);
        default -> n + "_" + random.nextInt(10);
      };
      case INT -> n.contains("quantity") ? 1 + random.nextInt(5) : random.nextInt(1000);
      case LONG -> (long) random.nextInt(1_000_000);
      case FLOAT -> (float) Math.round(random.nextDouble() * 50_000) / 100f;
      case DOUBLE -> Math.round((5 + random.nextDouble() * 495) * 100) / 100.0;
      case BOOLEAN -> random.nextBoolean();
    };
  }
}
