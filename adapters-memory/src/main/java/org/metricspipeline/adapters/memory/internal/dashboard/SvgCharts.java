package org.metricspipeline.adapters.memory.internal.dashboard;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Locale;
import org.metricspipeline.adapters.memory.internal.dashboard.ChartData.Axis;
import org.metricspipeline.adapters.memory.internal.dashboard.ChartData.Point;
import org.metricspipeline.adapters.memory.internal.dashboard.ChartData.Series;
import org.metricspipeline.api.VisualizationType;

/**
 * Draws {@link ChartData} as SVG in Java, for the {@code svg} and {@code html} exports. The page's
 * script ({@code assets/dashboard.js}) draws the same layout in the browser: the same view box,
 * margins, palette and mark rules, so a snapshot looks like the live page. Every chart's root
 * {@code <svg>} carries {@code data-points} (see {@link ChartData#points()}) and {@code data-type}.
 */
public final class SvgCharts {

  /** Width of every chart's view box. */
  public static final int WIDTH = 640;
  static final int LEFT = 56;
  static final int RIGHT = 16;
  static final int TOP = 12;
  static final int PLOT_BOTTOM = 256;
  static final int LEGEND_TOP = 296;
  static final int LEGEND_ROW = 18;
  static final int LEGEND_COLUMNS = 4;
  static final int TABLE_ROW = 22;
  static final int SCALAR_HEIGHT = 120;
  static final List<String> PALETTE = List.of("#2563eb", "#dc2626", "#16a34a", "#d97706", "#9333ea",
      "#0891b2", "#db2777", "#65a30d", "#475569", "#ea580c");

  private static final String NS = "http://www.w3.org/2000/svg";
  private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("HH:mm", Locale.ROOT)
      .withZone(ZoneOffset.UTC);
  private static final DateTimeFormatter DAY_TIME = DateTimeFormatter.ofPattern("MM-dd HH:mm", Locale.ROOT)
      .withZone(ZoneOffset.UTC);

  private SvgCharts() {}

  /** The height of a chart's view box: it grows with its legend or table rows. */
  public static int height(ChartData c) {
    return switch (c.type()) {
      case SCALAR -> SCALAR_HEIGHT;
      case TABLE -> TOP + TABLE_ROW * (c.series().size() + 1) + 8;
      default -> LEGEND_TOP + LEGEND_ROW * Math.max(1, ceilDiv(c.series().size(), LEGEND_COLUMNS)) - 4;
    };
  }

  /** One chart as an {@code <svg>} element placed at {@code (x, y)} when nested (ignored inline). */
  public static String render(ChartData c, int x, int y) {
    int h = height(c);
    StringBuilder sb = new StringBuilder(4096);
    sb.append("<svg xmlns=\"").append(NS).append("\" class=\"chart-svg\" x=\"").append(x).append("\" y=\"")
        .append(y).append("\" width=\"").append(WIDTH).append("\" height=\"").append(h)
        .append("\" viewBox=\"0 0 ").append(WIDTH).append(' ').append(h).append("\" role=\"img\" aria-label=\"")
        .append(escape(c.visualization().spec().name())).append("\" data-type=\"").append(c.type().wireName())
        .append("\" data-points=\"").append(c.points()).append("\">");
    if (c.series().isEmpty()) {
      sb.append("<text class=\"empty\" x=\"").append(WIDTH / 2).append("\" y=\"").append(Math.min(h, PLOT_BOTTOM) / 2)
          .append("\" text-anchor=\"middle\" fill=\"#64748b\">No data in this range</text>");
    } else {
      switch (c.type()) {
        case LINE, AREA -> lines(sb, c);
        case BAR -> bars(sb, c);
        case PIE -> pie(sb, c);
        case TABLE -> table(sb, c);
        case SCALAR -> scalar(sb, c);
        default -> throw new IllegalStateException("unknown type " + c.type());
      }
    }
    return sb.append("</svg>").toString();
  }

