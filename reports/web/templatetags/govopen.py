from django import template
from django.urls import reverse
from django.utils import dateformat
from django.utils.html import escape, format_html
from django.utils.safestring import mark_safe

from reports import format as fmt
from reports.format.layout import place_grid

register = template.Library()


@register.filter
def cell_text(cell, values):
    """The shown value of a grid value-cell: blank stays blank."""
    return fmt.format_value(values.get(cell.code), cell.kind)


@register.filter
def cell_code(cell, table):
    return f"{table.code}.{cell.code[0]}.{cell.code[1]}"


@register.filter
def is_bad(cell, bad_cells):
    return cell.code in bad_cells


_FLAG = '<span class="flag" title="表格数据未通过勾稽关系校验">数据待核</span>'


@register.simple_tag
def report_rows(reports):
    """The ``<li>`` rows of a list of reports (home page, list page), built here rather than by an
    include per row: a row is a handful of escaped fields, and the include cost more than the data."""
    out = []
    for report in reports:
        day = dateformat.format(report.published_on, "Y-m-d") if report.published_on else ""
        out.append(
            format_html(
                '<li class="doc-row">\n  <a class="doc-title" href="{}">{}</a>\n  <span class="doc-meta">\n'
                '    <span class="tag tag-{}">{}</span>\n    {}{}\n    {}\n  </span>\n'
                '  <time class="doc-date" datetime="{}">{}</time>\n</li>\n',
                report.get_absolute_url(),
                report.title,
                report.kind,
                report.get_kind_display(),
                report.publisher.name,
                f" · {report.year}年度" if report.year else "",
                mark_safe(_FLAG) if report.checks_failed else "",  # noqa: S308 - a constant
                day,
                day or "—",
            )
        )
    return mark_safe("".join(out))  # noqa: S308 - each row built by format_html


@register.simple_tag
def overview_rows(overview):
    """The rows of the home page's table of annual reports per province and year, each count a link
    to the list of those reports (built here: a few hundred cells, each a link)."""
    base = escape(reverse("reports:list")) + "?kind=annual_report&amp;region="
    rows = []
    for region, counts, total in overview.rows:
        link = base + escape(region.code)
        cells = "".join(
            f'<td><a href="{link}&amp;year={year}">{n}</a></td>' if n else '<td><span class="zero">0</span></td>'
            for year, n in counts
        )
        rows.append(
            f'\n      <tr><th scope="row"><a href="{link}">{escape(region.name)}</a></th>\n      {cells}\n      <td>{total}</td></tr>\n    '
        )
    return mark_safe("".join(rows))  # noqa: S308 - every value escaped or a number


@register.simple_tag
def section_blocks(section):
    """Paragraphs of a section body, with (一)(二) sub-headings told apart (see ``Section.blocks``)."""
    return section.blocks()


@register.simple_tag
def cell_input(form, table, cell):
    """The bound admin form field of a grid value-cell."""
    return form[f"cell__{table.code}__{cell.code[0]}__{cell.code[1]}"]


# A rule mark after a number that breaks a consistency rule (勾稽关系).
_BAD_MARK = ' <span class="bad-mark" title="勾稽关系不符">⚠<span class="visually-hidden">(勾稽关系不符)</span></span>'

# The markup of a table's grid without its numbers, by (table, anchor): it depends on nothing
# else, and the format's tables are a fixed handful, so it is built once per process instead of
# once per request (~200 cells each; issue #10). Bounded all the same.
_GRID_MARKUP: dict[tuple[int, str], tuple] = {}
_GRID_MARKUP_MAX = 256


def _header_html(cell, cell_id: str) -> str:
    return format_html(
        '<th id="{}" scope="{}"{}{}>{}</th>',
        cell_id,
        cell.scope,
        format_html(' rowspan="{}"', cell.rowspan) if cell.rowspan > 1 else "",
        format_html(' colspan="{}"', cell.colspan) if cell.colspan > 1 else "",
        cell.text,
    )


