package org.metricspipeline.core.internal;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;

/**
 * ISO-8601 timestamps on the wire: a fast path for the common shapes, {@link OffsetDateTime} for the
 * rest, so the accepted set is exactly what {@link DateTimeFormatter#ISO_OFFSET_DATE_TIME} accepts.
 */
public final class Timestamps {

  private Timestamps() {}

  /**
   * Parses an ISO-8601 date-time with an offset ({@code 2025-12-03T12:00:00Z},
   * {@code 2025-12-03T13:00:00.250+01:00}); returns {@code null} when the text is not one.
   */
  public static Instant parseIso(String s) {
    Instant fast = parseFast(s);
    if (fast != null) {
      return fast;
    }
    try {
      return OffsetDateTime.parse(s, DateTimeFormatter.ISO_OFFSET_DATE_TIME).toInstant();
    } catch (DateTimeParseException e) {
      return null;
    }
  }

  /**
   * {@code yyyy-MM-ddTHH:mm:ss[.f{1,9}](Z|+HH:MM|-HH:MM)} without allocation beyond the result;
   * {@code null} when the text has another shape (the slow path then decides).
   */
  static Instant parseFast(String s) {
    int n = s.length();
    if (n < 20 || s.charAt(4) != '-' || s.charAt(7) != '-' || s.charAt(10) != 'T'
        || s.charAt(13) != ':' || s.charAt(16) != ':') {
      return null;
    }
    int year = digits(s, 0, 4);
    int month = digits(s, 5, 2);
    int day = digits(s, 8, 2);
    int hour = digits(s, 11, 2);
    int minute = digits(s, 14, 2);
    int second = digits(s, 17, 2);
    if (year < 0 || month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)
        || hour < 0 || hour > 23 || minute < 0 || minute > 59 || second < 0 || second > 59) {
      return null;
    }
    int i = 19;
    int nanos = 0;
    if (s.charAt(i) == '.') {
      i++;
      int start = i;
      while (i < n && i - start < 9 && isDigit(s.charAt(i))) {
        nanos = nanos * 10 + (s.charAt(i) - '0');
        i++;
      }
      int count = i - start;
      if (count == 0 || (i < n && isDigit(s.charAt(i)))) {
        return null;
      }
      for (int k = count; k < 9; k++) {
        nanos *= 10;
      }
    }
    if (i >= n) {
      return null;
    }
    int offsetSeconds;
    char c = s.charAt(i);
    if (c == 'Z') {
      if (i + 1 != n) {
        return null;
      }
      offsetSeconds = 0;
    } else if ((c == '+' || c == '-') && i + 6 == n && s.charAt(i + 3) == ':') {
      int oh = digits(s, i + 1, 2);
      int om = digits(s, i + 4, 2);
      if (oh < 0 || oh > 18 || om < 0 || om > 59 || (oh == 18 && om != 0)) {
        return null;
      }
      offsetSeconds = (oh * 3600 + om * 60) * (c == '-' ? -1 : 1);
    } else {
      return null;
    }
    long epochDay = daysFromCivil(year, month, day);
    long seconds = epochDay * 86_400L + hour * 3600L + minute * 60L + second - offsetSeconds;
    return Instant.ofEpochSecond(seconds, nanos);
  }

  /** {@code 2025-12-03T12:00:00.000Z}: UTC, always with milliseconds (sub-millisecond digits dropped). */
  public static String formatMillis(Instant instant) {
    long millis;
    try {
      millis = instant.toEpochMilli();
    } catch (ArithmeticException e) {
      return instant.truncatedTo(ChronoUnit.MILLIS).toString();
    }
    return formatMillis(millis);
  }

  /** {@code 2025-12-03T12:00:00.000Z} for epoch milliseconds. */
  public static String formatMillis(long epochMillis) {
    long epochDay = Math.floorDiv(epochMillis, 86_400_000L);
    int msOfDay = (int) Math.floorMod(epochMillis, 86_400_000L);
    long civil = civilFromDays(epochDay);
    long year = civil >> 16;
    if (year < 0 || year > 9999) {
      return DateTimeFormatter.ISO_INSTANT.format(Instant.ofEpochMilli(epochMillis));
    }
    int month = (int) ((civil >> 8) & 0xff);
    int day = (int) (civil & 0xff);
    char[] b = new char[24];
    put(b, 0, (int) year, 4);
    b[4] = '-';
    put(b, 5, month, 2);
    b[7] = '-';
    put(b, 8, day, 2);
    b[10] = 'T';
    put(b, 11, msOfDay / 3_600_000, 2);
    b[13] = ':';
    put(b, 14, msOfDay / 60_000 % 60, 2);
    b[16] = ':';
    put(b, 17, msOfDay / 1000 % 60, 2);
    b[19] = '.';
    put(b, 20, msOfDay % 1000, 3);
    b[23] = 'Z';
    return new String(b);
  }

  private static void put(char[] b, int at, int value, int width) {
    for (int i = at + width - 1; i >= at; i--) {
      b[i] = (char) ('0' + value % 10);
      value /= 10;
    }
  }

  private static int digits(String s, int at, int count) {
    int v = 0;
    for (int i = at; i < at + count; i++) {
      char c = s.charAt(i);
      if (!isDigit(c)) {
        return -1;
      }
      v = v * 10 + (c - '0');
    }
    return v;
  }

  private static boolean isDigit(char c) {
    return c >= '0' && c <= '9';
  }

  private static int daysInMonth(int year, int month) {
    switch (month) {
      case 2:
        return (year % 4 == 0 && (year % 100 != 0 || year % 400 == 0)) ? 29 : 28;
      case 4:
      case 6:
      case 9:
      case 11:
        return 30;
      default:
        return 31;
    }
  }

  // Howard Hinnant's days_from_civil / civil_from_days (proleptic Gregorian, like java.time).
  static long daysFromCivil(long y, int m, int d) {
    y -= m <= 2 ? 1 : 0;
    long era = Math.floorDiv(y, 400);
    long yoe = y - era * 400;
    long doy = (153L * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    long doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146_097 + doe - 719_468;
  }

  /** Year in the high bits, month in bits 8-15, day in bits 0-7. */
  static long civilFromDays(long z) {
    z += 719_468;
    long era = Math.floorDiv(z, 146_097);
    long doe = z - era * 146_097;
    long yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    long y = yoe + era * 400;
    long doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    long mp = (5 * doy + 2) / 153;
    long d = doy - (153 * mp + 2) / 5 + 1;
    long m = mp < 10 ? mp + 3 : mp - 9;
    if (m <= 2) {
      y++;
    }
    return (y << 16) | (m << 8) | d;
  }
}
