"""Former codes and names, and today's region (reports/regions/changes.py, data/region_changes.csv)."""

from reports.regions.changes import MANUAL, current_code, read_changes, region_changes
from reports.regions.data import read_rows


def test_every_former_region_leads_to_a_region_of_today():
    """Each row's new code is in the shipped list; no former code is still listed (except renames)."""
    codes = {r.code for r in read_rows()}
    changes = region_changes()
    assert len(changes) > 100
    assert all(c.new_code in codes for c in changes)
    assert all(c.old_code not in codes for c in changes if c.how != "rename")


def test_laiwu_joined_jinan():
    """莱芜市 (371200) was abolished in January 2019: the city goes to 济南市, its districts to 莱芜区/钢城区."""
    assert current_code("371200") == "370100"
    assert current_code("371202") == "370116"
    assert current_code("371203") == "370117"
    laiwu = next(c for c in region_changes() if c.old_code == "371200")
    assert (laiwu.old_name, laiwu.how, laiwu.effective) == ("莱芜市", MANUAL, "2019-01-09")
    assert "国务院" in laiwu.source


def test_counties_turned_into_cities_or_districts_keep_their_trail():
    """横县 became 横州市 (2021), 下城区 joined 拱墅区; codes of today are left as they are."""
    assert current_code("450127") == "450181"
    assert current_code("330103") == "330105"
    assert current_code("440803") == "440803"


def test_hand_written_rows_name_their_source():
    """Rows the comparison could not decide are written by hand, each with its source."""
    manual = [c for c in read_changes() if c.how == MANUAL]
    assert manual and all(len(c.source) > 10 for c in manual)
