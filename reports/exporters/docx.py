"""Word (.docx): headings, paragraphs and the three tables as real Word tables with merged cells.

Laid out as an official document (GB/T 9704) so that an office can start next year's report from
it: A4 with the standard margins, 3号仿宋 body on a fixed 28.9 pt line, 黑体/楷体 headings, tables in
the official grid of ``format.layout_grid`` (head rows repeat on each page), page numbers
"— N —" in the footer. Font names are the ones Chinese offices have (仿宋, 黑体, 楷体, 宋体).
"""

from __future__ import annotations

import datetime
import io

from django.conf import settings
from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.table import WD_CELL_VERTICAL_ALIGNMENT, WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt, RGBColor

from reports import format as fmt
from reports.exporters.common import column_weights, title_lines
from reports.selectors.reports import ReportPage

BODY_FONT = "仿宋"
TITLE_FONT = "宋体"
H1_FONT = "黑体"
H2_FONT = "楷体"
TABLE_FONT = "宋体"
LATIN_FONT = "Times New Roman"
BODY_SIZE = Pt(16)  # 3号
TITLE_SIZE = Pt(22)  # 2号
TABLE_SIZE = Pt(10.5)  # 5号
PAGE_NUMBER_SIZE = Pt(14)  # 4号
LINE = Pt(28.9)  # 22 lines on the 225 mm 版心
TEXT_WIDTH = Mm(156)
TABLE_TEXT_STYLE = "表格文字"


def _set_fonts(rpr_owner, east_asia: str, *, latin: str = LATIN_FONT) -> None:
    """Name the fonts of a style or run for both scripts; theme fonts would override names."""
    rpr = rpr_owner.element.get_or_add_rPr() if hasattr(rpr_owner, "element") else rpr_owner
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        rpr.insert(0, fonts)
    for attr in ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme"):
        fonts.attrib.pop(qn(attr), None)
    fonts.set(qn("w:ascii"), latin)
    fonts.set(qn("w:hAnsi"), latin)
    fonts.set(qn("w:eastAsia"), east_asia)


def _style(doc, name: str, *, font: str, size, bold=False, base=None, para=True):
    styles = doc.styles
    try:
        style = styles[name]
    except KeyError:
        style = styles.add_style(name, WD_STYLE_TYPE.PARAGRAPH if para else WD_STYLE_TYPE.CHARACTER)
        if base:
            style.base_style = styles[base]
    style.font.size = size
    style.font.bold = bold
    style.font.italic = False
    style.font.color.rgb = RGBColor(0, 0, 0)
    _set_fonts(style, font)
    return style


def _setup(doc) -> None:
    section = doc.sections[0]
    section.orientation = WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin, section.bottom_margin = Mm(37), Mm(35)
    section.left_margin, section.right_margin = Mm(28), Mm(26)
    section.footer_distance = Mm(21)

    # Chinese as the document language, for spelling and line breaking.
    rpr_default = doc.styles.element.find(qn("w:docDefaults")).find(qn("w:rPrDefault")).find(qn("w:rPr"))
    lang = rpr_default.find(qn("w:lang"))
    if lang is None:
        lang = OxmlElement("w:lang")
        rpr_default.append(lang)
    lang.set(qn("w:val"), "en-US")
    lang.set(qn("w:eastAsia"), "zh-CN")

    normal = _style(doc, "Normal", font=BODY_FONT, size=BODY_SIZE)
    pf = normal.paragraph_format
    pf.line_spacing_rule = WD_LINE_SPACING.EXACTLY
    pf.line_spacing = LINE
    pf.space_before = pf.space_after = Pt(0)
    pf.first_line_indent = Pt(32)  # two characters
    pf.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
    pf.widow_control = True

    for name, font in (("Heading 1", H1_FONT), ("Heading 2", H2_FONT)):
        h = _style(doc, name, font=font, size=BODY_SIZE)
        hf = h.paragraph_format
        hf.line_spacing_rule = WD_LINE_SPACING.EXACTLY
        hf.line_spacing = LINE
        hf.space_before = hf.space_after = Pt(0)
        hf.first_line_indent = Pt(32)
        hf.keep_with_next = True

    title = _style(doc, "Title", font=TITLE_FONT, size=TITLE_SIZE, bold=True)
    tpr = title.element.get_or_add_pPr()
    for border in tpr.findall(qn("w:pBdr")):
        tpr.remove(border)
    tf = title.paragraph_format
    tf.alignment = WD_ALIGN_PARAGRAPH.CENTER
    tf.line_spacing_rule = WD_LINE_SPACING.EXACTLY
    tf.line_spacing = Pt(36)
    tf.first_line_indent = Pt(0)
    tf.space_before, tf.space_after = Pt(0), LINE

    cell = _style(doc, TABLE_TEXT_STYLE, font=TABLE_FONT, size=TABLE_SIZE, base="Normal")
    cf = cell.paragraph_format
    cf.line_spacing_rule = WD_LINE_SPACING.SINGLE
    cf.first_line_indent = Pt(0)
    cf.alignment = WD_ALIGN_PARAGRAPH.CENTER

    _page_numbers(section)


