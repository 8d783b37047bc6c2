"""Database bytes per report, table by table, and the reads of the printed numbers (issue #10).

Usage::

    .venv/bin/python bench/bench_storage.py [--reports 10000] [--runs 3]

Without ``DATABASE_URL`` it starts its own throwaway PostgreSQL cluster with scripts/pg-cluster.sh
and removes it at the end; with ``DATABASE_URL`` that database must be empty (it runs the
migrations). PostgreSQL only: the sizes are ``pg_total_relation_size`` and its parts.

What it does:

1. Generates ``--reports`` published annual reports with bench/bench_statistics.py ``generate``
   (COPY; the same publishers, tables, blanks and text), runs ``stats_rebuild`` (timed: it reads every
   report's numbers), then VACUUM ANALYZE.
2. Prints every ``reports_*`` table with rows: rows, heap, TOAST, indexes, total, and the total
   divided by the number of reports; then the whole database per report.
3. Times the reads of the numbers, ``--runs`` times each: one report's values (the report page),
   the values of 1,000 reports (exports, the compliance board), and the code sums of one year
   (``aggregate_reports``, what a statistics refresh and rebuild do per year).

Measured (PostgreSQL 15, 2 shared CPUs, 10,000 reports, 183 numbers a report on average):

================================  =====================  ======================
bytes per report                  before: TableCell      after: ReportNumbers
================================  =====================  ======================
the numbers (heap + index)        48,864 (1.83M rows)    1,207 (10,000 rows)
reports_section (the text)        3,492                  3,492
reports_reportstat                1,971                  1,753
reports_report                    1,032                  1,032
reports_regionyearstat (*)        2,893                  2,865
all reports_* tables              58,737                 10,836
whole database                    59,711                 11,811
values of 1,000 reports           ~235 ms                ~115 ms
aggregate_reports, one year       1,371 ms               970 ms
stats_rebuild                     33.5 s                 28.4 s
================================  =====================  ======================

(*) one row per region, year and scope, not per report: at 100,000 reports it is ~300 B a report,
and a report costs about 8 KB in all, the numbers 1.2 KB of it.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "bench"))

from bench_statistics import ensure_database, generate, open_database, setup_django  # noqa: E402


def storage(reports: int) -> None:
    """Prints each reports_* table's size and its bytes per report, then the database's."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT c.relname, c.reltuples::bigint, pg_relation_size(c.oid),
                   COALESCE(pg_total_relation_size(NULLIF(c.reltoastrelid, 0)), 0),
                   pg_indexes_size(c.oid), pg_total_relation_size(c.oid)
              FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
             WHERE c.relkind = 'r' AND n.nspname = 'public' AND c.relname LIKE 'reports\\_%%'
             ORDER BY 6 DESC
            """
        )
        tables = cursor.fetchall()
        cursor.execute("SELECT pg_database_size(current_database())")
        database = cursor.fetchone()[0]
    head = (
        f"  {'table':<30} {'rows':>10} {'heap KB':>9} {'toast KB':>9} {'index KB':>9} {'total KB':>9} {'B/report':>9}"
    )
    print(f"storage of {reports:,} reports (bytes per report = total ÷ reports):")
    print(head)
    ours, empty = 0, []
    for name, rows, heap, toast, index, total in tables:
        ours += total
        if rows <= 0:
            empty.append(name)  # a page or two of their own, whatever the number of reports
            continue
        print(
            f"  {name:<30} {max(rows, 0):>10,} {heap / 1024:9.0f} {toast / 1024:9.0f} {index / 1024:9.0f} "
            f"{total / 1024:9.0f} {total / reports:9.0f}"
        )
    print(f"  empty: {', '.join(empty)}")
    print(f"  {'reports_* (all)':<30} {'':>10} {'':>9} {'':>9} {'':>9} {ours / 1024:9.0f} {ours / reports:9.0f}")
    print(f"  whole database (regions, auth … included): {database / reports:,.0f} B/report", flush=True)


def timed(label: str, fn, runs: int) -> None:
    out = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        out.append((time.perf_counter() - start) * 1000)
    print(f"  {label:<52} " + "  ".join(f"{ms:8.1f} ms" for ms in out), flush=True)


def numbers_of(ids: list[int]) -> dict:
    """{report id: {(table, row, column): value}}: how every reader gets the numbers."""
    from reports.models import ReportNumbers

    return ReportNumbers.objects.filter(report_id__in=ids).values_by_report()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--reports", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    ensure_database(sys.argv[1:], pg_opts="-c shared_buffers=256MB -c maintenance_work_mem=256MB")
    setup_django()

    from django.db import connection
    from django.db.models import Q

    from reports.models import Report
    from reports.selectors.statistics.aggregate import aggregate_reports
    from reports.services.statistics import stats_rebuild

    open_database()
    start = time.perf_counter()
    counts = generate(args.reports)
    print(f"generated {counts['reports']:,} reports in {time.perf_counter() - start:.0f} s", flush=True)
    start = time.perf_counter()
    n, rows = stats_rebuild()
    print(f"stats_rebuild: {n:,} reports, {rows:,} region rows in {time.perf_counter() - start:.1f} s", flush=True)
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")
    storage(counts["reports"])

    ids = list(Report.objects.order_by("pk").values_list("pk", flat=True))
    one, thousand = ids[len(ids) // 2], ids[:1000]
    total = sum(len(v) for v in numbers_of(thousand).values())
    print(f"reads of the numbers ({args.runs} runs each; 1,000 reports hold {total:,} values):", flush=True)
    timed(f"values of one report ({one})", lambda: numbers_of([one]), args.runs)
    timed("values of 1,000 reports", lambda: numbers_of(thousand), args.runs)
    timed("aggregate_reports(year=2023, by region)", lambda: aggregate_reports(Q(year=2023), ("region_code",)), 1)


if __name__ == "__main__":
    main()
