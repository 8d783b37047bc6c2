"""Keeping the derived statistics in step with the reports.

Two tables, both recomputable from reports at any time (``manage.py rebuild_statistics``):

* ``ReportStat``: one row per *counted* report (published 政府信息公开工作年度报告 with a year):
  region, year, edition, failed checks, headline measures, missing parts/tables, text fingerprint.
* ``RegionYearStat``: per region and year, the sums of every code over the counted reports of the
  region and everything under it (``all``), and of the region itself (``own``); the country's rows
  sum the provinces'. A county changes four rows (county, prefecture, province, country), each
  recomputed from the rows directly under it, never from millions of cells.

Services call ``stats_refresh_later(report_ids)`` after any change to a report (its cells, sections,
status, kind, year, region or publisher) and after deleting it: a ``StatisticsRefresh`` row is
written in the same transaction as the change, and once it commits a background task
(``stats_refresh_pending_task``) refreshes what the pending rows name and deletes them. A change
rolled back leaves no row; a crash after the commit leaves the row for the next run (any later
change, ``manage.py enqueue_nightly`` or ``rebuild_statistics``, which clears them too).
``stats_refresh_report(report_id)`` refreshes one report at once.
"""

from __future__ import annotations

from collections import defaultdict
from contextlib import contextmanager
from contextvars import ContextVar
from decimal import Decimal

from django.db import connection, transaction
from django.db.models import Q
from django_tasks import task

from reports import format as fmt
from reports import similarity
from reports.format.measures import MEASURE_CODES, MEASURES
from reports.models import RegionYearStat, Report, ReportNumbers, ReportStat, Section, StatisticsRefresh
from reports.regions.codes import COUNTRY_CODE
from reports.regions.tree import RegionTree
from reports.selectors.regions import region_tree
from reports.selectors.statistics.aggregate import STAT_FIELDS, Agg, aggregate_reports
from reports.services.page_cache import public_pages_changed
from reports.services.tasks import enqueue_on_commit

ALL, OWN = RegionYearStat.Scope.ALL, RegionYearStat.Scope.OWN
# True while stats_deferred() is active (bulk imports): changes queue no task of their own.
_deferred: ContextVar[bool] = ContextVar("stats_deferred", default=False)
_LOCK_KEY = 0x676F76  # any constant: serialises refreshes so sums of sums never miss a concurrent change


def counted_reports():
    """The reports statistics count: published annual reports with a year."""
    return Report.objects.published().annual().exclude(year=None)


def missing_parts(edition: str, headings: list[str]) -> list[fmt.Part]:
    """The six parts of a 2019/2021 report that no section heading matches."""
    if not fmt.tables_for(edition):
        return []
    return [p for p in fmt.PARTS if not any(word in h for h in headings for word in p.match)]


def missing_tables(edition: str, tables_present: set[str]) -> list[fmt.Table]:
    """The standard tables of the edition of which the report has no number at all."""
    return [t for code, t in fmt.tables_for(edition).items() if code not in tables_present]


def build_report_stat(
    report: Report, values: dict, tables_present: set[str], sections, failures: list[fmt.CheckResult]
) -> ReportStat:
    """The stat row of a report from its values (at least the measure codes), tables, sections and
    the consistency rules it fails (:func:`failed_checks` over all its values)."""
    headings = [f"{s[0]}、{s[1]}" for s in sections]
    text = similarity.section_text(s[2] for s in sections)
    stat = ReportStat(
        report_id=report.pk,
        publisher_id=report.publisher_id,
        region_code=report.region_id,
        year=report.year,
        edition=report.edition,
        checks_failed=report.checks_failed,
        published_on=report.published_on,
        missing_parts=",".join(p.number for p in missing_parts(report.edition, headings)),
        missing_tables=",".join(t.code for t in missing_tables(report.edition, tables_present)),
        fingerprint=similarity.signature(text),
        text_chars=len(text),
        failures=[{"rule": r.rule, "detail": r.detail, "cells": [list(c) for c in r.cells]} for r in failures],
    )
    for m in MEASURES:
        setattr(stat, m.key, m.value(values))
    stat.year_cells = {".".join(c): str(values[c]) for c in fmt.YEAR_RULE_CODES if values.get(c) is not None}
    return stat


