"""Benchmark of the statistics pages and the compliance board on 100,000 annual reports.

Usage::

    .venv/bin/python bench/bench_statistics.py [--reports 100000] [--runs 2]

Without ``DATABASE_URL`` it starts its own throwaway PostgreSQL cluster with scripts/pg-cluster.sh
(the same way scripts/test.sh does) and removes it at the end; with ``DATABASE_URL`` it uses that
database, which must be empty (it runs the migrations). ``--scratch`` fills the current database
(SQLite is fine) with a small data set for looking at the pages instead.

What it does:

1. Generates published annual reports across the real region tree (the 3,212 regions the migration
   loads) for 2019–2025: about 14,600 publishers (a government and departments per county,
   prefecture and province), one report per publisher and year with a few missing; realistic
   tables (about 200 cells each, one ReportNumbers JSON document per report, written with COPY), some cells left
   blank instead of 0, about 4 % of tables breaking a consistency rule, six sections of text with
   about 6 % copied from the publisher's previous report, some parts missing, some reports late.
2. Runs ``stats_rebuild()`` (what ``manage.py rebuild_statistics`` does) and times it, and times one
   ``stats_refresh_report`` (what a service calls after an edit).
3. Requests, through the Django test client (full middleware, view and template), the statistics
   page for the country, a province (440000) and a county (440803), the statistics API for the
   province and the compliance board for the province, each ``--runs`` times, and prints the server
   time of each request.

Measured (PostgreSQL 15, 2 CPUs, this benchmark, second run): statistics page for the country
275 ms, 广东省 163 ms, 霞山区 69 ms; compliance board of 广东省 250 ms; one refresh 61 ms;
generating the data 6 min, ``stats_rebuild`` 4.5 min.

How the design scales to 1,000,000 reports (10 × this benchmark)
-----------------------------------------------------------------
1,000,000 is about full coverage: ~150,000 publishers (a county has 30–50 bodies) × 7 years.

* The sums a page shows come from ``RegionYearStat``: one row per region, year and scope (about
  3,600 regions with data × years × 2), each with the ~230 code sums as JSON. A page reads its own
  region's rows (one per year) and its children's (≤ 40 per year). The row count does not grow
  with reports at all: 1M reports give the same 25,000 rows with bigger numbers in them.
* The breakdown by publisher and the compliance board read ``ReportStat``, one narrow row per
  report (12 integer measures, dates, a 512-byte text fingerprint). The publisher table is cut in
  the database: a GROUP BY of the sort column alone picks the first 50 publishers (55 ms over the
  country's 71,000 rows here), then all measures are summed for those 50. At 1M that first step
  scans ~700,000 rows (~0.5 s), so the country page would need either the publisher table only
  from the province down (the country shows the province table; the download keeps every
  publisher) or a per-publisher, per-year-range rollup refreshed with the others. Province pages
  (~30,000 reports) and county pages stay well under 500 ms: every query there is an index range.
* The compliance board of a province at 1M: ~4,000 publishers, ~4,000 reports a year, ~4,000
  fingerprint pairs compared in Python (~30 µs each) and a handful of indexed counts: well under
  1 s. The country-wide board (1.7 s here) would need the same cut-in-the-database treatment.
* Refreshing one report touches its own cells and sections and the rows of its four ancestors
  (county, prefecture, province, country), each recomputed from the ≤ 40 rows directly under it:
  constant time, whatever the total. Refreshes are serialised by a PostgreSQL advisory lock; at
  hundreds of edits a second the country row becomes the contention point and refreshes should
  move to a queue that coalesces them per region and year.
* ``rebuild_statistics`` is linear in reports (each report's numbers summed in Python per year,
  fingerprints in Python); it is only needed after a change of the region tree or of the measures,
  and the years could be rebuilt in parallel. (Measured above with one TableCell row per number;
  the numbers are now one ReportNumbers document per report: bench/bench_storage.py.)
* ReportNumbers (1M rows of ~2 KB) is only read by primary key: per report, and per region-year
  during a refresh through ReportStat's region and year.
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import random
import subprocess
import sys
import time
import warnings
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
YEARS = tuple(range(2019, 2026))
DEPARTMENTS = (
    "发展和改革局",
    "教育局",
    "科学技术局",
    "工业和信息化局",
    "公安局",
    "民政局",
    "司法局",
    "财政局",
    "人力资源和社会保障局",
    "自然资源局",
    "生态环境局",
    "住房和城乡建设局",
    "交通运输局",
    "水务局",
    "农业农村局",
    "商务局",
    "文化广电旅游局",
    "卫生健康委员会",
    "退役军人事务局",
    "应急管理局",
    "审计局",
    "市场监督管理局",
    "统计局",
    "医疗保障局",
    "林业局",
    "城市管理局",
    "信访局",
    "数据局",
    "地方金融管理局",
    "国有资产监督管理委员会",
    "体育局",
    "民族宗教事务委员会",
    "粮食和物资储备局",
    "乡村振兴局",
    "机关事务管理局",
    "人民防空办公室",
    "行政审批局",
    "外事办公室",
    "档案局",
    "气象局",
    "税务局",
    "消防救援支队",
    "公积金管理中心",
    "供销合作社",
    "残疾人联合会",
)
SENTENCES = (
    "{y}年,我{unit}坚持以习近平新时代中国特色社会主义思想为指导,认真贯彻落实党中央、国务院关于全面推进政务公开的决策部署。",
    "严格执行《中华人民共和国政府信息公开条例》,围绕中心工作深化重点领域信息公开,全年主动公开政府信息{n}条。",
    "通过门户网站、政务新媒体、新闻发布会等渠道及时发布政策文件和解读材料,发布政策解读{n}篇。",
    "进一步规范依申请公开工作流程,全年新收政府信息公开申请{n}件,均在法定期限内答复。",
    "加强政府信息公开平台建设,优化栏目设置,完善检索功能,提升公众获取信息的便利度。",
    "落实行政规范性文件统一登记、统一编号、统一公布制度,及时清理不再适用的文件{n}件。",
    "围绕优化营商环境,及时公开行政许可、行政处罚等执法信息,推进“双随机、一公开”监管。",
    "组织开展政务公开业务培训{n}次,参训人员{n}人次,工作人员业务能力进一步提升。",
    "做好政府信息公开保密审查,严格落实“先审查、后公开”和“一事一审”制度。",
    "部分单位对政务公开工作重视不够,公开内容不够全面,更新不够及时。",
    "政策解读形式较为单一,图表、音视频等多样化解读比例不高。",
    "下一步,我们将加强督促检查,把政务公开纳入年度绩效考核,推动工作常态化。",
    "进一步提升政策解读质量,丰富解读形式,增强解读的针对性和实效性。",
    "本年度未收取政府信息公开信息处理费。",
    "本年度政务公开工作要点落实情况良好,人大代表建议和政协提案办理结果公开{n}件。",
    "充分利用政务服务热线、政府网站留言等渠道回应社会关切,办理网民留言{n}条。",
    "加强政府网站和政务新媒体日常监管,开展季度检查{n}次,整改问题{n}个。",
    "推进基层政务公开标准化规范化建设,编制公开事项目录{n}项。",
    "做好涉及群众切身利益的重大决策预公开,公开征求意见{n}次。",
    "财政预决算、“三公”经费等信息按规定在统一平台公开。",
)


BENCH_PG_OPTS = "-c shared_buffers=1GB -c work_mem=64MB -c maintenance_work_mem=512MB -c max_wal_size=4GB"


def ensure_database(argv: list[str], *, pg_opts: str = BENCH_PG_OPTS) -> None:
    """Re-run the running benchmark inside a throwaway PostgreSQL cluster (scripts/pg-cluster.sh)
    unless DATABASE_URL is set; every bench/ script starts this way. ``--scratch`` (this script's
    demo mode) needs no cluster; ``--reuse`` (measure an earlier build) needs DATABASE_URL."""
    if os.environ.get("DATABASE_URL") or "--scratch" in argv:
        return
    if "--reuse" in argv:
        raise SystemExit("--reuse measures an existing database: set DATABASE_URL")
    script_path = os.path.relpath(os.path.abspath(sys.argv[0]), ROOT)
    script = f'. scripts/pg-cluster.sh && pg_cluster_start && DATABASE_URL="$PG_DATABASE_URL" "$PY" {script_path} "$@"'
    env = {**os.environ, "PY": sys.executable, "PG_CLUSTER_OPTS": os.environ.get("PG_CLUSTER_OPTS", pg_opts)}
    sys.exit(subprocess.call(["bash", "-c", script, "bench", *argv], cwd=ROOT, env=env))


def open_database(*, reuse: bool | None = None) -> bool:
    """Check the benchmark's database is PostgreSQL and migrate it; True when it holds no reports
    yet (the caller builds them), False for ``reuse`` of an earlier build; an unexpected non-empty
    database is refused (benchmarks delete and generate data). ``reuse`` None: the script has no
    --reuse option."""
    from django.core.management import call_command
    from django.db import connection

    from reports.models import Report

    print(f"database: {connection.vendor} {connection.settings_dict.get('NAME')}", flush=True)
    if connection.vendor != "postgresql":
        raise SystemExit("this benchmark measures PostgreSQL")
    call_command("migrate", verbosity=0)
    if not Report.objects.exists():
        return True
    if not reuse:
        hint = "" if reuse is None else ", or --reuse"
        raise SystemExit(f"the database already holds reports; use an empty one{hint}")
    print("--reuse: measuring the reports already in the database", flush=True)
    return False


def setup_django() -> None:
    warnings.filterwarnings("ignore", message="No directory at")  # whitenoise: no collectstatic here
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "govopen.test_settings")
    os.environ.setdefault("DJANGO_ALLOWED_HOSTS", "testserver,localhost,127.0.0.1")
    import django

    django.setup()


# --- Data --------------------------------------------------------------------------------


def _split(total: int, weights: list[float], rnd: random.Random) -> list[int]:
    """``total`` split by ``weights`` into integers that add up to ``total`` exactly."""
    s = sum(weights)
    parts = [int(total * w / s) for w in weights]
    left = total - sum(parts)
    for _ in range(left):
        parts[rnd.randrange(len(parts))] += 1
    return parts


APPLICANT_WEIGHTS = [0.86, 0.07, 0.005, 0.01, 0.03, 0.025]


def report_values(fmt, edition: str, size: float, rnd: random.Random) -> tuple[dict, bool]:
    """A realistic table set; returns (values, broken). Zeros are sometimes written as blanks."""
    from reports.format import APPLICANT_PARTS, OUTCOME_ROWS

    values: dict = {}
    received = max(0, int(rnd.lognormvariate(0, 0.8) * size))
    carried = _split(int(received * rnd.uniform(0, 0.08)), APPLICANT_WEIGHTS, rnd)
    recv = _split(received, APPLICANT_WEIGHTS, rnd)
    outcome_rows = OUTCOME_ROWS[edition]
    weights = dict.fromkeys(outcome_rows, 0.004)
    weights.update(
        {
            "granted": 0.45,
            "partly_granted": 0.1,
            "unavailable_not_held": 0.22,
            "unavailable_unclear": 0.03,
            "rejected_petition": 0.04,
            "rejected_repeated": 0.03,
            "withheld_process_information": 0.02,
            "withheld_third_party": 0.01,
            "other_misc": 0.04,
            "other": 0.05,
        }
    )
    w = [weights[r] for r in outcome_rows]
    for i, col in enumerate(APPLICANT_PARTS):
        forward = int((recv[i] + carried[i]) * rnd.uniform(0, 0.06))
        handled = recv[i] + carried[i] - forward
        for row, n in zip(outcome_rows, _split(handled, w, rnd), strict=True):
            values[("applications", row, col)] = n
        values[("applications", "received", col)] = recv[i]
        values[("applications", "carried_over", col)] = carried[i]
        values[("applications", "handled_total", col)] = handled
        values[("applications", "carried_forward", col)] = forward
    for row in ["received", "carried_over", *outcome_rows, "handled_total", "carried_forward"]:
        values[("applications", row, "total")] = sum(values[("applications", row, c)] for c in APPLICANT_PARTS)
    for group in ("review", "litigation_direct", "litigation_after_review"):
        n = int(rnd.lognormvariate(0, 1) * size / 40)
        parts = _split(n, [0.7, 0.1, 0.12, 0.08], rnd)
        for col, v in zip(("upheld", "corrected", "other", "pending"), parts, strict=True):
            values[("review_litigation", group, col)] = v
        values[("review_litigation", group, "total")] = n
    for row, col in fmt.tables_for(edition)["proactive"].cells():
        kind = fmt.tables_for(edition)["proactive"].column(row, col).kind
        if kind == fmt.AMOUNT:
            values[("proactive", row, col)] = Decimal(int(rnd.lognormvariate(0, 1.2) * size * 300)) / 100
        else:
            scale = size * 20 if "decisions" in col else size / 15
            values[("proactive", row, col)] = int(rnd.lognormvariate(0, 1.2) * scale)
    broken = rnd.random() < 0.04
    if broken:
        values[("applications", "received", "total")] += 1
    if rnd.random() < 0.1:  # written "blank" instead of 0
        values = {k: v for k, v in values.items() if v != 0}
    if rnd.random() < 0.02:  # no table 四 at all
        values = {k: v for k, v in values.items() if k[0] != "review_litigation"}
    return values, broken


def report_text(rnd: random.Random, year: int, unit: str) -> list[tuple[str, str, str]]:
    from reports.format import PARTS

    sections = []
    for part in PARTS:
        picks = rnd.sample(SENTENCES, 4)
        body = "\n".join(s.format(y=year, unit=unit, n=rnd.randint(2, 3000)) for s in picks)
        sections.append((part.number, part.heading, body))
    return sections


def generate(target: int, *, provinces: list[str] | None = None, seed: int = 5) -> dict:
    """Publishers, reports, sections and cells; returns counts."""
    from django.db import connection

    from reports import format as fmt
    from reports.models import Publisher, Region, Report, ReportNumbers, Section
    from reports.models.cells import numbers_encode

    rnd = random.Random(seed)
    regions = list(Region.objects.order_by("code").values_list("code", "name", "level"))
    if provinces:
        regions = [r for r in regions if r[0][:2] in provinces]
    per_level = {1: 45, 2: 9, 3: 2}  # departments besides the government; counties get a third 40 % of the time
    publishers = []
    for code, name, level in regions:
        n = per_level[level] + (level == 3 and rnd.random() < 0.4)
        publishers.append((f"{name}人民政府", code, "government", level))
        for dept in rnd.sample(DEPARTMENTS, min(n, len(DEPARTMENTS))):
            publishers.append((f"{name}{dept}", code, "department", level))
    # Exactly ``target`` reports: leave out randomly chosen (publisher, year) pairs (a missing report).
    pairs = len(publishers) * len(YEARS)
    skipped = set(rnd.sample(range(pairs), max(0, pairs - target)))
    now = datetime.datetime.now(datetime.timezone.utc)
    Publisher.objects.bulk_create(
        [
            Publisher(id=i + 1, name=n, region_id=c, kind=k, created_at=now, updated_at=now)
            for i, (n, c, k, _) in enumerate(publishers)
        ],
        batch_size=5000,
    )
    sizes = {1: 60, 2: 20, 3: 8}
    report_rows, section_rows, cell_rows = [], [], []
    texts: dict[int, list] = {}
    rid = 0
    for year in YEARS:
        edition = fmt.edition_for_year(year)
        for pid, (name, code, kind, level) in enumerate(publishers, start=1):
            if (year - YEARS[0]) * len(publishers) + pid - 1 in skipped:
                continue
            rid += 1
            size = sizes[level] * (5 if kind == "government" else 1)
            values, broken = report_values(fmt, edition, size, rnd)
            deadline = datetime.date(year + 1, 3, 31) if kind == "government" else datetime.date(year + 1, 1, 31)
            late = rnd.random() < 0.06
            published = deadline + datetime.timedelta(days=rnd.randint(1, 90) if late else -rnd.randint(0, 25))
            if rnd.random() < 0.01:
                published = None
            report_rows.append(
                (
                    rid,
                    "annual_report",
                    edition,
                    year,
                    f"{name}{year}年政府信息公开工作年度报告",
                    pid,
                    code,
                    "",
                    "",
                    None,
                    published,
                    "published",
                    "",
                    "",
                    "",
                    int(broken),
                    now,
                    now,
                )
            )
            if pid in texts and rnd.random() < 0.06:
                sections = [(n, h, _renumber(b, rnd)) for n, h, b in texts[pid]]
            else:
                sections = report_text(rnd, year, "局" if kind == "department" else "市")
            if rnd.random() < 0.03:
                sections = sections[:4] + sections[5:]
            texts[pid] = sections
            for pos, (number, heading, body) in enumerate(sections):
                section_rows.append((rid, pos, number, heading, body, now, now))
            if values:
                cell_rows.append((rid, numbers_encode(values), now, now))
        if len(cell_rows) > 10_000 or year == YEARS[-1]:
            _write(connection, Report, report_rows, Section, section_rows, ReportNumbers, cell_rows)
            report_rows, section_rows, cell_rows = [], [], []
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            for table in ("reports_report", "reports_publisher", "reports_section"):
                cursor.execute(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT MAX(id) FROM {table}))")
            cursor.execute("ANALYZE")
    return {"publishers": len(publishers), "reports": rid}


def _renumber(text: str, rnd: random.Random) -> str:
    """The same text with other numbers: what a copied report looks like."""
    import re

    return re.sub(r"\d+", lambda m: str(rnd.randint(2, 3000)), text)


_REPORT_COLS = (
    "id",
    "kind",
    "edition",
    "year",
    "title",
    "publisher_id",
    "region_id",
    "index_no",
    "document_no",
    "written_on",
    "published_on",
    "status",
    "source_url",
    "original_file",
    "search_text",
    "checks_failed",
    "created_at",
    "updated_at",
)
_section_id = [0]


def _write(connection, Report, reports, Section, sections, ReportNumbers, numbers) -> None:
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            raw = cursor.cursor
            # Report columns added since this COPY was written (import_warnings …) are NOT NULL, and
            # Django keeps their defaults in Python only: give them the model's default for the load.
            added = [
                f
                for f in Report._meta.concrete_fields
                if f.column not in _REPORT_COLS and not f.null and f.get_default() is not None
            ]
            for f in added:
                default = f.get_db_prep_save(f.get_default(), connection)
                cursor.execute(f'ALTER TABLE reports_report ALTER COLUMN "{f.column}" SET DEFAULT %s', [default])
            with raw.copy(f"COPY reports_report ({', '.join(_REPORT_COLS)}) FROM STDIN") as copy:
                for row in reports:
                    copy.write_row(row)
            for f in added:
                cursor.execute(f'ALTER TABLE reports_report ALTER COLUMN "{f.column}" DROP DEFAULT')
            with raw.copy(
                "COPY reports_section (report_id, position, number, heading, body, created_at, updated_at) FROM STDIN"
            ) as copy:
                for row in sections:
                    copy.write_row(row)
            with raw.copy(
                'COPY reports_reportnumbers (report_id, "values", created_at, updated_at) FROM STDIN'
            ) as copy:
                for rid, doc, created, updated in numbers:
                    copy.write_row((rid, json.dumps(doc, ensure_ascii=False), created, updated))
        return
    Report.objects.bulk_create([Report(**dict(zip(_REPORT_COLS, r, strict=True))) for r in reports], batch_size=2000)
    Section.objects.bulk_create(
        [Section(report_id=r, position=p, number=n, heading=h, body=b) for r, p, n, h, b, _, _ in sections],
        batch_size=2000,
    )
    ReportNumbers.objects.bulk_create(
        [ReportNumbers(report_id=r, values=doc) for r, doc, _, _ in numbers], batch_size=2000
    )


# --- Timing ------------------------------------------------------------------------------


def timed(label: str, fn, runs: int) -> list[float]:
    out = []
    for _ in range(runs):
        start = time.perf_counter()
        result = fn()
        out.append((time.perf_counter() - start) * 1000)
        status = getattr(result, "status_code", 200)
        if status != 200:
            raise SystemExit(f"{label}: HTTP {status}")
    print(f"  {label:<48} " + "  ".join(f"{ms:8.1f} ms" for ms in out), flush=True)
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--reports", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=2)
    parser.add_argument("--scratch", action="store_true", help="fill the current database with a small demo set")
    parser.add_argument("--provinces", default="", help="two-digit province prefixes to limit the data to, e.g. 44,52")
    args = parser.parse_args()
    ensure_database(sys.argv[1:])
    setup_django()

    from django.core.management import call_command
    from django.db import connection
    from django.test import Client

    from reports.models import Report, ReportStat
    from reports.services.statistics import stats_rebuild, stats_refresh_report

    print(f"database: {connection.vendor} {connection.settings_dict.get('NAME')}", flush=True)
    call_command("migrate", verbosity=0)
    if Report.objects.exists():
        raise SystemExit("the database already holds reports; use an empty one")
    provinces = [p for p in args.provinces.split(",") if p]
    start = time.perf_counter()
    counts = generate(args.reports, provinces=provinces or None)
    print(
        f"generated {counts['reports']:,} reports of {counts['publishers']:,} publishers in "
        f"{time.perf_counter() - start:.0f} s",
        flush=True,
    )
    start = time.perf_counter()
    n, rows = stats_rebuild()
    print(f"stats_rebuild: {n:,} reports, {rows:,} region rows in {time.perf_counter() - start:.0f} s", flush=True)
    if args.scratch:
        return

    client = Client()
    some = ReportStat.objects.filter(region_code="440803").values_list("report_id", flat=True).first()
    print(f"server time per request ({args.runs} runs each):", flush=True)
    timed(f"stats_refresh_report({some}) (after an edit)", lambda: stats_refresh_report(some), args.runs)
    timed("/statistics/ (全国, default years)", lambda: client.get("/statistics/"), args.runs)
    timed("/statistics/?region=440000 (广东省)", lambda: client.get("/statistics/?region=440000"), args.runs)
    timed("/statistics/?region=440803 (霞山区)", lambda: client.get("/statistics/?region=440803"), args.runs)
    timed(
        "/statistics/?region=440000&year_from=2019&year_to=2025",
        lambda: client.get("/statistics/?region=440000&year_from=2019&year_to=2025"),
        args.runs,
    )
    timed(
        "/api/statistics/?region=440000&year_from=2019&year_to=2025",
        lambda: client.get("/api/statistics/?region=440000&year_from=2019&year_to=2025"),
        args.runs,
    )
    timed(
        "/statistics/compare/?region=440800&region=520181",
        lambda: client.get("/statistics/compare/?region=440800&region=520181"),
        args.runs,
    )
    timed(
        "/compliance/?region=440000&year=2024 (广东省)",
        lambda: client.get("/compliance/?region=440000&year=2024"),
        args.runs,
    )
    timed("/compliance/?year=2024 (全国)", lambda: client.get("/compliance/?year=2024"), args.runs)


if __name__ == "__main__":
    main()
