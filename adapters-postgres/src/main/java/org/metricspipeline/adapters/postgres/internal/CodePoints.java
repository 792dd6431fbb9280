package org.metricspipeline.adapters.postgres.internal;

/**
 * String order by Unicode code point: the order PostgreSQL gives text COLLATE "C" and bytea (byte-wise UTF-8), and the
 * order the query model asks for. {@link String#compareTo} differs for supplementary characters.
 */
final class CodePoints {

  private CodePoints() {}

  static int compare(String a, String b) {
    int n = Math.min(a.length(), b.length());
    for (int i = 0; i < n; i++) {
      char ca = a.charAt(i);
      char cb = b.charAt(i);
      if (ca != cb) {
        if (ca >= 0xD800 && cb >= 0xD800) {
          return fixUp(ca) - fixUp(cb);
        }
        return ca - cb;
      }
    }
    return a.length() - b.length();
  }

  private static int fixUp(char c) {
    return c >= 0xE000 ? c - 0x800 : c + 0x2000;
  }
}
