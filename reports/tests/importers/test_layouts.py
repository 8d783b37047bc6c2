"""Every table layout real documents use, in both editions: every number exact, or flagged (reports/importers/)."""

import pytest

from reports import format as fmt
from reports.importers.dispatch import parse_document
from reports.tests.layouts import LAYOUTS, document, sample_values

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
