package org.metricspipeline.examples;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.management.HotSpotDiagnosticMXBean;
import com.sun.management.VMOption;
import java.lang.management.ManagementFactory;
import org.junit.jupiter.api.Test;

class HeapPolicyTest {

  @Test
  void setsTheTwoG1FlagsOnceAndLeavesFlagsAlreadyChosenAlone() {
    HotSpotDiagnosticMXBean hotspot = ManagementFactory.getPlatformMXBean(HotSpotDiagnosticMXBean.class);
    boolean g1 = "true".equals(hotspot.getVMOption("UseG1GC").getValue());

    var first = HeapPolicy.apply();

    if (!g1) {
      assertThat(first).as("not on G1: nothing changed").isEmpty();
      return;
    }
    // the test JVM starts with the defaults, so both are set
    assertThat(first).containsExactly("MinHeapFreeRatio=10", "MaxHeapFreeRatio=15");
    for (String name : new String[] {"MinHeapFreeRatio", "MaxHeapFreeRatio"}) {
      VMOption option = hotspot.getVMOption(name);
      assertThat(option.getOrigin()).as(name).isEqualTo(VMOption.Origin.MANAGEMENT);
    }
    assertThat(hotspot.getVMOption("MaxHeapFreeRatio").getValue()).isEqualTo("15");
    // set once: no longer at their defaults, a second call changes nothing
    assertThat(HeapPolicy.apply()).isEmpty();
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
