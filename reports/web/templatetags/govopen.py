from django import template

from reports import format as fmt

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
