"""Reading the three standard tables from a flat sequence of cell texts.

Whatever the source (flattened ``|`` text, an HTML ``<table>``, a DOCX table), an importer
hands :func:`read_table` the cell texts of one table part in reading order, and a
:class:`reports.format.Table`. Rows are recognised by their labels (format.py labels and
aliases, compared with :func:`reports.importers.normalize.label_key`), not by position: the
label cells standing right before a run of numbers name the row those numbers belong to, and
the numbers fill the row's columns in the official order. Table 四 is *transposed* in the
official layout: its fifteen numbers stand in one row, group after group.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from reports import format as fmt
from reports.format.values import compact, is_value, parse_value
from reports.importers.normalize import (
    label_key,
    split_numbering,
    strip_numbering,
)

Key = tuple[str, str, str]

# --- Label matching -------------------------------------------------------------------------


@functools.lru_cache(maxsize=16384)
def label_score(text: str, candidates: tuple[str, ...]) -> int:
    """How well a cell's text names one of ``candidates`` (a label and its aliases).

    4: equal; 3: equal once numbering is ignored; 2: equal text under another numbering, or
    the cell carries its parent labels in front (三、本年度办理结果(一)予以公开); 1: the cell is a
    cut-off start of the label ((二)部分公开 for the long official label). 0: no match.
    """
    key = label_key(text)
    number, rest = split_numbering(key)
    best = 0
    for candidate in candidates:
        ckey = label_key(candidate)
        cnumber, crest = split_numbering(ckey)
        if key == ckey:
            return 4
        if rest and rest == crest:
            best = max(best, 3 if not number or not cnumber else 2)
        elif len(ckey) >= 3 and key.endswith(ckey):
            best = max(best, 2)
        elif len(rest) >= 2 and crest.startswith(rest):
            best = max(best, 1)
    return best


def _row_names(row: fmt.Row) -> tuple[str, ...]:
    return (row.label, *row.aliases)


def vocabulary(table: fmt.Table) -> set[str]:
    """Keys of every label text that can stand in the table: rows, columns, headers, corners."""
    texts: set[str] = {table.title, table.caption, table.corner, "单位"}
    for row in table.all_rows():
        texts.update(row.path)
        texts.update(row.aliases)
        for col in table.columns_of(row.code):
            texts.update(col.path)
            texts.update(col.aliases)
    for block in table.blocks:
        texts.update((block.heading, block.corner))
    keys = {label_key(t) for t in texts if t}
    return keys | {strip_numbering(k) for k in keys}


def is_table_cell(text: str, table: fmt.Table, vocab: set[str] | None = None) -> bool:
    """Whether a line of text is a cell of ``table`` (a number, a label, or a cut-off label)."""
    if "|" in text or is_value(text):
        return True
    vocab = vocabulary(table) if vocab is None else vocab
    pieces = split_label_numbers(text)
    if len(pieces) > 1:
        if is_value(pieces[0]):
            return True
        text = pieces[0]
    key = label_key(text)
    if key in vocab or strip_numbering(key) in vocab:
        return True
    return len(key) >= 2 and any(v.startswith(key) for v in vocab)


# --- Editions told apart by their labels ------------------------------------------------------


def _label_keys(edition: str, with_aliases: bool) -> set[str]:
    keys: set[str] = set()
    for table in fmt.tables_for(edition).values():
        for row in table.all_rows():
            keys.update(label_key(t) for t in (row.label, *(row.aliases if with_aliases else ())))
            for col in table.columns_of(row.code):
                keys.update(label_key(t) for t in (col.label, *(col.aliases if with_aliases else ())))
    return {strip_numbering(k) for k in keys}


@functools.lru_cache(maxsize=1)
def _own_labels() -> dict[str, set[str]]:
    return {
        fmt.EDITION_2021: _label_keys(fmt.EDITION_2021, False) - _label_keys(fmt.EDITION_2019, True),
        fmt.EDITION_2019: _label_keys(fmt.EDITION_2019, False) - _label_keys(fmt.EDITION_2021, True),
    }


def edition_from_labels(cells: Iterable[str]) -> str | None:
    """The edition whose own labels (规章's 本年制发件数 vs 本年新制作数量 …) the cells use, if any."""
    own = _own_labels()
    counts = dict.fromkeys(own, 0)
    for cell in cells:
        key = strip_numbering(label_key(cell))
        for edition, keys in own.items():
            counts[edition] += key in keys
    ranked = sorted(counts.items(), key=lambda item: -item[1])
    if ranked[0][1] == 0 or ranked[0][1] == ranked[1][1]:
        return None
    return ranked[0][0]


# --- Reading a table ------------------------------------------------------------------------


@dataclass
class LabelledNumbers:
    """Label cells followed by the run of numbers they stand before."""

    labels: list[str]
    values: list[Decimal | None]


@dataclass
class TableRead:
    values: dict[Key, Decimal | None] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)


