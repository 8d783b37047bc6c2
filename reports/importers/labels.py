"""Recognising the labels of the standard tables: how well a cell names a row or a column, which
edition a table's labels belong to.

Labels are compared as keys (:func:`reports.importers.normalize.label_key`): width, spaces, quotes
and numbering do not matter; the format's labels and aliases (reports/format/tables.py) are the
only vocabulary.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable

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
    """The edition whose own labels (规章's 本年制发件数 vs 本年新制作数量 …) the cells use, if any."""
    own = _own_labels()
    counts = dict.fromkeys(own, 0)
    for cell in cells:
        # A header row flattened with spaces is one cell: 信息内容 本年制发件数 本年废止件数 …
        for piece in {cell, *cell.split()}:
            key = strip_numbering(label_key(piece))
            for edition, keys in own.items():
                counts[edition] += key in keys
    ranked = sorted(counts.items(), key=lambda item: -item[1])
    if ranked[0][1] == 0 or ranked[0][1] == ranked[1][1]:
        return None
    return ranked[0][0]