def _grid_markup(table, grid, anchor: str) -> tuple[str, list[list]]:
    """The ``<thead>`` and the body rows of the grid with ids on its header cells and, on each
    number, the ``headers`` that name its row and column, so that a screen reader announces them
    (tables with spans and two levels of labels are beyond what ``scope`` alone conveys).

    Body rows are lists of parts: header cells as finished markup, value cells as
    ``(code, kind, opening tag without its ">")`` for :func:`_table_body` to fill in.
    """
    placed, _, _ = place_grid(grid)
    rows = grid.head + grid.body
    head_rows = len(grid.head)
    all_header = [all(c.header for c in r) for r in rows]
    ids = {}
    for p in placed:
        if p.cell.header:
            ids[id(p.cell)] = f"{anchor}-h{p.row}-{p.col}"

    def headers_of(p) -> str:
        cols = range(p.col, p.col + p.cell.colspan)
        # Column labels: the nearest run of header-only rows above (a block's own head, or the thead).
        r = p.row - 1
        while r >= 0 and not all_header[r]:
            r -= 1
        run_end = r
        while r >= 0 and all_header[r]:
            r -= 1
        col_ids, row_ids = [], []
        for q in placed:
            if not q.cell.header:
                continue
            if r < q.row <= run_end and any(q.col <= c < q.col + q.cell.colspan for c in cols):
                col_ids.append(ids[id(q.cell)])
            elif q.row <= p.row < q.row + q.cell.rowspan and q.col < p.col and q.row >= head_rows:
                row_ids.append(ids[id(q.cell)])
        return " ".join(row_ids + col_ids)

    by_row: dict[int, list] = {}
    for p in placed:
        c = p.cell
        if c.header:
            part = _header_html(c, ids[id(c)])
        else:
            part = (
                c.code,
                c.kind,
                format_html(
                    '<td data-code="{}" headers="{}"{}',
                    f"{table.code}.{c.code[0]}.{c.code[1]}",
                    headers_of(p),
                    format_html(' colspan="{}"', c.colspan) if c.colspan > 1 else "",
                ),
            )
        by_row.setdefault(p.row, []).append(part)
    out = [by_row.get(i, []) for i in range(len(rows))]
    head = "".join("<tr>" + "".join(row) + "</tr>" for row in out[:head_rows])
    return (f"<thead>{head}</thead>" if head_rows else ""), out[head_rows:]


def _table_body(rows: list[list], values: dict, bad_cells: set) -> str:
    """The body rows with the report's numbers and rule marks filled in."""
    out = []
    for row in rows:
        out.append("<tr>")
        for part in row:
            if part.__class__ is tuple:
                code, kind, opening = part
                # A number's text is digits, sign and point only: nothing to escape.
                text = fmt.format_value(values.get(code), kind)
                if code in bad_cells:
                    out.append(f'{opening} class="bad">{text}{_BAD_MARK}</td>')
                else:
                    out.append(f"{opening}>{text}</td>")
            else:
                out.append(part)
        out.append("</tr>\n    ")
    return "".join(out)


@register.simple_tag(takes_context=True)
def official_grid(context, t):
    """An official table's grid as markup: ``{"anchor", "head", "body"}`` (``head`` is the
    ``<thead>`` or "", ``body`` the ``<tr>`` rows of the ``<tbody>``).

    Ids are unique on the page even when a table is shown twice (the statistics page's totals).
    """
    request = context.get("request")
    seen = getattr(request, "_govopen_tables", None) if request is not None else None
    if seen is None:
        seen = {}
        if request is not None:
            request._govopen_tables = seen
    table = t.table
    code = table.code
    seen[code] = seen.get(code, 0) + 1
    anchor = f"table-{code}" if seen[code] == 1 else f"table-{code}-{seen[code]}"

    # The grid is layout_grid(table), a function of the (immutable) table; the entry keeps the
    # table so that its id cannot be reused by another object while cached.
    key = (id(table), anchor)
    cached = _GRID_MARKUP.get(key)
    if cached is None or cached[0] is not table:
        if len(_GRID_MARKUP) >= _GRID_MARKUP_MAX:
            _GRID_MARKUP.clear()
        cached = _GRID_MARKUP[key] = (table, *_grid_markup(table, t.grid, anchor))
    _, head, body_rows = cached
    return {"anchor": anchor, "head": mark_safe(head), "body": mark_safe(_table_body(body_rows, t.values, t.bad_cells))}  # noqa: S308 - built from escaped parts
