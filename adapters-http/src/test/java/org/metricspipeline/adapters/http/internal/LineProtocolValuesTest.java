package org.metricspipeline.adapters.http.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Float field values read straight from the bytes equal what {@code Double.parseDouble} reads. */
class LineProtocolValuesTest {

  private static List<Double> values(String line) {
    List<Double> out = new ArrayList<>();
    byte[] body = line.getBytes(StandardCharsets.UTF_8);
    LineProtocol.parse(body, body.length, LineProtocol.Precision.NANOSECONDS, 10, new LineProtocol.Handler() {
      @Override
      public void line(LineProtocol.Line l) {
        l.fields().forEach(f -> out.add(f.value()));
      }

      @Override
      public void error(int number, String element, String message) {
        throw new AssertionError(element + ": " + message);
      }
    });
    return out;
  }

  @Test
  void plainDecimalsReadAsDoubleParseDoubleReadsThem() {
    Random random = new Random(7);
    for (int n = 0; n < 20_000; n++) {
      int intDigits = 1 + random.nextInt(8);
      int fractionDigits = random.nextInt(9);
      StringBuilder text = new StringBuilder(random.nextBoolean() ? "-" : "");
      text.append(1 + random.nextInt(9));
      for (int i = 1; i < intDigits; i++) {
        text.append(random.nextInt(10));
      }
      if (fractionDigits > 0) {
        text.append('.');
        for (int i = 0; i < fractionDigits; i++) {
          text.append(random.nextInt(10));
        }
      }
      String value = text.toString();
      assertThat(values("m v=" + value)).as(value).containsExactly(Double.parseDouble(value));
    }
  }

  @Test
  void edgeShapesKeepTheirMeaning() {
    assertThat(values("m a=0,b=-0,c=007.50,d=123456789012345,e=1234567890123456,f=1.5e3,g=.5,h=2i,i=3u,j=t"))
        .containsExactly(0.0, -0.0, 7.5, 123456789012345.0, 1234567890123456.0, 1500.0, 0.5, 2.0, 3.0, 1.0);
  }
}
