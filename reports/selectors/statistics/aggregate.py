"""Additive sums over sets of reports: counts, headline measures and every table code.

A figure is ``[sum, reports with the cell filled, of those failing a consistency rule]``. All three
parts add up, so the figure of a province is the sum of its prefectures' figures and its own, and
the figure of a range of years the sum of the years'. A blank cell adds nothing to any part: it is
neither 0 in the sum nor a report "with data".
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Iterable

from django.db.models import Count, Q, Sum

from reports.format.measures import MEASURES
from reports.models import ReportNumbers, ReportStat

Number = int | Decimal


@dataclass(frozen=True)
class Figure:
    """A sum and how many reports it is built from."""

    total: Number
    reports: int
    failing: int


def _number(v) -> Number:
    if isinstance(v, int):
        return v
    v = Decimal(v)
    return int(v) if v == v.to_integral_value() else v


def _encode(v: Number) -> int | str:
    return v if isinstance(v, int) else format(v, "f")


def _merge(target: dict, key: str, fig: list) -> None:
    cur = target.get(key)
    if cur is None:
        target[key] = [fig[0], fig[1], fig[2]]
    else:
        cur[0] += fig[0]
        cur[1] += fig[1]
        cur[2] += fig[2]


@dataclass
class Agg:
    """Counts and sums over a set of published annual reports."""

    reports: int = 0
    failed: int = 0
    editions: dict[str, int] = field(default_factory=dict)
    measures: dict[str, list] = field(default_factory=dict)  # key -> [sum, n, nf]
    figures: dict[str, dict[str, list]] = field(default_factory=dict)  # edition -> code -> [sum, n, nf]

    def add(self, other: Agg) -> Agg:
        self.reports += other.reports
        self.failed += other.failed
        for ed, n in other.editions.items():
            self.editions[ed] = self.editions.get(ed, 0) + n
        for key, fig in other.measures.items():
            _merge(self.measures, key, fig)
        for ed, codes in other.figures.items():
            target = self.figures.setdefault(ed, {})
            for code, fig in codes.items():
                _merge(target, code, fig)
        return self

    @classmethod
    def total(cls, aggs: Iterable[Agg]) -> Agg:
        out = cls()
        for agg in aggs:
            out.add(agg)
        return out

    def measure(self, key: str) -> Figure | None:
        fig = self.measures.get(key)
        return Figure(*fig) if fig else None

    def figure(self, code: str, edition: str | None = None) -> Figure | None:
        """The figure of a code over the reports of ``edition``, or of every edition that has it."""
        figs = [self.figures.get(edition, {}).get(code)] if edition else [f.get(code) for f in self.figures.values()]
        figs = [f for f in figs if f]
        if not figs:
            return None
        return Figure(sum(f[0] for f in figs), sum(f[1] for f in figs), sum(f[2] for f in figs))

    def codes(self) -> set[str]:
        return {code for codes in self.figures.values() for code in codes}

    def as_fields(self) -> dict:
        return {
            "reports": self.reports,
            "failed": self.failed,
            "editions": self.editions,
            "measures": {k: [_encode(f[0]), f[1], f[2]] for k, f in self.measures.items()},
            "figures": {
                ed: {code: [_encode(f[0]), f[1], f[2]] for code, f in codes.items()}
                for ed, codes in self.figures.items()
            },
        }

    @classmethod
    def from_fields(cls, reports, failed, editions, measures, figures=None) -> Agg:
        return cls(
            reports,
            failed,
            dict(editions),
            {k: [_number(f[0]), f[1], f[2]] for k, f in measures.items()},
            {
                ed: {code: [_number(f[0]), f[1], f[2]] for code, f in codes.items()}
                for ed, codes in (figures or {}).items()
            },
        )


STAT_FIELDS = ("reports", "failed", "editions", "measures", "figures")


def measure_aggregates() -> dict:
    """Report counts and, per measure, its sum, the reports with it and those of them failing a rule."""
    failing = Q(checks_failed__gt=0)
    out = {"n_reports": Count("pk"), "n_failed": Count("pk", filter=failing)}
    for m in MEASURES:
        out[f"s_{m.key}"] = Sum(m.key)
        out[f"n_{m.key}"] = Count(m.key)
        out[f"f_{m.key}"] = Count(m.key, filter=failing)
    return out


def aggregate_reports(stat_filter: Q, keys: tuple[str, ...], *, with_figures: bool = True) -> dict[tuple, Agg]:
    """Aggregate the counted reports matching ``stat_filter`` (on ReportStat), grouped by ``keys``.

    Counts and measures come from ReportStat in one GROUP BY; the code figures from the reports'
    numbers (one row each), summed in Python, so the cost follows the number of matching reports.
    """
    out: dict[tuple, Agg] = {}
    rows = ReportStat.objects.filter(stat_filter).values(*keys, "edition").annotate(**measure_aggregates()).order_by()
    for row in rows:
        agg = out.setdefault(tuple(row[k] for k in keys), Agg())
        agg.reports += row["n_reports"]
        agg.failed += row["n_failed"]
        agg.editions[row["edition"]] = agg.editions.get(row["edition"], 0) + row["n_reports"]
        for m in MEASURES:
            if row[f"n_{m.key}"]:
                _merge(agg.measures, m.key, [int(row[f"s_{m.key}"]), row[f"n_{m.key}"], row[f"f_{m.key}"]])
    if not with_figures or not out:
        return out
    # The code figures: every matching report's numbers, summed here (exact: Decimal, then int when
    # whole). The numbers are one JSON document per report, read in chunks as the rows stream.
    sums: dict[tuple, dict[tuple[str, str, str], list]] = {}
    numbers = (
        ReportNumbers.objects.filter(_prefix_q(stat_filter, "report__stat__"))
        .values_list(*(f"report__stat__{k}" for k in (*keys, "edition", "checks_failed")), "values")
        .order_by()
    )
    for *key, edition, checks_failed, doc in numbers.iterator(chunk_size=2000):
        key = tuple(key)
        if key not in out:
            continue
        target = sums.setdefault((key, edition), {})
        failing = 1 if checks_failed else 0
        for table, rows in doc.items():
            for row, columns in rows.items():
                for column, text in columns.items():
                    if text is None:
                        continue
                    fig = target.get((table, row, column))
                    if fig is None:
                        target[(table, row, column)] = [Decimal(text), 1, failing]
                    else:
                        fig[0] += Decimal(text)
                        fig[1] += 1
                        fig[2] += failing
    for (key, edition), figures in sums.items():
        target = out[key].figures.setdefault(edition, {})
        for code, (total, n, nf) in figures.items():
            _merge(target, ".".join(code), [_number(total), n, nf])
    return out


def _prefix_q(q: Q, prefix: str) -> Q:
    """The same condition seen from a related model: Q(year=1) → Q(report__stat__year=1)."""
    out = Q()
    out.connector, out.negated = q.connector, q.negated
    out.children = [
        _prefix_q(child, prefix) if isinstance(child, Q) else (prefix + child[0], child[1]) for child in q.children
    ]
    return out
