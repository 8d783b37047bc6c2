"""Whole reports written in the table layouts real documents use, from a known set of numbers.

Each layout is how some portal, office program or copy-paste flattens the official tables:
``|`` between cells, one cell per line (with or without blank lines), spaces, tabs with a
row-group label sharing the line with its first row, markdown rows, and real HTML tables with
rowspan/colspan, ``<br>`` in headers and ``&nbsp;`` cells. The rows come from the format's own
grid (reports/format/layout.py), so every layout carries exactly the official labels and spans.
"""

from __future__ import annotations

import html
from decimal import Decimal

from reports import format as fmt

BLANK = "—"  # how a flattened table marks a cell the report left blank
TEXT_LAYOUTS = ("pipes", "cell_per_line", "blank_lines", "spaces", "tabs", "markdown")
LAYOUTS = (*TEXT_LAYOUTS, "html")


def sample_values(edition: str, *, blank_every: int = 11) -> dict:
    """A different number in every cell, some cells blank, amounts with up to six decimals."""
    values: dict = {}
    for i, code in enumerate(fmt.all_codes(edition), start=1):
        if i % blank_every == 0:
            values[code] = None
        elif fmt.code_kind(code) == fmt.AMOUNT:
            values[code] = Decimal(f"{i * 101}.{i:02d}") if i % 2 else Decimal("0.092")
        else:
            values[code] = Decimal(i * 3 + 1)
    return values


def _shown(value) -> str:
    return BLANK if value is None else fmt.plain_number(value)


def _rows(table: fmt.Table, values: dict) -> list[list[tuple[object, int, int]]]:
    """The grid's rows as (text or value, rowspan, colspan) cells, as HTML writes them."""
    grid = fmt.layout_grid(table)
    out = []
    for row in [*grid.head, *grid.body]:
        cells = []
        for cell in row:
            content = cell.text if cell.header else values.get((table.code, *cell.code))
            cells.append((content if cell.header else ("value", content), cell.rowspan, cell.colspan))
        out.append(cells)
    return out


def _text_row(cells) -> list[str]:
    return [_shown(c[1]) if isinstance(c, tuple) else c for c, _, _ in cells]


def table_text(table: fmt.Table, values: dict, layout: str) -> str:
    rows = [_text_row(cells) for cells in _rows(table, values)]
    if layout == "pipes":
        return "\n".join("|" + "|".join(r) + "|" for r in rows)
    if layout == "markdown":
        lines = ["| " + " | ".join(r) + " |" for r in rows]
        return "\n".join([lines[0], "|" + "---|" * len(rows[0]), *lines[1:]])
    if layout == "cell_per_line":
        return "\n".join(t for r in rows for t in r)
    if layout == "blank_lines":
        return "\n\n".join(t for r in rows for t in r)
    if layout == "spaces":
        return "\n".join(" ".join(r) for r in rows)
    if layout == "tabs":
        return "\n".join("\t".join(r) for r in rows)
    raise ValueError(layout)


def _html_text(text: str) -> str:
    # Long headers wrap in the source: a <br> in the middle, as portals save them.
    escaped = html.escape(text)
    if len(text) > 8:
        middle = len(text) // 2
        escaped = html.escape(text[:middle]) + "<br>" + html.escape(text[middle:])
    return escaped


def table_html(table: fmt.Table, values: dict) -> str:
    out = ["<table border='1'>"]
    for cells in _rows(table, values):
        out.append("<tr>")
        for content, rowspan, colspan in cells:
            span = (f" rowspan='{rowspan}'" if rowspan > 1 else "") + (f" colspan='{colspan}'" if colspan > 1 else "")
            if isinstance(content, tuple):
                shown = "&nbsp;" if content[1] is None else fmt.plain_number(content[1])
                out.append(f"<td{span}>{shown}</td>")
            else:
                out.append(f"<td{span}>{_html_text(content)}</td>")
        out.append("</tr>")
    out.append("</table>")
    return "".join(out)


def document(edition: str, values: dict, layout: str, *, year: int, publisher: str = "乐至县人民政府") -> bytes:
    """A whole annual report (title, six parts, the tables inside 二, 三 and 四) in one layout."""
    tables = fmt.tables_for(edition)
    parts = []
    for part in fmt.PARTS:
        body = f"{year}年,{publisher}认真落实《条例》,{part.heading}如下。"
        table = tables.get(part.table) if part.table else None
        if table is not None:
            body += "\n" + (table_html(table, values) if layout == "html" else table_text(table, values, layout))
        parts.append((f"{part.number}、{part.heading}", body))
    title = f"{publisher}{year}年政府信息公开工作年度报告"
    if layout == "html":
        paragraphs = "".join(
            f"<p>{html.escape(h)}</p>"
            + "".join(b if b.startswith("<table") else f"<p>{html.escape(b)}</p>" for b in body.split("\n"))
            for h, body in parts
        )
        page = f"<html><head><meta charset='utf-8'><title>{title}</title></head><body><h1>{title}</h1>{paragraphs}</body></html>"
        return page.encode("utf-8")
    text = "\n".join([title, *(f"{h}\n{b}" for h, b in parts)])
    return text.encode("utf-8")
