"""The consistency rules of the standard tables (勾稽关系, shared/FORMAT.md), run over a report's values.

A rule is reported only for a table that has at least one filled cell; inside it, blank cells count
as 0 (the published table left them empty). Nothing is ever "fixed": a failing rule is a message
naming the cells that break it.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Iterable

from reports.format.tables import (
    APPLICANT_PARTS,
    APPLICATIONS_2021,
    OUTCOME_ROWS,
    REVIEW_LITIGATION,
    REVIEW_OUTCOMES,
    YEAR_RULES,
    tables_for,
)
from reports.format.values import Values, plain_number


@dataclass(frozen=True)
class CheckResult:
    rule: str
    ok: bool
    detail: str = ""
    cells: tuple[tuple[str, str, str], ...] = ()  # the cells that break it

    @property
    def title(self) -> str:
        return RULES[self.rule].title

    def as_json(self) -> dict:
        return {"rule": self.rule, "ok": self.ok, "detail": self.detail}


RULES = {r.code: r for r in (*APPLICATIONS_2021.rules, *REVIEW_LITIGATION.rules, *YEAR_RULES)}


def _sum(values: Values, table: str, cells: Iterable[tuple[str, str]]) -> tuple[Decimal, bool]:
    """Sum of cells with blank as 0; the flag tells whether any of them was filled."""
    total, any_filled = Decimal(0), False
    for row, col in cells:
        v = values.get((table, row, col))
        if v is not None:
            total += v
            any_filled = True
    return total, any_filled


def check(edition: str, values: Values) -> list[CheckResult]:
    """Run the consistency rules of FORMAT.md over a report's values.

    A rule is reported only for a table that has at least one filled cell; inside it, blank
    cells count as 0 (the published table left them empty). Nothing is "fixed".
    """
    tables = tables_for(edition)
    present = {t for (t, _, _), v in values.items() if v is not None}
    results: list[CheckResult] = []

    if "applications" in tables and "applications" in present:
        app = tables["applications"]
        short = app.short
        cols = [c.code for c in app.columns]
        labels = {c.code: c.label for c in app.columns}

        def column_rule(code: str, left_rows, right_rows, left_text, right_text):
            bad, details = [], []
            for col in cols:
                left, lf = _sum(values, "applications", [(r, col) for r in left_rows])
                right, rf = _sum(values, "applications", [(r, col) for r in right_rows])
                if (lf or rf) and left != right:
                    bad.extend(("applications", r, col) for r in right_rows)
                    details.append(f"{labels[col]}列: {plain_number(left)} ≠ {plain_number(right)}")
            detail = f"{short}: {left_text} ≠ {right_text} ({'; '.join(details)})" if details else ""
            results.append(CheckResult(code, not details, detail, tuple(bad)))

        column_rule(
            "applications.balance",
            ["received", "carried_over"],
            ["handled_total", "carried_forward"],
            "本年新收+上年结转",
            "办理结果总计+结转下年度",
        )
        bad, details = [], []
        for row in app.rows:
            total = values.get(("applications", row.code, "total"))
            parts, filled = _sum(values, "applications", [(row.code, c) for c in APPLICANT_PARTS])
            if (total is not None or filled) and (total or Decimal(0)) != parts:
                bad.append(("applications", row.code, "total"))
                details.append(f"{row.label}: {plain_number(total or Decimal(0))} ≠ {plain_number(parts)}")
        results.append(
            CheckResult(
                "applications.row_totals",
                not details,
                f"{short}: 总计 ≠ 各类申请人之和 ({'; '.join(details)})" if details else "",
                tuple(bad),
            )
        )
        outcome_rows = list(OUTCOME_ROWS[edition])
        column_rule(
            "applications.outcome_totals",
            outcome_rows,
            ["handled_total"],
            "各项办理结果之和",
            "(七)总计",
        )

    if "review_litigation" in tables and "review_litigation" in present:
        rl = tables["review_litigation"]
        bad, details = [], []
        for row in rl.rows:
            total = values.get(("review_litigation", row.code, "total"))
            parts, filled = _sum(values, "review_litigation", [(row.code, c) for c in REVIEW_OUTCOMES])
            if (total is not None or filled) and (total or Decimal(0)) != parts:
                bad.append(("review_litigation", row.code, "total"))
                details.append(
                    f"{'·'.join(row.path)}: 总计 {plain_number(total or Decimal(0))} ≠ {plain_number(parts)}"
                )
        results.append(
            CheckResult(
                "review_litigation.totals",
                not details,
                f"{rl.short}: 总计 ≠ 各项结果之和 ({'; '.join(details)})" if details else "",
                tuple(bad),
            )
        )
    return results


def failed_count(edition: str, values: Values) -> int:
    """How many consistency rules the values break."""
    return sum(1 for r in check(edition, values) if not r.ok)


def checks_of_table(checks: Iterable[CheckResult], table_code: str) -> list[CheckResult]:
    """The results of the rules that belong to the table ``table_code``."""
    return [c for c in checks if RULES[c.rule].table == table_code]


def check_across_years(previous: tuple[str, Values], current: tuple[str, Values]) -> list[CheckResult]:
    """The rules between a report and the same body's report on the year before (``(edition, values)``
    each). A rule is reported only where both reports filled the cells it compares."""
    (prev_edition, prev), (edition, values) = previous, current
    results: list[CheckResult] = []
    app = tables_for(edition).get("applications")
    if app is not None and "applications" in tables_for(prev_edition):
        bad, details, compared = [], [], False
        for column in app.columns:
            now = values.get(("applications", "carried_over", column.code))
            before = prev.get(("applications", "carried_forward", column.code))
            if now is None or before is None:
                continue
            compared = True
            if now != before:
                bad.append(("applications", "carried_over", column.code))
                details.append(f"{column.label}列: 本年 {plain_number(now)} ≠ 上年 {plain_number(before)}")
        if compared:
            detail = f"{app.short}: 上年结转与上一年度的结转下年度不符 ({'; '.join(details)})" if details else ""
            results.append(CheckResult(YEAR_RULES[0].code, not details, detail, tuple(bad)))
    proactive = tables_for(edition).get("proactive")
    # Only the 2021 edition counts documents in force; the 2019 edition's columns are others.
    if (
        proactive is not None
        and proactive.has("rules", "in_force")
        and tables_for(prev_edition).get("proactive", proactive).has("rules", "in_force")
    ):
        bad, details, compared = [], [], False
        for row in ("rules", "normative_documents"):
            cells = [("proactive", row, c) for c in ("in_force", "issued", "repealed")]
            now, issued, repealed = (values.get(c) for c in cells)
            before = prev.get(("proactive", row, "in_force"))
            if None in (now, issued, repealed, before):
                continue
            compared = True
            if now != before + issued - repealed:
                bad.append(("proactive", row, "in_force"))
                label = proactive.row(row).label
                details.append(
                    f"{label}: 现行有效 {plain_number(now)} ≠ 上年 {plain_number(before)} + 制发 {plain_number(issued)}"
                    f" − 废止 {plain_number(repealed)}"
                )
        if compared:
            detail = f"{proactive.short}: 现行有效件数与上年不衔接 ({'; '.join(details)})" if details else ""
            results.append(CheckResult(YEAR_RULES[1].code, not details, detail, tuple(bad)))
    return results


# The cells the rules across years read: what a report must keep for next year's comparison.
YEAR_RULE_CODES = (
    *(
        ("applications", row, column.code)
        for row in ("carried_over", "carried_forward")
        for column in APPLICATIONS_2021.columns
    ),
    *(
        ("proactive", row, column)
        for row in ("rules", "normative_documents")
        for column in ("in_force", "issued", "repealed")
    ),
)
