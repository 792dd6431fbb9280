package org.metricspipeline.adapters.memory.internal;

/** String comparison by Unicode code point, as the query model's ordering rules require. */
public final class CodePoints {

  private CodePoints() {}

  /**
   * Compares two strings by code point. {@link String#compareTo} compares UTF-16 units, which puts
   * supplementary characters (surrogate pairs) before U+E000..U+FFFF; this fixes that up.
   */
  public static int compare(String a, String b) {
    if (a == b) {
      return 0;
    }
    int n = Math.min(a.length(), b.length());
    for (int i = 0; i < n; i++) {
      char ca = a.charAt(i);
      char cb = b.charAt(i);
      if (ca != cb) {
        if (ca >= 0xD800 && cb >= 0xD800) {
          // Surrogates (supplementary code points) sort after every BMP character.
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

  /** Compares two string arrays element by element, a shorter prefix first. */
  public static int compare(String[] a, String[] b) {
    int n = Math.min(a.length, b.length);
    for (int i = 0; i < n; i++) {
      int c = compare(a[i], b[i]);
      if (c != 0) {
        return c;
      }
    }
    return Integer.compare(a.length, b.length);
  }
}
