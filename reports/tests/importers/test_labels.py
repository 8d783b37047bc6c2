"""Table labels split over two cells or lines: edition detection and column headers (reports/importers/labels.py)."""

import pytest

from reports import format as fmt
from reports.importers.cells import read_table
from reports.importers.dispatch import parse_document
from reports.importers.grids import expand_spans, read_grid
from reports.importers.labels import edition_from_labels
from reports.tests.layouts import document, sample_values, table_text

# Headers of 表二's first block as real reports wrap them: the first part above the second.
SPLIT = {
    fmt.EDITION_2019: (("本年新", "制作数量"), ("本年新", "公开数量"), ("对外公开", "总数量")),
    fmt.EDITION_2021: (("本年制发", "件数"), ("本年废止", "件数"), ("现行有效", "件数")),
}


def _split_header(edition: str, layout: str) -> str:
    """The first block's header row with each column header on two lines or in two cells."""
    parts = SPLIT[edition]
    if layout == "pipes":  # two header rows, as a wrapped row flattens
        return "|信息内容|" + "|".join(a for a, _ in parts) + "|\n||" + "|".join(b for _, b in parts) + "|"
    if layout == "pipes_adjacent":  # each cell's two lines in a row
        return "|信息内容|" + "|".join(f"{a}|{b}" for a, b in parts) + "|"
    return "\n".join(["信息内容", *(piece for pair in parts for piece in pair)])


@pytest.mark.parametrize("layout", ["pipes", "pipes_adjacent", "cell_per_line"])
@pytest.mark.parametrize("edition", [fmt.EDITION_2019, fmt.EDITION_2021])
def test_a_split_header_tells_the_edition(edition, layout):
    """本年新 / 制作数量 counts as 本年新制作数量, 本年制发 / 件数 as 本年制发件数."""
    cells = [cell for line in _split_header(edition, layout).split("\n") for cell in line.split("|") if cell]
    assert edition_from_labels(cells) == edition


def _first_block_header(edition: str, layout: str) -> str:
    whole = "|".join(a + b for a, b in SPLIT[edition])
    return "|信息内容|" + whole + "|" if layout == "pipes" else "\n".join(["信息内容", *whole.split("|")])


@pytest.mark.parametrize("split", ["pipes", "pipes_adjacent", "cell_per_line"])
def test_a_2019_header_split_over_two_lines_is_not_read_as_2021(split):
    """A 2021 report whose 表二 keeps the 2019 columns (本年新制作数量 …) for 规章 and 规范性文件, each header
    wrapped: read as with one-line headers (the 2019 columns, named), never into 本年制发件数 silently."""
    layout = "cell_per_line" if split == "cell_per_line" else "pipes"
    values = sample_values(fmt.EDITION_2021, blank_every=1000)
    text = document(fmt.EDITION_2021, values, layout, year=2021).decode()
    header = _first_block_header(fmt.EDITION_2021, layout)
    assert header in text
    one_line = parse_document(
        "r.txt", text.replace(header, _first_block_header(fmt.EDITION_2019, layout)).encode(), max_bytes=1 << 24
    )
    report = parse_document(
        "r.txt", text.replace(header, _split_header(fmt.EDITION_2019, split)).encode(), max_bytes=1 << 24
    )
    assert report.edition == one_line.edition == fmt.EDITION_2019
    assert {c: v for c, v in report.values.items() if c[1] == "rules"} == {
        ("proactive", "rules", "made"): values[("proactive", "rules", "issued")],
        ("proactive", "rules", "published"): values[("proactive", "rules", "repealed")],
        ("proactive", "rules", "published_total"): values[("proactive", "rules", "in_force")],
    }
    assert any("按2019年版格式" in w for w in report.warnings)


@pytest.mark.parametrize("layout", ["pipes", "cell_per_line"])
def test_a_header_of_the_other_edition_keeps_its_numbers_out_of_the_table(layout):
    """A 2021 table whose 行政事业性收费 block carries the 2019 header (上一年项目数量 / 本年增/减): its numbers
    are not stored as 本年收费金额, and the editor is told what header was seen."""
    values = sample_values(fmt.EDITION_2021, blank_every=1000)
    text = document(fmt.EDITION_2021, values, layout, year=2022).decode()
    old = table_text(fmt.PROACTIVE_2021, values, layout)
    new = old.replace(
        "本年收费金额(单位:万元)",
        "上一年\n项目数量\n本年\n增/减" if layout != "pipes" else "上一年|本年|\n||项目数量|增/减",
    )
    new = new.replace("0.092", "58\n61" if layout != "pipes" else "58|61")
    report = parse_document("r.txt", text.replace(old, new).encode(), max_bytes=1 << 24)
    assert report.edition == fmt.EDITION_2021
    assert ("proactive", "fees", "amount") not in report.values
    assert report.values[("proactive", "rules", "issued")] == values[("proactive", "rules", "issued")]
    assert any(
        "「上一年项目数量」、「本年增/减」不是2021年版格式" in w and "「行政事业性收费」" in w for w in report.warnings
    )


def test_a_table_read_under_a_foreign_header_is_flagged_in_flattened_cells():
    """The 2019 columns over 规章 in a table read as 2021: no number lands in 本年制发件数."""
    cells = ["信息内容", "本年新", "制作数量", "本年新", "公开数量", "对外公开", "总数量", "规章", "5", "5", "5"]
    result = read_table(cells, fmt.PROACTIVE_2021)
    assert not result.values
    assert any(
        "「本年新制作数量」、「本年新公开数量」、「对外公开总数量」不是2021年版格式" in w for w in result.warnings
    )


def test_a_grid_header_wrapped_into_two_rows_names_its_columns():
    """A real table (HTML, Word, PDF) whose header cells wrap into two rows: columns found by the joined
    header in the right edition, and a foreign one is named, not placed by position."""
    rows = [
        [("信息内容", 2, 1), ("本年新", 1, 1), ("对外公开", 1, 1), ("本年新", 1, 1)],
        [("制作数量", 1, 1), ("总数量", 1, 1), ("公开数量", 1, 1)],
        [("规章", 1, 1), ("1", 1, 1), ("3", 1, 1), ("2", 1, 1)],
    ]
    read_2019 = read_grid([expand_spans(rows)], fmt.PROACTIVE_2019)
    assert {c[2]: int(v) for c, v in read_2019.values.items()} == {"made": 1, "published_total": 3, "published": 2}
    read_2021 = read_grid([expand_spans(rows)], fmt.PROACTIVE_2021)
    assert not read_2021.values
    assert any("「本年新制作数量」" in w and "「规章」" in w for w in read_2021.warnings)
