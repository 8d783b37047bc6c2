"""The official grid with its spans (reports/format/layout.py)."""

from reports import format as fmt


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
