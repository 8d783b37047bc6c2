"""Plain data tables: what the statistics pages show, chart and download, in one shape.

A page builds its tables once; the HTML partial, the SVG charts, the CSV and the XLSX all read
the same objects, so every figure shown can be downloaded exactly as shown.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from reports import format as fmt
from reports.selectors.statistics.aggregate import Figure


@dataclass(frozen=True)
class Column:
    key: str
    label: str
    kind: str = fmt.INTEGER
    sortable: bool = False
    share: bool = False  # show the share of the row's total of share columns
    text: bool = False  # a text column (names, titles), not a figure
    count: bool = False  # a plain count (reports): no "reports behind it" of its own
    detail: str = ""  # small text under the label, e.g. how many reports a year column holds
    href: str = ""


@dataclass
class Cell:
    figure: Figure | None = None
    text: str = ""
    href: str = ""
    # The number of reports in the cell's context: "(n份)" is shown when the figure has fewer.
    base: int | None = None
    share: float | None = None
    kind: str = fmt.INTEGER

    @property
    def value(self):
        return self.figure.total if self.figure else None

    @property
    def partial(self) -> bool:
        """Built from fewer reports than its context holds (some left the cell blank)."""
        return self.figure is not None and self.base is not None and self.figure.reports != self.base


@dataclass
class Row:
    label: str
    cells: list[Cell]
    href: str = ""
    detail: str = ""
    total: bool = False
    select: tuple[str, str] | None = None  # (parameter, value) for the compare checkbox
    key: str = ""
    rank: bool = True  # charted in rankings (not the region's own bodies)


@dataclass
class DataTable:
    slug: str
    caption: str
    row_header: str
    columns: list[Column]
    rows: list[Row] = field(default_factory=list)
    note: str = ""
    sort: str = ""
    order: str = ""
    sort_param: str = ""
    order_param: str = ""
    total_rows: int | None = None  # how many there are in all (rows, or reports for per-rule lists)
    truncated: bool = False  # only the first ones are shown; the download has all
    unit: str = "项"  # what total_rows counts: 项, 个 (publishers), 份 (reports)

    def column_values(self, key: str, *, totals: bool = False) -> list[tuple[str, object, str]]:
        """(row label, value, link) of one column, for charts."""
        index = next(i for i, c in enumerate(self.columns) if c.key == key)
        return [
            (r.label, r.cells[index].value, r.cells[index].href or r.href)
            for r in self.rows
            if r.total == totals and r.rank
        ]

    def export_header(self) -> list[str]:
        head = [self.row_header]
        for c in self.columns:
            head += [c.label] if c.text or c.count else [c.label, f"{c.label}(报告数)", f"{c.label}(其中未通过校验)"]
        return head

    def export_rows(self) -> list[list]:
        out = []
        for r in self.rows:
            line: list = [r.label]
            for c, cell in zip(self.columns, r.cells, strict=True):
                if c.text:
                    line.append(cell.text)
                elif c.count:
                    line.append(cell.value)
                elif cell.figure is None:
                    line += [None, 0, 0]
                else:
                    line += [cell.figure.total, cell.figure.reports, cell.figure.failing]
            out.append(line)
        return out
