#!/usr/bin/env python
"""Benchmark of the downloads (issue #4): first PDF, cached download, 100,000-report CSV export.

    .venv/bin/python bench/bench_downloads.py [--reports 100000] [--cells full|N] [--fresh]

Uses a scratch SQLite database under bench/out/ (or $DATABASE_URL) and bench/out/media for the
generated files. The first run creates the data (Report and TableCell rows written in bulk);
later runs reuse it (``--fresh`` starts over). Measured through the real views with Django's
test client, in the same settings as production (DEBUG off):

- the first PDF of a full 2021 report, in a fresh process (WeasyPrint and fonts loaded) and again
  after an edit (target: under 3 s);
- a cached download (fingerprint + stored file; target: under 50 ms);
- the bulk CSV of all reports, streamed, in a child process so that its peak memory (VmHWM, the
  peak resident set of /proc, or ``resource.getrusage``'s ru_maxrss elsewhere; tracemalloc's
  peak with ``--tracemalloc``) is the export's alone (target: under 300 MB).
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import random
import resource
import statistics
import subprocess
import sys
import time
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "bench" / "out"
sys.path.insert(0, str(ROOT))
OUT.mkdir(parents=True, exist_ok=True)
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "govopen.settings")
os.environ.setdefault("DJANGO_SECRET_KEY", "bench-only-secret")
os.environ.setdefault("DJANGO_DEBUG", "0")  # DEBUG would keep every SQL query in memory
os.environ.setdefault("DJANGO_SSL_REDIRECT", "0")  # the test client speaks plain HTTP
os.environ.setdefault("DJANGO_ALLOWED_HOSTS", "testserver,localhost")
os.environ.setdefault("DJANGO_MEDIA_ROOT", str(OUT / "media"))
os.environ["DATABASE_URL"] = os.environ.get("DATABASE_URL") or f"sqlite:///{OUT / 'bench.sqlite3'}"

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.test import Client  # noqa: E402
from django.utils import timezone  # noqa: E402

from reports import format as fmt  # noqa: E402
from reports.models import Publisher, Region, Report, Section, TableCell  # noqa: E402
from reports.services.reports import report_set_values  # noqa: E402

BENCH_PUBLISHER = "基准测试市人民政府办公室"
PARAGRAPH = (
    "2023年,我市始终坚持以习近平新时代中国特色社会主义思想为指导,全面贯彻党的二十大精神,认真贯彻落实上级关于"
    "政府信息公开工作的决策部署,深化落实国办政务公开工作要点,全力做好和上级下达的政务公开重点工作安排,不断增强"
    "主动公开,坚持依法办理依申请公开,切实加强政府信息公开平台建设和政府信息资源管理,不断夯实公开基础。"
)


def ms(seconds: float) -> str:
    return f"{seconds * 1000:.1f} ms"


def full_values() -> dict:
    """Every cell of the 2021 tables, consistent like a real report."""
    values = {code: Decimal(random.randint(0, 40)) for code in fmt.all_codes(fmt.EDITION_2021)}
    values[("proactive", "fees", "amount")] = Decimal("6858.05")
    return values


def bench_report() -> Report:
    """One full 2021 report: six parts of real length and every table cell."""
    report = Report.objects.filter(publisher__name=BENCH_PUBLISHER).first()
    if report:
        return report
    region = Region.objects.get(code="520181")
    publisher = Publisher.objects.create(name=BENCH_PUBLISHER, region=region)
    report = Report.objects.create(
        edition=fmt.EDITION_2021,
        year=2023,
        title=f"{BENCH_PUBLISHER}2023年政府信息公开工作年度报告",
        publisher=publisher,
        region=region,
        status="published",
        published_on=datetime.date(2024, 1, 31),
    )
    Section.objects.bulk_create(
        Section(report=report, position=i, number=p.number, heading=p.heading, body="\n".join([PARAGRAPH] * 4))
        for i, p in enumerate(fmt.PARTS)
    )
    report_set_values(report=report, values=full_values())
    return report


def create_bulk(n_reports: int, cells: str) -> None:
    """n published 2021-format reports with their cells, written in bulk (no model per cell)."""
    have = Report.objects.filter(publisher__name__startswith="基准批量").count()
    if have >= n_reports:
        return
    print(f"creating {n_reports} reports …", flush=True)
    started = time.perf_counter()
    codes = fmt.all_codes(fmt.EDITION_2021)
    if cells != "full":
        codes = codes[: int(cells)]
    counties = list(Region.objects.filter(level=Region.Level.COUNTY).values_list("code", flat=True)[:2000])
    years = (2021, 2022, 2023, 2024)
    n_publishers = -(-n_reports // len(years))
    with transaction.atomic():
        Publisher.objects.bulk_create(
            (Publisher(name=f"基准批量{i:06d}局", region_id=counties[i % len(counties)]) for i in range(n_publishers)),
            batch_size=5000,
        )
        publishers = list(
            Publisher.objects.filter(name__startswith="基准批量").order_by("name").values_list("pk", "region_id")
        )
        reports = []
        for i in range(n_reports):
            pk, region_id = publishers[i // len(years)]
            year = years[i % len(years)]
            reports.append(
                Report(
                    edition=fmt.EDITION_2021,
                    year=year,
                    title=f"基准批量{i:06d}局{year}年政府信息公开工作年度报告",
                    publisher_id=pk,
                    region_id=region_id,
                    status="published",
                    published_on=datetime.date(year + 1, 1, 31),
                    search_text="",
                )
            )
        Report.objects.bulk_create(reports, batch_size=5000)
    ids = list(Report.objects.filter(publisher__name__startswith="基准批量").values_list("pk", flat=True))
    q = connection.ops.quote_name
    table = TableCell._meta.db_table
    sql = (
        f"INSERT INTO {q(table)} ({q('report_id')}, {q('table')}, {q('row')}, {q('column')}, {q('value')}, "
        f"{q('created_at')}, {q('updated_at')}) VALUES (%s, %s, %s, %s, %s, %s, %s)"
    )
    now = timezone.now()
    batch, written = [], 0
    with transaction.atomic(), connection.cursor() as cursor:
        for report_id in ids:
            for t, r, c in codes:
                value = "6858.05" if (t, r, c) == ("proactive", "fees", "amount") else str(random.randint(0, 40))
                batch.append((report_id, t, r, c, value, now, now))
            if len(batch) >= 50_000:
                cursor.executemany(sql, batch)
                written += len(batch)
                batch = []
        if batch:
            cursor.executemany(sql, batch)
            written += len(batch)
    print(f"  {len(ids)} reports, {written} cells in {time.perf_counter() - started:.0f} s", flush=True)


def peak_rss_mb() -> float:
    """This process's peak resident memory. Linux keeps ru_maxrss across fork and exec (a child
    starts with its parent's peak), so /proc's VmHWM, which is the process's own, is preferred."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def measure_export(use_tracemalloc: bool) -> dict:
    """Child process: stream /reports/export.csv through the view, count bytes, report time and memory."""
    if use_tracemalloc:
        import tracemalloc

        tracemalloc.start()
    rss_before = peak_rss_mb()
    started = time.perf_counter()
    response = Client().get("/reports/export.csv")
    size = lines = 0
    for chunk in response.streaming_content:
        size += len(chunk)
        lines += chunk.count(b"\n")
    response.close()
    elapsed = time.perf_counter() - started
    result = {
        "status": response.status_code,
        "bytes": size,
        "lines": lines,
        "seconds": elapsed,
        "maxrss_mb_before": rss_before,
        "maxrss_mb": peak_rss_mb(),
    }
    if use_tracemalloc:
        result["tracemalloc_peak_mb"] = tracemalloc.get_traced_memory()[1] / 1024 / 1024
    return result


