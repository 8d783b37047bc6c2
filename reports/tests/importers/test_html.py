import datetime
import functools
from decimal import Decimal

import pytest

from reports import format as fmt
from reports.importers.dispatch import parse_document
from reports.importers.html import decode_html, parse_html
from reports.importers.metadata import read_metadata
from reports.importers.parsed import UnreadableDocument
from reports.tests.conftest import FIXTURES
from reports.tests.importers.test_text import SEED_004_NUMBERS
from reports.tests.importers.test_text import parsed as parsed_seed

MAX = 20 * 1024 * 1024


@functools.cache
def portal():
    """Seed 004 as a portal page (GBK, chrome, metadata, real tables); parsed once."""
    return parse_html((FIXTURES / "seed004_portal.html").read_bytes(), filename="seed004_portal.html")


@functools.cache
def report2019():
    return parse_html((FIXTURES / "report2019.html").read_bytes())


# Seed 004's numbers as the portal page writes them: blanks and — where the page has them, and
# table 四 with a few non-zero numbers so that a number in the wrong cell shows.
PORTAL_NUMBERS = {
    **SEED_004_NUMBERS,
    ("proactive", "rules", "repealed"): None,  # —
    ("proactive", "rules", "in_force"): None,  # blank
}
PORTAL_REVIEW = {
    "review": [1, 0, 0, 0, 1],
    "litigation_direct": [0, 0, 0, 2, 2],
    "litigation_after_review": [0, 1, 0, 0, 1],
}


def test_portal_page_metadata_from_title_and_metadata_block():
    """The <h1> gives the title; the 索引号 block gives index number and dates; GBK under <meta charset=gb2312>."""
    report = portal()
    assert report.source_format == "html"
    assert report.title == "清镇市人民政府办公室2023年政府信息公开工作年度报告"
    assert (report.kind, report.edition, report.year) == ("annual_report", "2021", 2023)
    assert (report.publisher, report.region_code) == ("清镇市人民政府办公室", "520181")
    assert report.index_no == "11520181009488766K/2024-00012"
    assert report.document_no == ""  # 文号: 无
    assert report.written_on == datetime.date(2024, 1, 31)
    assert report.published_on == datetime.date(2024, 2, 1)
    assert report.metadata["topic"] == "政务公开"
    assert report.warnings == []


def test_portal_chrome_stays_out_of_the_text():
    """Menus, breadcrumb, metadata, share links, related articles, footer and scripts are not report text."""
    text = "\n".join(f"{s.heading}\n{s.body}" for s in portal().sections)
    for chrome in ("首页", "当前位置", "索引号", "分享到", "相关文章", "黔ICP备", "alert", "访问量", "浏览次数"):
        assert chrome not in text, chrome
    assert [(s.number, s.heading) for s in portal().sections] == [
        (s.number, s.heading) for s in parsed_seed("004").sections
    ]
    assert [s.body for s in portal().sections] == [s.body for s in parsed_seed("004").sections]


@pytest.mark.parametrize(("code", "expected"), PORTAL_NUMBERS.items(), ids=[".".join(c) for c in PORTAL_NUMBERS])
def test_portal_tables_are_read_into_the_table_codes(code, expected):
    """Real <table>s with rowspan/colspan, full-width digits, 39,908 and 2,961, blanks and —."""
    assert portal().values[code] == (None if expected is None else Decimal(expected))


def test_portal_every_cell_is_read_and_blanks_stay_blank():
    values = portal().values
    assert set(values) == set(fmt.all_codes("2021"))
    for row in ("withheld_process_information", "withheld_enforcement_files"):  # — and blank rows
        assert all(values[("applications", row, c.code)] is None for c in fmt.APPLICATIONS_2021.columns)
    for row, numbers in PORTAL_REVIEW.items():
        assert [values[("review_litigation", row, c)] for c in fmt.REVIEW_OUTCOMES + ("total",)] == numbers
    assert all(result.ok for result in fmt.check("2021", values))


def test_dispatch_reads_a_page_by_its_content():
    """A saved page named .txt is read as a page."""
    data = (FIXTURES / "seed004_portal.html").read_bytes()
    report = parse_document("saved.txt", data, max_bytes=MAX)
    assert report.source_format == "html" and report.values == portal().values


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gb18030"])
def test_page_encodings_declared_or_not(encoding):
    """The same page as UTF-8 (with or without BOM, under a stale gb2312 declaration) or GB18030 without any."""
    text = (FIXTURES / "seed004_portal.html").read_bytes().decode("gbk")
    if encoding == "gb18030":
        text = text.replace('<meta http-equiv="Content-Type" content="text/html; charset=gb2312" />', "")
    report = parse_html(text.encode(encoding))
    assert report.values == portal().values and report.title == portal().title


