"""Headline measures: sums of FORMAT.md codes that breakdowns, rankings and charts show.

Every measure is defined by codes and label paths of reports/format.py; no label is written here.
A measure of a report is the sum of its filled cells; a report that left all of them blank has no
value for it (and is not counted among the reports behind the figure).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Mapping

from reports import format as fmt

Code = tuple[str, str, str]


@dataclass(frozen=True)
class Measure:
    key: str  # also the column of ReportStat
    label: str
    codes: tuple[Code, ...]
    group: str = ""  # "outcome" for the 办理结果 groups whose shares are charted

    def value(self, values: Mapping[Code, Decimal | None]) -> int | None:
        """The measure of one report: the sum of its filled cells, None when all are blank."""
        total, filled = 0, False
        for code in self.codes:
            v = values.get(code)
            if v is not None:
                total += int(v)
                filled = True
        return total if filled else None


def _label(table: fmt.Table, row: str, column: str | None = None) -> str:
    parts = [fmt.plain_label(p) for p in table.row(row).path]
    if column:
        parts.append(fmt.plain_label(table.column(row, column).label))
    return "·".join(parts)


def _build() -> tuple[Measure, ...]:
    app = fmt.APPLICATIONS_2021
    rl = fmt.REVIEW_LITIGATION
    out = [
        Measure("received", _label(app, "received"), (("applications", "received", "total"),)),
        Measure("handled", _label(app, "handled_total"), (("applications", "handled_total", "total"),)),
    ]
    for group in fmt.outcome_groups():
        out.append(
            Measure(
                group.code,
                fmt.plain_label(group.label),
                tuple(("applications", row, "total") for row in group.rows),
                "outcome",
            )
        )
    for group in fmt.review_groups():
        label = fmt.plain_label(group.label)
        out.append(Measure(group.code, label, tuple(("review_litigation", r, "total") for r in group.rows)))
        out.append(
            Measure(
                f"{group.code}_corrected",
                f"{label}·{fmt.plain_label(rl.column(group.rows[0], 'corrected').label)}",
                tuple(("review_litigation", r, "corrected") for r in group.rows),
            )
        )
    return tuple(out)


MEASURES: tuple[Measure, ...] = _build()
MEASURE_BY_KEY = {m.key: m for m in MEASURES}
OUTCOME_MEASURES = tuple(m for m in MEASURES if m.group == "outcome")
MEASURE_CODES: frozenset[Code] = frozenset(c for m in MEASURES for c in m.codes)
# The applicant columns of the 申请 table (自然人 … 总计), for the applicants-by-type view.
APPLICANT_CODES: tuple[Code, ...] = tuple(("applications", "received", c.code) for c in fmt.APPLICANT_COLUMNS)


def code_label(code: Code, *, short: bool = False) -> str:
    """A person's name for a code: the table's short name (unless ``short``), row and column labels."""
    _, table = fmt.code_table(code)
    label = table.cell_label(code[1], code[2])
    return label if short else f"{table.short} {label}"
