"""Region querysets (reports/models/region.py)."""

import pytest

from reports.models import Region

pytestmark = pytest.mark.django_db


def test_in_region_includes_everything_below():
    assert set(Region.objects.within("520100").values_list("code", flat=True)) >= {"520100", "520181"}
    assert not Region.objects.within("520100").filter(code="520200").exists()
    assert Region.objects.within("520181").count() == 1
