/**
 * Visualization in Metabase: {@link org.metricspipeline.adapters.metabase.MetabaseVisualizationAdapter}
 * (dashboards and native-SQL cards over the ClickHouse store, through Metabase's REST API) and the
 * {@code metabase} provider.
 */
package org.metricspipeline.adapters.metabase;