def test_a_wrong_declaration_falls_back_to_detection():
    data = (FIXTURES / "seed004_portal.html").read_bytes().replace(b"charset=gb2312", b"charset=utf-8")
    assert decode_html(data).count("清镇市") > 5


def test_2019_edition_page_reads_the_2019_table_two():
    """A report on 2020: the 2019 table 二 (five blocks, signed 本年增/减) and the single (六)其他处理 row."""
    report = report2019()
    assert (report.edition, report.year, report.region_code) == ("2019", 2020, "520123")
    assert report.publisher == "修文县人民政府办公室"
    assert report.written_on == datetime.date(2021, 1, 29)
    v = report.values
    assert set(v) == set(fmt.all_codes("2019"))
    assert [v[("proactive", "normative_documents", c)] for c in ("made", "published", "published_total")] == [3, 3, 41]
    assert [v[("proactive", "licensing", c)] for c in ("items_last_year", "items_change", "decisions")] == [
        312,
        5,
        12506,
    ]
    assert [v[("proactive", "other_services", c)] for c in ("items_last_year", "items_change", "decisions")] == [
        48,
        -2,
        1020,
    ]
    assert [v[("proactive", "penalties", c)] for c in ("items_last_year", "items_change", "decisions")] == [
        1256,
        0,
        873,
    ]
    assert [v[("proactive", "enforcement", c)] for c in ("items_last_year", "items_change", "decisions")] == [
        35,
        None,
        12,
    ]
    assert [v[("proactive", "fees", c)] for c in ("items_last_year", "items_change")] == [16, -1]
    assert v[("proactive", "procurement", "projects")] == 27
    assert v[("proactive", "procurement", "amount")] == Decimal("3415.6")
    assert v[("applications", "received", "total")] == 29
    assert v[("applications", "received", "legal_service")] == 1
    assert v[("applications", "withheld_third_party", "total")] == 1
    assert v[("applications", "other", "total")] == 0
    assert v[("applications", "handled_total", "total")] == 29
    assert v[("applications", "carried_forward", "total")] == 1
    assert all(
        v[("review_litigation", r.code, c.code)] == 0
        for r in fmt.REVIEW_LITIGATION.rows
        for c in fmt.REVIEW_LITIGATION.columns
    )
    assert report.warnings == []
    assert all(result.ok for result in fmt.check("2019", v))


def test_missing_column_is_named_not_shifted():
    """A table without the 社会公益组织 column: the other columns keep their numbers, the gap is named."""
    page = """<html><body><div class="article"><p>清镇市人民政府办公室2023年政府信息公开工作年度报告</p>
    <p>一、总体情况</p><p>2023年,我市依法公开政府信息。</p><p>三、收到和处理政府信息公开申请情况</p>
    <table><tr><td rowspan="2" colspan="3"></td><td colspan="6">申请人情况</td></tr>
    <tr><td>自然人</td><td>商业企业</td><td>科研机构</td><td>法律服务机构</td><td>其他</td><td>总计</td></tr>
    <tr><td colspan="3">一、本年新收政府信息公开申请数量</td><td>5</td><td>1</td><td>2</td><td>3</td><td>4</td><td>15</td></tr>
    </table></div></body></html>"""
    report = parse_html(page.encode())
    v = report.values
    assert [v[("applications", "received", c)] for c in ("natural_person", "commercial", "research")] == [5, 1, 2]
    assert [v[("applications", "received", c)] for c in ("legal_service", "other_org", "total")] == [3, 4, 15]
    assert ("applications", "received", "social_welfare") not in v
    assert any("缺少单元格" in w and "社会公益组织" in w for w in report.warnings)
    assert "未找到表二(主动公开政府信息情况)的数据" in report.warnings


def test_metadata_in_lists_and_one_line():
    """索引号 blocks as <li> pairs or several labels on one line."""
    assert read_metadata(["索引号:", "000014349/2017-00110", "发布机构:", "湛江市人民政府办公室"]) == {
        "index_no": "000014349/2017-00110",
        "publisher": "湛江市人民政府办公室",
    }
    assert read_metadata(["索 引 号:0001/2024-1 成文日期:2024-01-31 发布日期:2024-02-01"]) == {
        "index_no": "0001/2024-1",
        "written_on": "2024-01-31",
        "published_on": "2024-02-01",
    }


@pytest.mark.parametrize(
    ("page", "message"),
    [
        (b"", "文件为空"),
        (
            b"<html><body><ul class='nav'><li><a href='/'>\xe9\xa6\x96\xe9\xa1\xb5</a></li></ul></body></html>",
            "未找到正文",
        ),
        (b"<html><body><img src='scan.png'></body></html>", "未找到正文"),
    ],
)
def test_pages_without_an_article_are_refused(page, message):
    with pytest.raises(UnreadableDocument, match=message):
        parse_html(page)


