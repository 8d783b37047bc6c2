"""Townships and zones, and the region that holds them (reports/regions/places.py)."""

from reports.regions.places import TOWNSHIP, ZONE, PlaceIndex, PlaceRow, place_index, read_places, write_places

ROWS = [
    PlaceRow("城关镇", "620121", TOWNSHIP),
    PlaceRow("城关镇", "621226", TOWNSHIP),
    PlaceRow("东华门街道", "110101", TOWNSHIP),
    PlaceRow("北戴河新区", "130300", ZONE),
]


def test_places_file_round_trips(tmp_path):
    """The grouped file (one line per region, kind and suffix) reads back every place."""
    path = tmp_path / "places.csv"
    write_places(ROWS, path)
    assert sorted(read_places(path)) == sorted(ROWS)
    assert "620121,t,镇,城关\n" in path.read_text(encoding="utf-8")


def test_a_place_name_gives_every_region_holding_it():
    """城关镇 is in two counties here: both are returned, in code order."""
    index = PlaceIndex(ROWS)
    assert index.lookup("城关镇") == ("620121", "621226")
    assert index.kind("北戴河新区") == ZONE and index.kind("东华门街道") == TOWNSHIP


def test_places_count_only_where_they_stand_as_names():
    """At the start, after a region name or a non-Chinese character; not inside another word."""
    index = PlaceIndex(ROWS)
    assert [m.name for m in index.scan("城关镇人民政府")] == ["城关镇"]
    assert [m.name for m in index.scan("礼县城关镇人民政府", after=[2])] == ["城关镇"]
    assert [m.name for m in index.scan("(地址:东华门街道1号)")] == ["东华门街道"]
    assert index.scan("新城关镇人民政府") == []
    assert index.scan("礼县城关镇人民政府") == []  # 礼县 not known as a region name here


def test_shipped_places_cover_townships_and_zones():
    """The shipped file knows the townships of every county and the zones of the statistical list."""
    index = place_index()
    assert len(index) > 30000
    assert index.lookup("东华门街道") == ("110101",)
    assert len(index.lookup("城关镇")) > 50
    # 北戴河新区 (130372) is no GB/T county: it maps to its prefecture 秦皇岛市.
    assert index.lookup("北戴河新区") == ("130300",)
    assert index.lookup("石家庄高新区") == index.lookup("石家庄高新技术产业开发区") == ("130100",)
    # Generic township-level zone names are left out (any town may have a 物流园区).
    assert index.lookup("物流园区") == ()


def test_a_township_after_a_zone_the_list_does_not_know_is_a_name():
    """西咸新区东华门街道: the zone is unknown, the township after it still stands as a name; inside
    another word (新东华门街道) it does not."""
    index = PlaceIndex(ROWS)
    assert [p.name for p in index.scan("西咸新区东华门街道办事处")] == ["东华门街道"]
    assert [p.name for p in index.scan("某某东华门街道办事处")] == []
