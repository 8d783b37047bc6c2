"""Former regions: names and codes that were abolished, merged or renamed, and the region that holds
them today.

A report names its place as it was when it was written: 莱芜市 (371200) joined 济南市 in January
2019, 横县 became 横州市 (450181) in 2021. ``reports/data/region_changes.csv`` maps each former code
and name to today's code; most rows are derived by comparing the yearly 统计用区划代码 lists
(:func:`reports.regions.build.changes_from_releases`), the rest are written by hand with their
source (``how`` = ``manual``). A county that was split is mapped to the smallest region holding all
of it (邯郸县 -> 邯郸市).
"""

from __future__ import annotations

import csv
import functools
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

CHANGES_FILE = Path(__file__).resolve().parent.parent / "data" / "region_changes.csv"
FIELDS = ("old_code", "old_name", "new_code", "effective", "how", "source")
MANUAL = "manual"


@dataclass(frozen=True)
class RegionChange:
    old_code: str
    old_name: str
    new_code: str  # today's region
    effective: (
        str  # YYYY-MM-DD: the date of the change, or for derived rows the cut-off date of the first list showing it
    )
    how: str  # towns, name, split, rename, manual
    source: str


def read_changes(path: Path = CHANGES_FILE) -> list[RegionChange]:
    with open(path, encoding="utf-8", newline="") as fh:
        return [RegionChange(*(r[f] for f in FIELDS)) for r in csv.DictReader(fh)]


def write_changes(rows: Iterable[RegionChange], path: Path = CHANGES_FILE) -> None:
    with open(path, "w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh, lineterminator="\n")
        w.writerow(FIELDS)
        for r in sorted(rows, key=lambda r: (r.old_code, r.old_name)):
            w.writerow([getattr(r, f) for f in FIELDS])


@functools.lru_cache(maxsize=1)
def region_changes() -> tuple[RegionChange, ...]:
    """The shipped changes, read once per process."""
    return tuple(read_changes())


def current_code(code: str, changes: Iterable[RegionChange] | None = None) -> str:
    """Today's code of a former region (371200 -> 370100); any other code unchanged."""
    for change in region_changes() if changes is None else changes:
        if change.old_code == code:
            return change.new_code
    return code
