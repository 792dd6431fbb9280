/** Implementation of the SQS adapter: producing, consuming, health; not exported. */
package org.metricspipeline.adapters.sqs.internal;
