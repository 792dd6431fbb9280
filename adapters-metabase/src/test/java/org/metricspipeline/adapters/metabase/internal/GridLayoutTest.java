package org.metricspipeline.adapters.metabase.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.metricspipeline.adapters.metabase.internal.GridLayout.Cell;
import org.junit.jupiter.api.Test;

class GridLayoutTest {

  @Test
  void theFirstCardGoesTopLeft() {
    assertThat(GridLayout.place(List.of(), 12, 6)).isEqualTo(new Cell(0, 0, 12, 6));
  }

  @Test
  void cardsFillARowBeforeTheNext() {
    Cell first = new Cell(0, 0, 12, 6);
    Cell second = GridLayout.place(List.of(first), 12, 6);
    Cell third = GridLayout.place(List.of(first, second), 12, 6);

    assertThat(second).isEqualTo(new Cell(0, 12, 12, 6));
    assertThat(third).isEqualTo(new Cell(6, 0, 12, 6));
  }

  @Test
  void aGapLeftByAnotherCardIsUsed() {
    List<Cell> taken = List.of(new Cell(0, 0, 6, 4), new Cell(0, 12, 12, 4));

    assertThat(GridLayout.place(taken, 6, 4)).isEqualTo(new Cell(0, 6, 6, 4));
    assertThat(GridLayout.place(taken, 12, 6)).isEqualTo(new Cell(4, 0, 12, 6));
  }

  @Test
  void aCardNeverLeavesTheGrid() {
    assertThatThrownBy(() -> GridLayout.place(List.of(), 25, 6)).hasMessageContaining("1 to 24 wide");
    assertThat(GridLayout.place(List.of(new Cell(0, 0, 24, 2)), 24, 6)).isEqualTo(new Cell(2, 0, 24, 6));
  }
}
