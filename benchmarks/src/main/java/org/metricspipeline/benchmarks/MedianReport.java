package org.metricspipeline.benchmarks;

import java.util.Collection;
import java.util.Locale;
import org.openjdk.jmh.results.BenchmarkResult;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.CommandLineOptionException;
import org.openjdk.jmh.runner.options.CommandLineOptions;

/**
 * Runs JMH with the usual command-line options and then prints, per benchmark, the median of the
 * measurement iterations (machines here are noisy: medians, not means) with the lowest and highest.
 *
 * <pre>{@code
 * java -cp benchmarks/target/benchmarks.jar org.metricspipeline.benchmarks.MedianReport -f 1 -wi 2 -i 5 Throughput
 * }</pre>
 */
public final class MedianReport {

  private MedianReport() {}

  /** Runs the benchmarks chosen by the JMH options, then prints the medians. */
  public static void main(String[] args) throws RunnerException, CommandLineOptionException {
    Collection<RunResult> results = new Runner(new CommandLineOptions(args)).run();
    System.out.println();
    System.out.println("Medians of the measurement iterations:");
    System.out.printf(Locale.ROOT, "%-60s %14s %14s %14s  %s%n", "benchmark", "median", "min", "max", "unit");
    for (RunResult run : results) {
      String name = run.getParams().getBenchmark();
      name = name.substring(name.lastIndexOf('.', name.lastIndexOf('.') - 1) + 1);
      double[] scores = run.getBenchmarkResults().stream()
          .map(BenchmarkResult::getIterationResults)
          .flatMap(Collection::stream)
          .mapToDouble(iteration -> iteration.getPrimaryResult().getScore())
          .sorted()
          .toArray();
      if (scores.length == 0) {
        continue;
      }
      double median = scores.length % 2 == 1 ? scores[scores.length / 2]
          : (scores[scores.length / 2 - 1] + scores[scores.length / 2]) / 2;
      String unit = run.getPrimaryResult().getScoreUnit();
      StringBuilder label = new StringBuilder(name).append(" (threads ").append(run.getParams().getThreads());
      for (String key : run.getParams().getParamsKeys()) {
        label.append(", ").append(key).append(' ').append(run.getParams().getParam(key));
      }
      label.append(')');
      String format = median >= 1000 ? "%-60s %,14.0f %,14.0f %,14.0f  %s%n" : "%-60s %14.2f %14.2f %14.2f  %s%n";
      System.out.printf(Locale.ROOT, format, label, median, scores[0], scores[scores.length - 1],
          unit.equals("ops/s") ? "points/s" : unit);
    }
  }
}
