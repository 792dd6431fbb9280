/** PostgreSQL storage: {@link org.metricspipeline.adapters.postgres.PostgresStorageAdapter} and its provider. */
package org.metricspipeline.adapters.postgres;
