"""Region names, former names and places found in a text (reports/regions/names.py)."""

from reports.regions.names import region_index
from reports.regions.places import TOWNSHIP, ZONE


def test_former_names_resolve_to_todays_region():
    """莱芜市 is 济南市 today, 莱芜市钢城区 is 济南市钢城区, 横县 is 横州市; the former names are reported."""
    index = region_index()
    laiwu = index.find("莱芜市人民政府")
    assert (laiwu.code, laiwu.former) == ("370100", ("莱芜市",))
    assert index.find("莱芜市钢城区人民政府").code == "370117"
    assert index.find("莱芜市莱城区人民政府").code == "370116"
    assert index.find("横县人民政府").code == "450181"


def test_a_former_name_that_is_also_a_current_one_counts_after_its_former_parent():
    """桥东区 is 张家口市桥东区 today; 邢台市桥东区 (renamed 襄都区 in 2020) is found through its parent."""
    index = region_index()
    today = index.find("桥东区人民政府")
    assert (today.code, today.former) == ("130702", ())
    former = index.find("邢台市桥东区人民政府")
    assert (former.code, former.former) == ("130502", ("桥东区",))


def test_a_township_unique_in_the_country_gives_its_county():
    """东华门街道 exists once: 北京市东城区, found by the place."""
    found = region_index().find("东华门街道办事处")
    assert (found.code, found.place, found.place_kind) == ("110101", "东华门街道", TOWNSHIP)


def test_a_township_many_counties_have_is_not_guessed():
    """城关镇 alone gives no region, only its candidates."""
    found = region_index().find("城关镇人民政府", "2023年,我镇认真落实《条例》。")
    assert found.code is None and found.place == "城关镇"
    assert len(found.candidates) > 50 and "621226" in found.candidates


def test_the_places_a_text_names_settle_a_township():
    """城关镇 with 礼县 named in the text is 礼县's; with only 陇南市 named, the candidates are 陇南's."""
    index = region_index()
    assert index.find("城关镇人民政府", "在礼县县委领导下,我镇认真落实《条例》。").code == "621226"
    in_longnan = index.find("城关镇人民政府", "在陇南市委领导下,我镇认真落实《条例》。")
    assert in_longnan.code is None
    assert set(in_longnan.candidates) == {c for c in index.find("城关镇人民政府").candidates if c.startswith("6212")}
    assert len(in_longnan.candidates) > 1


def test_a_region_named_with_the_township_settles_it():
    """礼县城关镇 is 礼县 (the place adds nothing); 东关街道 is in 16 counties, one of them in 济南市."""
    index = region_index()
    found = index.find("礼县城关镇人民政府")
    assert (found.code, found.place) == ("621226", "")
    assert len(index.find("东关街道办事处").candidates) > 10
    found = index.find("济南市东关街道办事处")
    assert (found.code, found.place) == ("370102", "东关街道")


def test_a_zone_is_one_name_not_the_district_inside_it():
    """北戴河新区 is a zone of 秦皇岛市 (130300), not 北戴河区 (130304), whose name it contains."""
    found = region_index().find("北戴河新区管理委员会")
    assert (found.code, found.place, found.place_kind) == ("130300", "北戴河新区", ZONE)
    assert region_index().find("北戴河区人民政府").code == "130304"


def test_a_zone_beginning_with_a_districts_short_name_is_marked_as_a_zone():
    """东湖高新区 begins with 东湖 (南昌市东湖区) but is 武汉's zone: the region found is marked as
    coming from a zone's name, for the editor to check; 东湖区 itself is no zone."""
    found = region_index().find("东湖高新区教育局")
    assert (found.place, found.place_kind) == ("东湖高新区", ZONE)
    assert region_index().find("东湖区教育局").place == ""
