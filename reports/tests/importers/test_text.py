import datetime
import functools
import re
from decimal import Decimal

import pytest

from reports import format as fmt
from reports.format.values import parse_value
from reports.importers.cells import read_table
from reports.importers.labels import edition_from_labels
from reports.importers.normalize import label_key, normalize_text, strip_glued_pinyin
from reports.importers.parsed import UnreadableDocument
from reports.importers.text import find_headings, parse_lines, parse_text
from reports.regions.names import region_index
from reports.tests.conftest import seed
from reports.tests.layouts import document, sample_values


def seed_bytes(prefix: str) -> bytes:
    return seed(prefix).read_bytes()


@functools.cache
def parsed(prefix: str):
    """Each seed is parsed once per test session; tests must not modify the result."""
    return parse_text(seed_bytes(prefix), filename=seed(prefix).name)


def numbers_and_headings(report):
    return [(s.number, s.heading) for s in report.sections]


MISSING_TABLE_WARNINGS = [
    "未找到表二(主动公开政府信息情况)的数据",
    "未找到表三(收到和处理政府信息公开申请情况)的数据",
    "未找到表四(政府信息公开行政复议、行政诉讼情况)的数据",
]

# --- Seed 000: 湛江市人民政府 2023, tables lost -------------------------------------------------


def test_seed_000_metadata_comes_from_the_opening_sentence():
    """Seed 000 has no title line: title, publisher and year come from 现公布…年度报告."""
    report = parsed("000")
    assert report.kind == "annual_report"
    assert report.edition == "2021"
    assert report.year == 2023
    assert report.title == "湛江市人民政府2023年政府信息公开工作年度报告"
    assert report.publisher == "湛江市人民政府"
    assert report.region_code == "440800"
    assert report.written_on is None


def test_seed_000_is_split_into_its_six_parts_after_a_preamble():
    """Seed 000: a preamble, then parts 一 to 六 with their own headings."""
    report = parsed("000")
    assert numbers_and_headings(report) == [
        ("", ""),
        ("一", "总体情况"),
        ("二", "主动公开政府信息情况"),
        ("三", "收到和处理政府信息公开申请情况"),
        ("四", "政府信息公开行政复议、行政诉讼情况"),
        ("五", "存在的主要问题及改进措施"),
        ("六", "其他需要报告的事项"),
    ]
    preamble, overall = report.sections[0], report.sections[1]
    assert preamble.body.startswith("根据《中华人民共和国政府信息公开条例》(以下简称《条例》)")
    assert "(www.zhanjiang.gov.cn)" in preamble.body
    assert overall.body.split("\n")[1].startswith("(一)主动公开方面。")
    assert report.sections[6].body == "收取信息处理费的情况:本年度无发出收费通知事项,无收取信息处理费用情况。"


def test_seed_000_empty_table_parts_give_one_warning_per_table():
    """Parts 二, 三 and 四 of seed 000 are headings only: no numbers, one warning per missing table."""
    report = parsed("000")
    assert report.values == {}
    assert report.warnings == MISSING_TABLE_WARNINGS
    assert [s.body for s in report.sections[2:5]] == ["", "", ""]


# --- Seed 001: 威海市文登区 2022, Traditional with glued pinyin -----------------------------------


def test_seed_001_traditional_text_with_pinyin_is_read_as_simplified():
    """Seed 001 comes out in Simplified Chinese without the pinyin glued into it."""
    report = parsed("001")
    text = report.title + "\n" + "\n".join(s.heading + "\n" + s.body for s in report.sections)
    assert "報" not in text
    assert "(bào)" not in text
    assert "(qū)" not in text
    assert "年度报告" in text
    assert "文登区" in text
    assert "国办公开办函〔2021〕30号" in text
    # Real parentheses survive.
    assert "(地址:威海市文登区文山东路86号;邮编264400;电话:0631—8988877)" in text
    assert "(http://www.315shenghuo.com)" in text