def _field(paragraph, instruction: str) -> None:
    """A Word field (PAGE) in a paragraph: begin, instruction, separate, result, end."""
    run = paragraph.add_run()
    for kind, text in (("begin", None), ("instr", instruction), ("separate", None), ("text", "1"), ("end", None)):
        if kind == "instr":
            el = OxmlElement("w:instrText")
            el.set(qn("xml:space"), "preserve")
            el.text = text
        elif kind == "text":
            el = OxmlElement("w:t")
            el.text = text
        else:
            el = OxmlElement("w:fldChar")
            el.set(qn("w:fldCharType"), kind)
        run._r.append(el)
    run.font.size = PAGE_NUMBER_SIZE
    _set_fonts(run._r.get_or_add_rPr(), TITLE_FONT)


def _page_numbers(section) -> None:
    p = section.footer.paragraphs[0]
    p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    p.paragraph_format.first_line_indent = Pt(0)
    for text in ("— ", None, " —"):
        if text is None:
            _field(p, " PAGE ")
            continue
        run = p.add_run(text)
        run.font.size = PAGE_NUMBER_SIZE
        _set_fonts(run._r.get_or_add_rPr(), TITLE_FONT)


def _repeat_header(row) -> None:
    trpr = row._tr.get_or_add_trPr()
    el = OxmlElement("w:tblHeader")
    el.set(qn("w:val"), "true")
    trpr.append(el)


def _cant_split(row) -> None:
    trpr = row._tr.get_or_add_trPr()
    trpr.append(OxmlElement("w:cantSplit"))


def _cell_text(cell, text: str, style_id: str, *, align=WD_ALIGN_PARAGRAPH.CENTER) -> None:
    cell.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.CENTER
    p = cell.paragraphs[0]
    p._p.style = style_id  # by id: assigning a style by name looks it up among all styles each time
    p.alignment = align
    p.text = text


def _widths(weights: list[int]) -> list[int]:
    total = sum(weights)
    return [int(TEXT_WIDTH * w / total) for w in weights]


def add_grid_table(doc, grid: fmt.Grid, values: dict) -> None:
    """One standard table in the official grid: merged cells, head rows repeated on each page."""
    placed, n_rows, width = fmt.place_grid(grid)
    table = doc.add_table(rows=n_rows, cols=width)
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = False
    style_id = doc.styles[TABLE_TEXT_STYLE].style_id
    widths = _widths(column_weights(placed, width))
    for i, col in enumerate(table.columns):
        col.width = widths[i]
    # table.cell() rebuilds the whole cell list on every call; take it once, before merging. Merges
    # only remove cells inside a merged area, never the corners of another area used below.
    cells = table._cells
    for k, cell in enumerate(cells):
        cell.width = widths[k % width]
    for i, row in enumerate(table.rows):
        _cant_split(row)
        if i < len(grid.head):
            _repeat_header(row)
    for p in placed:
        c = p.cell
        target = cells[p.row * width + p.col]
        if c.rowspan > 1 or c.colspan > 1:
            target = target.merge(cells[(p.row + c.rowspan - 1) * width + p.col + c.colspan - 1])
        if c.header:
            # Row labels read left-aligned, as on the page; group labels and heads are centred.
            left = not p.header_row and c.scope == "row"
            align = WD_ALIGN_PARAGRAPH.LEFT if left else WD_ALIGN_PARAGRAPH.CENTER
            _cell_text(target, c.text, style_id, align=align)
        else:
            _cell_text(target, fmt.format_value(values.get(c.code), c.kind), style_id)


