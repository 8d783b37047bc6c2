"""Reading a standard table from a real table: an HTML ``<table>`` or a Word table, with merged cells.

The importer expands the table's rowspan/colspan into a rectangular :data:`Grid`
(:func:`expand_spans`); :func:`classify_grid` tells which standard table a grid is and
:func:`read_grid` reads it: column headers name the columns, row labels the rows.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal

from reports import format as fmt
from reports.format.values import compact, is_value, parse_value
from reports.importers.cells import (
    READERS,
    TRANSPOSED,
    TableRead,
    fill_row,
    group_cells,
    match_row,
    misprint_warning,
    misprinted_row,
    missing_warnings,
    table_name,
)
from reports.importers.labels import foreign_columns, foreign_header_warning, label_score, row_names, vocabulary
from reports.importers.normalize import (
    label_key,
    strip_numbering,
)
from reports.importers.parsed import UnreadableDocument

# --- Real tables: a grid of cells with rowspan/colspan expanded ---------------------------------


@dataclass(frozen=True)
class GridCell:
    """One slot of an expanded table; a merged cell fills several slots with the same ``origin``."""

    text: str
    origin: tuple[int, int] | None  # (row, column) where the merged cell starts; None for padding


Grid = list[list[GridCell]]


@dataclass
class RawTable:
    """A real table (an HTML ``<table>``, a Word table) and where it stands between the lines."""

    grid: Grid
    position: int  # index of the first line after the table in the document's lines
    caption: str = ""


# Bounds on any table a document declares, checked before anything is allocated: the standard
# tables have 3-15 columns and 30 rows; a 附表 may be longer, but not this.
MAX_TABLE_ROWS = 2000
MAX_TABLE_COLUMNS = 64
MAX_GRID_SLOTS = 100_000
TABLE_TOO_LARGE = "表格过大或合并单元格的跨度异常(超过 {rows} 行、{columns} 列或 {slots} 格),无法读取"


def too_large() -> UnreadableDocument:
    return UnreadableDocument(
        TABLE_TOO_LARGE.format(rows=MAX_TABLE_ROWS, columns=MAX_TABLE_COLUMNS, slots=MAX_GRID_SLOTS)
    )


def expand_spans(rows: Sequence[Sequence[tuple[str, int, int]]]) -> Grid:
    """Rows of (text, rowspan, colspan), as HTML writes them, into a rectangular grid.

    The work is bounded by the grid's size, whatever spans the document declares: a table beyond
    :data:`MAX_TABLE_ROWS` rows, :data:`MAX_TABLE_COLUMNS` columns or :data:`MAX_GRID_SLOTS` slots
    is refused (UnreadableDocument).
    """
    slots: dict[tuple[int, int], GridCell] = {}
    height = len(rows)
    if height > MAX_TABLE_ROWS:
        raise too_large()
    work = 0
    for r, row in enumerate(rows):
        c = 0
        for text, rowspan, colspan in row:
            while (r, c) in slots:
                c += 1
            # rowspan="0" means "to the end of the table"; absurd spans are cut to the table.
            rowspan = height - r if rowspan <= 0 else min(rowspan, height - r)
            colspan = max(1, min(colspan, MAX_TABLE_COLUMNS))
            work += rowspan * colspan
            if work > MAX_GRID_SLOTS or c + colspan > MAX_TABLE_COLUMNS:
                raise too_large()
            cell = GridCell(text, (r, c))
            for dr in range(rowspan):
                for dc in range(colspan):
                    slots.setdefault((r + dr, c + dc), cell)
            c += colspan
    width = max((c for _, c in slots), default=-1) + 1
    return [[slots.get((r, c), GridCell("", None)) for c in range(width)] for r in range(height)]


_CJK_CHAR = re.compile(r"[\u3400-\u9fff\uf900-\ufaff\uff00-\uffef\u3000-\u303f]")


def join_cell_parts(parts: Iterable[str]) -> str:
    """The lines of one table cell as one text: Chinese runs on (结果 / 维持 -> 结果维持), others get a space."""
    out = ""
    for part in (p.strip() for p in parts):
        if not part:
            continue
        if out and not (_CJK_CHAR.match(out[-1]) and _CJK_CHAR.match(part[0])):
            out += " "
        out += part
    return out


def grid_texts(grid: Grid) -> list[str]:
    """Every distinct cell text of a grid in reading order, a merged cell once."""
    seen: set[tuple[int, int]] = set()
    out: list[str] = []
    for row in grid:
        for cell in row:
            if cell.origin is not None and cell.origin not in seen:
                seen.add(cell.origin)
                out.append(cell.text)
    return out


def grid_rows(grid: Grid) -> list[list[str]]:
    """The grid as text rows for a free table: a merged cell's text in its first slot, the rest blank."""
    return [[cell.text if cell.origin == (r, c) else "" for c, cell in enumerate(row)] for r, row in enumerate(grid)]


