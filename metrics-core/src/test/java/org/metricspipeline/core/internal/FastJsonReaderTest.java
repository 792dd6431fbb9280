package org.metricspipeline.core.internal;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.JsonParser;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.metricspipeline.api.MetricsValidationException;

/** The fast path answers exactly as the full reader does, or leaves the document to it. */
class FastJsonReaderTest {

  private static final String ITEM = "{\"timestamp\":\"2025-12-03T12:00:00Z\",\"metric_type\":\"system\","
      + "\"source\":\"web-1\",\"metrics\":[{\"name\":\"cpu\",\"value\":%s,\"unit\":\"percent\","
      + "\"tags\":{\"host\":\"a\",\"dc\":\"eu\"}},{\"name\":\"mem\",\"value\":2}]}";

  private static List<MetricsJsonReader.ItemResult> full(String json) {
    try {
      JsonParser p = JsonSupport.FACTORY.createParser(json.getBytes(StandardCharsets.UTF_8));
      return MetricsJsonReader.readBatch(p);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (MetricsValidationException e) {
      return null;
    }
  }

  private static List<MetricsJsonReader.ItemResult> fast(String json) {
    return FastJsonReader.tryReadBatch(json.getBytes(StandardCharsets.UTF_8));
  }

  /** Asserts the fast answer (when there is one) equals the full reader's; returns whether it answered. */
  private static boolean agrees(String json) {
    List<MetricsJsonReader.ItemResult> fast = fast(json);
    if (fast != null) {
      assertThat(fast).as(json).isEqualTo(full(json));
    }
    return fast != null;
  }

  @Test
  void readsTheCommonShapeItselfAsTheFullReaderDoes() {
    String one = ITEM.formatted("12.5");
    assertThat(agrees(one)).isTrue();
    assertThat(agrees("[" + one + ", " + ITEM.formatted("-3") + "]")).isTrue();
    assertThat(agrees(" \n[ ]\t")).isTrue();
    assertThat(agrees("{\"metrics\":[],\"metric_type\":\"t\",\"timestamp\":1764763200000,\"source\":null}")).isTrue();
    assertThat(agrees("[{\"timestamp\":\"2025-12-03T13:00:00.250+01:00\",\"metric_type\":\"t\",\"metrics\":"
        + "[{\"tags\":null,\"unit\":null,\"value\":1e3,\"name\":\"x\"},{\"name\":\"y\",\"value\":0.1,"
        + "\"tags\":{\"k\":\"1\",\"k\":\"2\"}}]}]")).isTrue();
  }

  @Test
  void leavesEveryOtherShapeToTheFullReader() {
    List<String> others = List.of(
        ITEM.formatted("NaN"), ITEM.formatted("Infinity"), ITEM.formatted("1e400"), ITEM.formatted("01"),
        ITEM.formatted("1."), ITEM.formatted(".5"), ITEM.formatted("\"1\""), ITEM.formatted("null"),
        ITEM.formatted("12345678901234567890"), ITEM.formatted("1e99999"),
        ITEM.replace("cpu", "c\\u0070u"), ITEM.replace("cpu", "cpü"), ITEM.replace("web-1", "web\t1"),
        ITEM.replace("\"source\"", "\"context\":{\"a\":1},\"source\""),
        ITEM.replace("\"source\":\"web-1\"", "\"source\":\"a\",\"source\":\"b\""),
        ITEM.replace("\"mem\",\"value\":2", "\"mem\""), ITEM.replace("\"unit\"", "\"other\""),
        ITEM.replace("\"eu\"", "null"), ITEM.replace("2025-12-03T12:00:00Z", "yesterday"),
        "{\"timestamp\":1.5,\"metric_type\":\"t\",\"metrics\":[]}", "[1]", "[", "", "{} x", "[{}]",
        "{\"timestamp\":1,\"metric_type\":\"t\",\"metrics\":[],}", "\uFEFF[]");
    for (String json : others) {
      assertThat(fast(json)).as(json).isNull();
    }
  }

  @Test
  void convertsNumbersWithCorrectRounding() {
    Random random = new Random(42);
    for (int n = 0; n < 20_000; n++) {
      String number;
      switch (n % 4) {
        case 0 -> number = Double.toString(random.nextDouble() * Math.pow(10, random.nextInt(40) - 20));
        case 1 -> number = Long.toString(random.nextLong() % 1_000_000_000_000_000L);
        case 2 -> number = (random.nextBoolean() ? "-" : "") + random.nextInt(100_000) + "." + random.nextInt(1_000_000_000);
        default -> number = random.nextInt(10_000) + "e" + (random.nextInt(60) - 30);
      }
      agrees(ITEM.formatted(number));
    }
    for (String edge : List.of("-0", "-0.0", "0", "9007199254740993", "0.1", "1.7976931348623157e308",
        "4.9e-324", "1e-400", "123456789012345.6", "0.30000000000000004", "100000000000000000000e-2")) {
      agrees(ITEM.formatted(edge));
    }
  }

  @Test
  void sharesTagMapsAndNamesBetweenDocuments() {
    var first = fast(ITEM.formatted("1")).get(0).data().metrics().get(0);
    var second = fast(ITEM.formatted("2")).get(0).data().metrics().get(0);
    assertThat(second.tags()).isSameAs(first.tags());
    assertThat(second.name()).isSameAs(first.name());
  }
}