def _add_free_table(doc, free_table) -> None:
    rows = free_table.rows or []
    width = max((len(r) for r in rows), default=0)
    if not width:
        return
    table = doc.add_table(rows=len(rows), cols=width)
    table.style = "Table Grid"
    style_id = doc.styles[TABLE_TEXT_STYLE].style_id
    cells = table._cells
    for i, row in enumerate(rows):
        if i < free_table.header_rows:
            _repeat_header(table.rows[i])
        for j, text in enumerate(row):
            _cell_text(cells[i * width + j], str(text), style_id)


def _caption(doc, text: str) -> None:
    p = doc.add_paragraph(style="Heading 2")
    p.paragraph_format.first_line_indent = Pt(0)
    p.add_run(text)


def render_docx(data: ReportPage) -> bytes:
    """The report as a Word document."""
    report = data.report
    doc = Document()
    _setup(doc)

    title = doc.add_paragraph(style="Title")
    for i, line in enumerate(title_lines(report.title, report.publisher.name)):
        if i:
            title.add_run().add_break()
        title.add_run(line)
    if report.document_no:
        p = doc.add_paragraph(report.document_no)
        p.alignment = WD_ALIGN_PARAGRAPH.CENTER
        p.paragraph_format.first_line_indent = Pt(0)

    for section in data.sections:
        if section.number or section.heading:
            number = f"{section.number}、" if section.number else ""
            doc.add_paragraph(f"{number}{section.heading}", style="Heading 1")
        for kind, text in section.blocks():
            if kind == "h":
                doc.add_paragraph(text, style="Heading 2")
            elif kind == "lead":
                p = doc.add_paragraph()
                p.add_run(text[0]).bold = True
                p.add_run(text[1])
            else:
                doc.add_paragraph(text)
        for t in data.tables_in(section.number) if section.number else []:
            add_grid_table(doc, t.grid, t.values)
            doc.add_paragraph()
    for t in data.tables_after:
        _caption(doc, t.table.caption)
        add_grid_table(doc, t.grid, t.values)
        doc.add_paragraph()
    for ft in data.free_tables:
        if ft.caption:
            _caption(doc, ft.caption)
        _add_free_table(doc, ft)
        doc.add_paragraph()

    # 发文机关署名 and 成文日期, right-aligned four characters in.
    date = report.written_on or report.published_on
    doc.add_paragraph()
    for text in filter(None, (report.publisher.name, f"{date.year}年{date.month}月{date.day}日" if date else "")):
        p = doc.add_paragraph(text)
        p.alignment = WD_ALIGN_PARAGRAPH.RIGHT
        p.paragraph_format.right_indent = Pt(64)
        p.paragraph_format.first_line_indent = Pt(0)

    props = doc.core_properties
    props.title = report.title
    props.author = report.publisher.name
    props.subject = report.get_kind_display()
    props.keywords = ", ".join(filter(None, [report.region.name, str(report.year or "")]))
    props.comments = f"{settings.GOVOPEN_SITE_NAME}:{data.page_url}"
    props.language = "zh-CN"
    stamp = datetime.datetime.combine(date or datetime.date(2000, 1, 1), datetime.time())
    props.created = props.modified = stamp
    props.last_modified_by = settings.GOVOPEN_SITE_NAME
    props.revision = 1

    out = io.BytesIO()
    doc.save(out)  # not the ORM: the Word document
    return out.getvalue()