def test_seed_001_publisher_and_date_come_from_the_signature():
    """Seed 001's title names no publisher: the 落款 gives it and the written date."""
    report = parsed("001")
    assert report.title == "2022年政府信息公开工作年度报告"
    assert report.kind == "annual_report"
    assert report.edition == "2021"
    assert report.year == 2022
    assert report.publisher == "威海市文登区人民政府"
    assert report.region_code == "371003"
    assert report.written_on == datetime.date(2023, 2, 17)


def test_seed_001_sections_and_missing_tables():
    """Seed 001: preamble and parts 一 to 六; the signature is not part of the last body."""
    report = parsed("001")
    assert [n for n, _ in numbers_and_headings(report)] == ["", "一", "二", "三", "四", "五", "六"]
    assert report.sections[5].heading == "存在的主要问题及改进情况"
    assert report.sections[6].body.endswith("(五)其他报告事项\n无。")
    assert report.values == {}
    assert report.warnings[1:] == MISSING_TABLE_WARNINGS


def test_seed_001_garbled_spots_are_kept_and_named():
    """The mojibake of seed 001 (日??己吮戎?) is kept as printed and named for the editor."""
    report = parsed("001")
    assert "日??己吮戎?" in report.sections[1].body
    assert report.warnings[0].startswith("正文有 3 处汉字变成了问号(如“,加大日??己吮戎?”)")


def test_a_few_broken_bytes_in_utf8_are_replaced_and_named():
    """A cut UTF-8 file is still read as UTF-8; the lost bytes show as � and are counted in a warning."""
    text = "清镇市人民政府办公室2023年政府信息公开工作年度报告\n一、总体情况\n" + "认真落实《条例》各项规定。" * 20
    data = text.encode("utf-8")
    damaged = data[:60] + b"\xff" + data[60:]
    report = parse_text(damaged)
    assert report.region_code == "520181"
    assert any(w.startswith("正文有") and "无法识别的字符" in w for w in report.warnings)


def test_utf8_read_as_latin1_is_named():
    """年度报告 turned into å¹´åº¦æ¥å by a wrong conversion is flagged, not imported silently."""
    garbled = "清镇市2023年度报告".encode("utf-8").decode("latin-1")
    report = parse_text(
        ("清镇市人民政府办公室2023年政府信息公开工作年度报告\n一、总体情况\n" + garbled).encode("utf-8")
    )
    assert any("乱码" in w for w in report.warnings)


# --- Seed 002: 湛江市 2015 work plan -------------------------------------------------------------


def test_seed_002_is_a_work_plan_notice():
    """Seed 002 is a 工作要点 notice: kind work_plan, year 2015, no table reading."""
    report = parsed("002")
    assert report.kind == "work_plan"
    assert report.year == 2015
    assert report.edition == "2008"
    assert report.title == "湛江市人民政府办公室关于印发2015年湛江市政府信息公开工作要点的通知"
    assert report.publisher == "湛江市人民政府办公室"
    assert report.region_code == "440800"
    assert report.written_on == datetime.date(2015, 7, 14)
    assert report.values == {}
    assert report.warnings == []


def test_seed_002_keeps_the_notice_as_preamble():
    """Seed 002: the notice text and the attachment's title precede parts 一 to 三."""
    report = parsed("002")
    assert numbers_and_headings(report) == [
        ("", ""),
        ("一", "全面推进政务公开,切实提高政府公信力"),
        ("二", "深入推进政务公开平台建设,提升政务公开信息化水平"),
        ("三", "健全工作机制及监督考核措施,促进队伍自身建设"),
    ]
    preamble = report.sections[0].body.split("\n")
    assert preamble[0].startswith("各县(市、区)人民政府")
    assert "2015年湛江市政府信息公开工作要点" in preamble
    assert report.sections[3].body.endswith("附件:2015年湛江市政府信息公开工作要点分解表")


# --- Seed 003: 云浮市 2013, old format -----------------------------------------------------------