  private static void lines(StringBuilder sb, ChartData c) {
    axes(sb, c);
    boolean area = c.type() == VisualizationType.AREA;
    double base = c.y().scale(Math.max(c.y().min(), Math.min(0, c.y().max())), PLOT_BOTTOM, TOP);
    for (int i = 0; i < c.series().size(); i++) {
      Series s = c.series().get(i);
      String color = PALETTE.get(i % PALETTE.size());
      StringBuilder d = new StringBuilder();
      StringBuilder fill = new StringBuilder();
      int n = 0;
      boolean open = false;
      double firstX = 0;
      double lastX = 0;
      for (Point p : s.points()) {
        if (!Double.isFinite(p.value())) {
          if (open && area) {
            fill.append(" L").append(num(lastX)).append(',').append(num(base)).append(" L").append(num(firstX))
                .append(',').append(num(base)).append(" Z");
          }
          open = false;
          continue;
        }
        double px = x(c, p.time());
        double py = c.y().scale(p.value(), PLOT_BOTTOM, TOP);
        d.append(open ? " L" : " M").append(num(px)).append(',').append(num(py));
        fill.append(open ? " L" : " M").append(num(px)).append(',').append(num(py));
        if (!open) {
          firstX = px;
        }
        lastX = px;
        open = true;
        n++;
      }
      if (open && area) {
        fill.append(" L").append(num(lastX)).append(',').append(num(base)).append(" L").append(num(firstX))
            .append(',').append(num(base)).append(" Z");
      }
      if (area && n > 0) {
        sb.append("<path class=\"area\" d=\"").append(fill.toString().trim()).append("\" fill=\"").append(color)
            .append("\" fill-opacity=\"0.2\" stroke=\"none\"/>");
      }
      sb.append("<path class=\"series\" data-points=\"").append(n).append("\" data-label=\"").append(escape(s.label()))
          .append("\" d=\"").append(d.toString().trim()).append("\" fill=\"none\" stroke=\"").append(color)
          .append("\" stroke-width=\"2\" stroke-linejoin=\"round\" stroke-linecap=\"round\"/>");
    }
    legend(sb, c);
  }

  private static void bars(StringBuilder sb, ChartData c) {
    axes(sb, c);
    int groups = c.series().size();
    double zero = c.y().scale(Math.max(c.y().min(), Math.min(0, c.y().max())), PLOT_BOTTOM, TOP);
    for (int i = 0; i < groups; i++) {
      Series s = c.series().get(i);
      String color = PALETTE.get(i % PALETTE.size());
      sb.append("<g class=\"series\" data-label=\"").append(escape(s.label())).append("\" fill=\"").append(color).append("\">");
      for (Point p : s.points()) {
        if (!Double.isFinite(p.value())) {
          continue;
        }
        double slotX;
        double slotW;
        if (c.timeAxis()) {
          slotX = x(c, p.time());
          slotW = x(c, p.time() + c.step().orElseThrow().toMillis()) - slotX;
          slotX += slotW * 0.1 + slotW * 0.8 / groups * i;
          slotW = slotW * 0.8 / groups;
        } else {
          slotW = (double) (WIDTH - LEFT - RIGHT) / groups;
          slotX = LEFT + slotW * i + slotW * 0.15;
          slotW *= 0.7;
        }
        double py = c.y().scale(p.value(), PLOT_BOTTOM, TOP);
        sb.append("<rect x=\"").append(num(slotX)).append("\" y=\"").append(num(Math.min(py, zero)))
            .append("\" width=\"").append(num(Math.max(slotW, 0.5))).append("\" height=\"")
            .append(num(Math.abs(zero - py))).append("\"><title>").append(escape(s.label())).append(": ")
            .append(formatValue(p.value())).append("</title></rect>");
      }
      sb.append("</g>");
    }
    legend(sb, c);
  }