def table_name(table: fmt.Table) -> str:
    return f"表{table.number}({table.title})"


def group_cells(cells: Iterable[str]) -> list[LabelledNumbers]:
    """Split a cell sequence into label runs each followed by its numbers."""
    groups: list[LabelledNumbers] = []
    labels: list[str] = []
    values: list[Decimal | None] = []
    for cell in cells:
        if is_value(cell):
            values.append(parse_value(cell))
            continue
        if values:
            groups.append(LabelledNumbers(labels, values))
            labels, values = [], []
        labels.append(cell)
    if values:
        groups.append(LabelledNumbers(labels, values))
    return groups


def match_row(labels: Sequence[str], rows: Sequence[fmt.Row], start: int = 0) -> int | None:
    """Index of the row that the labels name, looking from ``start`` on first (rows come in order).

    The last label (the one next to the numbers) is tried first, then its parents.
    """
    order = list(range(start, len(rows))) + list(range(start))
    for label in reversed(labels):
        best, best_index = 0, None
        for i in order:
            score = label_score(label, _row_names(rows[i]))
            if score > best:
                best, best_index = score, i
        if best_index is not None:
            return best_index
    return None


def read_table(cells: Iterable[str], table: fmt.Table) -> TableRead:
    """Read one standard table from its cell texts in reading order; warnings name what is missing."""
    groups = group_cells(cells)
    result = TableRead()
    if table.transposed:
        _read_transposed(groups, table, result)
    else:
        _read_rows(groups, table, result)
    result.warnings.extend(missing_warnings(table, result.values))
    return result


def _read_rows(groups: list[LabelledNumbers], table: fmt.Table, result: TableRead) -> None:
    rows = table.all_rows()
    seen: set[str] = set()
    position = 0
    for group in groups:
        index = match_row(group.labels, rows, position)
        if index is None:
            shown = group.labels[-1] if group.labels else "(无标签)"
            result.warnings.append(f"{table_name(table)}中无法识别的行「{shown}」,其数字未读取")
            continue
        row = rows[index]
        if row.code in seen:
            result.warnings.append(f"{table_name(table)}的行「{row.label}」出现多次,以最后一次为准")
        seen.add(row.code)
        _fill_row(table, row, group.values, result)
        position = index + 1


def _fill_row(table: fmt.Table, row: fmt.Row, values: list[Decimal | None], result: TableRead) -> None:
    columns = table.columns_of(row.code)
    if len(values) > len(columns):
        result.warnings.append(
            f"{table_name(table)}的行「{row.label}」有{len(values)}个数字,多于{len(columns)}列,多出的未读取"
        )
    for column, value in zip(columns, values, strict=False):
        result.values[(table.code, row.code, column.code)] = value


