"""The region a report belongs to, from townships, zones and former names (reports/importers/metadata.py)."""

import pytest

from reports.importers.metadata import detect_region
from reports.importers.parsed import ParsedReport
from reports.importers.text import parse_text


def report_of(title: str, body: str = "2023年,我们认真落实《条例》。") -> ParsedReport:
    return parse_text(f"{title}\n{body}\n一、总体情况\n认真落实。\n".encode())


def region_warnings(report: ParsedReport) -> list[str]:
    return [w for w in report.warnings if not w.startswith("未找到表") and "发布机构" not in w]


def test_a_zone_named_after_its_county_is_that_county():
    """平潭综合实验区 is 福建省平潭县 (350128)."""
    report = report_of("平潭综合实验区2023年政府信息公开工作年度报告")
    assert report.region_code == "350128"


def test_a_township_unique_in_the_country_gives_its_county_with_a_warning():
    """东华门街道 exists once in China: the report is 北京市东城区's, and the editor is asked to check."""
    report = report_of("东华门街道办事处2023年政府信息公开工作年度报告")
    assert (report.publisher, report.region_code) == ("东华门街道办事处", "110101")
    assert region_warnings(report) == ["所属地区由乡镇(街道)名称“东华门街道”推断为北京市东城区(110101),请核对"]


def test_a_township_many_counties_have_gives_candidates_not_a_region():
    """城关镇 alone: no region, every county with a 城关镇 as a candidate, one warning listing some."""
    report = report_of("城关镇人民政府2023年政府信息公开工作年度报告")
    assert report.region_code is None
    assert len(report.region_candidates) > 50 and "621226" in report.region_candidates
    [warning] = region_warnings(report)
    assert warning.startswith("乡镇(街道)名称“城关镇”在多个县区都有:")
    assert f"等{len(report.region_candidates)}处" in warning


def test_a_township_with_its_county_named_in_the_text_is_that_county():
    """城关镇 and 礼县 in the text: 陇南市礼县 (621226)."""
    report = report_of(
        "城关镇人民政府2023年政府信息公开工作年度报告", "2023年,在礼县县委、县政府的领导下,我镇认真落实《条例》。"
    )
    assert report.region_code == "621226"
    assert region_warnings(report) == ["所属地区由乡镇(街道)名称“城关镇”推断为陇南市礼县(621226),请核对"]


def test_a_township_with_its_prefecture_named_keeps_the_candidates_there():
    """城关镇 and 陇南市: several counties of 陇南 have one; the candidates are those, not guessed."""
    report = report_of("城关镇人民政府2023年政府信息公开工作年度报告", "2023年,在陇南市委领导下,我镇认真落实《条例》。")
    assert report.region_code is None
    assert len(report.region_candidates) > 1 and all(c.startswith("6212") for c in report.region_candidates)


def test_a_report_of_laiwu_before_2019_is_filed_under_jinan():
    """莱芜市 (371200) joined 济南市 (370100) in 2019; its 钢城区 is 济南市钢城区 (370117)."""
    report = report_of("莱芜市人民政府2018年政府信息公开工作年度报告", "2018年,我们认真落实《条例》。")
    assert report.region_code == "370100"
    assert region_warnings(report) == [
        "“莱芜市”是已撤销或更名的行政区划名称,所属地区按现行区划定为山东省济南市(370100),请核对"
    ]
    assert report_of("莱芜市钢城区人民政府2018年政府信息公开工作年度报告").region_code == "370117"


@pytest.mark.parametrize(
    ("title", "region"),
    [
        ("横县人民政府2020年政府信息公开工作年度报告", "450181"),  # 横县 -> 横州市 (2021)
        ("杭州市下城区人民政府2020年政府信息公开工作年度报告", "330105"),  # merged into 拱墅区 (2021)
        ("邢台市桥东区人民政府2019年政府信息公开工作年度报告", "130502"),  # renamed 襄都区 (2020)
        ("临平区人民政府2022年政府信息公开工作年度报告", "330113"),  # created 2021, after the GB/T list of 2021-01-04
    ],
)
def test_former_and_new_divisions_resolve_to_todays_code(title, region):
    assert report_of(title).region_code == region


def test_a_zone_without_a_county_code_is_filed_under_its_prefecture_with_a_warning():
    """北戴河新区 (statistical 130372) is no GB/T division: 秦皇岛市 (130300), not 北戴河区 inside its name."""
    report = report_of("北戴河新区管理委员会2023年政府信息公开工作年度报告")
    assert report.region_code == "130300"
    assert region_warnings(report) == [
        "所属地区由开发区(功能区)名称“北戴河新区”推断:它不是县级行政区划,按所在的河北省秦皇岛市(130300)归档,请核对"
    ]


def test_the_first_place_that_decides_wins_over_an_ambiguous_one():
    """The publisher says 城关镇 (ambiguous); the signature names 礼县城关镇, which decides."""
    report = ParsedReport(publisher="城关镇人民政府")
    detect_region(report, "认真落实《条例》。", places=["城关镇2023年政府信息公开工作年度报告", "礼县城关镇人民政府"])
    assert report.region_code == "621226"
    assert report.warnings == []


def test_a_township_of_a_city_without_counties_is_that_city():
    """东莞 has no counties: its 塘厦镇 is 东莞市 (441900), said as a township, not as a zone."""
    report = report_of("塘厦镇人民政府2023年政府信息公开工作年度报告")
    assert report.region_code == "441900"
    assert region_warnings(report) == ["所属地区由乡镇(街道)名称“塘厦镇”推断为广东省东莞市(441900),请核对"]