def test_seed_003_old_format_report():
    """Seed 003 (2008 format, no title) is an annual report on 2013 with six free sections."""
    report = parsed("003")
    assert report.kind == "annual_report"
    assert report.edition == "2008"
    assert report.year == 2013
    assert numbers_and_headings(report) == [
        ("一", "基本内容"),
        ("二", "主动公开政府信息情况"),
        ("三", "依申请公开政府信息及咨询受理情况"),
        ("四", "政府信息公开收费及减免情况"),
        ("五", "因政府信息公开申请行政复议情况"),
        ("六", "存在问题及改进措施"),
    ]
    assert report.values == {}


def test_seed_003_publisher_is_inferred_with_a_warning():
    """Seed 003 only says 我市 and 市政府: the city it names, 云浮, gives the publisher, flagged as inferred."""
    report = parsed("003")
    assert report.publisher == "云浮市人民政府"
    assert report.region_code == "445300"
    assert report.title == "云浮市人民政府2013年政府信息公开工作年度报告"
    assert report.warnings == ["正文未写明发布机构,根据正文推断为“云浮市人民政府”,请核对"]


# --- Seed 004: 清镇市人民政府办公室 2023, flattened tables ----------------------------------------


def test_seed_004_metadata():
    """Seed 004: the title is the 《…》 the opening sentence publishes; the 落款 gives the date."""
    report = parsed("004")
    assert report.kind == "annual_report"
    assert report.edition == "2021"
    assert report.year == 2023
    assert report.title == "清镇市人民政府办公室2023年政府信息公开工作年度报告"
    assert report.publisher == "清镇市人民政府办公室"
    assert report.region_code == "520181"
    assert report.written_on == datetime.date(2024, 1, 31)
    assert report.warnings == []


def test_seed_004_table_text_stays_out_of_the_section_bodies():
    """The flattened table cells of parts 二, 三, 四 are not section text."""
    report = parsed("004")
    assert numbers_and_headings(report) == [
        ("", ""),
        ("一", "总体情况"),
        ("二", "主动公开政府信息情况"),
        ("三", "收到和处理政府信息公开申请情况"),
        ("四", "政府信息公开行政复议、行政诉讼情况"),
        ("五", "存在的主要问题及改进情况"),
        ("六", "其他需要报告的事项"),
    ]
    assert [s.body for s in report.sections[2:5]] == ["", "", ""]
    assert not any("|" in s.body for s in report.sections)
    assert report.sections[6].body.endswith("其他无需要报告的事项。")


SEED_004_NUMBERS = {
    ("applications", "received", "total"): 290,
    ("applications", "received", "natural_person"): 286,
    ("applications", "received", "commercial"): 4,
    ("applications", "carried_over", "total"): 2,
    ("applications", "granted", "total"): 206,
    ("applications", "partly_granted", "total"): 45,
    ("applications", "unavailable_not_held", "natural_person"): 30,
    ("applications", "unavailable_not_held", "total"): 31,
    ("applications", "other_no_correction", "total"): 9,
    ("applications", "handled_total", "natural_person"): 287,
    ("applications", "handled_total", "total"): 291,
    ("applications", "carried_forward", "total"): 1,
    ("proactive", "rules", "issued"): 0,
    ("proactive", "rules", "repealed"): 0,
    ("proactive", "rules", "in_force"): 0,
    ("proactive", "normative_documents", "issued"): 6,
    ("proactive", "normative_documents", "repealed"): 4,
    ("proactive", "normative_documents", "in_force"): 64,
    ("proactive", "licensing", "decisions"): 39908,
    ("proactive", "penalties", "decisions"): 2961,
    ("proactive", "enforcement", "decisions"): 1937,
    ("proactive", "fees", "amount"): Decimal("6858.05"),
}


@pytest.mark.parametrize(("code", "expected"), SEED_004_NUMBERS.items(), ids=[".".join(c) for c in SEED_004_NUMBERS])
def test_seed_004_flattened_tables_are_read_into_the_table_codes(code, expected):
    """Flattened tables of seed 004 are read into the table codes."""
    assert parsed("004").values[code] == Decimal(expected)