@functools.lru_cache(maxsize=8)
def _code_vocabulary(code: str) -> frozenset[str]:
    keys: set[str] = set()
    for edition in (fmt.EDITION_2021, fmt.EDITION_2019):
        table = fmt.tables_for(edition).get(code)
        if table is not None:
            keys |= vocabulary(table)
    # Words every table shares say nothing about which one this is.
    return frozenset(keys - {"", "单位", "总计", "其他"})


def classify_grid(grid: Grid) -> str | None:
    """Which standard table (proactive, applications, review_litigation) a grid's labels name, if any."""
    keys = {strip_numbering(label_key(t)) for t in grid_texts(grid) if t and not is_value(t)}
    keys |= {label_key(t) for t in grid_texts(grid) if t and not is_value(t)}
    hits = {code: len(keys & _code_vocabulary(code)) for code in fmt.TABLE_CODES}
    best = max(hits.values())
    if best < 2:
        return None
    ranked = sorted(hits, key=lambda code: -hits[code])
    if hits[ranked[1]] == best:
        return None
    return ranked[0]


@dataclass
class _GridLine:
    labels: list[str]
    values: list[tuple[str, list[int]]]  # a value cell's text and the grid columns it covers
    header: bool


def _grid_lines(grid: Grid) -> list[_GridLine]:
    lines = []
    for row in grid:
        items: dict[tuple[int, int], tuple[str, list[int]]] = {}
        for c, cell in enumerate(row):
            if cell.origin is None:
                continue
            items.setdefault(cell.origin, (cell.text, []))[1].append(c)
        labels, values = [], []
        for text, columns in items.values():
            (values if is_value(text) else labels).append((text, columns))
        # An empty cell left of a row label is padding (a group label's merged cell continued from
        # the previous page), not a blank value.
        last_label = max((cols[-1] for _, cols in labels), default=-1)
        values = [(text, cols) for text, cols in values if compact(text) or cols[0] > last_label]
        filled = any(compact(text) for text, _ in values)
        header = not filled and len(values) <= len(labels)
        first_value = min((cols[0] for _, cols in values), default=len(row))
        lines.append(
            _GridLine(
                [text for text, cols in labels if header or cols[-1] < first_value],
                values,
                header,
            )
        )
    return lines


def _best(texts: Sequence[str], candidates: Sequence[tuple[str, tuple[str, ...]]]) -> str | None:
    """The candidate that the nearest header text names unambiguously (bottom header first).

    A header wrapped into two stacked cells (本年新 / 制作数量) is tried joined first.
    """
    joined = ["".join(texts[k:]) for k in range(len(texts) - 1)]
    for text in [*reversed(joined), *reversed(texts)]:
        scores = [(label_score(text, names), code) for code, names in candidates]
        top = max((s for s, _ in scores), default=0)
        winners = [code for s, code in scores if s == top]
        if top >= 1 and len(winners) == 1:
            return winners[0]
    return None


def _column_names(column: fmt.Column) -> tuple[str, ...]:
    return (column.label, *column.aliases)


def read_grid(grids: Sequence[Grid], table: fmt.Table) -> TableRead:
    """Read one standard table from real tables: rows by their label cells, columns by their headers.

    A value whose column the headers do not name unambiguously (cut-off headers such as 结果) is
    placed by position, as :func:`read_table` does; a table whose headers name nothing is read
    cell by cell in reading order.
    """
    result = TableRead()
    for grid in grids:
        if table.transposed:
            _read_transposed_grid(grid, table, result)
        else:
            _read_grid_rows(grid, table, result)
    if result.stray_numbers:
        # Numbers that lost their label (a PDF page break) may belong to a row read as empty: such
        # rows are left unread, so that the missing-row warning names them, rather than stored blank.
        for row in result.empty_rows:
            for column in table.columns_of(row):
                result.values.pop((table.code, row, column.code), None)
    result.warnings.extend(missing_warnings(table, result.values))
    return result


def _headers_above(headers: dict[int, list[str]], columns: list[int]) -> list[str]:
    texts: list[str] = []
    for c in columns:
        for text in headers.get(c, ()):
            if not texts or texts[-1] != text:
                texts.append(text)
    return texts


