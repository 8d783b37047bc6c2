from django import template

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


@register.simple_tag
def section_blocks(section):
    """Paragraphs of a section body, with (一)(二) sub-headings told apart (see ``Section.blocks``)."""
    return section.blocks()


@register.simple_tag
def cell_input(form, table, cell):
    """The bound admin form field of a grid value-cell."""
    return form[f"cell__{table.code}__{cell.code[0]}__{cell.code[1]}"]


@register.simple_tag(takes_context=True)
def accessible_grid(context, t):
    """The official grid with ids on its header cells and, on each number, the ``headers`` that
    name its row and column, so that a screen reader announces them (tables with spans and two
    levels of labels are beyond what ``scope`` alone conveys).

    Returns ``{"anchor", "head", "body"}``; rows are lists of ``(cell, id, headers)``. Ids are
    unique on the page even when a table is shown twice (the statistics page's totals).
    """
    request = context.get("request")
    seen = getattr(request, "_govopen_tables", None) if request is not None else None
    if seen is None:
        seen = {}
        if request is not None:
            request._govopen_tables = seen
    code = t.table.code
    seen[code] = seen.get(code, 0) + 1
    anchor = f"table-{code}" if seen[code] == 1 else f"table-{code}-{seen[code]}"

    grid = t.grid
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
        found, r = [], p.row - 1
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
        found = row_ids + col_ids
        return " ".join(found)

    by_row: dict[int, list] = {}
    for p in placed:
        by_row.setdefault(p.row, []).append((p.cell, ids.get(id(p.cell), ""), "" if p.cell.header else headers_of(p)))
    out = [by_row.get(i, []) for i in range(len(rows))]
    return {"anchor": anchor, "head": out[:head_rows], "body": out[head_rows:]}
