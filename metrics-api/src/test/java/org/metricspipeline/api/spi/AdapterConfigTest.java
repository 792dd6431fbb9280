package org.metricspipeline.api.spi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.metricspipeline.api.ConfigurationException;

class AdapterConfigTest {

  private static AdapterConfig config(String key, String value) {
    return AdapterConfig.of(Map.of(key, value));
  }

  @Test
  void returnsDefaultsForMissingKeys() {
    AdapterConfig c = AdapterConfig.empty();

    assertThat(c.getInt("n", 7)).isEqualTo(7);
    assertThat(c.getLong("n", 8L)).isEqualTo(8L);
    assertThat(c.getBoolean("b", true)).isTrue();
    assertThat(c.getDuration("d", Duration.ofSeconds(3))).isEqualTo(Duration.ofSeconds(3));
    assertThat(c.getString("s")).isEmpty();
    assertThat(c.getString("s", "x")).isEqualTo("x");
  }

  @Test
  void parsesIntegersWithUnderscoresAndSpaces() {
    assertThat(config("n", " 10_000 ").getLong("n", 0)).isEqualTo(10_000L);
  }

  @Test
  void namesTheKeyOfABadInteger() {
    assertThatThrownBy(() -> config("max-points", "lots").getLong("max-points", 1))
        .isInstanceOf(ConfigurationException.class)
        .hasMessage("setting 'max-points' must be an integer, got 'lots'");
  }

  @Test
  void namesTheKeyOfAnIntOutOfRange() {
    assertThatThrownBy(() -> config("n", "3000000000").getInt("n", 1))
        .isInstanceOf(ConfigurationException.class)
        .hasMessage("setting 'n' is out of range for an int: 3000000000");
  }

  @Test
  void acceptsOnlyTrueOrFalseForBooleans() {
    assertThat(config("b", " TRUE ").getBoolean("b", false)).isTrue();
    assertThatThrownBy(() -> config("tls", "yes").getBoolean("tls", false))
        .isInstanceOf(ConfigurationException.class)
        .hasMessage("setting 'tls' must be true or false, got 'yes'");
  }

  @Test
  void parsesShortAndIsoDurations() {
    assertThat(AdapterConfig.parseDuration("k", "250ms")).isEqualTo(Duration.ofMillis(250));
    assertThat(AdapterConfig.parseDuration("k", "5s")).isEqualTo(Duration.ofSeconds(5));
    assertThat(AdapterConfig.parseDuration("k", "2m")).isEqualTo(Duration.ofMinutes(2));
    assertThat(AdapterConfig.parseDuration("k", "1h")).isEqualTo(Duration.ofHours(1));
    assertThat(AdapterConfig.parseDuration("k", "7d")).isEqualTo(Duration.ofDays(7));
    assertThat(AdapterConfig.parseDuration("k", "PT5S")).isEqualTo(Duration.ofSeconds(5));
  }

  @Test
  void namesTheKeyOfABadDuration() {
    for (String bad : new String[] {"5", "5 weeks", "s", "", "PTx", "1.5s"}) {
      assertThatThrownBy(() -> config("timeout", bad).getDuration("timeout", Duration.ZERO))
          .as(bad)
          .isInstanceOf(ConfigurationException.class)
          .hasMessageStartingWith("setting 'timeout' must be a duration such as 250ms");
    }
  }

  @Test
  void requireStringNamesAMissingOrBlankKey() {
    assertThatThrownBy(() -> AdapterConfig.empty().requireString("url"))
        .isInstanceOf(ConfigurationException.class).hasMessage("setting 'url' is required");
    assertThatThrownBy(() -> config("url", " ").requireString("url")).hasMessage("setting 'url' is required");
    assertThat(config("url", "http://x").requireString("url")).isEqualTo("http://x");
  }

  @Test
  void selectsKeysByPrefix() {
    AdapterConfig c = AdapterConfig.of(Map.of("sqs.queue", "q", "sqs.region", "eu", "http.port", "8080"));

    assertThat(c.withPrefix("sqs.").asMap()).isEqualTo(Map.of("queue", "q", "region", "eu"));
  }

  @Test
  void listsKeysSortedAndHidesValuesInToString() {
    AdapterConfig c = AdapterConfig.of(Map.of("password", "secret", "user", "me"));

    assertThat(c.keys()).containsExactly("password", "user");
    assertThat(c.toString()).isEqualTo("AdapterConfig[password, user]").doesNotContain("secret");
  }

  @Test
  void copiesItsSettingsAndComparesByThem() {
    java.util.HashMap<String, String> source = new java.util.HashMap<>(Map.of("a", "1"));
    AdapterConfig c = AdapterConfig.of(source);
    source.put("a", "2");

    assertThat(c.getString("a", "")).isEqualTo("1");
    assertThat(c).isEqualTo(config("a", "1")).hasSameHashCodeAs(config("a", "1"));
  }

  @Test
  void rejectsUnknownKeysNamingThemAndTheKnownOnes() {
    AdapterConfig c = AdapterConfig.of(Map.of("max-points", "1", "max-pionts", "2"));

    assertThatThrownBy(() -> c.requireOnlyKnownKeys("memory storage provider", Set.of("max-points", "points-per-chunk")))
        .isInstanceOf(ConfigurationException.class)
        .hasMessage("unknown setting(s) [max-pionts] for the memory storage provider; known: max-points, points-per-chunk");
  }

  @Test
  void acceptsOnlyKnownKeys() {
    AdapterConfig.of(Map.of("max-points", "1")).requireOnlyKnownKeys("p", Set.of("max-points"));
  }

  @Test
  void applyNamesTheKeyWhenTheBuilderRefusesTheValue() {
    assertThatThrownBy(() -> AdapterConfig.apply("capacity", () -> {
      throw new IllegalArgumentException("capacity must be >= 1, got 0");
    }))
        .isInstanceOf(ConfigurationException.class)
        .hasMessage("setting 'capacity': capacity must be >= 1, got 0");
  }
}
