"""The official tables' markup, cell by cell, against a recorded copy (reports/_table.html).

The copy was recorded from the template as it stood before the tables were built in Python
(issue #10): the ids, ``headers`` and ``scope`` attributes that let a screen reader announce each
number's row and column, the spans, the rule marks and the escaping must not change.
"""

from decimal import Decimal
from pathlib import Path
from types import SimpleNamespace

from django.template.loader import render_to_string

from reports import format as fmt
from reports.selectors.reports import RenderedTable

RECORDED = Path(__file__).resolve().parents[1] / "fixtures" / "official_tables.html"


def sample_tables() -> list[RenderedTable]:
    """Every standard table of every edition, with blanks, decimals, marked cells and rule lines; the
    first table a second time (its ids get a suffix) and one table without numbers."""
    out = []
    for edition in fmt.EDITIONS:
        for table in fmt.tables_for(edition).values():
            grid = fmt.layout_grid(table)
            cells = [c for row in grid.head + grid.body for c in row if not c.header]
            values, bad = {}, set()
            for n, cell in enumerate(cells):
                if n % 7 == 3:
                    continue  # a blank cell
                values[cell.code] = Decimal(n * 13) if cell.kind == fmt.INTEGER else Decimal(f"{n}.{n % 10}05")
                if n % 11 == 5:
                    bad.add(cell.code)
            checks = [
                SimpleNamespace(ok=True, title=f"{table.short}合计 <总计>", detail=""),
                SimpleNamespace(ok=False, title="", detail=f'{table.short}: 1 + 2 ≠ 4 & "x" <b>'),
            ]
            out.append(RenderedTable(table, grid, values, checks, bad, True))
    first = out[0]
    out.append(RenderedTable(first.table, first.grid, first.values, [], set(), True))
    out.append(RenderedTable(first.table, first.grid, {}, [], set(), False))
    return out


def render_sample() -> str:
    request = SimpleNamespace()  # the tag counts the tables shown on one page on the request
    return "".join(render_to_string("reports/_table.html", {"t": t, "request": request}) for t in sample_tables())


def test_official_tables_markup_is_unchanged():
    """Each table renders exactly the recorded markup: ids, headers, scopes, spans, marks, escaping."""
    assert render_sample() == RECORDED.read_text(encoding="utf-8")


def test_every_number_names_its_headers_and_every_header_has_an_id():
    """Each value cell carries ``headers`` pointing at existing header ids; each header has a scope."""
    import re

    html = RECORDED.read_text(encoding="utf-8")
    ids = set(re.findall(r'<th id="([^"]+)" scope="(?:col|row|colgroup|rowgroup)"', html))
    assert len(ids) == html.count("<th id=")
    cells = re.findall(r'<td data-code="[^"]+" headers="([^"]*)"', html)
    assert cells and len(cells) == html.count("<td ")
    for headers in cells:
        assert headers and set(headers.split()) <= ids


def test_report_rows_escape_and_flag():
    """A list row escapes the title and publisher, and shows 数据待核, the year and the date only when set."""
    from datetime import date

    from reports.models import Publisher, Report
    from reports.web.templatetags.govopen import report_rows

    flagged = Report(pk=7, title='a <b> & "c"', kind="annual_report", year=2023, published_on=date(2024, 1, 5))
    flagged.publisher = Publisher(name="x<y>")
    flagged.checks_failed = 2
    plain = Report(pk=8, title="t", kind="guide", year=None, published_on=None)
    plain.publisher = Publisher(name="p")
    assert report_rows([flagged, plain]) == (
        '<li class="doc-row">\n  <a class="doc-title" href="/reports/7/">a &lt;b&gt; &amp; &quot;c&quot;</a>\n'
        '  <span class="doc-meta">\n    <span class="tag tag-annual_report">政府信息公开工作年度报告</span>\n'
        "    x&lt;y&gt; · 2023年度\n"
        '    <span class="flag" title="表格数据未通过勾稽关系校验">数据待核</span>\n  </span>\n'
        '  <time class="doc-date" datetime="2024-01-05">2024-01-05</time>\n</li>\n'
        '<li class="doc-row">\n  <a class="doc-title" href="/reports/8/">t</a>\n'
        '  <span class="doc-meta">\n    <span class="tag tag-guide">政府信息公开指南</span>\n'
        "    p\n    \n  </span>\n"
        '  <time class="doc-date" datetime="">—</time>\n</li>\n'
    )