def test_seed_004_review_and_litigation_are_all_zero():
    """Table 四's fifteen numbers in one row fill the three groups × five outcomes."""
    values = parsed("004").values
    for row in ("review", "litigation_direct", "litigation_after_review"):
        for column in ("upheld", "corrected", "other", "pending", "total"):
            assert values[("review_litigation", row, column)] == Decimal(0)


def test_seed_004_has_every_cell_of_the_2021_format():
    """All 200 codes of the 2021 format are present for seed 004, and its numbers pass the rules."""
    values = parsed("004").values
    assert set(values) == set(fmt.all_codes("2021"))
    assert len(values) == 200
    assert all(isinstance(v, Decimal) for v in values.values())
    assert all(result.ok for result in fmt.check("2021", values))


def test_seed_004_without_separators_reads_the_same():
    """Cells flattened one per line without `|` are read the same, and 四、结转下年度 is no heading."""
    data = seed_bytes("004").replace(b"|", b"")
    report = parse_text(data)
    assert report.values == parsed("004").values
    assert numbers_and_headings(report) == numbers_and_headings(parsed("004"))
    assert report.warnings == []


# --- Decoding ------------------------------------------------------------------------------------


@pytest.mark.parametrize("encoding", ["gbk", "gb18030", "utf-8-sig", "utf-16"])
def test_other_encodings_of_seed_004_parse_to_the_same_report(encoding):
    """GBK, GB18030, UTF-8 with BOM and UTF-16 copies of seed 004 give the same values and title."""
    data = seed_bytes("004").decode("utf-8").encode(encoding)
    report = parse_text(data)
    assert report.values == parsed("004").values
    assert report.title == parsed("004").title
    assert numbers_and_headings(report) == numbers_and_headings(parsed("004"))


def test_big5_traditional_text_is_decoded():
    """A Big5 (Traditional) document is detected as Big5, not misread as GBK."""
    text = (
        "2022年政府信息公開工作年度報告\n一、總體情況\n2022年,文登區堅持依法公開。\n"
        "威海市文登區人民政府\n2023年2月17日\n"
    )
    report = parse_text(text.encode("big5"))
    assert report.title == "2022年政府信息公开工作年度报告"
    assert report.publisher == "威海市文登区人民政府"
    assert report.sections[0].body == "2022年,文登区坚持依法公开。"


@pytest.mark.parametrize("data", [b"", b"   \r\n\n  ", "\ufeff".encode()])
def test_empty_input_is_refused(data):
    """An empty (or blank) file raises UnreadableDocument saying so."""
    with pytest.raises(UnreadableDocument, match="文件为空"):
        parse_text(data)


@pytest.mark.parametrize(
    "data",
    [
        b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR",
        b"PK\x03\x04\x14\x00\x06\x00" + bytes(range(256)),
        bytes(range(1, 32)) * 20,
    ],
)
def test_binary_input_is_refused(data):
    """Binary content raises UnreadableDocument naming the problem."""
    with pytest.raises(UnreadableDocument, match="不是文本文件|无法识别文件编码"):
        parse_text(data)


# --- Options and detection ---------------------------------------------------------------------


def test_options_override_what_the_text_says():
    """year, kind and region_code given by the caller win over detection."""
    report = parse_text(seed_bytes("000"), year=2022, kind="other", region_code="440803")
    assert (report.year, report.kind, report.region_code) == (2022, "other", "440803")
    assert report.values == {}
    assert report.warnings == []


def test_a_notice_about_annual_reports_is_no_report():
    """A 通知 whose title mentions 年度报告 without issuing a 要点 is kind other."""
    text = "湛江市人民政府办公室关于做好2023年政府信息公开工作年度报告编制工作的通知\n各县(市、区)人民政府:\n"
    report = parse_text(text.encode())
    assert report.kind == "other"
    assert report.values == {}


