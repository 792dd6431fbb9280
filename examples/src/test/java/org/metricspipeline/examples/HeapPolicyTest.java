package org.metricspipeline.examples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.management.HotSpotDiagnosticMXBean;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class HeapPolicyTest {

  @Test
  void tightensTheTwoG1FlagsOnlyForTheIdleCollectionAndPutsTheDefaultsBack() {
    HotSpotDiagnosticMXBean hotspot = ManagementFactory.getPlatformMXBean(HotSpotDiagnosticMXBean.class);
    boolean g1 = "true".equals(hotspot.getVMOption("UseG1GC").getValue());
    var policy = HeapPolicy.forThisJvm();
    if (!g1) {
      assertThat(policy).as("not on G1: nothing to tighten").isEmpty();
      return;
    }
    // the test JVM starts with the defaults, so both flags are the policy's
    assertThat(policy).isPresent();
    String min = hotspot.getVMOption("MinHeapFreeRatio").getValue();
    String max = hotspot.getVMOption("MaxHeapFreeRatio").getValue();
    assertThat(policy.get().describe()).containsExactly(
        "MinHeapFreeRatio=10 (default " + min + ")", "MaxHeapFreeRatio=15 (default " + max + ")");

    List<String> during = new ArrayList<>();
    policy.get().collectTight(() -> {
      during.add(hotspot.getVMOption("MinHeapFreeRatio").getValue());
      during.add(hotspot.getVMOption("MaxHeapFreeRatio").getValue());
    });
    assertThat(during).as("tight while collecting").containsExactly("10", "15");
    assertThat(hotspot.getVMOption("MinHeapFreeRatio").getValue()).as("under load: the default").isEqualTo(min);
    assertThat(hotspot.getVMOption("MaxHeapFreeRatio").getValue()).isEqualTo(max);

    assertThatThrownBy(() -> policy.get().collectTight(() -> {
      throw new IllegalStateException("collection failed");
    })).hasMessage("collection failed");
    assertThat(hotspot.getVMOption("MinHeapFreeRatio").getValue()).as("put back after a failure too").isEqualTo(min);
    assertThat(hotspot.getVMOption("MaxHeapFreeRatio").getValue()).isEqualTo(max);
  }

  @Test
  void hintsAtHugePagesOnlyWhenTheSystemGivesThemOnRequestAndTheFlagIsOff() {
    assertThat(HeapPolicy.hugePagesHint("always defer defer+madvise [madvise] never\n", false))
        .hasValueSatisfying(hint -> assertThat(hint).contains("-XX:+UseTransparentHugePages"));
    assertThat(HeapPolicy.hugePagesHint("always [madvise] never\n", true)).as("flag on").isEmpty();
    assertThat(HeapPolicy.hugePagesHint("[always] madvise never\n", false)).as("always: the heap gets them anyway").isEmpty();
    assertThat(HeapPolicy.hugePagesHint("always madvise [never]\n", false)).as("off").isEmpty();
    assertThat(HeapPolicy.hugePagesHint(null, false)).as("not Linux").isEmpty();
  }
}