def failed_checks(report: Report, values: dict) -> list[fmt.CheckResult]:
    """The consistency rules a report fails (none read unless its stored count says it fails some)."""
    if not report.checks_failed:
        return []
    return [r for r in fmt.check(report.edition, values) if not r.ok]


PAIR_FIELDS = ("previous_id", "similarity", "year_checks", "year_checks_failed")


def _year_values(cells: dict) -> dict:
    return {tuple(code.split(".")): Decimal(v) for code, v in cells.items()}


def compare_with_previous(stats: list[ReportStat], *, known: dict | None = None) -> list[ReportStat]:
    """Set how each stat row compares with its publisher's counted report on the year before.

    The previous row is read from the database, or from ``known`` ({(publisher, year): row}, rows of
    the same pass not written yet). Returns the rows whose comparison changed.
    """
    wanted = {(s.publisher_id, s.year - 1) for s in stats}
    previous: dict[tuple[int, int], tuple] = {}
    if wanted:
        rows = (
            ReportStat.objects.filter(publisher_id__in={p for p, _ in wanted}, year__in={y for _, y in wanted})
            .order_by("report_id")
            .values_list("report_id", "publisher_id", "year", "edition", "year_cells", "fingerprint")
        )
        for rid, pid, year, edition, cells, fp in rows:
            if (pid, year) in wanted:  # the newest report by id wins
                previous[(pid, year)] = (rid, edition, cells, fp)
    for key, st in (known or {}).items():
        if key in wanted and (key not in previous or st.report_id > previous[key][0]):
            previous[key] = (st.report_id, st.edition, st.year_cells, st.fingerprint)
    changed = []
    for st in stats:
        before = tuple(getattr(st, f) for f in PAIR_FIELDS)
        prev = previous.get((st.publisher_id, st.year - 1))
        if prev is None:
            st.previous_id, st.similarity, st.year_checks, st.year_checks_failed = None, None, [], 0
        else:
            rid, edition, cells, fp = prev
            failed = [
                r
                for r in fmt.check_across_years(
                    (edition, _year_values(cells)), (st.edition, _year_values(st.year_cells))
                )
                if not r.ok
            ]
            st.previous_id = rid
            st.similarity = similarity.similarity(st.fingerprint, fp)
            st.year_checks = [{"rule": r.rule, "detail": r.detail} for r in failed]
            st.year_checks_failed = len(failed)
        if tuple(getattr(st, f) for f in PAIR_FIELDS) != before:
            changed.append(st)
    return changed


def _lock() -> None:
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_LOCK_KEY])


def stats_refresh_later(report_ids) -> None:
    """Mark reports' statistics out of date in the current transaction; a task refreshes them after it commits."""
    StatisticsRefresh.objects.bulk_create(StatisticsRefresh(report_id=pk) for pk in sorted(set(report_ids)))
    if not _deferred.get():
        enqueue_on_commit(stats_refresh_pending_task)


@contextmanager
def stats_deferred():
    """Queue one statistics task for a bulk operation, when it ends, instead of one per change.

    A refresh costs tens of milliseconds (four region rows rewritten); the task refreshes each
    report named by the pending rows once and each region row once.
    """
    if _deferred.get():  # nested: the outer block queues the task
        yield
        return
    token = _deferred.set(True)
    try:
        yield
    finally:
        _deferred.reset(token)
        enqueue_on_commit(stats_refresh_pending_task)


def stats_refresh_pending(*, batch: int = 1000) -> int:
    """Refresh the reports named by pending ``StatisticsRefresh`` rows and delete those rows; returns how many reports.

    Idempotent: each batch is one transaction (refresh and delete together), under the lock that
    serialises refreshes, so a second run finds nothing. Rows committed meanwhile are read by a
    later batch or run: only the rows read are deleted.
    """
    done = 0
    while True:
        with transaction.atomic():
            _lock()
            rows = list(StatisticsRefresh.objects.order_by("pk").values_list("pk", "report_id")[:batch])
            if not rows:
                return done
            ids = {report_id for _, report_id in rows}
            stats_refresh_reports(ids)
            StatisticsRefresh.objects.filter(pk__in=[pk for pk, _ in rows]).delete()
        done += len(ids)


@task()
def stats_refresh_pending_task() -> int:
    """The background job of the statistics outbox (see :func:`stats_refresh_pending`)."""
    return stats_refresh_pending()


