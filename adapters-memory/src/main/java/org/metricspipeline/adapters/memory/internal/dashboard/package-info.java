/**
 * The built-in dashboards behind {@code InMemoryVisualizationAdapter}: what each chart queries
 * ({@code ChartQuery}), the chart data with its axes ({@code ChartData}, the geometry the page's
 * script and the Java SVG renderer share), the SVG renderer of the exports ({@code SvgCharts}), the
 * pages ({@code DashboardPages}), their static files ({@code Assets}, next to these classes as
 * resources) and the endpoints ({@code DashboardEndpoints}). Not exported.
 */
package org.metricspipeline.adapters.memory.internal.dashboard;
