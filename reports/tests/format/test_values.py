"""Reading, checking and showing a cell's value (reports/format/values.py)."""

from decimal import Decimal

import pytest

from reports import format as fmt


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("39,908", 39908),
        ("６", 6),
        ("251000元", Decimal("25.1")),  # the tables count 万元: an amount printed in 元 is converted exactly
        ("920元", Decimal("0.092")),
        ("96171.6万元", Decimal("96171.6")),
        ("0.092", Decimal("0.092")),
        ("—", None),
        ("无", None),
    ],
)
def test_cell_texts_read_as_printed(text, value):
    assert fmt.parse_value(text) == value


@pytest.mark.parametrize(
    ("value", "kind", "shown"),
    [
        ("0.092", fmt.AMOUNT, "0.092"),
        ("24252.311082", fmt.AMOUNT, "24252.311082"),
        ("6858.5", fmt.AMOUNT, "6858.50"),
        ("6858.050000", fmt.AMOUNT, "6858.05"),
        ("12.000000", fmt.AMOUNT, "12"),
        ("3.000000", fmt.INTEGER, "3"),
    ],
)
def test_amounts_are_shown_with_every_printed_decimal(value, kind, shown):
    """An amount keeps the decimals it was printed with (at least two); a count has none."""
    assert fmt.format_value(Decimal(value), kind) == shown


def test_counts_may_not_be_negative_except_the_yearly_change():
    """本年增/减 (2019 edition) is the one column that may be negative; too many decimals are refused too."""
    count = fmt.code_column(("applications", "received", "total"))
    change = fmt.code_column(("proactive", "licensing", "items_change"))
    amount = fmt.code_column(("proactive", "fees", "amount"))
    assert fmt.number_errors(Decimal(-1), count) == ["不能为负数"]
    assert fmt.number_errors(Decimal(-1), change) == []
    assert fmt.number_errors(Decimal("0.0000001"), amount) == ["小数位数过多"]
    assert fmt.number_errors(Decimal("0.000001"), amount) == []


def test_amounts_are_stored_exactly(make_report):
    """0.092 万元 goes into the database and comes back as 0.092, also in the open data."""
    from reports.exporters.opendata import report_open_data
    from reports.selectors.reports import report_page

    report = make_report(values={("proactive", "fees", "amount"): Decimal("0.092")})
    page = report_page(pk=report.pk)
    assert page.values[("proactive", "fees", "amount")] == Decimal("0.092")
    assert report_open_data(page)["tables"]["proactive"]["fees"]["amount"] == "0.092"


def test_a_count_above_a_billion_is_refused_and_a_billion_is_not():
    """十亿 is the bound of a plausible count or amount (万元); NaN, infinity and a bool are no numbers."""
    count = fmt.code_column(("applications", "received", "total"))
    amount = fmt.code_column(("proactive", "fees", "amount"))
    assert fmt.number_errors(Decimal(10**9), count) == []
    assert fmt.number_errors(Decimal(10**9 + 1), count) == ["数值过大(超过十亿)"]
    assert fmt.number_errors(Decimal("1000000000.000001"), amount) == ["数值过大(超过十亿)"]
    assert fmt.number_errors(Decimal("-0.5"), count) == ["应为整数", "不能为负数"]
    for nonsense in (Decimal("NaN"), Decimal("Infinity"), Decimal("-Infinity"), True, "12"):
        assert fmt.number_errors(nonsense, count) == ["不是数字"]
    assert fmt.number_errors(12, count) == [] and fmt.number_errors(2.5, count) == ["应为整数"]


def test_cell_errors_name_table_row_and_column():
    """Each reason names the cell by its table, row (with its group) and column in Chinese."""
    code = ("applications", "other_misc", "other_org")
    assert fmt.cell_errors(fmt.EDITION_2021, code, Decimal(-2)) == [
        "表三(收到和处理政府信息公开申请情况)「(六)其他处理 3.其他」行「法人或其他组织 其他」列:不能为负数,填写的是 -2"
    ]
    assert fmt.cell_errors(fmt.EDITION_2019, ("proactive", "licensing", "items_change"), Decimal(-3)) == []
    assert fmt.cell_errors(fmt.EDITION_2021, ("proactive", "licensing", "items_change"), Decimal(-3)) == [
        "proactive.licensing.items_change 不是2021年版格式(2021年度起)中的表格项"
    ]


def test_a_publication_date_before_the_written_date_is_named():
    import datetime

    written, published = datetime.date(2024, 1, 31), datetime.date(2024, 1, 20)
    assert fmt.date_order_error(written, published) == (
        "发布日期(2024-01-20)早于成文日期(2024-01-31):报告不能在成文之前发布,请按原文核对两个日期。"
    )
    assert fmt.date_order_error(written, written) is None
    assert fmt.date_order_error(None, published) is None and fmt.date_order_error(written, None) is None
