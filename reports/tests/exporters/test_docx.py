"""Word: headings, paragraphs and the official tables (reports/exporters/docx.py)."""

import io
from urllib.parse import quote

import pytest
from docx import Document
from docx.oxml.ns import qn

from reports import format as fmt
from reports.tests.conftest import HUMAN_NAME, PARTS, download

pytestmark = pytest.mark.django_db


def test_docx_has_headings_paragraphs_and_tables_with_merged_cells(client, full_report):
    """Word: the six parts as headings, the three tables as Word tables in the official grid."""
    response, body = download(client, full_report, "docx")
    assert HUMAN_NAME in response["Content-Disposition"] or quote(HUMAN_NAME) in response["Content-Disposition"]
    doc = Document(io.BytesIO(body))
    section = doc.sections[0]
    assert (round(section.page_width.mm), round(section.page_height.mm)) == (210, 297)
    assert "PAGE" in section.footer._element.xml
    headings = [p.text for p in doc.paragraphs if p.style.name == "Heading 1"]
    assert headings == [f"{n}、{h}" for n, h, _ in PARTS]
    assert "总体情况的正文。" in [p.text for p in doc.paragraphs]
    assert doc.paragraphs[0].text.replace("\n", "") == full_report.title

    proactive, applications, review = doc.tables
    texts = {c.text for row in proactive.rows for c in row.cells}
    assert {"6858.05", "64", "第二十条第(一)项"} <= texts

    t = applications
    # The corner spans 3 × 3; 申请人情况 spans the 7 applicant columns; 法人或其他组织 spans 5.
    assert t.cell(0, 0)._tc is t.cell(2, 2)._tc
    assert t.cell(0, 3).text == "申请人情况" and t.cell(0, 3)._tc.grid_span == 7
    assert t.cell(1, 4).text == "法人或其他组织" and t.cell(1, 4)._tc.grid_span == 5
    # 三、本年度办理结果 runs down 22 rows (vMerge), 自然人 down two head rows.
    assert t.cell(5, 0).text == "三、本年度办理结果" and t.cell(5, 0)._tc is t.cell(26, 0)._tc
    assert t.cell(1, 3)._tc is t.cell(2, 3)._tc
    assert 'w:vMerge w:val="restart"' in t._tbl.xml
    received = next(row for row in t.rows if row.cells[0].text == fmt.APPLICATIONS_2021.row("received").label)
    assert [c.text for c in received.cells[3:]] == ["10", "2", "0", "0", "0", "0", "12"]
    # The head rows repeat on every page.
    assert all(t.rows[i]._tr.trPr.find(qn("w:tblHeader")) is not None for i in range(3))

    assert review.cell(0, 0).text == "行政复议" and review.cell(0, 0)._tc.grid_span == 5
    assert review.cell(0, 5).text == "行政诉讼" and review.cell(0, 5)._tc.grid_span == 10