def _header_texts(grid: Grid, rows: list[int]) -> dict[int, list[str]]:
    """Column -> the header texts above it, top down, a merged header once."""
    out: dict[int, list[str]] = {}
    for r in rows:
        for c, cell in enumerate(grid[r]):
            if cell.origin is None or not cell.text or is_value(cell.text):
                continue
            column = out.setdefault(c, [])
            if not column or column[-1] != cell.text:
                column.append(cell.text)
    return out


def _read_grid_rows(grid: Grid, table: fmt.Table, result: TableRead) -> None:
    rows = table.all_rows()
    seen: set[str] = set()
    position = 0
    header_rows: list[int] = []
    headers: dict[int, list[str]] = {}
    header_key: list[int] | None = None
    after_data = False
    # Columns the header names that the table does not have (a 2019 header in a 2021 table), and
    # the rows read under it: their numbers are not stored in the table's columns.
    foreign: list[str] = []
    under_foreign: list[str] = []
    for r, line in enumerate(_grid_lines(grid)):
        if line.header:
            if after_data:
                header_rows, after_data = [], False
            header_rows.append(r)
            continue
        after_data = True
        if not line.labels:
            if any(parse_value(t) is not None for t, _ in line.values):
                result.warnings.append(f"{table_name(table)}中有一行数字没有行标签,未读取")
                result.stray_numbers = True
            continue
        index = match_row(line.labels, rows, position)
        if index is None and any(parse_value(t) is not None for t, _ in line.values):
            index = misprinted_row(line.labels, rows, position)
            if index is not None:
                result.warnings.append(misprint_warning(table, line.labels[-1], rows[index]))
        if index is None:
            # A line of label text alone is the wrapped end of the row label above (…另 / 行制作).
            if any(parse_value(t) is not None for t, _ in line.values):
                result.warnings.append(f"{table_name(table)}中无法识别的行「{line.labels[-1]}」,其数字未读取")
            continue
        row = rows[index]
        numbers = [parse_value(t) for t, _ in line.values]
        if all(v is None for v in numbers):
            # A line of empty cells names its row only by a label that is clearly that row's (not
            # the wrapped tail of the label above: 申请 / …), and never blanks numbers already read.
            already = any(
                result.values.get((table.code, row.code, c.code)) is not None for c in table.columns_of(row.code)
            )
            if already or label_score(line.labels[-1], row_names(row)) < 2:
                continue
            result.empty_rows.append(row.code)
        elif row.code in seen or any(
            result.values.get((table.code, row.code, c.code)) is not None for c in table.columns_of(row.code)
        ):
            result.warnings.append(f"{table_name(table)}的行「{row.label}」出现多次,以最后一次为准")
        seen.add(row.code)
        position = index + 1
        columns = table.columns_of(row.code)
        if header_key != header_rows:
            if foreign and under_foreign:
                result.warnings.append(foreign_header_warning(table, foreign, under_foreign))
            headers, header_key = _header_texts(grid, header_rows), list(header_rows)
            foreign, under_foreign = foreign_columns(_header_reading_order(grid, header_rows), table), []
        if foreign:
            under_foreign.append(row.label)
            continue
        candidates = [(c.code, _column_names(c)) for c in columns]
        placed: dict[str, Decimal | None] = {}
        by_header = True
        for text, cols in line.values:
            value = parse_value(text)
            code = _best(_headers_above(headers, cols), candidates)
            if code is None or (code in placed and value is not None and placed[code] is not None):
                if value is None:
                    continue
                by_header = False
                break
            if value is not None or code not in placed:
                placed[code] = value
        if by_header and placed:
            for column in columns:
                if column.code in placed:
                    result.values[(table.code, row.code, column.code)] = placed[column.code]
            continue
        values = [parse_value(t) for t, _ in line.values]
        while len(values) > len(columns) and values[-1] is None:
            values.pop()
        fill_row(table, row, values, result)
    if foreign and under_foreign:
        result.warnings.append(foreign_header_warning(table, foreign, under_foreign))


def _header_reading_order(grid: Grid, rows: list[int]) -> list[str]:
    """The header rows' texts row by row, a merged cell once; a header wrapped into two stacked
    cells reads as its parts in order."""
    seen: set[tuple[int, int]] = set()
    out: list[str] = []
    for r in rows:
        for cell in grid[r]:
            if cell.origin is not None and cell.origin not in seen and cell.text:
                seen.add(cell.origin)
                out.append(cell.text)
    return out