def test_table_cells_from_another_source_are_read():
    """parse_lines takes table cells found outside the text (an HTML or DOCX table), keyed by part."""
    lines = [
        "2023年政府信息公开工作年度报告",
        "一、总体情况",
        "2023年,我局依法公开。",
        "四、政府信息公开行政复议、行政诉讼情况",
    ]
    cells = ["行政复议", "行政诉讼", "结果维持", "总计", *["1", "0", "0", "0", "1"], *["0"] * 10]
    report = parse_lines(lines, region_code="520181", table_cells={"四": cells})
    assert report.values[("review_litigation", "review", "upheld")] == Decimal(1)
    assert report.values[("review_litigation", "litigation_after_review", "total")] == Decimal(0)
    assert [w for w in report.warnings if w.startswith("未找到表")] == MISSING_TABLE_WARNINGS[:2]


def test_unknown_kind_option_is_refused():
    """An unknown kind is an error, not silently stored."""
    with pytest.raises(UnreadableDocument, match="未知的文档类型"):
        parse_text(seed_bytes("000"), kind="minutes")


def test_table_shape_wins_over_the_year_with_a_warning():
    """A report on 2020 whose tables use the 2021 labels is read as 2021 format, and says so."""
    report = parse_text(seed_bytes("004"), year=2020)
    assert report.edition == "2021"
    assert report.values == parsed("004").values
    assert len(report.warnings) == 1
    assert "2020年" in report.warnings[0]
    assert fmt.EDITION_LABELS["2021"] in report.warnings[0]


AMBIGUOUS = "新华区人民政府2023年政府信息公开工作年度报告\n一、总体情况\n2023年,新华区人民政府认真落实《条例》。\n"


def test_ambiguous_region_name_is_not_guessed():
    """新华区 exists in three cities: without a parent name the region stays None, with a warning."""
    report = parse_text(AMBIGUOUS.encode())
    assert report.publisher == "新华区人民政府"
    assert report.region_code is None
    region_warnings = [w for w in report.warnings if not w.startswith("未找到表")]
    assert len(region_warnings) == 1
    assert "新华区" in region_warnings[0]
    assert "130105" in region_warnings[0] and "130902" in region_warnings[0]


def test_parent_name_disambiguates_a_region():
    """石家庄市新华区 resolves to 130105, in the publisher or in the text."""
    report = parse_text(AMBIGUOUS.replace("新华区人民政府2023", "石家庄市新华区人民政府2023").encode())
    assert report.region_code == "130105"
    address = AMBIGUOUS + "(地址:河北省沧州市新华区解放路1号)\n"
    assert parse_text(address.encode()).region_code == "130902"


def test_region_index_knows_full_and_short_names():
    """The region index resolves full names, short forms and chains."""
    index = region_index()
    assert index.resolve("湛江市人民政府").code == "440800"
    assert index.resolve("威海市文登区人民政府").code == "371003"
    assert index.resolve("清镇市人民政府办公室").code == "520181"
    assert index.resolve("云浮").code == "445300"
    assert index.resolve("延边朝鲜族自治州人民政府").code == "222400"
    assert index.resolve("朝阳区人民政府").ambiguous
    assert index.resolve("市政府办公室").code is None


# --- Generic pieces ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("39,908", Decimal(39908)),
        ("39\uff0c908", Decimal(39908)),
        ("３９９０８", Decimal(39908)),
        ("6858.05", Decimal("6858.05")),
        (" 0 ", Decimal(0)),
        ("12件", Decimal(12)),
        ("", None),
        ("—", None),
        ("-", None),
        ("/", None),
        ("无", None),
    ],
)
def test_cell_values_parse(text, expected):
    """Numbers parse with thousands separators and full-width digits; blank markers mean None."""
    assert parse_value(text) == expected


@pytest.mark.parametrize("text", ["规章", "1.属于国家秘密", "(七)总计", "结果"])
def test_labels_are_not_values(text):
    """Label cells are not numbers."""
    with pytest.raises(ValueError):
        parse_value(text)


