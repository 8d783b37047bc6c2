"""The national format as data: every code of FORMAT.md (reports/format/tables.py)."""

from reports import format as fmt


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


def test_cell_names_say_table_row_and_column():
    """A cell's name for messages: the table's number and title, the row and the column, each with its group."""
    assert fmt.APPLICATIONS_2021.cell_name("received", "total") == (
        "表三(收到和处理政府信息公开申请情况)「一、本年新收政府信息公开申请数量」行「申请人情况 总计」列"
    )
    assert fmt.REVIEW_LITIGATION.cell_name("litigation_after_review", "total") == (
        "表四(政府信息公开行政复议、行政诉讼情况)「行政诉讼 复议后起诉」行「总计」列"
    )
    assert fmt.PROACTIVE_2021.cell_name("rules", "issued") == "表二(主动公开政府信息情况)「规章」行「本年制发件数」列"
