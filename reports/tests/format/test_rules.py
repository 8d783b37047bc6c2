"""The consistency rules (reports/format/rules.py)."""

from decimal import Decimal

from reports import format as fmt
from reports.tests.conftest import balanced_values


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


def test_value_errors_name_the_cell_and_every_problem():
    """A fractional count that is also too large gets both messages, worded for the editor."""
    errors = fmt.value_errors(
        fmt.EDITION_2021, {("applications", "received", "natural_person"): Decimal("1e15") + Decimal("0.5")}
    )
    cell = "表三(收到和处理政府信息公开申请情况)「一、本年新收政府信息公开申请数量」行「申请人情况 自然人」列"
    assert errors == [
        f"{cell}:应为整数,填写的是 1000000000000000.5",
        f"{cell}:数值过大(超过十亿),填写的是 1000000000000000.5",
    ]
    assert fmt.value_errors(fmt.EDITION_2021, {("applications", "nope", "total"): Decimal(1)}) == [
        "applications.nope.total 不是2021年版格式(2021年度起)中的表格项"
    ]


def test_rules_across_years_compare_with_the_year_before():
    """上年结转 must be last year's 结转下年度; 现行有效 must follow from last year's, 制发 and 废止."""
    last = {("applications", "carried_forward", "natural_person"): Decimal(3)}
    last[("proactive", "rules", "in_force")] = Decimal(10)
    now = {("applications", "carried_over", "natural_person"): Decimal(3)}
    now.update({("proactive", "rules", c): Decimal(v) for c, v in (("in_force", 11), ("issued", 2), ("repealed", 1))})
    results = fmt.check_across_years((fmt.EDITION_2021, last), (fmt.EDITION_2021, now))
    assert [(r.rule, r.ok) for r in results] == [
        ("applications.carried_over_last_year", True),
        ("proactive.in_force_last_year", True),
    ]
    now[("applications", "carried_over", "natural_person")] = Decimal(5)
    now[("proactive", "rules", "in_force")] = Decimal(12)
    carried, in_force = fmt.check_across_years((fmt.EDITION_2021, last), (fmt.EDITION_2021, now))
    assert not carried.ok and "自然人列: 本年 5 ≠ 上年 3" in carried.detail
    assert not in_force.ok and "规章: 现行有效 12 ≠ 上年 10 + 制发 2 − 废止 1" in in_force.detail
    # Nothing to compare: no rule is reported; a 2019-edition year before has no 现行有效件数.
    assert fmt.check_across_years((fmt.EDITION_2021, {}), (fmt.EDITION_2021, now)) == []
    assert [r.rule for r in fmt.check_across_years((fmt.EDITION_2019, last), (fmt.EDITION_2021, now))] == [
        "applications.carried_over_last_year"
    ]
