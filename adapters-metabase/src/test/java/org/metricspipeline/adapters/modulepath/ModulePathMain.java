package org.metricspipeline.adapters.modulepath;

import java.util.Map;
import java.util.ServiceLoader;
import org.metricspipeline.api.HealthCheckResult;
import org.metricspipeline.api.VisualizationAdapter;
import org.metricspipeline.api.spi.AdapterConfig;
import org.metricspipeline.api.spi.VisualizationProvider;

/** Run by {@code ModulePathIT}, outside the adapter's packages (a class-path class cannot share them), in a JVM with the adapter on the module path. */
public final class ModulePathMain {

  private ModulePathMain() {}

  /** Finds the provider, builds an adapter against args[0], prints its module and health. */
  public static void main(String[] args) {
    for (VisualizationProvider p : ServiceLoader.load(VisualizationProvider.class)) {
      if (p.name().equals("metabase")) {
        try (VisualizationAdapter a = p.create(AdapterConfig.of(Map.of("url", args[0], "api-key", "k")))) {
          HealthCheckResult h = a.healthCheck().join();
          System.out.println("module=" + a.getClass().getModule().getName() + " health=" + h.status());
        }
      }
    }
  }
}