  private static void pie(StringBuilder sb, ChartData c) {
    double total = 0;
    for (Series s : c.series()) {
      double v = s.points().get(0).value();
      total += Double.isFinite(v) && v > 0 ? v : 0;
    }
    double cx = WIDTH / 2.0;
    double cy = (TOP + PLOT_BOTTOM + 20) / 2.0;
    double r = (PLOT_BOTTOM + 20 - TOP) / 2.0 - 4;
    double angle = -Math.PI / 2;
    sb.append("<g class=\"slices\">");
    for (int i = 0; i < c.series().size() && total > 0; i++) {
      Series s = c.series().get(i);
      double v = s.points().get(0).value();
      if (!(Double.isFinite(v) && v > 0)) {
        continue;
      }
      String color = PALETTE.get(i % PALETTE.size());
      double sweep = v / total * 2 * Math.PI;
      String title = "<title>" + escape(s.label()) + ": " + formatValue(v) + "</title>";
      if (sweep >= 2 * Math.PI - 1e-9) {
        sb.append("<circle class=\"slice\" cx=\"").append(num(cx)).append("\" cy=\"").append(num(cy)).append("\" r=\"")
            .append(num(r)).append("\" fill=\"").append(color).append("\">").append(title).append("</circle>");
      } else {
        double x1 = cx + r * Math.cos(angle);
        double y1 = cy + r * Math.sin(angle);
        double x2 = cx + r * Math.cos(angle + sweep);
        double y2 = cy + r * Math.sin(angle + sweep);
        sb.append("<path class=\"slice\" d=\"M").append(num(cx)).append(',').append(num(cy)).append(" L")
            .append(num(x1)).append(',').append(num(y1)).append(" A").append(num(r)).append(',').append(num(r))
            .append(" 0 ").append(sweep > Math.PI ? 1 : 0).append(" 1 ").append(num(x2)).append(',').append(num(y2))
            .append(" Z\" fill=\"").append(color).append("\" stroke=\"#fff\">").append(title).append("</path>");
      }
      angle += sweep;
    }
    sb.append("</g>");
    legend(sb, c);
  }

  private static void table(StringBuilder sb, ChartData c) {
    int y = TOP + TABLE_ROW - 6;
    sb.append("<g class=\"table\" font-size=\"13\">");
    sb.append("<text x=\"8\" y=\"").append(y).append("\" font-weight=\"bold\">")
        .append(escape(c.query().groupBy().isEmpty() ? "series" : String.join(", ", c.query().groupBy())))
        .append("</text><text x=\"").append(WIDTH - 120).append("\" y=\"").append(y)
        .append("\" text-anchor=\"end\" font-weight=\"bold\">").append(escape(c.query().function().wireName()))
        .append("</text><text x=\"").append(WIDTH - 8).append("\" y=\"").append(y)
        .append("\" text-anchor=\"end\" font-weight=\"bold\">points</text>");
    for (Series s : c.series()) {
      y += TABLE_ROW;
      Point p = s.points().get(0);
      sb.append("<g class=\"row\"><line x1=\"0\" x2=\"").append(WIDTH).append("\" y1=\"").append(y - 16)
          .append("\" y2=\"").append(y - 16).append("\" stroke=\"#e2e8f0\"/><text x=\"8\" y=\"").append(y).append("\">")
          .append(escape(s.label())).append("</text><text x=\"").append(WIDTH - 120).append("\" y=\"").append(y)
          .append("\" text-anchor=\"end\">").append(Double.isFinite(p.value()) ? formatValue(p.value()) : "–")
          .append("</text><text x=\"").append(WIDTH - 8).append("\" y=\"").append(y).append("\" text-anchor=\"end\">")
          .append(p.count()).append("</text></g>");
    }
    sb.append("</g>");
  }

  private static void scalar(StringBuilder sb, ChartData c) {
    Point p = c.series().get(0).points().get(0);
    sb.append("<text class=\"scalar\" x=\"").append(WIDTH / 2).append("\" y=\"72\" text-anchor=\"middle\" font-size=\"48\" font-weight=\"bold\">")
        .append(Double.isFinite(p.value()) ? formatValue(p.value()) : "–").append("</text><text x=\"").append(WIDTH / 2)
        .append("\" y=\"104\" text-anchor=\"middle\" fill=\"#64748b\">").append(escape(c.series().get(0).label()))
        .append(" · ").append(p.count()).append(" points</text>");
  }

