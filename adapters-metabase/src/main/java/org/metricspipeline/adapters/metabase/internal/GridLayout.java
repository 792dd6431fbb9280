package org.metricspipeline.adapters.metabase.internal;

import java.util.List;

/**
 * Places a new card on a Metabase dashboard's 24-column grid: the first free spot in reading order
 * (top row first, then left to right) where the card does not overlap any existing card.
 */
public final class GridLayout {

  /** Metabase's dashboard grid is 24 columns wide. */
  public static final int COLUMNS = 24;

  private GridLayout() {}

  /** A rectangle on the grid, in grid cells. */
  public record Cell(int row, int col, int sizeX, int sizeY) {
    /** Validates. */
    public Cell {
      if (row < 0 || col < 0 || sizeX < 1 || sizeY < 1) {
        throw new IllegalArgumentException("bad grid cell: row " + row + ", col " + col
            + ", size " + sizeX + "x" + sizeY);
      }
    }

    boolean overlaps(Cell o) {
      return col < o.col + o.sizeX && o.col < col + sizeX && row < o.row + o.sizeY && o.row < row + sizeY;
    }
  }

  /** Where a {@code sizeX} by {@code sizeY} card goes among {@code taken}. */
  public static Cell place(List<Cell> taken, int sizeX, int sizeY) {
    if (sizeX < 1 || sizeX > COLUMNS || sizeY < 1) {
      throw new IllegalArgumentException("card size must be 1 to " + COLUMNS + " wide, got " + sizeX + "x" + sizeY);
    }
    int bottom = 0;
    for (Cell c : taken) {
      bottom = Math.max(bottom, c.row() + c.sizeY());
    }
    for (int row = 0; row <= bottom; row++) {
      for (int col = 0; col + sizeX <= COLUMNS; col++) {
        Cell candidate = new Cell(row, col, sizeX, sizeY);
        if (taken.stream().noneMatch(candidate::overlaps)) {
          return candidate;
        }
      }
    }
    return new Cell(bottom, 0, sizeX, sizeY); // unreachable: the row below everything is free
  }
}