def _read_transposed_grid(grid: Grid, table: fmt.Table, result: TableRead) -> None:
    lines = _grid_lines(grid)
    header_rows = [r for r, line in enumerate(lines) if line.header]
    headers = _header_texts(grid, header_rows)
    placed: dict[tuple[str, str], Decimal | None] = {}
    mapped = True
    data = [line for line in lines if not line.header]
    for line in data:
        for text, cols in line.values:
            value = parse_value(text)
            texts = _headers_above(headers, cols)
            row = _group_of(texts, table)
            column = _best(texts, [(c.code, _column_names(c)) for c in table.columns])
            if row is None or column is None or ((row, column) in placed and value is not None):
                if value is None:
                    continue
                mapped = False
                break
            placed[(row, column)] = value
    if mapped and placed:
        for (row, column), value in placed.items():
            result.values[(table.code, row, column)] = value
        return
    # Headers cut short (结果 / 其他 / 尚未) or missing: read the cells in reading order.
    cells = [
        t for line in lines for t in (line.labels if line.header else [*line.labels, *(v for v, _ in line.values)])
    ]
    flat = TableRead()
    READERS[TRANSPOSED](group_cells(cells), table, flat)
    result.values.update(flat.values)
    result.warnings.extend(flat.warnings)


def _group_of(texts: Sequence[str], table: fmt.Table) -> str | None:
    """The group (行政复议, 行政诉讼·未经复议直接起诉 …) whose whole path the header texts name."""
    matches = [row for row in table.rows if all(any(label_score(t, (part,)) >= 3 for t in texts) for part in row.path)]
    if not matches:
        return None
    longest = max(len(r.path) for r in matches)
    best = [r for r in matches if len(r.path) == longest]
    return best[0].code if len(best) == 1 else None


SlotGrid = list[list[tuple[str, "tuple[int, int] | None"]]]


def normalised_document(items, *, clean=None) -> tuple[list[str], list[RawTable]]:
    """Paragraph lines and table grids in reading order (``str`` or rows of (text, origin)) as the
    normalised, non-empty lines and the :class:`RawTable` s placed between them.

    All text goes through one normalisation pass (繁简, pinyin, width), so that a table's labels and
    the paragraphs are read alike; ``clean`` first fixes what the source format adds (PDF spacing).
    """
    from reports.importers.normalize import normalize_text

    lines: list[str] = []
    tables: list[tuple[int, SlotGrid]] = []
    for item in items:
        if isinstance(item, str):
            lines.extend(item.split("\n"))
        elif item:
            tables.append((len(lines), item))
    pieces = lines + [text for _, grid in tables for row in grid for text, _ in row]
    joined = "\n".join(p.replace("\n", " ") for p in pieces)
    normalised = iter(normalize_text(clean(joined) if clean else joined).split("\n"))
    lines = [next(normalised) for _ in lines]
    raw_tables = []
    for position, grid in tables:
        cells = [[GridCell(next(normalised), origin) for _, origin in row] for row in grid]
        raw_tables.append(RawTable(cells, sum(1 for line in lines[:position] if line)))
    return [line for line in lines if line], raw_tables


def grid_from_boxes(boxes, tolerance: float) -> Grid:
    """A table laid out from its cells' boxes ``((x0, top, x1, bottom), text)`` (a PDF's ruling lines,
    or the regions a scan's lines enclose): edges closer than ``tolerance`` are one grid line, and
    every slot of a merged cell points at the cell's first slot."""
    xs = _edges([b[0] for b, _ in boxes] + [b[2] for b, _ in boxes], tolerance)
    ys = _edges([b[1] for b, _ in boxes] + [b[3] for b, _ in boxes], tolerance)
    if len(xs) < 2 or len(ys) < 2:
        return []
    slots: dict[tuple[int, int], tuple[str, tuple[int, int]]] = {}
    for (x0, top, x1, bottom), text in boxes:
        c0, c1 = _nearest(xs, x0), _nearest(xs, x1)
        r0, r1 = _nearest(ys, top), _nearest(ys, bottom)
        for r in range(r0, max(r1, r0 + 1)):
            for c in range(c0, max(c1, c0 + 1)):
                slots.setdefault((r, c), (text, (r0, c0)))
    return [[slots.get((r, c), ("", None)) for c in range(len(xs) - 1)] for r in range(len(ys) - 1)]


def _edges(values: list[float], tolerance: float) -> list[float]:
    """Distinct cell edges, those closer than ``tolerance`` taken as one."""
    out: list[float] = []
    for v in sorted(values):
        if not out or v - out[-1] > tolerance:
            out.append(v)
    return out


def _nearest(edges: list[float], value: float) -> int:
    return min(range(len(edges)), key=lambda i: abs(edges[i] - value))