def test_glued_pinyin_is_removed_but_real_parentheses_stay():
    """Pinyin after a character goes; (一), web addresses, (地址:…) and (APP) stay."""
    assert strip_glued_pinyin("年度報(bào)告") == "年度報告"
    assert strip_glued_pinyin("關(guān)於問題(tí)") == "關於問題"
    for kept in [
        "(以下简称《条例》)",
        "(一)主动公开",
        "网站(www.zhanjiang.gov.cn)下载",
        "(地址:清镇市)",
        "客户端(APP)",
    ]:
        assert strip_glued_pinyin(kept) == kept
    assert normalize_text("２０２２年政府信息公開工作年度報(bào)告\r\n") == "2022年政府信息公开工作年度报告\n"


def test_label_keys_ignore_width_spaces_and_quotes():
    """Label matching ignores full/half-width parentheses, spaces and quote marks."""
    assert label_key("自 然人") == label_key("自然人")
    assert label_key("（二）部分公开") == label_key("(二)部分公开")
    assert label_key("3.危及“三安全一稳定”") == label_key('3.危及"三安全一稳定"')


def test_table_reader_takes_cut_and_split_labels_and_names_missing_rows():
    """read_table finds rows by their (cut, spaced) labels and warns about the rows it did not see."""
    cells = [
        "申请人情况",
        "自 然人",
        "商业 企业",
        "一、本年新收政府信息公开申请数量",
        "3",
        "1",
        "0",
        "0",
        "0",
        "0",
        "4",
    ]
    cells += ["(二)部分公开", "1", "—", "", "", "", "", "1"]
    result = read_table(cells, fmt.APPLICATIONS_2021)
    assert result.values[("applications", "received", "total")] == Decimal(4)
    assert result.values[("applications", "partly_granted", "natural_person")] == Decimal(1)
    assert result.values[("applications", "partly_granted", "commercial")] is None
    assert len(result.values) == 14
    assert len(result.warnings) == 1
    assert result.warnings[0].startswith(
        "表三(收到和处理政府信息公开申请情况)缺少行:「二、上年结转政府信息公开申请数量」"
    )


def test_table_reader_reads_review_groups_row_by_row():
    """Table 四 written one labelled group per row is read as well as the official single row."""
    cells = ["行政复议", "1", "0", "0", "0", "1", "未经复议直接起诉", "0", "0", "0", "2", "2"]
    cells += ["复议后起诉", "0", "0", "0", "0", "0"]
    result = read_table(cells, fmt.REVIEW_LITIGATION)
    assert result.values[("review_litigation", "review", "upheld")] == Decimal(1)
    assert result.values[("review_litigation", "litigation_direct", "pending")] == Decimal(2)
    assert len(result.values) == 15
    assert result.warnings == []


def test_table_reader_warns_about_an_unreadable_review_row():
    """Table 四 with a wrong count of unlabelled numbers is not guessed."""
    result = read_table(["行政复议", "行政诉讼", "0", "0", "0"], fmt.REVIEW_LITIGATION)
    assert result.values == {}
    assert result.warnings == [
        "表四(政府信息公开行政复议、行政诉讼情况)应有15个数字,读到3个,无法对应到单元格",
        "未找到表四(政府信息公开行政复议、行政诉讼情况)的数据",
    ]


def test_edition_is_told_by_the_labels():
    """本年制发件数 belongs to the 2021 format, 本年新制作数量 to the 2019 one."""
    assert edition_from_labels(["信息内容", "本年制发件数", "本年废止件数"]) == "2021"
    assert edition_from_labels(["信息内容", "本年新制作数量", "对外公开总数量"]) == "2019"
    assert edition_from_labels(["行政许可", "总计"]) is None


def test_headings_must_come_in_order_and_stand_alone():
    """Only 一、二、三… in order, alone on a line, are top-level headings; table rows are not."""
    lines = [
        "一、总体情况",
        "正文。",
        "三、不是下一个",
        "二、主动公开政府信息情况",
        "三、收到和处理政府信息公开申请情况",
        "四、结转下年度继续办理 |",
        "四、政府信息公开行政复议、行政诉讼情况",
        "五、存在的主要问题及改进情况。这一行是一整段文字,不是标题。",
    ]
    headings = find_headings(lines)
    assert [(h.number, h.line) for h in headings] == [("一", 0), ("二", 3), ("三", 4), ("四", 6)]


