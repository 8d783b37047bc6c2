"""The official region list in the database: loaded by migrate, reloaded by load_regions (reports/services/regions.py)."""

import pytest
from django.core.management import call_command

from reports.models import Region

pytestmark = pytest.mark.django_db


def test_migrations_load_the_whole_region_list():
    """A fresh database knows every province, prefecture and county with parent and full path."""
    assert Region.objects.count() == 3213
    assert Region.objects.provinces().count() == 34
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
    assert Region.objects.count() == 3214
