from decimal import Decimal

from reports import format as fmt
from reports.tests.conftest import balanced_values


def test_every_code_of_format_md_is_described():
    """The 2021 tables hold 9+26×7+15 cells; 2019 has its own table 二 and one 其他处理 row."""
    codes21 = fmt.all_codes("2021")
    assert len([c for c in codes21 if c[0] == "applications"]) == 25 * 7
    assert len([c for c in codes21 if c[0] == "review_litigation"]) == 15
    assert ("proactive", "fees", "amount") in codes21
    codes19 = fmt.all_codes("2019")
    assert ("applications", "other", "total") in codes19
    assert ("applications", "other_misc", "total") not in codes19
    assert ("proactive", "procurement", "amount") in codes19
    assert fmt.tables_for("2008") == {}


def test_applications_grid_has_the_official_spans():
    """Table 三: the corner spans 3×3, 法人或其他组织 spans five columns, 办理结果 spans its 22 rows."""
    grid = fmt.layout_grid(fmt.APPLICATIONS_2021)
    corner = grid.head[0][0]
    assert (corner.rowspan, corner.colspan) == (3, 3)
    legal = next(c for c in grid.head[1] if c.text == "法人或其他组织")
    assert legal.colspan == 5
    result = next(c for row in grid.body for c in row if c.text == "三、本年度办理结果")
    assert result.rowspan == 22
    withheld = next(c for row in grid.body for c in row if c.text == "(三)不予公开")
    assert withheld.rowspan == 8
    received = grid.body[0][0]
    assert received.colspan == 3
    assert sum(1 for row in grid.body for c in row if c.code) == 25 * 7


def test_review_grid_puts_three_groups_side_by_side():
    """Table 四 is one body row of 15 numbers under 行政复议 and 行政诉讼 (two groups)."""
    grid = fmt.layout_grid(fmt.REVIEW_LITIGATION)
    assert [(c.text, c.colspan) for c in grid.head[0]] == [
        ("行政复议", 5),
        ("行政诉讼", 10),
    ]
    assert grid.head[1][0].rowspan == 2
    assert len(grid.body) == 1 and len(grid.body[0]) == 15


def test_balanced_report_passes_every_rule():
    """A consistent table passes all four rules."""
    results = fmt.check("2021", balanced_values())
    assert [r.rule for r in results] == [
        "applications.balance",
        "applications.row_totals",
        "applications.outcome_totals",
        "review_litigation.totals",
    ]
    assert all(r.ok for r in results)


def test_broken_balance_names_the_column_and_numbers():
    """The balance rule reports the column and both sides, as editors and citizens read it."""
    values = balanced_values()
    values[("applications", "handled_total", "natural_person")] = Decimal(10)
    values[("applications", "carried_forward", "natural_person")] = Decimal(0)
    values[("applications", "received", "natural_person")] = Decimal(288)
    values[("applications", "received", "total")] = Decimal(290)
    result = {r.rule: r for r in fmt.check("2021", values)}["applications.balance"]
    assert not result.ok
    assert result.detail.startswith("申请表: 本年新收+上年结转 ≠ 办理结果总计+结转下年度 (自然人列: 289 ≠ 10")
    assert ("applications", "handled_total", "natural_person") in result.cells


def test_blank_table_is_not_checked_and_blank_is_not_zero():
    """A report without numbers gets no rule results; amounts keep their decimals."""
    assert fmt.check("2021", {}) == []
    assert fmt.format_value(None) == ""
    assert fmt.format_value(Decimal("6858.05"), fmt.AMOUNT) == "6858.05"
    assert fmt.format_value(Decimal("0")) == "0"


def test_review_totals_rule():
    """总计 must equal the four outcomes of its group."""
    values = {("review_litigation", "review", c): Decimal(1) for c in fmt.REVIEW_OUTCOMES}
    values[("review_litigation", "review", "total")] = Decimal(3)
    (result,) = fmt.check("2021", values)
    assert not result.ok and "行政复议: 总计 3 ≠ 4" in result.detail
