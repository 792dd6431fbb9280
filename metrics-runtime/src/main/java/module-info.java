/**
 * A pipeline from a config directory: layered config with secrets, the orchestrator that starts
 * what it declares through the provider SPI, and the security scan. Only
 * {@code org.metricspipeline.runtime} is API.
 */
module org.metricspipeline.runtime {
  // PipelineRuntime hands out the running server, guard and collector
  requires transitive org.metricspipeline.core;
  requires transitive org.metricspipeline.guard;
  requires transitive org.metricspipeline.adapters.http;
  requires org.metricspipeline.adapters.memory;
  requires transitive com.fasterxml.jackson.databind; // ApiClient answers JsonNode
  requires com.fasterxml.jackson.dataformat.yaml;
  requires java.net.http;
  requires org.slf4j;

  exports org.metricspipeline.runtime;
}
