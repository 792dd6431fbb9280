package org.metricspipeline.adapters.memory.internal.dashboard;

import static org.metricspipeline.adapters.memory.internal.dashboard.SvgCharts.escape;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.metricspipeline.api.Dashboard;
import org.metricspipeline.api.Visualization;
import org.metricspipeline.api.query.TimeRange;

/**
 * The HTML of the dashboard pages, and the standalone {@code svg} and {@code html} exports. Pages
 * link their assets and data with relative addresses, so they work wherever the endpoints are
 * mounted; exports reference nothing outside themselves.
 */
public final class DashboardPages {

  /** The ranges the picker offers, as {@code range} parameter values. */
  public static final List<String> RANGES = List.of("15m", "1h", "6h", "24h");

  private static final int TITLE_HEIGHT = 28;
  private static final int GAP = 16;

  private DashboardPages() {}

  /** {@code GET /dashboards}: every dashboard with its number of charts. */
  public static String list(List<Dashboard> dashboards, Map<String, Integer> chartCounts) {
    StringBuilder sb = head("Dashboards", "dashboards/assets/");
    sb.append("<body><header class=\"bar\"><h1>Dashboards</h1></header><main>");
    if (dashboards.isEmpty()) {
      sb.append("<p class=\"empty\">No dashboards yet: create one with "
          + "<code>InMemoryVisualizationAdapter.createDashboard</code>.</p>");
    } else {
      sb.append("<ul class=\"dashboard-list\">");
      for (Dashboard d : dashboards) {
        sb.append("<li><a href=\"dashboards/").append(escape(d.id())).append("\">").append(escape(d.name()))
            .append("</a> <span class=\"muted\">").append(chartCounts.getOrDefault(d.id(), 0)).append(" charts");
        if (!d.spec().description().isEmpty()) {
          sb.append(" · ").append(escape(d.spec().description()));
        }
        sb.append("</span></li>");
      }
      sb.append("</ul>");
    }
    return sb.append("</main></body></html>").toString();
  }

  /** {@code GET /dashboards/{id}}: the frame the script fills with live charts. */
  public static String page(Dashboard d, List<Visualization> charts, Duration refresh, String defaultRange) {
    StringBuilder sb = head(d.name(), "assets/");
    sb.append("<script src=\"assets/dashboard.js?v=").append(Assets.version("dashboard.js"))
        .append("\" defer></script>");
    sb.append("<body><header class=\"bar\"><a class=\"back\" href=\"../dashboards\">Dashboards</a><h1>")
        .append(escape(d.name())).append("</h1>");
    sb.append("<form class=\"range\" id=\"range-picker\" aria-label=\"time range\">");
    for (String r : RANGES) {
      sb.append("<button type=\"button\" class=\"range-button\" data-range=\"").append(r).append("\">Last ")
          .append(r).append("</button>");
    }
    sb.append("<button type=\"button\" class=\"range-button\" data-range=\"custom\">Custom</button>")
        .append("<span class=\"custom\" hidden><input type=\"datetime-local\" name=\"start\" aria-label=\"start\">")
        .append("<input type=\"datetime-local\" name=\"end\" aria-label=\"end\">")
        .append("<button type=\"submit\" class=\"apply\">Apply</button></span></form>");
    sb.append("<p class=\"status muted\" id=\"status\" aria-live=\"polite\">Loading…</p></header>");
    if (!d.spec().description().isEmpty()) {
      sb.append("<p class=\"description\">").append(escape(d.spec().description())).append("</p>");
    }
    sb.append("<main id=\"dashboard\" class=\"charts\" data-dashboard-id=\"").append(escape(d.id()))
        .append("\" data-refresh-millis=\"").append(refresh.toMillis()).append("\" data-default-range=\"")
        .append(escape(defaultRange)).append("\">");
    for (Visualization v : charts) {
      sb.append("<section class=\"chart\" data-chart-id=\"").append(escape(v.id())).append("\" data-type=\"")
          .append(v.spec().type().wireName()).append("\"><h2>").append(escape(v.spec().name())).append("</h2>");
      if (!v.spec().description().isEmpty()) {
        sb.append("<p class=\"muted\">").append(escape(v.spec().description())).append("</p>");
      }
      sb.append("<div class=\"plot\"></div><p class=\"note muted\"></p></section>");
    }
    if (charts.isEmpty()) {
      sb.append("<p class=\"empty\">This dashboard has no charts yet.</p>");
    }
    sb.append("</main><footer class=\"muted\">Export: ");
    for (String f : List.of("json", "csv", "svg", "html")) {
      sb.append("<a class=\"export\" data-format=\"").append(f).append("\" href=\"../api/v1/dashboards/")
          .append(escape(d.id())).append("/export?format=").append(f).append("\">").append(f).append("</a> ");
    }
    return sb.append("</footer></body></html>").toString();
  }

