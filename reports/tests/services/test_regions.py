"""The official region list in the database: loaded by migrate, reloaded by load_regions (reports/services/regions.py)."""

import pytest
from django.core.management import call_command

from reports.models import Region

pytestmark = pytest.mark.django_db


def test_migrations_load_the_whole_region_list():
    """A fresh database knows every province, prefecture and county with parent and full path."""
    # The 3,212 divisions of the shipped list (GB/T 2260 of 2021-01-04, brought up to the 统计用区划代码
    # of 2023-06-30), and the 中央 level for central bodies.
    assert Region.objects.count() == 3212 + 1
    assert Region.objects.provinces().count() == 34 + 1
    qingzhen = Region.objects.get(code="520181")
    assert qingzhen.parent.code == "520100" and qingzhen.path == ["贵州省", "贵阳市", "清镇市"]
    assert qingzhen.full_name == "贵州省 › 贵阳市 › 清镇市"
    # Districts of a municipality and counties directly under a province hang under the province.
    assert Region.objects.get(code="110101").parent_id == "110000"
    assert Region.objects.get(code="429004").path == ["湖北省", "仙桃市"]


def test_load_regions_updates_changed_names(tmp_path):
    """The refresh command applies a newer list: renamed regions are updated, new ones added."""
    csv = tmp_path / "regions.csv"
    csv.write_text(
        "code,name,level,parent\n520000,贵州省,1,\n520100,贵阳市,2,520000\n520181,清镇市(新),3,520100\n"
        "520199,新设区,3,520100\n",
        encoding="utf-8",
    )
    call_command("load_regions", "--file", str(csv))
    assert Region.objects.get(code="520181").name == "清镇市(新)"
    assert Region.objects.get(code="520199").path_names == "贵州省/贵阳市/新设区"
    assert Region.objects.count() == 3212 + 1 + 1


def test_load_regions_adds_new_divisions_and_keeps_abolished_ones():
    """A database loaded before 2021 gains 临平区 (created 2021) and keeps 下城区 (merged into 拱墅区)
    for the reports that point at it."""
    Region.objects.filter(code="330113").delete()
    Region.objects.create(code="330103", name="下城区", level=3, parent_id="330100", path_names="浙江省/杭州市/下城区")
    call_command("load_regions")
    assert Region.objects.get(code="330113").path_names == "浙江省/杭州市/临平区"
    assert Region.objects.filter(code="330103").exists()


def test_central_bodies_have_a_region_like_any_other():
    """中央国家机关 is a province-level region of its own: a 国务院办公厅 report imports and is listed there."""
    from reports.importers.text import parse_text
    from reports.services.imports import report_import

    central = Region.objects.get(code="100000")
    assert central.level == Region.Level.PROVINCE and central.parent is None
    parsed = parse_text("国务院办公厅2023年政府信息公开工作年度报告\n一、总体情况\n认真落实《条例》。\n".encode())
    report, _ = report_import(parsed=parsed)
    assert report.region_id == "100000"
    assert list(Region.objects.provinces().values_list("code", flat=True)).count("100000") == 1