def test_script_and_attributes_are_dropped_escaped_text_kept():
    report = parse_html((FIXTURES / "script_injection.html").read_bytes())
    text = "\n".join(s.body for s in report.sections)
    assert "alert(1)" not in text and "alert(2)" not in text and "onerror" not in text
    assert "<script>alert(3)</script>" in text  # the page showed this as text


def test_absurd_spans_in_a_web_page_are_refused():
    """rowspan=0 colspan=64 on every row of a long table: refused by name, not gigabytes of grid."""
    rows = "".join("<tr><td rowspan='0' colspan='64'>1</td><td>2</td></tr>" for _ in range(1500))
    prose = "<p>2021年,乐至县人民政府认真贯彻落实《中华人民共和国政府信息公开条例》,全面推进政务公开工作。</p>" * 3
    page = (
        "<html><body><h1>乐至县2021年政府信息公开工作年度报告</h1><div>"
        f"<p>一、总体情况</p>{prose}<table>{rows}</table></div></body></html>"
    )
    with pytest.raises(UnreadableDocument, match="表格过大或合并单元格的跨度异常"):
        parse_document("huge.html", page.encode(), max_bytes=20 << 20)


def _site_page(site_code: str, title: str, pubdate: str = "2023-01-20 09:30") -> bytes:
    """A portal article page with the site tags the 政府网站发展指引 asks for, and a body naming no province."""
    body = (
        f"<p>{title}</p><p>本报告依据《中华人民共和国政府信息公开条例》编制。</p>"
        "<p>一、总体情况</p><p>2022年,我区认真贯彻落实政务公开工作要求。</p>"
    )
    return (
        "<html><head><meta charset='utf-8'>"
        f"<meta name='SiteIDCode' content='{site_code}'><meta name='PubDate' content='{pubdate}'>"
        f"<meta name='ArticleTitle' content='{title}'><meta name='Url' content='https://example.gov.cn/a/1.html'>"
        f"<title>{title}</title></head><body><div class='article'>{body}</div></body></html>"
    ).encode()


def test_the_site_code_decides_between_places_of_one_name():
    """普陀区 is in 上海 (310107) and in 舟山 (330903): the site's 标识码 (3309…) says which."""
    report = parse_html(_site_page("3309000001", "普陀区2022年政府信息公开工作年度报告"))
    assert report.region_code == "330903" and report.region_candidates == ()
    assert any("网站标识码" in w for w in report.warnings)
    assert report.published_on == datetime.date(2023, 1, 20)
    assert report.metadata["url"] == "https://example.gov.cn/a/1.html"
    shanghai = parse_html(_site_page("3100000001", "普陀区2022年政府信息公开工作年度报告"))
    assert shanghai.region_code == "310107"


def test_a_site_code_stands_in_for_a_region_the_text_never_names_with_a_warning():
    report = parse_html(_site_page("3208000001", "市发展改革委2022年政府信息公开工作年度报告"))
    assert report.region_code == "320800"
    assert any("按网页的网站标识码取为" in w and "请核对" in w for w in report.warnings)


@pytest.mark.parametrize("site_code", ["", "123", "9999990001", "bmX"])
def test_a_missing_or_unknown_site_code_adds_nothing(site_code):
    report = parse_html(_site_page(site_code, "普陀区2022年政府信息公开工作年度报告"))
    assert report.region_code is None and set(report.region_candidates) == {"310107", "330903"}


def test_a_region_the_editor_gives_is_not_overridden_by_the_site():
    report = parse_html(_site_page("3309000001", "普陀区2022年政府信息公开工作年度报告"), region_code="310107")
    assert report.region_code == "310107"


def test_a_central_site_code_files_the_report_under_the_central_level():
    report = parse_html(_site_page("bm07000001", "本委2022年政府信息公开工作年度报告"))
    assert report.region_code == "100000"


def test_a_publication_date_before_the_written_date_is_not_kept_but_named():
    """发布日期 2024-01-20 under 成文日期 2024-01-31: one of them is wrong, so the 发布日期 is left for the
    editor (the document still imports) and the warning names both dates."""
    data = (FIXTURES / "seed004_portal.html").read_bytes().decode("gbk").replace("2024年02月01日", "2024年01月20日")
    report = parse_document("portal.html", data.encode("gbk"), max_bytes=MAX)
    assert report.written_on == datetime.date(2024, 1, 31) and report.published_on is None
    assert report.warnings == [
        "发布日期(2024-01-20)早于成文日期(2024-01-31):报告不能在成文之前发布,请按原文核对两个日期(导入时未采用该发布日期)"
    ]