def timed_get(client: Client, url: str) -> tuple[float, bytes, int]:
    started = time.perf_counter()
    response = client.get(url)
    body = b"".join(response.streaming_content) if response.streaming else response.content
    return time.perf_counter() - started, body, response.status_code


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--reports", type=int, default=100_000)
    parser.add_argument("--cells", default="full", help="cells per bulk report: full (all 207) or a number")
    parser.add_argument("--fresh", action="store_true", help="delete the scratch database first")
    parser.add_argument("--tracemalloc", action="store_true", help="also trace Python allocations in the export")
    parser.add_argument("--export-child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()

    if args.export_child:
        print(json.dumps(measure_export(args.tracemalloc)))
        return

    if args.fresh and "sqlite" in os.environ["DATABASE_URL"]:
        (OUT / "bench.sqlite3").unlink(missing_ok=True)
    call_command("migrate", verbosity=0)
    print(f"database: {connection.vendor}, media: {os.environ['DJANGO_MEDIA_ROOT']}")

    report = bench_report()
    create_bulk(args.reports, args.cells)
    client = Client()
    url = f"/reports/{report.pk}/download.pdf"

    # A new content for the first PDF, whatever earlier runs left in the store.
    report_set_values(report=report, values=full_values())
    seconds, body, status = timed_get(client, url)
    assert status == 200 and body.startswith(b"%PDF"), status
    print(f"first PDF of a full 2021 report (fresh process): {seconds:.2f} s, {len(body) // 1024} KB  [target < 3 s]")
    report_set_values(report=report, values=full_values())
    seconds, body, _ = timed_get(client, url)
    print(f"first PDF after an edit (warm process):          {seconds:.2f} s")
    for ext in ("docx", "xlsx", "csv", "json"):
        seconds, body, status = timed_get(client, f"/reports/{report.pk}/download.{ext}")
        assert status == 200
        print(f"first {ext.upper():<5} {seconds * 1000:7.1f} ms, {len(body) // 1024} KB")

    times = [timed_get(client, url)[0] for _ in range(30)]
    print(
        f"cached PDF download: median {ms(statistics.median(times))}, max {ms(max(times))} "
        f"over {len(times)} requests  [target < 50 ms]"
    )

    total = Report.objects.published().count()
    command = [sys.executable, __file__, "--export-child"] + (["--tracemalloc"] if args.tracemalloc else [])
    child = subprocess.run(command, capture_output=True, text=True, check=True, env=os.environ.copy())
    result = json.loads(child.stdout.strip().splitlines()[-1])
    extra = f", tracemalloc peak {result['tracemalloc_peak_mb']:.0f} MB" if "tracemalloc_peak_mb" in result else ""
    print(
        f"bulk CSV of {total} reports: {result['lines'] - 1} rows, {result['bytes'] / 1e6:.0f} MB in "
        f"{result['seconds']:.0f} s ({result['lines'] / result['seconds']:.0f} rows/s); peak RSS "
        f"{result['maxrss_mb']:.0f} MB (after setup {result['maxrss_mb_before']:.0f} MB){extra}  [target < 300 MB]"
    )


if __name__ == "__main__":
    main()
