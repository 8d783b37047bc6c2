"""Benchmark of full-text search over 100,000 published reports on PostgreSQL.

Usage::

    .venv/bin/python bench/bench_search.py [--reports 100000] [--runs 20]

Without ``DATABASE_URL`` it starts its own throwaway PostgreSQL cluster with scripts/pg-cluster.sh
and removes it at the end; with ``DATABASE_URL`` it uses that database, which must be empty.

What it does:

1. Generates published annual reports over the real region tree, 2019–2025 (the publishers and
   the six parts' text of bench/bench_statistics.py, no table numbers), with rarer sentences mixed
   in so that words have every frequency from a few reports to nearly all of them.
2. Builds the index the way ``manage.py rebuild_search_index`` does (``search_index_rebuild``) and
   prints its time and sizes (table, TOAST, GIN, trigram indexes).
3. For 2-, 3- and 4-character words, two-word queries and a quoted phrase, each alone, within a
   province and within a year: requests the search page through the Django test client (full
   middleware, view, template) ``--runs`` times, and runs the same SQL statements the page ran
   directly on the connection; prints p50/p95 of both and how many reports matched.
"""

from __future__ import annotations

import argparse
import datetime
import random
import re
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "bench"))

from bench_statistics import DEPARTMENTS, YEARS, ensure_database, open_database, report_text, setup_django  # noqa: E402

# Sentences fewer reports carry, each with its share of reports.
RARE = (
    (0.08, "组织重大行政决策听证{n}次,听证意见均已公开。"),
    (0.05, "因政府信息公开引发行政诉讼{n}件,均已审结。"),
    (0.02, "开通政务公开专区,设置无障碍阅读和适老化浏览功能。"),
    (0.01, "探索开展“政务开放日”活动,邀请群众代表参观{n}次。"),
    (0.003, "聘请政务公开社会监督员{n}名,收集意见建议。"),
)
QUERIES = (
    ("2 字 · 听证 (8%)", "听证"),
    ("2 字 · 解读 (常见)", "解读"),
    ("2 字 · 培训 (常见)", "培训"),
    ("3 字 · 适老化 (2%)", "适老化"),
    ("3 字 · 监督员 (0.3%)", "监督员"),
    ("3 字 · 公积金 (机构名)", "公积金"),
    ("4 字 · 行政诉讼 (标题五)", "行政诉讼"),
    ("4 字 · 营商环境 (常见)", "营商环境"),
    ("4 字 · 保密审查 (常见)", "保密审查"),
    ("两词 · 听证 诉讼", "听证 诉讼"),
    ("两词 · 政策解读 培训", "政策解读 培训"),
    ('短语 · "政务开放日"', '"政务开放日"'),
    ('短语 · "依申请公开工作流程"', '"依申请公开工作流程"'),
)
FILTERS = (("", ""), ("region=440000", "广东省"), ("year=2023", "2023 年"))


def generate(target: int, seed: int = 7) -> int:
    """Publishers and published reports with sections and search_text (COPY); returns the count."""
    from django.db import connection

    from reports.models import Region

    rnd = random.Random(seed)
    regions = list(Region.objects.order_by("code").values_list("code", "name", "level"))
    per_level = {1: 45, 2: 9, 3: 3}
    publishers = []
    for code, name, level in regions:
        publishers.append((f"{name}人民政府", code, "government"))
        for dept in rnd.sample(DEPARTMENTS, min(per_level[level], len(DEPARTMENTS))):
            publishers.append((f"{name}{dept}", code, "department"))
    now = datetime.datetime.now(datetime.timezone.utc)
    pairs = [(year, pid) for year in YEARS for pid in range(1, len(publishers) + 1)]
    pairs = sorted(rnd.sample(pairs, min(target, len(pairs))))
    with connection.cursor() as cursor:
        raw = cursor.cursor
        with raw.copy("COPY reports_publisher (id, name, region_id, kind, created_at, updated_at) FROM STDIN") as copy:
            for i, (name, code, kind) in enumerate(publishers, start=1):
                copy.write_row((i, name, code, kind, now, now))
        with (
            raw.copy(
                "COPY reports_report (id, kind, edition, year, title, publisher_id, region_id, index_no, document_no,"
                " published_on, status, source_url, original_file, search_text, checks_failed, import_warnings,"
                " unconfirmed_cells, review_comment, withdrawn_reason, change_reason, created_at, updated_at)"
                " FROM STDIN"
            ) as reports,
        ):
            sections = []
            for rid, (year, pid) in enumerate(pairs, start=1):
                name, code, kind = publishers[pid - 1]
                parts = report_text(rnd, year, "局" if kind == "department" else "市")
                for share, sentence in RARE:
                    if rnd.random() < share:
                        n, h, b = parts[rnd.randrange(len(parts))]
                        parts = [
                            (n, h, b + "\n" + sentence.format(n=rnd.randint(1, 99))) if p[0] == n else p for p in parts
                        ]
                title = f"{name}{year}年政府信息公开工作年度报告"
                text = "\n".join([title, name] + [f"{h}\n{b}" for _, h, b in parts])
                published = datetime.date(year + 1, 3, 31) - datetime.timedelta(days=rnd.randint(0, 80))
                index_no = f"{code}{pid:05d}/{year + 1}-{rid % 100000:05d}"
                reports.write_row(
                    (
                        rid,
                        "annual_report",
                        "2021" if year >= 2021 else "2019",
                        year,
                        title,
                        pid,
                        code,
                        index_no,
                        "",
                        published,
                        "published",
                        "",
                        "",
                        text,
                        0,
                        "[]",
                        "[]",
                        "",
                        "",
                        "",
                        now,
                        now,
                    )
                )
                sections.extend((rid, i, n, h, b, now, now) for i, (n, h, b) in enumerate(parts))
        with raw.copy(
            "COPY reports_section (report_id, position, number, heading, body, created_at, updated_at) FROM STDIN"
        ) as copy:
            for row in sections:
                copy.write_row(row)
        for table in ("reports_report", "reports_publisher", "reports_section"):
            cursor.execute(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT MAX(id) FROM {table}))")
    return len(pairs)


