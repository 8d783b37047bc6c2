"""Every table layout real documents use, in both editions: every number exact, or flagged (reports/importers/)."""

import pytest

from reports import format as fmt
from reports.importers.dispatch import parse_document
from reports.tests.layouts import LAYOUTS, document, sample_values, table_text

EDITIONS = [(fmt.EDITION_2021, 2022), (fmt.EDITION_2019, 2020)]


def _parse(layout: str, data: bytes):
    return parse_document("report.html" if layout == "html" else "report.txt", data, max_bytes=1 << 24)


@pytest.mark.parametrize(("edition", "year"), EDITIONS)
@pytest.mark.parametrize("layout", LAYOUTS)
def test_every_cell_is_read_exactly_in_every_layout(layout, edition, year):
    """Pipes, one cell a line, blank lines, spaces, tabs (group label on its first row's line), markdown, HTML."""
    values = sample_values(edition)
    report = _parse(layout, document(edition, values, layout, year=year))
    assert (report.edition, report.year, report.region_code) == (edition, year, "512022")
    assert report.values == values  # blanks included: a blank cell is None, never 0
    assert not [w for w in report.warnings if w.startswith("表")]


@pytest.mark.parametrize("layout", ["spaces", "tabs", "pipes"])
def test_numbers_glued_into_one_run_are_flagged_never_split(layout):
    """申请数量 640020470: which cells the digits belong to is unknown, so none is stored and the row is named."""
    values = sample_values(fmt.EDITION_2021, blank_every=1000)
    text = document(fmt.EDITION_2021, values, layout, year=2022).decode()
    row = [values[("applications", "received", c.code)] for c in fmt.APPLICANT_COLUMNS]
    numbers = [fmt.plain_number(v) for v in row]
    separator = {"spaces": " ", "tabs": "\t", "pipes": "|"}[layout]
    printed = separator.join(numbers)
    assert printed in text
    glued = "".join(numbers[:4]) + separator + separator.join(numbers[4:])
    report = _parse(layout, text.replace(printed, glued, 1).encode())
    received = {c: v for c, v in report.values.items() if c[:2] == ("applications", "received")}
    assert received == {}
    assert any("「一、本年新收政府信息公开申请数量」只有4个数字" in w for w in report.warnings)
    others = {c: v for c, v in values.items() if c[:2] != ("applications", "received")}
    assert {c: report.values.get(c) for c in others} == others


def test_negative_and_fractional_counts_are_flagged_and_amounts_kept_exactly():
    """−1 and 2.5 as counts are named, not stored; 本年增/减 may be negative; 0.092 万元 stays 0.092."""
    edition = fmt.EDITION_2019
    values = sample_values(edition, blank_every=1000)
    values[("applications", "granted", "natural_person")] = fmt.parse_value("−1")
    values[("applications", "granted", "commercial")] = fmt.parse_value("2.5")
    values[("proactive", "licensing", "items_change")] = fmt.parse_value("-12")
    values[("proactive", "procurement", "amount")] = fmt.parse_value("24252.311082")
    report = _parse("pipes", document(edition, values, "pipes", year=2020))
    assert ("applications", "granted", "natural_person") not in report.values
    assert ("applications", "granted", "commercial") not in report.values
    flagged = [w for w in report.warnings if "(一)予以公开" in w]
    assert any("印作 -1:不能为负数" in w for w in flagged) and any("印作 2.5:应为整数" in w for w in flagged)
    assert report.values[("proactive", "licensing", "items_change")] == -12
    assert str(report.values[("proactive", "procurement", "amount")]) == "24252.311082"


@pytest.mark.parametrize("layout", ["pipes", "tabs", "spaces", "cell_per_line"])
def test_misprinted_labels_are_read_with_a_warning(layout):
    """'2.其他法律行政止公开' (a word dropped) is read as its row, and the editor is told."""
    values = sample_values(fmt.EDITION_2021)
    data = document(fmt.EDITION_2021, values, layout, year=2022).decode()
    assert "2.其他法律行政法规禁止公开" in data
    report = _parse(layout, data.replace("2.其他法律行政法规禁止公开", "2.其他法律行政止公开").encode())
    assert report.values == values
    assert any(
        "「2.其他法律行政止公开」与格式中的「2.其他法律行政法规禁止公开」不完全一致" in w for w in report.warnings
    )


