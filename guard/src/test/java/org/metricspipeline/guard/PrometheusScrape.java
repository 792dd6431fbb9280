package org.metricspipeline.guard;

import java.util.LinkedHashMap;
import java.util.Map;

/** Reads Prometheus text into a map of series (name plus label block as written) to value. */
final class PrometheusScrape {

  private PrometheusScrape() {}

  static Map<String, Double> parse(String text) {
    Map<String, Double> out = new LinkedHashMap<>();
    for (String line : text.split("\n")) {
      if (line.isEmpty() || line.startsWith("#")) {
        continue;
      }
      int space = line.lastIndexOf(' ');
      String value = line.substring(space + 1);
      out.put(line.substring(0, space), switch (value) {
        case "+Inf" -> Double.POSITIVE_INFINITY;
        case "-Inf" -> Double.NEGATIVE_INFINITY;
        default -> Double.parseDouble(value);
      });
    }
    return out;
  }
}
