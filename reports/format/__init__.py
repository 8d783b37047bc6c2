"""The national annual-report format, written down once, as data (shared/FORMAT.md).

- :mod:`~reports.format.tables` — editions, parts, the three standard tables: rows, columns, codes.
- :mod:`~reports.format.layout` — the official grid (rowspan/colspan) every renderer draws.
- :mod:`~reports.format.rules` — the consistency rules (勾稽关系).
- :mod:`~reports.format.values` — reading, checking and showing a cell's value; plausible years.

Import, rendering, export and statistics read this package; none of them hard-codes a label. It
imports nothing from Django or from the rest of the project. Callers write ``from reports import
format as fmt`` and use the names re-exported here.
"""

from reports.format.layout import Cell, Grid, PlacedCell, layout_grid, place_grid
from reports.format.rules import (
    RULES,
    YEAR_RULE_CODES,
    CheckResult,
    Values,
    check,
    check_across_years,
    checks_of_table,
    failed_count,
)
from reports.format.tables import *  # noqa: F403 - the format's data is this package's public face
from reports.format.tables import __all__ as _table_names
from reports.format.values import (
    FIRST_YEAR,
    LAST_YEAR,
    MAX_DECIMALS,
    MAX_VALUE,
    YEAR_RANGE_MESSAGE,
    cell_errors,
    code_column,
    code_kind,
    date_order_error,
    display_number,
    editor_codes,
    format_value,
    is_value,
    json_number,
    number_error,
    number_errors,
    parse_value,
    plain_number,
    plausible_year,
    spreadsheet_number,
    value_errors,
)

__all__ = [
    *_table_names,
    "Cell",
    "CheckResult",
    "FIRST_YEAR",
    "Grid",
    "LAST_YEAR",
    "PlacedCell",
    "RULES",
    "YEAR_RULE_CODES",
    "Values",
    "YEAR_RANGE_MESSAGE",
    "check",
    "check_across_years",
    "checks_of_table",
    "MAX_DECIMALS",
    "MAX_VALUE",
    "code_column",
    "code_kind",
    "date_order_error",
    "display_number",
    "editor_codes",
    "failed_count",
    "format_value",
    "is_value",
    "json_number",
    "number_error",
    "number_errors",
    "layout_grid",
    "parse_value",
    "place_grid",
    "plain_number",
    "plausible_year",
    "spreadsheet_number",
    "cell_errors",
    "value_errors",
]