def _read_transposed(groups: list[LabelledNumbers], table: fmt.Table, result: TableRead) -> None:
    """Table 四: one row of numbers in layout order, or (less common) one labelled row per group."""
    size = len(table.rows) * len(table.columns)
    for group in groups:
        if len(group.values) == size:
            flat = iter(group.values)
            for row in table.rows:
                for column in table.columns:
                    result.values[(table.code, row.code, column.code)] = next(flat)
            return
    count = sum(len(g.values) for g in groups)
    for group in groups:
        # Only the label next to the numbers counts here: 行政复议 and 行政诉讼 are also column-group headers.
        index = match_row(group.labels[-1:], table.rows)
        if index is not None and len(group.values) <= len(table.columns):
            _fill_row(table, table.rows[index], group.values, result)
    if count and not result.values:
        result.warnings.append(f"{table_name(table)}应有{size}个数字,读到{count}个,无法对应到单元格")


def missing_warnings(table: fmt.Table, values: dict[Key, Decimal | None]) -> list[str]:
    """One warning for a table with no numbers, else one naming the missing rows and cells."""
    cells = table.cells()
    present = {(r, c) for (t, r, c) in values if t == table.code}
    if not present.intersection(cells):
        return [f"未找到{table_name(table)}的数据"]
    warnings: list[str] = []
    missing_rows = [
        r for r in table.all_rows() if not any((r.code, c.code) in present for c in table.columns_of(r.code))
    ]
    if missing_rows:
        names = "、".join(f"「{'·'.join(r.path[-2:]) if table.transposed else r.label}」" for r in missing_rows)
        warnings.append(f"{table_name(table)}缺少行:{names}")
    skip = {r.code for r in missing_rows}
    missing_cells = [(r, c) for r, c in cells if r not in skip and (r, c) not in present]
    if missing_cells:
        names = "、".join(f"「{table.cell_label(r, c)}」" for r, c in missing_cells)
        warnings.append(f"{table_name(table)}缺少单元格:{names}")
    return warnings


# --- Label and numbers on one line ----------------------------------------------------------


def split_label_numbers(piece: str) -> list[str]:
    """``行政许可 39908`` or ``规章 0 0 0`` -> the label and each number; anything else stays one cell.

    Some reports flatten a table row onto one line, separated by spaces or tabs instead of ``|``.
    Only a trailing run of numbers (or blank markers) is split off, so that labels with a space
    inside (``自 然人``) stay whole.
    """
    tokens = piece.split()
    if len(tokens) < 2:
        return [piece]
    k = len(tokens)
    while k > 0 and tokens[k - 1] and is_value(tokens[k - 1]):
        k -= 1
    numbers = tokens[k:]
    if not numbers:
        return [piece]
    return ([" ".join(tokens[:k])] if k else []) + numbers


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


def expand_spans(rows: Sequence[Sequence[tuple[str, int, int]]]) -> Grid:
    """Rows of (text, rowspan, colspan), as HTML writes them, into a rectangular grid."""
    slots: dict[tuple[int, int], GridCell] = {}
    height = len(rows)
    for r, row in enumerate(rows):
        c = 0
        for text, rowspan, colspan in row:
            while (r, c) in slots:
                c += 1
            # rowspan="0" means "to the end of the table"; absurd spans are cut to the table.
            rowspan = height - r if rowspan <= 0 else min(rowspan, height - r)
            colspan = max(1, min(colspan, 64))
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
    """The candidate that the nearest header text names unambiguously (bottom header first)."""
    for text in reversed(texts):
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
            continue
        index = match_row(line.labels, rows, position)
        if index is None:
            result.warnings.append(f"{table_name(table)}中无法识别的行「{line.labels[-1]}」,其数字未读取")
            continue
        row = rows[index]
        if row.code in seen:
            result.warnings.append(f"{table_name(table)}的行「{row.label}」出现多次,以最后一次为准")
        seen.add(row.code)
        position = index + 1
        columns = table.columns_of(row.code)
        if header_key != header_rows:
            headers, header_key = _header_texts(grid, header_rows), list(header_rows)
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
        _fill_row(table, row, values, result)


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
    _read_transposed(group_cells(cells), table, flat)
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
