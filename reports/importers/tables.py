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

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from reports import format as fmt
from reports.importers.normalize import (
    compact,
    label_key,
    split_numbering,
    strip_numbering,
)

Key = tuple[str, str, str]

# --- Cell values ----------------------------------------------------------------------------

# What a report writes in a cell it leaves blank.
_BLANK = re.compile(r"^(?:[-—–―‐−~/\\]+|无)?$")
_NUMBER = re.compile(r"^[+-]?\d+(?:\.\d+)?$")
_THOUSANDS = re.compile(r"(?<=\d)[,,](?=\d{3}(?!\d))")
_UNIT = re.compile(r"(?:万元|元|件|个|次|条|项|宗)$")


def parse_value(text: str) -> Decimal | None:
    """A cell's number: ``39,908`` -> 39908, ``—``/``无``/blank -> None; ValueError if it is a label."""
    s = _THOUSANDS.sub("", compact(text))
    if _BLANK.match(s):
        return None
    s = _UNIT.sub("", s)
    if not _NUMBER.match(s):
        raise ValueError(f"not a number: {text!r}")
    try:
        return Decimal(s)
    except InvalidOperation as exc:  # pragma: no cover - the pattern admits only valid decimals
        raise ValueError(f"not a number: {text!r}") from exc


def is_value(text: str) -> bool:
    """True for a number or a blank marker, False for a label."""
    try:
        parse_value(text)
    except ValueError:
        return False
    return True


# --- Label matching -------------------------------------------------------------------------


def label_score(text: str, candidates: Iterable[str]) -> int:
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


def edition_from_labels(cells: Iterable[str]) -> str | None:
    """The edition whose own labels (规章's 本年制发件数 vs 本年新制作数量 …) the cells use, if any."""
    own = {
        fmt.EDITION_2021: _label_keys(fmt.EDITION_2021, False) - _label_keys(fmt.EDITION_2019, True),
        fmt.EDITION_2019: _label_keys(fmt.EDITION_2019, False) - _label_keys(fmt.EDITION_2021, True),
    }
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
