package org.metricspipeline.guard;

import java.util.List;

/**
 * Seed 001's component names as constants, plus the names the guard gives a watched pipeline's
 * parts. Components are named by strings (any 1 to 64 letters, digits, {@code . _ -}), so these are
 * a shared vocabulary, not a closed set:
 * {@code builder.component(PipelineComponent.COMPUTE, check)}.
 */
public final class PipelineComponent {

  /** Seed 001: model training. */
  public static final String MODEL_TRAINING = "model_training";
  /** Seed 001: quantization. */
  public static final String QUANTIZATION = "quantization";
  /** Seed 001: mobile export. */
  public static final String MOBILE_EXPORT = "mobile_export";
  /** Seed 001: testing. */
  public static final String TESTING = "testing";
  /** Seed 001: deployment. */
  public static final String DEPLOYMENT = "deployment";
  /** Seed 001: monitoring. */
  public static final String MONITORING = "monitoring";
  /** Seed 001: storage; also the watched pipeline's store. */
  public static final String STORAGE = "storage";
  /** Seed 001: compute. */
  public static final String COMPUTE = "compute";
  /** The watched pipeline itself (its state and queue). */
  public static final String PIPELINE = "pipeline";
  /** The watched pipeline's ingestion channel. */
  public static final String INGESTION = "ingestion";

  /** Seed 001's eight names, in its order. */
  public static final List<String> SEED_NAMES = List.of(MODEL_TRAINING, QUANTIZATION, MOBILE_EXPORT, TESTING,
      DEPLOYMENT, MONITORING, STORAGE, COMPUTE);

  private PipelineComponent() {}
}
