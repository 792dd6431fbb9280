package org.metricspipeline.adapters.memory.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Random;
import org.junit.jupiter.api.Test;

class CodePointsTest {

  @Test
  void ordersSupplementaryCharactersAfterHighBmpCharacters() {
    String emoji = "\uD83D\uDE00"; // U+1F600
    String fullWidthA = "\uFF21"; // U+FF21

    assertThat(emoji.compareTo(fullWidthA)).isNegative(); // UTF-16 order gets this wrong
    assertThat(CodePoints.compare(emoji, fullWidthA)).isPositive();
  }

  @Test
  void agreesWithComparingCodePointArrays() {
    Random r = new Random(3);
    char[] alphabet = {'a', 'b', 'z', '\u00e9', '\uD800', '\uDBFF', '\uDC00', '\uDFFF', '\uE000', '\uFFFF'};
    for (int i = 0; i < 20_000; i++) {
      String a = randomString(r, alphabet);
      String b = randomString(r, alphabet);
      int expected = Integer.signum(compareArrays(a.codePoints().toArray(), b.codePoints().toArray()));
      assertThat(Integer.signum(CodePoints.compare(a, b))).as("%s vs %s", a, b).isEqualTo(expected);
    }
  }

  private static String randomString(Random r, char[] alphabet) {
    StringBuilder sb = new StringBuilder();
    int n = r.nextInt(5);
    for (int i = 0; i < n; i++) {
      if (r.nextBoolean()) {
        sb.appendCodePoint(0x10000 + r.nextInt(0x1000)); // a well-formed surrogate pair
      } else {
        sb.append(alphabet[r.nextInt(4)]);
      }
    }
    return sb.toString();
  }

  private static int compareArrays(int[] x, int[] y) {
    for (int i = 0; i < Math.min(x.length, y.length); i++) {
      if (x[i] != y[i]) {
        return Integer.compare(x[i], y[i]);
      }
    }
    return Integer.compare(x.length, y.length);
  }
}