# --- Where the body is named when the page has no title -----------------------------------------


def _opening(text: str) -> ParsedReport:
    return parse_text(f"{text}\n一、总体情况\n认真落实。\n".encode())


@pytest.mark.parametrize(
    ("text", "region", "publisher"),
    [
        (  # the year before the body in the sentence that publishes the report
            "根据《条例》规定,现向社会公布2021年邯郸市教育局政府信息公开工作年度报告。",
            "130400",
            "邯郸市教育局",
        ),
        (  # 人民政府 shares 政府 with 政府信息公开
            "根据《条例》要求,现特向社会公布2024年东华门街道人民政府信息公开工作年度报告。",
            "110101",
            "东华门街道人民政府",
        ),
        (  # who compiled it, in the middle of the first sentence
            "本年度报告根据《条例》要求,由乐至县人民政府办公室组织编制。所列数据统计时间为2022年1月1日起至2022年12月31日止。",
            "512022",
            "乐至县人民政府办公室",
        ),
        (  # no title, no compiler: the first sentence of the report says who worked
            "依据《条例》编制本报告。\n2023年,在区委、区政府的领导下,洋县教育局认真贯彻《条例》。",
            "610723",
            "洋县教育局",
        ),
    ],
)
def test_the_body_named_in_the_opening_sentences_gives_publisher_and_region(text, region, publisher):
    """现向社会公布2021年X…报告, …,由X组织编制, 2023年,X认真… name the body when no title does."""
    report = _opening(text)
    assert (report.region_code, report.publisher) == (region, publisher)


def test_a_provincial_bureau_is_not_filed_under_the_district_of_its_address():
    """请与X联系 names the body before its address does: a 省 bureau sitting in a district of the
    capital is the province's, not the district's."""
    report = _opening(
        "本报告所列数据的统计期限自2019年1月1日起至2019年12月31日止。如对本报告有疑问,"
        "请与湖北省统计局办公室联系(地址:武汉市武昌区中北路1号,邮政编码:430071)。"
    )
    assert report.region_code == "420000"


def test_a_region_known_only_from_the_contact_address_is_flagged():
    """The address tells where the body sits, not which region it belongs to: the editor checks."""
    report = _opening("本报告所列数据统计期限为2023年1月1日至12月31日。如有疑问请来电(地址:洋县洋州街道南大街1号)。")
    assert report.region_code == "610723"
    assert any(w.startswith("所属地区仅由联系地址“洋县洋州街道南大街1号”推断为") for w in report.warnings)


@pytest.mark.parametrize(
    ("lines", "title"),
    [
        # a page's chrome above the title: breadcrumb without a colon, a read-aloud button, menus
        (
            ["您的位置首页  资讯  信息", "洋县人民政府2023年政府信息公开工作年度报告"],
            "洋县人民政府2023年政府信息公开工作年度报告",
        ),
        (["点击收听年报语音朗读", "本报告由洋县人民政府办公室编制。"], ""),
        (
            ["网站支持IPv6", "智能问答 | 无障碍浏览 | 长者专区", "洋县人民政府 2023年政府信息公开年度报告"],
            "洋县人民政府 2023年政府信息公开年度报告",
        ),
        # the body's name over the full title repeats it, it does not precede it
        (["洋县教育局", "洋县教育局2023年政府信息公开工作年度报告"], "洋县教育局2023年政府信息公开工作年度报告"),
        # a cell border copied after the title
        (["洋县人民政府2023年政府信息公开工作年度报告 |", "|||||||"], "洋县人民政府2023年政府信息公开工作年度报告"),
        # a title set on two lines is still one title
        (["洋县人民政府", "2023年政府信息公开工作年度报告"], "洋县人民政府2023年政府信息公开工作年度报告"),
    ],
)
def test_the_title_is_found_below_a_copied_pages_chrome(lines, title):
    """Menus, read-aloud buttons and breadcrumbs above a title are neither the title nor part of it."""
    report = _opening("\n".join([*lines, "本报告所列数据统计期限为2023年1月1日至12月31日。"]))
    assert report.title == (title or report.title)
    assert "朗读" not in report.title and "首页" not in report.title and "|" not in report.title


def test_a_zone_named_like_a_district_elsewhere_is_flagged():
    """东湖高新区 is 武汉's zone, 东湖区 a district of 南昌: what the short name gives is checked."""
    report = report_of("2021年东湖高新区教育局政府信息公开工作年度报告")
    assert report.publisher == "东湖高新区教育局"
    assert any("“东湖高新区”推断为" in w and w.endswith("请核对") for w in report.warnings)


def test_a_township_under_a_zone_the_list_does_not_know_gives_its_county():
    """西咸新区 is no region of the list; its 底张街道 is 咸阳市渭城区's (610404), with a warning."""
    report = report_of("西咸新区底张街道办事处2023年度政府信息公开工作年度报告")
    assert report.region_code == "610404"
    assert region_warnings(report) == ["所属地区由乡镇(街道)名称“底张街道”推断为咸阳市渭城区(610404),请核对"]


def test_a_ministry_shortening_its_name_is_central():
    """国家卫生健康委 (for 国家卫生健康委员会) is a central body."""
    report = report_of("国家卫生健康委2024年政府信息公开工作年度报告")
    assert (report.publisher, report.region_code) == ("国家卫生健康委", "100000")
