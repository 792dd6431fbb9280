/** Implementation of the Metabase adapter: the REST client, SQL generation, grid layout and exports. Not exported. */
package org.metricspipeline.adapters.metabase.internal;