def pct(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--reports", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--explain", default="", help="print EXPLAIN ANALYZE of the SQL of this query and stop")
    parser.add_argument(
        "--reuse",
        action="store_true",
        help="with DATABASE_URL: measure the reports already there (built by an earlier run)",
    )
    args = parser.parse_args()
    ensure_database(sys.argv[1:])
    setup_django()

    if open_database(reuse=args.reuse):
        build(args.reports)
    measure(args)


def build(target: int) -> None:
    from django.db import connection

    from reports.services.search import search_index_rebuild

    start = time.perf_counter()
    n = generate(target)
    print(f"generated {n:,} reports in {time.perf_counter() - start:.0f} s", flush=True)

    # The dictionary's cost, measured in a fresh process (this one has grown with the data).
    probe = (
        "import resource, time; r = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss; t = time.perf_counter(); "
        "from reports.segment import segmenter, words; words('政府信息公开'); "
        "print(f'{time.perf_counter() - t:.3f} s, +{(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - r) / 1024:.0f} MB')"
    )
    cost = subprocess.run([sys.executable, "-c", probe], cwd=ROOT, capture_output=True, text=True).stdout.strip()
    print(f"segmenter dictionary, once per process: {cost}", flush=True)
    start = time.perf_counter()
    search_index_rebuild(batch_size=1000)
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE reports_reportsearch")
        cursor.execute("ANALYZE reports_report")
    print(f"index build (rebuild_search_index): {time.perf_counter() - start:.0f} s", flush=True)
    with connection.cursor() as cursor:
        for label, sql in (
            ("search table (heap)", "pg_relation_size('reports_reportsearch')"),
            (
                "search table (TOAST)",
                "pg_total_relation_size('reports_reportsearch') - pg_relation_size('reports_reportsearch') - pg_indexes_size('reports_reportsearch')",
            ),
            ("GIN tsvector index", "pg_relation_size('reports_reportsearch_document')"),
            ("trigram index on titles", "pg_relation_size('reports_report_title_trgm')"),
            ("trigram index on 索引号", "pg_relation_size('reports_report_index_no_trgm')"),
        ):
            cursor.execute(f"SELECT {sql}")
            print(f"  {label:<26} {cursor.fetchone()[0] / 2**20:8.1f} MB")


def measure(args) -> None:
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client = Client()
    if args.explain:
        with CaptureQueriesContext(connection) as queries:
            client.get(f"/reports/?q={args.explain}")
        with connection.cursor() as cursor:
            for qq in queries.captured_queries:
                if qq["sql"].startswith(("SAVEPOINT", "RELEASE")):
                    continue
                if not qq["sql"].lstrip().upper().startswith(("SELECT", "WITH")):
                    cursor.execute(qq["sql"])  # BEGIN, SET LOCAL, COMMIT: replayed so the plans match the page's
                    continue
                cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + qq["sql"])
                print(qq["sql"][:300], "\n   ", "\n    ".join(r[0] for r in cursor.fetchall()), flush=True)
        return
    print(
        f"\nserver time, ms ({args.runs} runs each after one warm-up): page p50/p95 | the page's SQL run raw p50/p95 | matches"
    )
    worst = []
    for label, q in QUERIES:
        for params, where in FILTERS:
            url = f"/reports/?q={q}" + (f"&{params}" if params else "")
            client.get(url)
            page_ms, sql_ms = [], []
            for _ in range(args.runs):
                with CaptureQueriesContext(connection) as queries:
                    t = time.perf_counter()
                    response = client.get(url)
                    page_ms.append((time.perf_counter() - t) * 1000)
                assert response.status_code == 200, url
                statements = [
                    qq["sql"] for qq in queries.captured_queries if not qq["sql"].startswith(("SAVEPOINT", "RELEASE"))
                ]
                with connection.cursor() as cursor:
                    t = time.perf_counter()
                    for sql in statements:
                        cursor.execute(sql)
                        if cursor.description is not None:  # BEGIN, SET LOCAL and COMMIT return nothing
                            cursor.fetchall()
                    sql_ms.append((time.perf_counter() - t) * 1000)
            # Exact (共 385 条) or estimated from a sample (约 9.9 万 条, 约 3400 条).
            total = re.search(r'class="count">(?:共 )?([^<]*?) ?条<', response.content.decode()).group(1)
            p95, raw95 = pct(page_ms, 95), pct(sql_ms, 95)
            worst.append((p95, raw95, label, where))
            print(
                f"  {label:<26} {where or '全部':<8} {statistics.median(page_ms):7.1f} {p95:7.1f} | "
                f"{statistics.median(sql_ms):7.1f} {raw95:7.1f} | {total:>8}",
                flush=True,
            )
    print(
        f"\nslowest page p95: {max(worst)[0]:.1f} ms; largest page/raw ratio at p95: "
        f"{max(p / r for p, r, _, _ in worst):.2f}"
    )


if __name__ == "__main__":
    main()