  /** A small HTML page for a dashboard that does not exist. */
  public static String notFound(String id) {
    return head("Not found", "assets/") + "<body><header class=\"bar\"><a class=\"back\" href=\"../dashboards\">"
        + "Dashboards</a><h1>Not found</h1></header><main><p>No dashboard with id '" + escape(id)
        + "'.</p></main></body></html>";
  }

  private static StringBuilder head(String title, String assets) {
    StringBuilder sb = new StringBuilder(4096);
    sb.append("<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\">")
        .append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"><title>")
        .append(escape(title)).append("</title><link rel=\"icon\" href=\"data:,\">")
        .append("<link rel=\"stylesheet\" href=\"").append(assets)
        .append("dashboard.css?v=").append(Assets.version("dashboard.css")).append("\"></head>");
    return sb;
  }

  /**
   * The {@code svg} export: one SVG document with the dashboard's title and every chart (two
   * columns), each chart the same {@code <svg>} the {@code html} export inlines.
   */
  public static byte[] svg(Dashboard d, List<ChartData> charts, String rangeLabel, Instant exportedAt) {
    int columns = charts.size() > 1 ? 2 : 1;
    int width = columns * SvgCharts.WIDTH + (columns - 1) * GAP;
    StringBuilder body = new StringBuilder();
    int y = 56;
    for (int row = 0; row * columns < charts.size(); row++) {
      int rowHeight = 0;
      for (int col = 0; col < columns && row * columns + col < charts.size(); col++) {
        ChartData c = charts.get(row * columns + col);
        int x = col * (SvgCharts.WIDTH + GAP);
        body.append("<text x=\"").append(x + 4).append("\" y=\"").append(y + 18)
            .append("\" font-size=\"15\" font-weight=\"bold\">").append(escape(c.visualization().spec().name()))
            .append("</text>").append(SvgCharts.render(c, x, y + TITLE_HEIGHT));
        rowHeight = Math.max(rowHeight, TITLE_HEIGHT + SvgCharts.height(c));
      }
      y += rowHeight + GAP;
    }
    String doc = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<svg xmlns=\"http://www.w3.org/2000/svg\" width=\""
        + width + "\" height=\"" + y + "\" viewBox=\"0 0 " + width + " " + y
        + "\" font-family=\"system-ui, sans-serif\" data-dashboard-id=\"" + escape(d.id()) + "\">"
        + "<rect width=\"100%\" height=\"100%\" fill=\"#fff\"/><text x=\"4\" y=\"26\" font-size=\"22\" font-weight=\"bold\">"
        + escape(d.name()) + "</text><text x=\"4\" y=\"46\" font-size=\"12\" fill=\"#64748b\">" + escape(rangeLabel)
        + " · exported " + exportedAt + "</text>" + body + "</svg>\n";
    return doc.getBytes(StandardCharsets.UTF_8);
  }

  /**
   * The {@code html} export: a standalone page with the stylesheet and every chart inline (no
   * script, no external reference), which opens offline. It is well-formed XML (XHTML syntax).
   */
  public static byte[] html(Dashboard d, List<ChartData> charts, String rangeLabel, Instant exportedAt, String css) {
    StringBuilder sb = new StringBuilder(16_384);
    sb.append("<!DOCTYPE html>\n<html xmlns=\"http://www.w3.org/1999/xhtml\" lang=\"en\"><head><meta charset=\"utf-8\"/>")
        .append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"/><title>")
        .append(escape(d.name())).append("</title><style>").append(css.replace("</", "<\\/"))
        .append("</style></head><body><header class=\"bar\"><h1>").append(escape(d.name()))
        .append("</h1><p class=\"status muted\">").append(escape(rangeLabel)).append(" · snapshot exported ")
        .append(exportedAt).append("</p></header>");
    if (!d.spec().description().isEmpty()) {
      sb.append("<p class=\"description\">").append(escape(d.spec().description())).append("</p>");
    }
    sb.append("<main class=\"charts\">");
    for (ChartData c : charts) {
      sb.append("<section class=\"chart\" data-chart-id=\"").append(escape(c.visualization().id()))
          .append("\" data-type=\"").append(c.type().wireName()).append("\"><h2>")
          .append(escape(c.visualization().spec().name())).append("</h2><div class=\"plot\">")
          .append(SvgCharts.render(c, 0, 0)).append("</div>");
      if (c.truncated()) {
        sb.append("<p class=\"note muted\">showing ").append(c.series().size()).append(" of ").append(c.groupsTotal())
            .append(" groups</p>");
      }
      sb.append("</section>");
    }
    return sb.append("</main></body></html>\n").toString().getBytes(StandardCharsets.UTF_8);
  }

  /** A human label for an export's range. */
  public static String rangeLabel(TimeRange range) {
    if (range.start().isEmpty() && range.end().isEmpty()) {
      return "all data";
    }
    return range.start().map(Instant::toString).orElse("…") + " to " + range.end().map(Instant::toString).orElse("…");
  }
}
