package org.metricspipeline.cli;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * {@code metrics-pipeline} in a child JVM on the test class path, with its own environment; its
 * standard output and error are collected together, line by line (echoed to the test's output).
 */
final class CommandProcess implements AutoCloseable {

  private final Process process;
  private final List<String> lines = new CopyOnWriteArrayList<>();
  private final Thread reader;

  private CommandProcess(Process process) {
    this.process = process;
    reader = new Thread(this::read, "command-output-" + process.pid());
    reader.setDaemon(true);
    reader.start();
  }

  static CommandProcess start(Map<String, String> env, String... args) throws IOException {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.add("-Xmx256m");
    command.add("-cp");
    command.add(System.getProperty("java.class.path"));
    command.add(MetricsPipelineCommand.class.getName());
    command.addAll(List.of(args));
    ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
    pb.environment().putAll(env);
    return new CommandProcess(pb.start());
  }

  private void read() {
    try (BufferedReader in = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
      String line;
      while ((line = in.readLine()) != null) {
        lines.add(line);
        System.out.println("[child " + process.pid() + "] " + line);
      }
    } catch (IOException e) {
      // the child ended
    }
  }

  List<String> lines() {
    return List.copyOf(lines);
  }

  String output() {
    return String.join("\n", lines);
  }

  /** The first line matching, waiting up to {@code wait}; empty when the child ended or the wait is over. */
  Optional<String> awaitLine(Predicate<String> match, Duration wait) throws InterruptedException {
    long deadline = System.nanoTime() + wait.toNanos();
    while (System.nanoTime() < deadline) {
      for (String l : lines) {
        if (match.test(l)) {
          return Optional.of(l);
        }
      }
      if (!process.isAlive()) {
        process.waitFor();
        return lines.stream().filter(match).findFirst();
      }
      Thread.sleep(50); // polling a child's output
    }
    return Optional.empty();
  }

  /** Sends SIGTERM (what {@code kill PID} and a service manager's stop send). */
  void sigterm() {
    // through the handle: Process.destroy() would also close this side of the child's output pipe,
    // losing what the child prints while it stops
    process.toHandle().destroy();
  }

  /** The exit code, or -1 when it did not exit within the wait; once it exited, its output is complete. */
  int awaitExit(Duration wait) throws InterruptedException {
    if (!process.waitFor(wait.toNanos(), TimeUnit.NANOSECONDS)) {
      return -1;
    }
    reader.join(TimeUnit.SECONDS.toMillis(10));
    return process.exitValue();
  }

  @Override
  public void close() throws InterruptedException {
    if (process.isAlive()) {
      process.destroyForcibly();
      process.waitFor(30, TimeUnit.SECONDS);
    }
  }
}
