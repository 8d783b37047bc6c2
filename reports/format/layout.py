"""The official grid of a table: label paths turned into header and body rows with rowspan/colspan.

Every renderer draws this grid: the public page, the admin's input grid, the PDF, Word and Excel
files. :func:`place_grid` puts the same grid on a rectangle for the formats that have no spans
of their own to honour (Word, Excel).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from reports.format.tables import INTEGER, Table


@dataclass
class Cell:
    """One cell of a rendered table: a header label or a value slot (``code`` set)."""

    text: str = ""
    header: bool = True
    rowspan: int = 1
    colspan: int = 1
    scope: str = ""  # "col", "row", "colgroup", "rowgroup" for <th scope>
    code: tuple[str, str] | None = None  # (row, column) of a value cell
    kind: str = INTEGER


@dataclass
class Grid:
    table: Table
    head: list[list[Cell]] = field(default_factory=list)
    body: list[list[Cell]] = field(default_factory=list)


def _header_rows(paths: list[tuple[str, ...]], depth: int) -> list[list[Cell]]:
    """Header cells for column paths: equal prefixes merge; short paths stretch down."""
    rows: list[list[Cell]] = [[] for _ in range(depth)]
    for level in range(depth):
        i = 0
        while i < len(paths):
            path = paths[i]
            if len(path) <= level:
                i += 1
                continue
            j = i + 1
            while j < len(paths) and len(paths[j]) > level and paths[j][: level + 1] == path[: level + 1]:
                j += 1
            leaf = len(path) == level + 1
            rowspan = depth - level if leaf else 1
            rows[level].append(
                Cell(
                    path[level],
                    rowspan=rowspan,
                    colspan=j - i,
                    scope="col" if j - i == 1 else "colgroup",
                )
            )
            i = j
    return rows


def _label_cells(paths: list[tuple[str, ...]], depth: int) -> list[list[Cell]]:
    """Row-label cells for each body row: equal prefixes merge downwards; short paths stretch right."""
    out: list[list[Cell]] = [[] for _ in paths]
    for level in range(depth):
        i = 0
        while i < len(paths):
            path = paths[i]
            if len(path) <= level:
                i += 1
                continue
            leaf = len(path) == level + 1
            j = i + 1
            if not leaf:
                while j < len(paths) and len(paths[j]) > level + 1 and paths[j][: level + 1] == path[: level + 1]:
                    j += 1
            colspan = depth - level if leaf else 1
            out[i].append(
                Cell(
                    path[level],
                    rowspan=j - i,
                    colspan=colspan,
                    scope="row" if j - i == 1 else "rowgroup",
                )
            )
            i = j
    return out


def layout_grid(table: Table) -> Grid:
    """The official grid of a table: header rows and body rows with rowspan/colspan."""
    grid = Grid(table)
    if table.blocks:
        width = 1 + max(len(b.columns) for b in table.blocks)
        for block in table.blocks:
            grid.body.append([Cell(block.heading, colspan=width, scope="colgroup")])
            head = [Cell(block.corner, scope="col")]
            for k, col in enumerate(block.columns):
                span = width - len(block.columns) if k == len(block.columns) - 1 else 1
                head.append(Cell(col.label, colspan=span, scope="col"))
            grid.body.append(head)
            for row in block.rows:
                line = [Cell(row.label, scope="row")]
                for k, col in enumerate(block.columns):
                    span = width - len(block.columns) if k == len(block.columns) - 1 else 1
                    line.append(
                        Cell(
                            header=False,
                            colspan=span,
                            code=(row.code, col.code),
                            kind=col.kind,
                        )
                    )
                grid.body.append(line)
        return grid

    if table.transposed:
        paths = [r.path + c.path for r in table.rows for c in table.columns]
        codes = [(r.code, c.code, c.kind) for r in table.rows for c in table.columns]
        grid.head = _header_rows(paths, max(len(p) for p in paths))
        grid.body = [[Cell(header=False, code=(r, c), kind=k) for r, c, k in codes]]
        return grid

    col_paths = [c.path for c in table.columns]
    col_depth = max(len(p) for p in col_paths)
    row_paths = [r.path for r in table.rows]
    row_depth = max(len(p) for p in row_paths)
    grid.head = _header_rows(col_paths, col_depth)
    grid.head[0].insert(0, Cell(table.corner, rowspan=col_depth, colspan=row_depth, scope="col"))
    labels = _label_cells(row_paths, row_depth)
    for row, label_cells in zip(table.rows, labels, strict=True):
        grid.body.append(
            label_cells + [Cell(header=False, code=(row.code, c.code), kind=c.kind) for c in table.columns]
        )
    return grid


@dataclass
class PlacedCell:
    row: int
    col: int
    cell: Cell
    header_row: bool  # part of the table head (repeated on each page in Word)


def place_grid(grid: Grid) -> tuple[list[PlacedCell], int, int]:
    """Positions of the grid's cells on a rectangle, honouring rowspan/colspan as HTML does.

    Returns the placed cells, the number of rows and the number of columns.
    """
    rows = [(r, True) for r in grid.head] + [(r, False) for r in grid.body]
    taken: set[tuple[int, int]] = set()
    placed: list[PlacedCell] = []
    width = 0
    for i, (cells, is_head) in enumerate(rows):
        col = 0
        for cell in cells:
            while (i, col) in taken:
                col += 1
            placed.append(PlacedCell(i, col, cell, is_head))
            for dr in range(cell.rowspan):
                for dc in range(cell.colspan):
                    taken.add((i + dr, col + dc))
            col += cell.colspan
            width = max(width, col)
    return placed, len(rows), width
