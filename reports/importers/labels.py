"""Recognising the labels of the standard tables: how well a cell names a row or a column, which
edition a table's labels belong to.

Labels are compared as keys (:func:`reports.importers.normalize.label_key`): width, spaces, quotes
and numbering do not matter; the format's labels and aliases (reports/format/tables.py) are the
only vocabulary.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable, Sequence

from reports import format as fmt
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
    cut-off start of the label ((二)部分公开 for the long official label; 1.属 cut by a page break).
    0: no match.
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
        elif (
            crest.startswith(rest)
            and (len(rest) >= 2 or (rest and number and number == cnumber))
            and not (number and cnumber and number != cnumber)  # 3.其他 is not 2.其他法律…
        ):
            # A cut-off start; a single character only under the same numbering (a page break
            # inside the row: 1.属 / 于国家秘密).
            best = max(best, 1)
    return best


def row_names(row: fmt.Row) -> tuple[str, ...]:
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
    """The edition whose own labels (规章's 本年制发件数 vs 本年新制作数量 …) the cells use, if any.

    A label split over two cells or lines (本年新 / 制作数量) counts as much as a whole one.
    """
    own = _own_labels()
    counts = dict.fromkeys(own, 0)
    cells = list(cells)
    for cell in cells:
        # A header row flattened with spaces is one cell: 信息内容 本年制发件数 本年废止件数 …
        for piece in {cell, *cell.split()}:
            key = strip_numbering(label_key(piece))
            for edition, keys in own.items():
                counts[edition] += key in keys
    keys = fragment_keys(cells)
    for edition, labels in own.items():
        counts[edition] += len({(label, last) for _, last, label in split_labels(keys, labels)})
    ranked = sorted(counts.items(), key=lambda item: -item[1])
    if ranked[0][1] == 0 or ranked[0][1] == ranked[1][1]:
        return None
    return ranked[0][0]


# --- Labels split over several cells ----------------------------------------------------------

# How many cells on the second fragment of a label may stand: the next cell (本年新 / 制作数量 on two
# lines), or the same column one header row down, the row read left to right (信息内容 本年新 本年新
# 对外公开 / 制作数量 公开数量 总数量: four cells on).
SPLIT_REACH = 8
# Fragments longer than this are prose or whole labels, never a piece of a header.
_MAX_FRAGMENT = 24


def fragment_keys(cells: Iterable[str]) -> list[str]:
    """The keys of the cells in reading order, a cell flattened with spaces split into its pieces."""
    keys: list[str] = []
    for cell in cells:
        pieces = cell.split() if len(cell) <= 4 * _MAX_FRAGMENT else [cell]
        keys.extend(label_key(piece) for piece in pieces or [cell])
    return keys


def split_labels(keys: Sequence[str], labels: Iterable[str], reach: int = SPLIT_REACH) -> list[tuple[int, int, str]]:
    """``(first, last, label)`` for each of ``labels`` (keys) that two or more of ``keys``, in reading order
    and at most ``reach`` cells apart, spell out: 本年新 + 制作数量, or 本年新 … 制作数量 in a header
    of two rows. A fragment is used as printed; the first may carry numbering (1.本年新)."""
    labels = [label for label in labels if label]
    found: list[tuple[int, int, str]] = []
    for i, key in enumerate(keys):
        first = strip_numbering(key)
        if len(first) < 2 or len(first) > _MAX_FRAGMENT:
            continue
        for label in labels:
            if len(label) > len(first) and label.startswith(first):
                last = _spell_rest(keys, i, label, len(first), reach)
                if last is not None:
                    found.append((i, last, label))
    return found


def _spell_rest(keys: Sequence[str], after: int, label: str, done: int, reach: int) -> int | None:
    """Index of the last fragment that, with fragments after ``after``, spells ``label[done:]``."""
    if done == len(label):
        return after
    for j in range(after + 1, min(len(keys), after + 1 + reach)):
        key = keys[j]
        if key and label.startswith(key, done):
            last = _spell_rest(keys, j, label, done + len(key), reach)
            if last is not None:
                return last
    return None


def _column_keys(table: fmt.Table) -> dict[str, str]:
    """Key -> the printed label, for every column label and alias of ``table``."""
    out: dict[str, str] = {}
    for row in table.all_rows():
        for column in table.columns_of(row.code):
            for text in (column.label, *column.aliases):
                out.setdefault(strip_numbering(label_key(text)), column.label)
    return out


@functools.lru_cache(maxsize=8)
def _known_columns(code: str) -> dict[str, str]:
    """Key -> printed label of every column of table ``code`` in the 2019 and 2021 editions."""
    out: dict[str, str] = {}
    for edition in (fmt.EDITION_2021, fmt.EDITION_2019):
        table = fmt.tables_for(edition).get(code)
        if table is not None:
            out.update(_column_keys(table))
    return out


def named_columns(texts: Sequence[str], code: str) -> list[str]:
    """The column labels (of table ``code`` in any edition) that header texts name, whole or split
    over adjacent cells, in the order they stand; each key once."""
    known = _known_columns(code)
    keys = fragment_keys(texts)
    hits: list[tuple[int, int, str]] = []
    for i, key in enumerate(keys):
        key = strip_numbering(key)
        if key in known:
            hits.append((i, i, key))
    hits.extend(split_labels(keys, known))
    out: list[str] = []
    for _, _, key in sorted(hits):
        if key not in out:
            out.append(key)
    return out


def foreign_columns(texts: Sequence[str], table: fmt.Table) -> list[str]:
    """The printed labels of the columns that header texts name and ``table`` does not have.

    A 2019 header (本年新制作数量 …) above the rows of a 2021 table says its numbers are not in the
    2021 columns, whatever their order.
    """
    own = _column_keys(table)
    known = _known_columns(table.code)
    return list(dict.fromkeys(known[key] for key in named_columns(texts, table.code) if key not in own))


def foreign_header_warning(table: fmt.Table, foreign: Sequence[str], rows: Sequence[str]) -> str:
    """What an editor is told when a header names columns the table does not have in its edition."""
    edition = next((e for e in fmt.EDITIONS if fmt.tables_for(e).get(table.code) is table), "")
    names = "、".join(f"「{c}」" for c in foreign)
    under = "、".join(f"「{r}」" for r in rows)
    return (
        f"表{table.number}({table.title})的表头栏目{names}不是{fmt.EDITION_LABELS.get(edition, '本报告格式')}的栏目:"
        f"其下的行{under}的数字未读取(按本格式的栏目存放会放错格),请核对报告采用的格式后按原文填写"
    )


def column_vocabulary(code: str) -> set[str]:
    """Keys of the column labels of table ``code`` in the 2019 and 2021 editions."""
    return set(_known_columns(code))


_SENTENCE = re.compile(r"[,,。;;!?!?]")


def is_label_piece(text: str, vocab: set[str]) -> bool:
    """Whether a short text is a piece of one of the labels (制作数量 of 本年新制作数量)."""
    if len(text) > _MAX_FRAGMENT or _SENTENCE.search(text):
        return False
    key = label_key(text)
    return len(key) >= 2 and any(len(v) > len(key) and key in v for v in vocab)


# --- The standard tables found in a text ------------------------------------------------------

# How many distinct row and column labels of one table a text must carry for the table to be there:
# 表四 has five columns and four row labels; a sentence naming 行政许可 and 行政处罚 is no table.
_TABLE_EVIDENCE = 5


@functools.lru_cache(maxsize=1)
def _table_label_keys() -> dict[str, frozenset[str]]:
    """Table code -> keys of its row and column labels in either edition, the words every table shares left out."""
    out: dict[str, set[str]] = {}
    for edition in (fmt.EDITION_2021, fmt.EDITION_2019):
        for code, table in fmt.tables_for(edition).items():
            keys = out.setdefault(code, set())
            for row in table.all_rows():
                keys.update(strip_numbering(label_key(t)) for t in (*row.path, *row.aliases))
                for column in table.columns_of(row.code):
                    keys.update(strip_numbering(label_key(t)) for t in (*column.path, *column.aliases))
    shared = {"", "总计", "其他", "信息内容", "单位"}
    return {code: frozenset(keys - shared) for code, keys in out.items()}


def standard_tables_in(cells: Iterable[str]) -> list[str]:
    """The codes of the standard tables (proactive, applications, review_litigation) whose labels the
    cells carry, in the format's order: a document holding them is an annual report."""
    seen: set[str] = set()
    for cell in cells:
        for piece in {cell, *cell.split()} if len(cell) <= 64 else {cell}:
            seen.add(strip_numbering(label_key(piece)))
    return [code for code, keys in _table_label_keys().items() if len(keys & seen) >= _TABLE_EVIDENCE]


def table_evidence(texts: Iterable[str], code: str) -> int:
    """How many distinct row and column labels of table ``code`` the texts carry."""
    keys = _table_label_keys()[code]
    return len({strip_numbering(label_key(t)) for t in texts} & keys)


def holds_table(texts: Iterable[str], code: str) -> bool:
    """Whether the texts carry enough of table ``code``'s labels to be that table."""
    return table_evidence(texts, code) >= _TABLE_EVIDENCE
