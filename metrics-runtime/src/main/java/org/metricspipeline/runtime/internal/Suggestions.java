package org.metricspipeline.runtime.internal;

import java.util.Collection;
import java.util.Optional;

/** The nearest known word to a misspelt one, by Levenshtein distance. */
public final class Suggestions {

  private Suggestions() {}

  /**
   * The known word nearest to {@code word}, when it is near enough to be a likely misspelling: at
   * most a third of the word's length (and at least 2) edits away; ties go to the first known word.
   */
  public static Optional<String> nearest(String word, Collection<String> known) {
    String best = null;
    int bestDistance = Integer.MAX_VALUE;
    for (String k : known) {
      int d = distance(word.toLowerCase(java.util.Locale.ROOT), k.toLowerCase(java.util.Locale.ROOT));
      if (d < bestDistance) {
        best = k;
        bestDistance = d;
      }
    }
    int limit = Math.max(2, word.length() / 3);
    return best != null && bestDistance <= limit ? Optional.of(best) : Optional.empty();
  }

  /** {@code "; did you mean 'x'?"} or {@code ""}. */
  public static String hint(String word, Collection<String> known) {
    return nearest(word, known).map(n -> "; did you mean '" + n + "'?").orElse("");
  }

  /** Levenshtein distance: insertions, deletions and substitutions. */
  static int distance(String a, String b) {
    int[] prev = new int[b.length() + 1];
    int[] cur = new int[b.length() + 1];
    for (int j = 0; j <= b.length(); j++) {
      prev[j] = j;
    }
    for (int i = 1; i <= a.length(); i++) {
      cur[0] = i;
      for (int j = 1; j <= b.length(); j++) {
        int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
        cur[j] = Math.min(Math.min(cur[j - 1] + 1, prev[j] + 1), prev[j - 1] + cost);
      }
      int[] t = prev;
      prev = cur;
      cur = t;
    }
    return prev[b.length()];
  }
}