@pytest.mark.parametrize(
    ("title", "body", "region", "publisher"),
    [
        ("乐至县2021年政府信息公开工作年度报告", "", "512022", "乐至县人民政府"),
        ("舟山市普陀区2022年政府信息公开工作年度报告", "", "330903", "舟山市普陀区人民政府"),
        ("普陀区2022年政府信息公开工作年度报告", "2022年,舟山市普陀区认真贯彻《条例》。", "330903", "普陀区人民政府"),
        ("普陀区2022年政府信息公开工作年度报告", "2022年,我区在上海市委领导下认真贯彻。", "310107", "普陀区人民政府"),
        ("平潭综合实验区2023年政府信息公开工作年度报告", "", "350128", "平潭综合实验区管理委员会"),
        ("2019年上海市人民政府办公厅政府信息公开工作年度报告", "", "310000", "上海市人民政府办公厅"),
        ("国务院办公厅2023年政府信息公开工作年度报告", "", "100000", "国务院办公厅"),
        ("中国地震局2022年政府信息公开工作年度报告", "", "100000", "中国地震局"),
        ("国家税务总局南京市税务局2022年政府信息公开工作年度报告", "", "320100", "国家税务总局南京市税务局"),
        (
            "政府信息公开工作年度报告",
            "本报告由桃江县人民政府办公室根据《条例》编制。",
            "430922",
            "桃江县人民政府办公室",
        ),
        # Short place names inside other words are not places (资源县, 公安县, 振兴区, 港口区, 台湾省).
        ("自然资源部2023年政府信息公开工作年度报告", "", "100000", "自然资源部"),
        ("公安部2023年政府信息公开工作年度报告", "", "100000", "公安部"),
        ("荆州市公安局2023年政府信息公开工作年度报告", "", "421000", "荆州市公安局"),
        ("国家乡村振兴局2022年政府信息公开工作年度报告", "", "100000", "国家乡村振兴局"),
        ("国务院台湾事务办公室2023年政府信息公开工作年度报告", "", "100000", "国务院台湾事务办公室"),
        ("防城港市港口管理局2023年政府信息公开工作年度报告", "", "450600", "防城港市港口管理局"),
        ("永安镇人民政府2023年政府信息公开工作年度报告", "", None, "永安镇人民政府"),
        # A zone named after a city with a county of the same name: left to the editor, not guessed.
        ("长沙经开区2023年政府信息公开工作年度报告", "", None, "长沙经开区管理委员会"),
    ],
)
def test_region_and_body_are_found_where_a_reader_finds_them(title, body, region, publisher):
    """Title, the sentence saying who compiled the report, other places in the text; 中央 for central bodies."""
    text = f"{title}\n{body or '2022年,我们认真落实《条例》。'}\n一、总体情况\n认真落实。\n"
    report = parse_text(text.encode())
    assert (report.region_code, report.publisher) == (region, publisher)


@pytest.mark.parametrize(
    ("text", "region", "year", "publisher"),
    [
        (  # a portal page copied with its breadcrumb and font-size line
            "当前位置: 首页 > 政府信息公开 > 年度报告\n洋县人民政府2023年政府信息公开工作年度报告\n字号:大 中 小\n"
            "本报告所列数据的统计时限为2023年1月1日起至2023年12月31日止。\n一、总体情况\n认真落实。\n",
            "610723",
            2023,
            "洋县人民政府",
        ),
        (  # no title: the opening sentence says what is published; the period leaves out the second year
            "根据《中华人民共和国政府信息公开条例》,现公布城固县人民政府2022年度政府信息公开工作报告。"
            "本报告所列数据统计时限为2022年1月1日至12月31日。\n一、总体情况\n认真落实。\n",
            "610722",
            2022,
            "城固县人民政府",
        ),
        (  # the year before the place
            "2021年杭州市政府信息公开工作年度报告\n本年度报告根据《条例》的要求编制。\n一、总体情况\n认真落实。\n",
            "330100",
            2021,
            "杭州市人民政府",
        ),
    ],
)
def test_openings_of_real_portal_pages(text, region, year, publisher):
    """Breadcrumbs, year-first titles and 现公布…工作报告 openings as portals print them."""
    report = parse_text(text.encode())
    assert (report.region_code, report.year, report.publisher) == (region, year, publisher)
    assert "当前位置" not in report.sections[0].body and "字号" not in report.sections[0].body


