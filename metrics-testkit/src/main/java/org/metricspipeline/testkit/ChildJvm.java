package org.metricspipeline.testkit;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * A child JVM running a test's main class on the test's class path, for crash drills: a real
 * process that a test kills with SIGKILL ({@link #kill9()}), not a simulated crash. Its standard
 * output is collected line by line ({@link #lines()}); its standard error goes to the test's.
 *
 * <pre>{@code
 * try (ChildJvm child = ChildJvm.start(StoringChild.class, url, "40000")) {
 *   child.awaitLine(l -> l.startsWith("ACK"), Duration.ofSeconds(30));
 *   child.kill9();
 * }
 * }</pre>
 */
public final class ChildJvm implements AutoCloseable {

  private final Process process;
  private final List<String> lines = new CopyOnWriteArrayList<>();

  private ChildJvm(Process process) {
    this.process = process;
    Thread reader = new Thread(this::readOutput, "child-jvm-stdout-" + process.pid());
    reader.setDaemon(true);
    reader.start();
  }

  /** Starts {@code main} with {@code args} in a new JVM on this JVM's class path. */
  public static ChildJvm start(Class<?> main, String... args) throws IOException {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.add("-Xmx256m");
    command.add("-cp");
    command.add(System.getProperty("java.class.path"));
    command.add(main.getName());
    command.addAll(List.of(args));
    Process p = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT).start();
    return new ChildJvm(p);
  }

  private void readOutput() {
    try (BufferedReader in = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
      String line;
      while ((line = in.readLine()) != null) {
        lines.add(line);
      }
    } catch (IOException e) {
      // the child died: its output ends here
    }
  }

  /** The lines the child printed so far. */
  public List<String> lines() {
    return List.copyOf(lines);
  }

  /** Waits until a printed line matches; false when the wait is over or the child ended first. */
  public boolean awaitLine(Predicate<String> match, Duration wait) throws InterruptedException {
    long deadline = System.nanoTime() + wait.toNanos();
    int seen = 0;
    while (System.nanoTime() < deadline) {
      List<String> now = lines();
      for (int i = seen; i < now.size(); i++) {
        if (match.test(now.get(i))) {
          return true;
        }
      }
      seen = now.size();
      if (!process.isAlive() && lines.size() == seen) {
        return false;
      }
      Thread.sleep(20); // a test polling a child's output, not a retry
    }
    return false;
  }

  /** Kills the child with SIGKILL (no shutdown hooks run) and waits until it is gone. */
  public void kill9() throws InterruptedException {
    process.destroyForcibly();
    process.waitFor(30, TimeUnit.SECONDS);
  }

  /** Waits for the child to exit by itself; its exit code, or -1 when it did not within the wait. */
  public int awaitExit(Duration wait) throws InterruptedException {
    return process.waitFor(wait.toNanos(), TimeUnit.NANOSECONDS) ? process.exitValue() : -1;
  }

  /** The child's process id. */
  public long pid() {
    return process.pid();
  }

  /** Kills the child if it still runs. */
  @Override
  public void close() throws InterruptedException {
    if (process.isAlive()) {
      kill9();
    }
  }
}
