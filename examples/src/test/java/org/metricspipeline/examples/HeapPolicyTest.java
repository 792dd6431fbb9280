package org.metricspipeline.examples;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.management.HotSpotDiagnosticMXBean;
import com.sun.management.VMOption;
import java.lang.management.ManagementFactory;
import org.junit.jupiter.api.Test;

class HeapPolicyTest {

  @Test
  void setsTheThreeG1FlagsOnceAndLeavesFlagsAlreadyChosenAlone() {
    HotSpotDiagnosticMXBean hotspot = ManagementFactory.getPlatformMXBean(HotSpotDiagnosticMXBean.class);
    boolean g1 = "true".equals(hotspot.getVMOption("UseG1GC").getValue());

    var first = HeapPolicy.apply();

    if (!g1) {
      assertThat(first).as("not on G1: nothing changed").isEmpty();
      return;
    }
    // the test JVM starts with the defaults, so all three are set
    assertThat(first).containsExactly("MinHeapFreeRatio=10", "MaxHeapFreeRatio=30", "G1PeriodicGCInterval=2000");
    for (String name : new String[] {"MinHeapFreeRatio", "MaxHeapFreeRatio", "G1PeriodicGCInterval"}) {
      VMOption option = hotspot.getVMOption(name);
      assertThat(option.getOrigin()).as(name).isEqualTo(VMOption.Origin.MANAGEMENT);
    }
    assertThat(hotspot.getVMOption("MaxHeapFreeRatio").getValue()).isEqualTo("30");
    // set once: no longer at their defaults, a second call changes nothing
    assertThat(HeapPolicy.apply()).isEmpty();
  }
}