def test_a_row_label_cut_by_a_page_break_still_names_its_row():
    """'1.属' at the foot of a page with the numbers, '于国家秘密' on the next: the row is still found."""
    values = sample_values(fmt.EDITION_2021)
    text = document(fmt.EDITION_2021, values, "pipes", year=2022).decode()
    row = next(line for line in text.split("\n") if "1.属于国家秘密" in line)
    cut = row.replace("1.属于国家秘密", "1.属") + "\n|于国家秘密|"
    report = _parse("pipes", text.replace(row, cut).encode())
    assert report.values == values


def test_a_2021_report_printing_other_outcomes_as_one_row_stays_2021():
    """(六)其他处理 as one row (the 2019 way) in a 2021 report: the edition holds, the row is named, no cell moves."""
    values = sample_values(fmt.EDITION_2021, blank_every=1000)
    text = document(fmt.EDITION_2021, values, "spaces", year=2022).decode()
    lines = text.split("\n")
    first = next(i for i, line in enumerate(lines) if line.startswith("(六)其他处理"))
    lines[first : first + 3] = ["(六)其他处理 1 2 3 4 5 6 21"]
    report = _parse("spaces", "\n".join(lines).encode())
    assert report.edition == fmt.EDITION_2021
    others = {c for c in values if c[1].startswith("other_")}
    assert not others & set(report.values)
    assert {c: report.values.get(c) for c in values if c not in others} == {
        c: v for c, v in values.items() if c not in others
    }
    assert any("(六)其他处理" in w for w in report.warnings)


@pytest.mark.parametrize(("title", "year"), [("清镇市人民政府办公室二〇二三年政府信息公开工作年度报告", 2023)])
def test_a_year_in_chinese_numerals_is_read(title, year):
    report = _parse("pipes", f"{title}\n一、总体情况\n认真落实。\n".encode())
    assert report.year == year and report.region_code == "520181"


def test_a_fee_table_headed_in_yuan_is_flagged_not_stored():
    """本年收费金额(单位:元) where the format counts 万元: the amount is not read, and the editor is told."""
    values = sample_values(fmt.EDITION_2021, blank_every=1000)
    text = document(fmt.EDITION_2021, values, "pipes", year=2022).decode()
    assert "(单位:万元)" in text
    report = _parse("pipes", text.replace("(单位:万元)", "(单位:元)").encode())
    assert ("proactive", "fees", "amount") not in report.values
    assert any("以“元”为单位" in w for w in report.warnings)


def _glued(edition: str, values: dict, codes: tuple[str, ...]) -> str:
    """A report whose tables ``codes`` were copied from a portal without their cell borders: each row's
    label and numbers run together (规章4710), 表三 even onto one line."""
    text = document(edition, values, "spaces", year=2022).decode()
    for code in codes:
        table = fmt.tables_for(edition)[code]
        lines = table_text(table, values, "spaces").split("\n")
        glued = [line.replace(" ", "") for line in lines]
        text = text.replace("\n".join(lines), "".join(glued) if code == "applications" else "\n".join(glued))
    return text


def test_a_table_whose_cells_ran_together_is_named_as_such():
    """规章4710, 申请数量343740…二、上年结转…: the tables are there but cannot be split; the editor is told so,
    not that they are missing, and the other tables are read."""
    values = sample_values(fmt.EDITION_2021, blank_every=1000)
    report = _parse("spaces", _glued(fmt.EDITION_2021, values, ("proactive", "applications")).encode())
    assert not [c for c in report.values if c[0] in ("proactive", "applications")]
    review = {c: v for c, v in values.items() if c[0] == "review_litigation"}
    assert {c: report.values.get(c) for c in review} == review
    assert not [w for w in report.warnings if w.startswith("未找到")]
    proactive = next(w for w in report.warnings if w.startswith("表二"))
    assert "6行的数字与行名连在了一起" in proactive and "“规章4710”" in proactive and "无法分开,未读取" in proactive
    applications = next(w for w in report.warnings if w.startswith("表三"))
    assert "“本年新收政府信息公开申请数量" in applications and "无法分开,未读取" in applications
    assert "规章4710" in next(s.body for s in report.sections if s.number == "二")  # kept for the editor


def test_numbers_in_prose_after_a_row_name_are_not_a_glued_table():
    """本年制发规章3件、行政许可120件 in a sentence is prose, and a table without any numbers stays "not found"."""
    text = document(fmt.EDITION_2021, sample_values(fmt.EDITION_2021), "pipes", year=2022).decode()
    table = table_text(fmt.PROACTIVE_2021, sample_values(fmt.EDITION_2021), "pipes")
    report = _parse("pipes", text.replace(table, "本年制发规章3件,办理行政许可120件、行政处罚45起。").encode())
    assert "未找到表二(主动公开政府信息情况)的数据" in report.warnings
