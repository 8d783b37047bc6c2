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
