package org.metricspipeline.core.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.Random;
import org.junit.jupiter.api.Test;

class TimestampsTest {

  @Test
  void fastPathAgreesWithOffsetDateTimeOnRandomTimestamps() {
    Random random = new Random(42);
    for (int i = 0; i < 20_000; i++) {
      long seconds = random.nextLong() % 253_402_300_799L; // years 0001 to 9999
      if (seconds < -62_135_596_800L) {
        seconds = -seconds;
      }
      int nanos = random.nextInt(4) == 0 ? 0 : random.nextInt(1_000_000_000);
      ZoneOffset offset = ZoneOffset.ofTotalSeconds((random.nextInt(36 * 4 + 1) - 18 * 4) * 15 * 60);
      String text = OffsetDateTime.ofInstant(Instant.ofEpochSecond(seconds, nanos), offset)
          .format(DateTimeFormatter.ISO_OFFSET_DATE_TIME);
      if (text.length() < 20 || text.charAt(19) == ':') {
        continue;
      }

      assertThat(Timestamps.parseIso(text)).as(text)
          .isEqualTo(OffsetDateTime.parse(text).toInstant());
    }
  }

  @Test
  void formatsLikeIsoInstantWithMilliseconds() {
    Random random = new Random(7);
    DateTimeFormatter millis = DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSS'Z'")
        .withZone(ZoneOffset.UTC);
    for (int i = 0; i < 20_000; i++) {
      long ms = random.nextLong() % 253_402_300_799_000L;
      if (ms < 0) {
        ms = -ms;
      }
      Instant instant = Instant.ofEpochMilli(ms);

      assertThat(Timestamps.formatMillis(ms)).isEqualTo(millis.format(instant));
    }
  }

  @Test
  void dropsSubMillisecondDigitsWhenFormatting() {
    assertThat(Timestamps.formatMillis(Instant.parse("1969-12-31T23:59:59.9999Z")))
        .isEqualTo("1969-12-31T23:59:59.999Z");
  }

  @Test
  void refusesImpossibleDates() {
    assertThat(Timestamps.parseIso("2025-02-29T00:00:00Z")).isNull();
    assertThat(Timestamps.parseIso("2025-13-01T00:00:00Z")).isNull();
    assertThat(Timestamps.parseIso("2025-01-01T24:00:00Z")).isNull();
    assertThat(Timestamps.parseIso("2025-01-01T00:00:00+19:00")).isNull();
  }

  @Test
  void acceptsLeapDays() {
    assertThat(Timestamps.parseIso("2024-02-29T00:00:00Z"))
        .isEqualTo(Instant.parse("2024-02-29T00:00:00Z"));
    assertThat(Timestamps.parseIso("2000-02-29T23:59:59.999999999Z"))
        .isEqualTo(Instant.parse("2000-02-29T23:59:59.999999999Z"));
  }

  @Test
  void formatsYearsBeyondFourDigitsLikeIsoInstant() {
    Instant far = Instant.parse("+12025-01-01T00:00:00Z");

    assertThat(Timestamps.formatMillis(far)).isEqualTo(far.truncatedTo(ChronoUnit.MILLIS).toString());
  }
}