  private static void axes(StringBuilder sb, ChartData c) {
    Axis y = c.y();
    sb.append("<g class=\"axis\" font-size=\"11\" fill=\"#64748b\">");
    for (double t : y.ticks()) {
      double py = y.scale(t, PLOT_BOTTOM, TOP);
      sb.append("<line x1=\"").append(LEFT).append("\" x2=\"").append(WIDTH - RIGHT).append("\" y1=\"").append(num(py))
          .append("\" y2=\"").append(num(py)).append("\" stroke=\"#e2e8f0\"/><text x=\"").append(LEFT - 6)
          .append("\" y=\"").append(num(py + 4)).append("\" text-anchor=\"end\">").append(formatValue(t)).append("</text>");
    }
    if (c.timeAxis()) {
      boolean days = c.x().max() - c.x().min() > 2 * 86_400_000d;
      for (double t : c.x().ticks()) {
        double px = x(c, (long) t);
        sb.append("<text x=\"").append(num(px)).append("\" y=\"").append(PLOT_BOTTOM + 18)
            .append("\" text-anchor=\"middle\">").append((days ? DAY_TIME : TIME).format(Instant.ofEpochMilli((long) t)))
            .append("</text>");
      }
      sb.append("<text x=\"").append(WIDTH - RIGHT).append("\" y=\"").append(PLOT_BOTTOM + 34)
          .append("\" text-anchor=\"end\">UTC</text>");
    }
    sb.append("</g>");
  }

  private static void legend(StringBuilder sb, ChartData c) {
    int columnWidth = (WIDTH - 16) / LEGEND_COLUMNS;
    sb.append("<g class=\"legend\" font-size=\"12\">");
    for (int i = 0; i < c.series().size(); i++) {
      int lx = 8 + (i % LEGEND_COLUMNS) * columnWidth;
      int ly = LEGEND_TOP + (i / LEGEND_COLUMNS) * LEGEND_ROW;
      String label = c.series().get(i).label();
      sb.append("<rect x=\"").append(lx).append("\" y=\"").append(ly - 10).append("\" width=\"10\" height=\"10\" fill=\"")
          .append(PALETTE.get(i % PALETTE.size())).append("\"/><text x=\"").append(lx + 14).append("\" y=\"").append(ly)
          .append("\">").append(escape(label.length() > 22 ? label.substring(0, 21) + "…" : label)).append("</text>");
    }
    sb.append("</g>");
  }

  private static double x(ChartData c, long time) {
    return c.x().scale(time, LEFT, WIDTH - RIGHT);
  }

  /** A value as a short label: {@code 12.5}, {@code 1,250}, {@code 3.4M}. */
  static String formatValue(double v) {
    double a = Math.abs(v);
    if (a >= 1e9) {
      return trim(String.format(Locale.ROOT, "%.2f", v / 1e9)) + "G";
    }
    if (a >= 1e6) {
      return trim(String.format(Locale.ROOT, "%.2f", v / 1e6)) + "M";
    }
    if (a >= 1e4) {
      return trim(String.format(Locale.ROOT, "%.1f", v / 1e3)) + "k";
    }
    return trim(String.format(Locale.ROOT, a >= 100 ? "%.1f" : "%.2f", v));
  }

  private static String trim(String s) {
    return s.contains(".") ? s.replaceAll("0+$", "").replaceAll("\\.$", "") : s;
  }

  private static String num(double v) {
    return trim(String.format(Locale.ROOT, "%.1f", v));
  }

  private static int ceilDiv(int a, int b) {
    return (a + b - 1) / b;
  }

  /** Escapes text and attribute values for XML and HTML. */
  public static String escape(String s) {
    StringBuilder b = new StringBuilder(s.length() + 8);
    for (int i = 0; i < s.length(); i++) {
      char ch = s.charAt(i);
      switch (ch) {
        case '&' -> b.append("&amp;");
        case '<' -> b.append("&lt;");
        case '>' -> b.append("&gt;");
        case '"' -> b.append("&quot;");
        case '\'' -> b.append("&#39;");
        default -> {
          if (ch < 0x20 && ch != '\n' && ch != '\t') {
            b.append(' '); // not allowed in XML 1.0
          } else {
            b.append(ch);
          }
        }
      }
    }
    return b.toString();
  }
}
