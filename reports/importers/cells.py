"""Reading a standard table from a flat sequence of cell texts (flattened ``|`` text, one cell a line).

An importer hands :func:`read_table` the cell texts of one table part in reading order, and a
:class:`reports.format.Table`. Rows are recognised by their labels, not by position: the label
cells standing right before a run of numbers name the row those numbers belong to, and the
numbers fill the row's columns in the official order.

How the numbers are laid out differs by table: most tables have one row of numbers per labelled
row; table 四 is *transposed* (its fifteen numbers stand in one row, group after group). Each
layout has its reader in :data:`READERS`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from difflib import SequenceMatcher

from reports import format as fmt
from reports.format.values import is_value, parse_value
from reports.importers.labels import (
    foreign_columns,
    foreign_header_warning,
    label_score,
    named_columns,
    row_names,
    vocabulary,
)
from reports.importers.normalize import (
    label_key,
    strip_numbering,
)

Key = tuple[str, str, str]

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
    empty_rows: list[str] = field(default_factory=list)  # rows read from a line of empty cells
    stray_numbers: bool = False  # a line of numbers had no row label


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
            score = label_score(label, row_names(rows[i]))
            if score > best:
                best, best_index = score, i
        if best_index is not None:
            return best_index
    return None


def misprinted_row(labels: Sequence[str], rows: Sequence[fmt.Row], start: int = 0) -> int | None:
    """The row a misprinted label means (2.其他法律行政止公开, 四、…行政法复议): the one row whose label it
    resembles closely, the rows not yet read first. None when no row, or more than one, is that close."""
    if not labels:
        return None
    key = strip_numbering(label_key(labels[-1]))
    if len(key) < 4:
        return None
    scores = []
    for i, row in enumerate(rows):
        best = max(SequenceMatcher(None, key, strip_numbering(label_key(name))).ratio() for name in row_names(row))
        scores.append((best, i >= start, i))
    scores.sort(reverse=True)
    if scores[0][0] < MISPRINT_RATIO or (len(scores) > 1 and scores[1][0] >= scores[0][0] - 0.05):
        return None
    return scores[0][2]


def resembles_label(text: str, vocab: set[str]) -> bool:
    """Whether a text is close to one of the table's labels (a misprint, not prose)."""
    key = strip_numbering(label_key(text))
    if len(key) < 4:
        return False
    return any(
        SequenceMatcher(None, key, v).quick_ratio() >= MISPRINT_RATIO
        and SequenceMatcher(None, key, v).ratio() >= MISPRINT_RATIO
        for v in vocab
        if abs(len(v) - len(key)) <= len(key) // 3 + 1
    )


# How close a misprinted label must be to an official one (difflib ratio) to be read as it, with a warning.
MISPRINT_RATIO = 0.8


def read_table(cells: Iterable[str], table: fmt.Table) -> TableRead:
    """Read one standard table from its cell texts in reading order; warnings name what is missing."""
    groups = group_cells(cells)
    result = TableRead()
    READERS[layout_of(table)](groups, table, result)
    result.warnings.extend(missing_warnings(table, result.values))
    return result


def _read_rows(groups: list[LabelledNumbers], table: fmt.Table, result: TableRead) -> None:
    rows = table.all_rows()
    seen: set[str] = set()
    position = 0
    # Columns named by the header above that the table does not have (本年新制作数量 in a 2021 table),
    # and the rows read under it: their numbers are not stored in the table's columns.
    foreign: list[str] = []
    under_foreign: list[str] = []
    for group in groups:
        header = group.labels[:-1]
        if header and named_columns(header, table.code):
            if foreign and under_foreign:
                result.warnings.append(foreign_header_warning(table, foreign, under_foreign))
            foreign, under_foreign = foreign_columns(header, table), []
        index = match_row(group.labels, rows, position)
        if index is None:
            index = misprinted_row(group.labels, rows, position)
            if index is not None:
                result.warnings.append(misprint_warning(table, group.labels[-1], rows[index]))
        if index is None:
            shown = group.labels[-1] if group.labels else "(无标签)"
            result.warnings.append(f"{table_name(table)}中无法识别的行「{shown}」,其数字未读取")
            continue
        row = rows[index]
        if row.code in seen:
            result.warnings.append(f"{table_name(table)}的行「{row.label}」出现多次,以最后一次为准")
        seen.add(row.code)
        position = index + 1
        if foreign:
            under_foreign.append(row.label)
            continue
        columns = table.columns_of(row.code)
        if len(columns) > 1 and len(group.values) < len(columns):
            # Which cells the numbers belong to is unknown (cells glued into one run of digits such
            # as 640020470, or cells left out): none is stored rather than one in the wrong place.
            shown = " ".join(fmt.plain_number(v) if v is not None else "—" for v in group.values)
            result.warnings.append(
                f"{table_name(table)}的行「{row.label}」只有{len(group.values)}个数字({shown}),应有{len(columns)}个:"
                "可能是几格数字连在了一起或缺了格,未读取,请按原文填写"
            )
            continue
        fill_row(table, row, group.values, result)
    if foreign and under_foreign:
        result.warnings.append(foreign_header_warning(table, foreign, under_foreign))


def misprint_warning(table: fmt.Table, printed: str, row: fmt.Row) -> str:
    return f"{table_name(table)}的行「{printed}」与格式中的「{row.label}」不完全一致,按后者读取,请核对原文"


def fill_row(table: fmt.Table, row: fmt.Row, values: list[Decimal | None], result: TableRead) -> None:
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
            fill_row(table, table.rows[index], group.values, result)
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


def is_table_cell(text: str, table: fmt.Table, vocab: set[str] | None = None) -> bool:
    """Whether a line of text is a cell of ``table`` (a number, a label, or a cut-off label)."""
    if "|" in text or is_value(text):
        return True
    vocab = vocabulary(table) if vocab is None else vocab
    pieces = split_label_numbers(text)
    if len(pieces) > 1:
        if is_value(pieces[0]) or len(pieces) > 2:  # numbers only, or a label and a run of numbers
            return True
        text = pieces[0]
    key = label_key(text)
    if key in vocab or strip_numbering(key) in vocab:
        return True
    if len(key) >= 2 and any(v.startswith(key) for v in vocab):
        return True
    # A row-group label sharing the line with its first row: 三、本年度办理结果 (一)予以公开 32 …
    return len(pieces) > 1 and any(len(v) >= 4 and key.endswith(v) for v in vocab)


# --- One reader per layout --------------------------------------------------------------------

ROWS, TRANSPOSED = "rows", "transposed"


def layout_of(table: fmt.Table) -> str:
    """How a table's numbers stand: ROWS (one labelled row of numbers per row) or TRANSPOSED (table 四)."""
    return TRANSPOSED if table.transposed else ROWS


READERS: dict[str, Callable[[list[LabelledNumbers], fmt.Table, TableRead], None]] = {
    ROWS: _read_rows,
    TRANSPOSED: _read_transposed,
}