@transaction.atomic
def stats_refresh_reports(report_ids) -> None:
    """Bring the statistics of many reports up to date in one pass (also after deleting them).

    Besides the reports' own rows, the comparison with the year before is redone for the rows of
    the same publishers on the following year, whose previous report these were or now are.
    """
    ids = sorted(set(report_ids))
    _lock()
    old = {
        pk: (code, year, publisher, created)
        for pk, code, year, publisher, created in ReportStat.objects.filter(pk__in=ids).values_list(
            "pk", "region_code", "year", "publisher_id", "created_at"
        )
    }
    keys = {(code, year) for code, year, _, _ in old.values()}
    # (publisher, year) whose rows compare anew: the refreshed rows and the rows on the year after.
    following = {(publisher, year + 1) for _, year, publisher, _ in old.values()}
    ReportStat.objects.filter(pk__in=ids).delete()
    counted = list(counted_reports().filter(pk__in=ids).values_list("pk", flat=True))
    stats = _build_stats(counted)
    for stat in stats:
        if stat.report_id in old:
            stat.created_at = old[stat.report_id][3]
        keys.add((stat.region_code, stat.year))
        following |= {(stat.publisher_id, stat.year), (stat.publisher_id, stat.year + 1)}
    ReportStat.objects.bulk_create(stats, batch_size=1000)
    if following:
        candidates = ReportStat.objects.filter(
            publisher_id__in={p for p, _ in following}, year__in={y for _, y in following}
        ).only("report_id", "publisher_id", "year", "edition", "year_cells", "fingerprint", *PAIR_FIELDS)
        rows = [st for st in candidates if (st.publisher_id, st.year) in following]
        ReportStat.objects.bulk_update(compare_with_previous(rows), PAIR_FIELDS, batch_size=500)
    if keys:
        refresh_regions(keys)


def stats_refresh_report(report_id: int) -> None:
    """Bring the statistics of one report up to date now (also after deleting it)."""
    stats_refresh_reports([report_id])


def refresh_regions(keys: set[tuple[str, int]]) -> None:
    """Recompute the region rows of the given (region, year) pairs and of every region above them."""
    public_pages_changed()  # the statistics and compliance pages read these rows
    tree = region_tree()
    by_year: dict[int, set[str]] = defaultdict(set)
    for code, year in keys:
        by_year[year].add(code)
    for year, codes in by_year.items():
        own = aggregate_reports(Q(year=year, region_code__in=codes), ("region_code",))
        fresh_own = {code: own.get((code,), Agg()) for code in codes}
        targets = {c for code in codes for c in tree.chain(code)}
        for code in sorted(targets, key=tree.depth, reverse=True):
            _refresh_region(tree, code, year, fresh_own)


def _refresh_region(tree: RegionTree, code: str, year: int, fresh_own: dict[str, Agg]) -> None:
    children = tree.children_of(code)
    if code == COUNTRY_CODE:
        own = Agg()
    elif code in fresh_own:
        own = fresh_own[code]
        if children:
            _store(own, code, year, OWN)
    else:
        row = RegionYearStat.objects.filter(region_code=code, year=year, scope=OWN).values(*STAT_FIELDS).first()
        own = Agg.from_fields(**row) if row else Agg()
    total = Agg().add(own)
    if children:
        rows = RegionYearStat.objects.filter(region_code__in=children, year=year, scope=ALL).values(*STAT_FIELDS)
        for row in rows:
            total.add(Agg.from_fields(**row))
    _store(total, code, year, ALL)


def _store(agg: Agg, region_code: str, year: int, scope: str) -> None:
    """Write one RegionYearStat row (or remove it when no report counts there)."""
    if not agg.reports:
        RegionYearStat.objects.filter(region_code=region_code, year=year, scope=scope).delete()
        return
    RegionYearStat.objects.update_or_create(region_code=region_code, year=year, scope=scope, defaults=agg.as_fields())


