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


RULES = {r.code: r for t in (APPLICATIONS_2021, REVIEW_LITIGATION) for r in t.rules}


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
                details.append(f"{'·'.join(row.path)}: 总计 {plain_number(total or Decimal(0))} ≠ {plain_number(parts)}")
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