def test_a_notice_publishing_the_report_is_the_report():
    """关于印发《…年度报告》的通知 followed by the six parts is read as the annual report, tables and all."""
    parts = "\n".join(f"{p.number}、{p.heading}\n内容。" for p in fmt.PARTS)
    text = f"乐至县人民政府办公室关于印发《乐至县2023年政府信息公开工作年度报告》的通知\n各乡镇:现予印发。\n{parts}\n"
    report = parse_text(text.encode())
    assert (report.kind, report.year, report.region_code) == ("annual_report", 2023, "512022")
    notice = parse_text("关于做好2023年政府信息公开工作年度报告编制工作的通知\n各单位:请按时编制。\n".encode())
    assert notice.kind == "other"


# --- A document holding the standard tables is an annual report -------------------------------


def _tables_without_title_or_year() -> tuple[bytes, dict]:
    """A 2021 report cut down to its parts' prose and tables: no title, no year, part headings unnumbered."""
    values = sample_values(fmt.EDITION_2021)
    lines = document(fmt.EDITION_2021, values, "pipes", year=2022).decode().split("\n")[1:]
    lines = [
        re.sub(r"^[一二三四五六]、(?=\S+(?:情况|事项)$)", "", line).replace("2022年,", "本年度,") for line in lines
    ]
    return "\n".join(lines).encode(), values


def test_a_text_without_title_or_year_holding_the_tables_is_read_as_an_annual_report():
    """The standard tables make an annual report whatever the title says: they are read, and the editor told."""
    data, values = _tables_without_title_or_year()
    report = parse_text(data)
    assert report.kind == "annual_report"
    assert report.values == values
    assert any("正文含有年度报告的标准表格(表二、表三、表四),已按年度报告读取" in w for w in report.warnings)


def test_tables_in_a_document_given_another_kind_are_named_not_read_silently():
    """An editor who says the document is no report is told that its tables were found and not read."""
    data, _ = _tables_without_title_or_year()
    report = parse_text(data, kind="other")
    assert report.kind == "other" and report.values == {}
    assert any(
        "正文含有年度报告的标准表格(表二、表三、表四),但文档类型为“其他”,表格数字未读取" in w for w in report.warnings
    )


def test_a_work_plan_naming_table_rows_in_prose_stays_a_work_plan():
    """Seed 002 (工作要点) names 行政许可 and 行政处罚 in its prose: no table, no warning."""
    report = parsed("002")
    assert report.kind == "work_plan" and report.warnings == []


def test_a_portal_metadata_block_in_copied_text_is_read_and_left_out_of_the_text():
    """Real pages write full-width punctuation (索引号：…, （国令第711号）): the block is read, not kept as text."""
    text = (
        "淮安市人民政府2024年政府信息公开工作年度报告\n"
        "索引号：11320800014201882F/2024-00001\n"
        "发布机构：淮安市人民政府办公室\n"
        "发布日期：2024-01-20\n"
        "本报告由淮安市人民政府办公室根据《中华人民共和国政府信息公开条例》（国令第711号）编制。\n"
        "一、总体情况\n2024年，我市认真贯彻落实。\n"
    )
    report = parse_text(text.encode())
    assert report.index_no == "11320800014201882F/2024-00001"
    assert report.published_on == datetime.date(2024, 1, 20)
    preamble = report.sections[0].body
    assert "索引号" not in preamble and "发布机构" not in preamble
    assert "(国令第711号)" in preamble  # full-width forms of ASCII punctuation read as ASCII