def rebuild_report_stats(*, chunk: int = 2000, progress=None) -> int:
    """Recompute ReportStat for every counted report (drops rows of reports no longer counted).

    Year by year, oldest first, so each report is compared with the year before as it is built.
    """
    ReportStat.objects.all().delete()
    ids = list(counted_reports().order_by("year", "pk").values_list("year", "pk"))
    for start in range(0, len(ids), chunk):
        part = ids[start : start + chunk]
        stats = _build_stats([pk for _, pk in part])
        # Rows of this chunk on the year before another of its rows (a chunk may span two years).
        known = {(st.publisher_id, st.year): st for st in sorted(stats, key=lambda st: st.report_id)}
        compare_with_previous(stats, known=known)
        ReportStat.objects.bulk_create(stats, batch_size=1000)
        if progress:
            progress(min(start + chunk, len(ids)), len(ids))
    return len(ids)


def _build_stats(ids: list[int], chunk: int = 2000) -> list[ReportStat]:
    """Unsaved ReportStat rows of the given counted reports, their data read in a few bulk queries."""
    needed = MEASURE_CODES | set(fmt.YEAR_RULE_CODES)
    app_tables = {c[0] for c in needed}
    columns = {c[2] for c in needed}
    out: list[ReportStat] = []
    for start in range(0, len(ids), chunk):
        part = ids[start : start + chunk]
        reports = {
            r.pk: r
            for r in Report.objects.filter(pk__in=part).only(
                "pk", "publisher_id", "region_id", "year", "edition", "checks_failed", "published_on"
            )
        }
        values: dict[int, dict] = defaultdict(dict)
        tables: dict[int, set] = defaultdict(set)
        failures: dict[int, list] = defaultdict(list)
        for rid, cells in ReportNumbers.objects.filter(report_id__in=part).values_by_report().items():
            if rid in reports:
                failures[rid] = failed_checks(reports[rid], cells)
            values[rid] = {code: v for code, v in cells.items() if code[0] in app_tables and code[2] in columns}
            tables[rid] = {t for t, _, _ in cells}
        sections: dict[int, list] = defaultdict(list)
        for rid, number, heading, body in (
            Section.objects.filter(report_id__in=part)
            .order_by("report_id", "position", "id")
            .values_list("report_id", "number", "heading", "body")
        ):
            sections[rid].append((number, heading, body))
        out.extend(
            build_report_stat(r, values[pk], tables[pk], sections[pk], failures[pk]) for pk, r in reports.items()
        )
    return out


def rebuild_region_stats(*, progress=None) -> int:
    """Recompute every RegionYearStat row from ReportStat and the table cells, year by year."""
    tree = region_tree()
    RegionYearStat.objects.all().delete()
    years = sorted(set(ReportStat.objects.values_list("year", flat=True).distinct()))
    bottom_up = sorted(tree.nodes, key=tree.depth, reverse=True)
    written = 0
    for year in years:
        own = {key[0]: agg for key, agg in aggregate_reports(Q(year=year), ("region_code",)).items()}
        totals: dict[str, Agg] = {}
        rows = []
        for code in bottom_up:
            children = tree.children_of(code)
            total = Agg().add(own[code]) if code in own else Agg()
            for child in children:
                if child in totals:
                    total.add(totals[child])
            if total.reports:
                totals[code] = total
                rows.append(RegionYearStat(region_code=code, year=year, scope=ALL, **total.as_fields()))
            if children and code in own:
                rows.append(RegionYearStat(region_code=code, year=year, scope=OWN, **own[code].as_fields()))
        country = Agg.total(totals[c] for c in tree.children_of(COUNTRY_CODE) if c in totals)
        if country.reports:
            rows.append(RegionYearStat(region_code=COUNTRY_CODE, year=year, scope=ALL, **country.as_fields()))
        RegionYearStat.objects.bulk_create(rows, batch_size=500)
        written += len(rows)
        if progress:
            progress(year, len(rows))
    return written


@transaction.atomic
def stats_rebuild(*, progress=None) -> tuple[int, int]:
    """Recompute all derived statistics from the reports, clearing the pending refreshes; returns (reports, region rows)."""
    _lock()
    # The pending rows committed before this point (by id: rows may commit out of id order): the
    # rebuild reads their changes.
    pending = list(StatisticsRefresh.objects.values_list("pk", flat=True))
    n = rebuild_report_stats(progress=progress)
    rows = rebuild_region_stats()
    public_pages_changed()
    for start in range(0, len(pending), 500):
        StatisticsRefresh.objects.filter(pk__in=pending[start : start + 500]).delete()
    return n, rows
