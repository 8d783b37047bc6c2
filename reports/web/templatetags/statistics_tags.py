"""Template helpers of the statistics pages: figures, sort links and the SVG charts."""

from django import template
from django.utils.html import escape
from django.utils.safestring import mark_safe

from reports import format as fmt
from reports.web import charts

register = template.Library()


@register.filter
def figure(cell) -> str:
    """The shown value of a table cell: blank stays blank, thousands separated."""
    if cell.figure is None:
        return cell.text
    return fmt.display_number(cell.figure.total, cell.kind)


@register.filter
def number(value) -> str:
    return fmt.display_number(value)


@register.filter
def percent(value) -> str:
    return "" if value is None else f"{value * 100:.1f}%"


@register.simple_tag(takes_context=True)
def sort_url(context, table, key) -> str:
    """This page sorted by ``key`` in ``table``: descending first, ascending when clicked again."""
    query = context["request"].GET.copy()
    order = "asc" if table.sort == key and table.order == "desc" else "desc"
    query[table.sort_param] = key
    query[table.order_param] = order
    return f"?{query.urlencode()}#{table.slug}"


@register.simple_tag(takes_context=True)
def download_url(context, name, fmt, part="") -> str:
    """The download of this page's data: ``part`` one table as CSV, or the whole page as XLSX."""
    from django.urls import reverse

    query = context["request"].GET.copy()
    for key in ("format", "part"):
        query.pop(key, None)
    query["format"] = fmt
    if part:
        query["part"] = part
    return f"{reverse(name)}?{query.urlencode()}"


@register.inclusion_tag("reports/_chart_bars.html")
def bar_chart(table, key, title=""):
    """Column ``key`` of a table as bars, one per (non-total) row."""
    column = next(c for c in table.columns if c.key == key)
    return {"chart": charts.bar_chart(title or f"{column.label}(逐年)", table.column_values(key)), "table": table}


@register.inclusion_tag("reports/_chart_hbars.html")
def ranking_chart(table, key, limit=15):
    """The rows ranked by column ``key`` (by 新收申请 when the table is sorted by name)."""
    column = next((c for c in table.columns if c.key == key), None) or next(
        c for c in table.columns if c.key == "received"
    )
    title = f"排名:{column.label}(前{limit}名)"
    return {"chart": charts.hbar_chart(title, table.column_values(column.key), limit=limit), "table": table}


@register.inclusion_tag("reports/_chart_stacked.html")
def stacked_chart(table, title="", totals=False):
    rows = [
        (r.label, [(c.label, cell.value) for c, cell in zip(table.columns, r.cells, strict=True)])
        for r in table.rows
        if totals or not r.total
    ]
    return {"chart": charts.stacked_chart(title or table.caption, rows, width=1100), "table": table}


@register.inclusion_tag("reports/_chart_lines.html")
def line_chart(table, title=""):
    rows = [r for r in table.rows if not r.total]
    series = [(c.label, [r.cells[i].value for r in rows]) for i, c in enumerate(table.columns)]
    return {"chart": charts.line_chart(title or table.caption, [r.label for r in rows], series), "table": table}


def _attrs(**attrs) -> str:
    return "".join(f' {k.rstrip("_").replace("_", "-")}="{escape(v)}"' for k, v in attrs.items() if v not in (None, ""))


def _link(text: str, href: str) -> str:
    return f'<a href="{escape(href)}">{text}</a>' if href else text


def _cell_html(column, cell) -> str:
    if column.text or cell.figure is None:
        return f"<td>{_link(escape(cell.text), cell.href)}</td>"
    out = [_link(fmt.display_number(cell.figure.total, cell.kind), cell.href)]
    if cell.share is not None:
        out.append(f' <small class="st-share">{cell.share * 100:.1f}%</small>')
    if cell.partial:
        out.append(
            f' <small class="st-n" title="{cell.figure.reports} 份报告填报了此项">({cell.figure.reports}份)</small>'
        )
    return f'<td class="num">{"".join(out)}</td>'


@register.simple_tag(takes_context=True)
def stat_table(context, table, select=False, download_name="", hide_caption=False):
    """A DataTable as an HTML table (written in Python: the big tables have thousands of cells).

    ``hide_caption`` keeps the caption for screen readers only, where a heading above says the same.
    """
    # A box that may scroll sideways is reachable by keyboard (WCAG 2.1.1); its table's caption names it.
    slug = escape(table.slug)
    out = [f'<div class="table-scroll st-table-wrap" tabindex="0"><table class="st-table" id="st-table-{slug}">']
    caption = f'<span class="visually-hidden">{escape(table.caption)}</span>' if hide_caption else escape(table.caption)
    if table.total_rows is not None:
        caption += f' <span class="count">共 {table.total_rows} {escape(table.unit)}'
        if table.truncated:
            caption += f",此处显示前 {len([r for r in table.rows if not r.total])} 行"
            if download_name:
                caption += f',<a href="{escape(download_url(context, download_name, "csv", table.slug))}">下载 CSV</a> 可得全部'
        caption += "</span>"
    out.append(f'<caption id="st-table-{slug}-cap">{caption}</caption><thead><tr>')
    if select:
        out.append('<th scope="col" class="st-select"><span class="visually-hidden">选择对比</span></th>')
    out.append(f'<th scope="col">{escape(table.row_header)}</th>')
    for c in table.columns:
        label = escape(c.label)
        sort = ""
        if c.sortable:
            arrow = "↕"
            if table.sort == c.key:
                arrow = "▼" if table.order == "desc" else "▲"
                sort = "descending" if table.order == "desc" else "ascending"
            label = f'<a href="{escape(sort_url(context, table, c.key))}" rel="nofollow">{label}<span aria-hidden="true"> {arrow}</span></a>'
        elif c.href:
            label = _link(label, c.href)
        if c.detail:
            label += f"<small>{escape(c.detail)}</small>"
        out.append(f'<th scope="col"{_attrs(class_="" if c.text else "num", aria_sort=sort)}>{label}</th>')
    out.append("</tr></thead><tbody>")
    for r in table.rows:
        out.append('<tr class="st-total">' if r.total else "<tr>")
        if select:
            box = ""
            if r.select:
                box = (
                    f'<input type="checkbox" form="compare-form" name="{escape(r.select[0])}" '
                    f'value="{escape(r.select[1])}" aria-label="选择对比:{escape(r.label)}">'
                )
            out.append(f'<td class="st-select">{box}</td>')
        detail = f"<small>{escape(r.detail)}</small>" if r.detail else ""
        out.append(f'<th scope="row">{_link(escape(r.label), r.href)}{detail}</th>')
        out.extend(_cell_html(c, cell) for c, cell in zip(table.columns, r.cells, strict=True))
        out.append("</tr>")
    if not table.rows:
        out.append(f'<tr><td colspan="{len(table.columns) + 1 + bool(select)}" class="empty">没有数据。</td></tr>')
    out.append("</tbody></table></div>")
    if table.note:
        out.append(f'<p class="st-note">{escape(table.note)}</p>')
    return mark_safe("".join(out))  # noqa: S308 - every piece of text above is escaped
