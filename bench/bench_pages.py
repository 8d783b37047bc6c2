"""Page-speed benchmark of the public site under gunicorn with the production settings (issue #10).

Usage::

    .venv/bin/python bench/bench_pages.py [--reports 100000] [--runs 2] [--duration 10]
    .venv/bin/python bench/bench_pages.py --reports 10000       # the small run: how cost grows
    DATABASE_URL=postgres://… .venv/bin/python bench/bench_pages.py --reuse

Without ``DATABASE_URL`` it starts its own throwaway PostgreSQL cluster with scripts/pg-cluster.sh
and removes it at the end. With ``DATABASE_URL`` the database must be empty, or hold the reports of
an earlier run and be given ``--reuse`` (nothing is built then; ``--reports`` is ignored).

What it does:

1. Builds the data (timed): the published annual reports, their tables' numbers (~200 each) and six
   sections of bench/bench_statistics.py ``generate`` (COPY), the search text (as
   ``services.reports.search_text`` writes it, in one UPDATE), the statistics (``stats_rebuild``),
   the search index (``search_index_rebuild``), then VACUUM ANALYZE. Prints the storage: database
   bytes per report and the largest tables.
2. ``collectstatic`` into a temporary STATIC_ROOT, and writes there the static baseline: the HTML of
   a report page (with its ``.gz``, as whitenoise serves collected files), so the static file is the
   report page itself, byte for byte the same size on the wire.
3. Runs gunicorn with govopen/gunicorn_conf.py (its workers and threads; ``--workers`` or
   GUNICORN_WORKERS to change them) and the production settings (``DJANGO_DEBUG=0``; the only change
   is STATIC_ROOT, through a settings module in the temporary directory that imports
   govopen.settings). Plain HTTP to gunicorn, with ``X-Forwarded-Proto: https`` as the proxy in
   front would send (settings honour it through SECURE_PROXY_SSL_HEADER, gunicorn trusts 127.0.0.1),
   so HTTPS redirects and HSTS stay as in production. Every request sends ``Accept-Encoding: gzip``,
   like a browser.
4. Measures, each scenario after a warm-up, for ``--duration`` seconds at 1 and 8 clients:

   server A, as deployed (page cache on, ``GOVOPEN_PAGE_CACHE_SECONDS`` default):
     static file; report page *cached* (the same 10 report pages over and over: page-cache hits;
     the hit share is printed); report page revalidated (``If-None-Match`` → 304); then the mixed
     load (``--mixed-clients`` 50 for ``--mixed-duration`` 60 s: 60 % report pages of random ids out
     of all reports, 25 % lists with random filters, 15 % keyword searches, some within a region
     or year).
   server B, the same with ``GOVOPEN_PAGE_CACHE_SECONDS=0`` (every page rendered):
     static file; report page *uncached* (a random report id each request); home; list (no filter,
     region, year, kind, page 50); API list; statistics (country, 广东省); compliance (country,
     广东省).

   The ratio is a page's requests per second ÷ the static file's on the same server, in the same
   run, at the same number of clients. The p95 goals are judged at each number of clients, on the
   worst URL of their group (the list's slowest filter), uncached: a page is rendered whenever
   anything public changes, and "any filter" is mostly not in the cache. With 8 closed-loop clients
   on a small machine a p95 holds the queueing too (about clients ÷ cores × the page's time).
   Everything is measured ``--runs`` times (servers restarted each run); a goal passes only if
   every run meets it. Database bytes per report: ``pg_database_size`` ÷ reports.

The load generator is Python: one keep-alive ``http.client`` connection per client thread, the
threads spread over up to ``--procs`` processes (the GIL). Each request comes from one of
``--visitors`` addresses (X-Forwarded-For, with ``GOVOPEN_TRUSTED_PROXY=1`` as behind the proxy):
the per-address rate limits of search and the API are counted as in production, but a benchmark
client stands for many visitors, not for one that hammers the site (it would get 429s). A request
that finds its kept-alive connection closed by the server (a worker recycled after gunicorn's
max_requests) is sent again once on a new connection, as browsers do, and counted as a retry, not
an error. Errors are answers other than 200/304 and exceptions. Each scenario prints the generator's own CPU (share of one core, over
all its processes): the static file's rate, with that share well under the machine's cores, shows
the generator is not the limit. On a small machine the generator, gunicorn and PostgreSQL share the
same cores: the ratios are fair (the same client for both), absolute rates are the machine's.
"""

from __future__ import annotations

import argparse
import bisect
import contextlib
import gzip
import http.client
import importlib
import itertools
import multiprocessing
import os
import random
import resource
import secrets
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import warnings
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "bench"))

from bench_statistics import ensure_database, generate, open_database, setup_django  # noqa: E402

SETTINGS_MODULE = "bench_pages_settings"
STATIC_PATH = "bench/report-page.html"
BASE_HEADERS = {
    "Host": "127.0.0.1",
    "Accept-Encoding": "gzip",
    "X-Forwarded-Proto": "https",
    "User-Agent": "govopen-bench-pages",
    "X-Forwarded-For": "10.255.255.254",
}
OK = (200, 304)
# Keyword searches of the mixed load: every report (its title), most, some (a department of many
# prefectures' and all provinces' governments) and a few (one county's publishers).
WORDS = ("政府信息公开", "营商环境", "公积金", "霞山")
LIST_URLS = (
    "/reports/",
    "/reports/?region=440000",
    "/reports/?year=2023",
    "/reports/?kind=annual_report",
    "/reports/?page=50",
)
API_URLS = ("/api/reports/", "/api/reports/?region=440000&year=2023", "/api/reports/?page=50")
STATISTICS_URLS = ("/statistics/", "/statistics/?region=440000")
COMPLIANCE_URLS = ("/compliance/", "/compliance/?region=440000")


# --- Database and settings -----------------------------------------------------------------


def production_environment(tmp: Path) -> dict[str, str]:
    """The environment of the production settings, with STATIC_ROOT moved into ``tmp``.

    govopen/settings.py has no variable for STATIC_ROOT (the shared checkout's staticfiles/ must not
    be overwritten), so a settings module in ``tmp`` imports it and changes only that.
    """
    (tmp / f"{SETTINGS_MODULE}.py").write_text(
        '"""govopen.settings with STATIC_ROOT in the benchmark\'s temporary directory."""\n'
        "import os\n"
        "from pathlib import Path\n\n"
        "from govopen.settings import *  # noqa: F403\n\n"
        'STATIC_ROOT = Path(os.environ["BENCH_STATIC_ROOT"])\n'
    )
    return {
        "DJANGO_SETTINGS_MODULE": SETTINGS_MODULE,
        "DJANGO_DEBUG": "0",
        "DJANGO_SECRET_KEY": os.environ.get("DJANGO_SECRET_KEY") or secrets.token_urlsafe(50),
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost,testserver",
        "BENCH_STATIC_ROOT": str(tmp / "static"),
        "PYTHONPATH": os.pathsep.join([str(tmp), str(ROOT)]),
        # Behind the proxy, as deployed: the client address is X-Forwarded-For's (rate limits).
        "GOVOPEN_TRUSTED_PROXY": "1",
    }


def build(target: int) -> None:
    """Reports, cells, sections, search text, statistics and search index, as the pages need them."""
    from django.db import connection

    from reports.services.search import search_index_rebuild
    from reports.services.statistics import stats_rebuild

    begin = time.perf_counter()
    with _defaults_for_copy(connection):
        start = time.perf_counter()
        counts = generate(target)
    print(
        f"generated {counts['reports']:,} reports of {counts['publishers']:,} publishers (with cells and "
        f"sections) in {time.perf_counter() - start:.0f} s",
        flush=True,
    )
    start = time.perf_counter()
    with connection.cursor() as cursor:
        # services.reports.search_text: title, publisher, then each section's heading and text.
        cursor.execute(
            """
            UPDATE reports_report r
               SET search_text = r.title || E'\\n' || p.name || COALESCE(E'\\n' || (
                       SELECT string_agg(s.heading || E'\\n' || s.body, E'\\n' ORDER BY s.position)
                         FROM reports_section s WHERE s.report_id = r.id), '')
              FROM reports_publisher p
             WHERE p.id = r.publisher_id
            """
        )
        cursor.execute("VACUUM FULL reports_report")  # the UPDATE left a dead copy of every row
    print(f"search text in {time.perf_counter() - start:.0f} s", flush=True)
    start = time.perf_counter()
    n, rows = stats_rebuild()
    print(f"stats_rebuild: {n:,} reports, {rows:,} region rows in {time.perf_counter() - start:.0f} s", flush=True)
    start = time.perf_counter()
    n = search_index_rebuild(batch_size=1000)
    print(f"search_index_rebuild: {n:,} reports in {time.perf_counter() - start:.0f} s", flush=True)
    start = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")
    print(f"VACUUM ANALYZE in {time.perf_counter() - start:.0f} s", flush=True)
    print(f"build time: {time.perf_counter() - begin:.0f} s", flush=True)


@contextlib.contextmanager
def _defaults_for_copy(connection):
    """Column defaults in the database while ``generate`` COPYs reports.

    Django keeps a field's default in Python only; the report columns added since
    bench_statistics.generate was written (import_warnings, review_comment …) are NOT NULL and are
    not in its COPY. They get the model's default for the load and lose it again afterwards (a no-op
    where ``generate`` does the same itself).
    """
    from bench_statistics import _REPORT_COLS

    from reports.models import Report

    columns = []
    with connection.cursor() as cursor:
        for f in Report._meta.concrete_fields:
            if f.column in _REPORT_COLS or f.null or f.get_default() is None:
                continue
            default = f.get_db_prep_save(f.get_default(), connection)  # "" for text without a default
            cursor.execute(f'ALTER TABLE reports_report ALTER COLUMN "{f.column}" SET DEFAULT %s', [default])
            columns.append(f.column)
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            for column in columns:
                cursor.execute(f'ALTER TABLE reports_report ALTER COLUMN "{column}" DROP DEFAULT')


def storage(reports: int) -> float:
    """Prints the database's size per report and its largest tables; returns bytes per report."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_database_size(current_database())")
        total = cursor.fetchone()[0]
        cursor.execute(
            """
            SELECT c.relname, pg_total_relation_size(c.oid), pg_relation_size(c.oid), pg_indexes_size(c.oid)
              FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
             WHERE c.relkind = 'r' AND n.nspname = 'public'
             ORDER BY 2 DESC
            """
        )
        tables = cursor.fetchall()
    ours = sum(size for name, size, _, _ in tables if name.startswith("reports_"))
    print(
        f"storage: database {total / 2**20:,.1f} MB = {total / reports / 1024:.1f} KB per report; "
        f"reports_* tables {ours / 2**20:,.1f} MB = {ours / reports / 1024:.1f} KB per report"
    )
    print(f"  {'table':<28} {'total MB':>9} {'heap MB':>9} {'TOAST MB':>9} {'index MB':>9} {'B/report':>9}")
    for name, size, heap, index in tables[:8]:
        toast = size - heap - index
        print(
            f"  {name:<28} {size / 2**20:9.1f} {heap / 2**20:9.1f} {toast / 2**20:9.1f} {index / 2**20:9.1f} "
            f"{size / reports:9.0f}"
        )
    return total / reports


def collect_static(static_root: Path, report_id: int) -> int:
    """collectstatic, then the static baseline: a report page's HTML and its .gz; returns the gzip size."""
    from django.core.management import call_command
    from django.test import Client

    start = time.perf_counter()
    call_command("collectstatic", interactive=False, verbosity=0)
    print(f"collectstatic into {static_root} in {time.perf_counter() - start:.0f} s", flush=True)
    response = Client().get(f"/reports/{report_id}/", secure=True)
    if response.status_code != 200:
        raise SystemExit(f"/reports/{report_id}/: HTTP {response.status_code}")
    html = response.content
    target = static_root / STATIC_PATH
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(html)
    packed = gzip.compress(html, compresslevel=6, mtime=0)  # as Django's GZipMiddleware sends the page
    target.with_name(target.name + ".gz").write_bytes(packed)
    print(f"static baseline /static/{STATIC_PATH}: report {report_id}, {len(html):,} B, gzip {len(packed):,} B")
    return len(packed)


# --- gunicorn ------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    """gunicorn with govopen/gunicorn_conf.py on a free local port, stopped (SIGTERM) on exit."""

    def __init__(self, name: str, env: dict[str, str], tmp: Path, workers: int | None):
        self.name = name
        self.port = free_port()
        self.env = {**os.environ, **env, "GUNICORN_BIND": f"127.0.0.1:{self.port}"}
        if workers:
            self.env["GUNICORN_WORKERS"] = str(workers)
        self.log = tmp / f"gunicorn-{name}.log"
        self.proc: subprocess.Popen | None = None

    def __enter__(self):
        with open(self.log, "w") as log:
            self.proc = subprocess.Popen(
                [sys.executable, "-m", "gunicorn", "-c", "python:govopen.gunicorn_conf", "govopen.wsgi"],
                cwd=ROOT,
                env=self.env,
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline and self.proc.poll() is None:
            try:
                status, _, _ = fetch(self.port, "/healthz")
                if status == 200:
                    return self
            except OSError:
                pass
            time.sleep(0.3)
        self.__exit__()
        raise SystemExit(f"gunicorn {self.name} did not answer /healthz:\n{self.log.read_text()[-3000:]}")

    def __exit__(self, *exc):
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=40)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()

    def restarts(self) -> int:
        """Workers recycled so far (gunicorn's max_requests)."""
        return self.log.read_text(errors="replace").count("Autorestarting worker")


def fetch(port: int, path: str, headers: dict | None = None) -> tuple[int, dict, bytes]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    try:
        conn.request("GET", path, headers={**BASE_HEADERS, **(headers or {})})
        response = conn.getresponse()
        return response.status, {k.lower(): v for k, v in response.getheaders()}, response.read()
    finally:
        conn.close()


# --- Load generator ------------------------------------------------------------------------


@dataclass
class Group:
    """URLs requested with one weight (``paths`` chosen at random), reported as one line or by URL."""

    label: str
    paths: list[str]
    weight: float = 1.0
    headers: dict[str, dict] = field(default_factory=dict)  # extra headers by path
    by_url: bool = False


def _request(conn: http.client.HTTPConnection, path: str, headers: dict) -> tuple[int, str, int]:
    """One GET; retried once on a new connection when a kept-alive one was closed by the server."""
    for attempt in (0, 1):
        try:
            conn.request("GET", path, headers=headers)
            response = conn.getresponse()
            response.read()
            return response.status, response.getheader("X-Page-Cache") or "", attempt
        except (http.client.RemoteDisconnected, BrokenPipeError, ConnectionResetError):
            conn.close()
            if attempt:
                raise
    raise AssertionError("unreachable")


def visitor(n: int) -> str:
    """The address of the ``n``-th simulated visitor (X-Forwarded-For)."""
    return f"10.{n >> 16 & 255}.{n >> 8 & 255}.{n & 255}"


def _client_process(port, groups, first, threads, start_at, end_at, seed, visitors, out) -> None:
    cumulative = list(itertools.accumulate(g.weight for g in groups))
    headers = [{p: {**BASE_HEADERS, **g.headers.get(p, {})} for p in g.paths} for g in groups]
    records: list[list] = []

    def client(tid: int) -> None:
        rnd = random.Random(seed * 1000 + tid)
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        rec = []
        while time.monotonic() < start_at:
            time.sleep(0.001)
        while time.monotonic() < end_at:
            g = bisect.bisect_right(cumulative, rnd.random() * cumulative[-1])
            g = min(g, len(groups) - 1)
            i = rnd.randrange(len(groups[g].paths))
            path = groups[g].paths[i]
            sent = {**headers[g][path], "X-Forwarded-For": visitor(rnd.randrange(1, visitors + 1))}
            t = time.perf_counter()
            try:
                status, cache, retried = _request(conn, path, sent)
            except Exception:  # noqa: BLE001 - any failure is an error of this request
                status, cache, retried = 0, "", 0
                conn.close()
            done = time.monotonic()
            if done <= end_at:
                rec.append((g, i, time.perf_counter() - t, status, cache, retried))
        conn.close()
        records.append(rec)

    while time.monotonic() < start_at - 0.05:
        time.sleep(0.01)
    cpu = resource.getrusage(resource.RUSAGE_SELF)
    workers = [threading.Thread(target=client, args=(first + k,)) for k in range(threads)]
    for w in workers:
        w.start()
    for w in workers:
        w.join()
    after = resource.getrusage(resource.RUSAGE_SELF)
    used = (after.ru_utime - cpu.ru_utime) + (after.ru_stime - cpu.ru_stime)
    out.send((list(itertools.chain.from_iterable(records)), used))
    out.close()


def pct(ordered: list[float], p: float) -> float:
    if not ordered:
        return float("nan")
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


@dataclass
class Result:
    name: str
    clients: int
    duration: float
    latencies: list[float]  # seconds, sorted
    statuses: Counter
    hits: int
    retries: int
    generator_cpu: float  # share of one core
    worst: tuple[str, float]  # the group (URL) with the highest p95, and it, in ms
    groups: list[tuple[str, int, float, float]]  # label, requests, p50, p95 (ms)

    @property
    def rate(self) -> float:
        return len(self.latencies) / self.duration

    @property
    def errors(self) -> int:
        return sum(n for status, n in self.statuses.items() if status not in OK)

    def ms(self, p: float) -> float:
        return pct(self.latencies, p) * 1000


def run_load(port: int, groups: list[Group], clients: int, duration: float, procs: int, seed: int, visitors: int):
    """``clients`` keep-alive clients for ``duration`` seconds; returns records and generator CPU."""
    ctx = multiprocessing.get_context("fork")
    nprocs = max(1, min(clients, procs))
    split = [clients // nprocs + (k < clients % nprocs) for k in range(nprocs)]
    start_at = time.monotonic() + 0.3 + 0.02 * nprocs
    end_at = start_at + duration
    children, pipes, first = [], [], 0
    for threads in split:
        receive, send = ctx.Pipe(duplex=False)
        p = ctx.Process(
            target=_client_process,
            args=(port, groups, first, threads, start_at, end_at, seed, visitors, send),
            daemon=True,
        )
        p.start()
        send.close()
        children.append(p)
        pipes.append(receive)
        first += threads
    records, cpu = [], 0.0
    for receive in pipes:
        recs, used = receive.recv()
        records.extend(recs)
        cpu += used
    for p in children:
        p.join()
    return records, cpu / duration


def measure(name, port, groups, clients, args, *, duration=None, warmup=None) -> Result:
    """Warm-up, then ``clients`` clients for ``duration`` seconds (each run its own random URLs)."""
    duration = duration or args.duration
    warmup = args.warmup if warmup is None else warmup
    if warmup:
        run_load(port, groups, clients, warmup, args.procs, 100 + args.run, args.visitors)
    records, cpu = run_load(port, groups, clients, duration, args.procs, args.run, args.visitors)
    by_group: dict[tuple[int, int], list[float]] = {}
    for g, i, latency, *_ in records:
        by_group.setdefault((g, i if groups[g].by_url else -1), []).append(latency)
    lines = []
    for (g, i), values in sorted(by_group.items()):
        values.sort()
        label = groups[g].paths[i] if i >= 0 else groups[g].label
        lines.append((label, len(values), pct(values, 50) * 1000, pct(values, 95) * 1000))
    worst = max(((label, p95) for label, _, _, p95 in lines), key=lambda x: x[1], default=("", float("nan")))
    return Result(
        name=name,
        clients=clients,
        duration=duration,
        latencies=sorted(r[2] for r in records),
        statuses=Counter(r[3] for r in records),
        hits=sum(1 for r in records if r[4] == "hit"),
        retries=sum(r[5] for r in records),
        generator_cpu=cpu,
        worst=worst,
        groups=lines,
    )


def show(r: Result, static: Result | None = None) -> None:
    ratio = f"{r.rate / static.rate:5.2f}×static" if static and static.rate else " " * 12
    extra = []
    if r.hits:
        extra.append(f"cache hits {r.hits / max(len(r.latencies), 1):4.0%}")
    if r.statuses.get(304):
        extra.append(f"304 {r.statuses[304] / max(len(r.latencies), 1):4.0%}")
    if r.retries:
        extra.append(f"retries {r.retries}")
    odd = {s: n for s, n in r.statuses.items() if s not in OK}
    if odd:
        extra.append(f"errors by status {dict(odd)}")
    print(
        f"  {r.name:<22} c={r.clients:<3} {r.rate:8.1f} req/s  p50 {r.ms(50):7.1f}  p95 {r.ms(95):7.1f}  "
        f"p99 {r.ms(99):7.1f} ms  err {r.errors:<3} {ratio}  gen CPU {r.generator_cpu:4.0%}  " + "  ".join(extra),
        flush=True,
    )
    if len(r.groups) > 1:
        for label, n, p50, p95 in r.groups:
            print(f"      {label:<44} {n:6d} req  p50 {p50:7.1f}  p95 {p95:7.1f} ms")


# --- URLs ----------------------------------------------------------------------------------


@dataclass
class Urls:
    report_ids: list[int]
    cached_ids: list[int]
    lists: list[str]
    searches: list[str]


def sample_urls(seed: int = 3) -> Urls:
    """Report ids, and the filtered lists and keyword searches of the mixed load."""
    from reports.models import Region, Report

    rnd = random.Random(seed)
    ids = list(Report.objects.published().values_list("pk", flat=True))
    rnd.shuffle(ids)
    provinces = list(Region.objects.filter(level=1).values_list("code", flat=True))
    prefectures = list(Region.objects.filter(level=2).values_list("code", flat=True))
    regions = [None, *provinces, *rnd.sample(prefectures, min(60, len(prefectures)))]
    years = [None, *range(2019, 2026)]
    lists = set()
    while len(lists) < 2000:
        params = []
        region, year = rnd.choice(regions), rnd.choice(years)
        if region:
            params.append(f"region={region}")
        if year:
            params.append(f"year={year}")
        if rnd.random() < 0.2:
            params.append("kind=annual_report")
        page = rnd.choice((1, 1, 1, 1, 2, 3, 5))
        if page > 1:
            params.append(f"page={page}")
        lists.add("/reports/?" + "&".join(params) if params else "/reports/")
    searches = []
    for word in WORDS:
        for extra in [""] * 10 + [f"&region={p}" for p in provinces] + [f"&year={y}" for y in range(2019, 2026)]:
            searches.append(f"/reports/?q={quote(word)}{extra}")
    return Urls(report_ids=ids, cached_ids=ids[:10], lists=sorted(lists), searches=searches)


def word_shares() -> None:
    from reports.models import Report

    total = Report.objects.published().count()
    shares = []
    for word in WORDS:
        n = Report.objects.published().filter(search_text__contains=word).count()
        shares.append(f"{word} {n / total:.1%}")
    print("keyword searches (share of reports whose text holds the word): " + ", ".join(shares))


# --- The runs ------------------------------------------------------------------------------


def check_urls(port: int, paths: list[str]) -> None:
    for path in paths:
        status, headers, _ = fetch(port, path)
        if status != 200:
            raise SystemExit(f"GET {path}: HTTP {status} {headers.get('location', '')}")


def run_once(run: int, args, env: dict, tmp: Path, urls: Urls) -> dict:
    """One run: server A (as deployed) then server B (page cache off); returns results by key."""
    results: dict = {}
    args.run = run
    report = [f"/reports/{i}/" for i in urls.report_ids]
    static = Group("static file", [f"/static/{STATIC_PATH}"])
    load = " ".join(f"{x:.1f}" for x in os.getloadavg())
    print(f"\n=== run {run} (load average before it: {load}) ===", flush=True)

    with Server("A", env, tmp, args.workers) as server:
        print(f"server A: production settings, page cache on (port {server.port})", flush=True)
        cached = [f"/reports/{i}/" for i in urls.cached_ids]
        check_urls(server.port, [static.paths[0], *cached, *LIST_URLS[:1], urls.searches[0]])
        etags = {p: {"If-None-Match": fetch(server.port, p)[1].get("etag", "")} for p in cached}
        if not all(h["If-None-Match"] for h in etags.values()):
            print("  (no ETag on report pages: the 304 scenario measures 200s)")
        for clients in args.clients:
            s = results["A", "static", clients] = measure("static file", server.port, [static], clients, args)
            show(s)
            r = results["A", "cached", clients] = measure(
                "report page, cached", server.port, [Group("report", cached)], clients, args
            )
            show(r, s)
            r = results["A", "304", clients] = measure(
                "report page, 304", server.port, [Group("report", cached, headers=etags)], clients, args
            )
            show(r, s)
        mixed = [
            Group("report pages", report, 60),
            Group("filtered lists", urls.lists, 25),
            Group("keyword searches", urls.searches, 15),
        ]
        r = results["A", "mixed", args.mixed_clients] = measure(
            "mixed load",
            server.port,
            mixed,
            args.mixed_clients,
            args,
            duration=args.mixed_duration,
            warmup=max(args.warmup, 3),
        )
        show(r)
        print(f"  server A recycled {server.restarts()} workers (gunicorn max_requests)", flush=True)

    with Server("B", {**env, "GOVOPEN_PAGE_CACHE_SECONDS": "0"}, tmp, args.workers) as server:
        print(f"server B: production settings, GOVOPEN_PAGE_CACHE_SECONDS=0 (port {server.port})", flush=True)
        pages = {
            "home": ["/"],
            "list": list(LIST_URLS),
            "API list": list(API_URLS),
            "statistics": list(STATISTICS_URLS),
            "compliance": list(COMPLIANCE_URLS),
        }
        check_urls(server.port, [report[0], *itertools.chain.from_iterable(pages.values())])
        for clients in args.clients:
            s = results["B", "static", clients] = measure("static file", server.port, [static], clients, args)
            show(s)
            r = results["B", "uncached", clients] = measure(
                "report page, uncached", server.port, [Group("report", report)], clients, args
            )
            show(r, s)
            for name, paths in pages.items():
                group = Group(name, paths, by_url=True)
                r = results["B", name, clients] = measure(name, server.port, [group], clients, args)
                show(r, s)
        print(f"  server B recycled {server.restarts()} workers (gunicorn max_requests)", flush=True)
    return results


def summary(runs: list[dict], bytes_per_report: float, args) -> None:
    rows = []

    def goal(label: str, target: str, values: list[float], ok, fmt: str) -> None:
        passed = all(ok(v) for v in values)
        rows.append((label, target, [fmt.format(v) for v in values], "PASS" if passed else "FAIL"))

    for c in args.clients:
        goal(
            f"report page cached ÷ static, c={c}",
            "≥ 0.8",
            [r["A", "cached", c].rate / r["A", "static", c].rate for r in runs],
            lambda v: v >= 0.8,
            "{:.2f}",
        )
        goal(
            f"report page uncached ÷ static, c={c}",
            "≥ 0.1",
            [r["B", "uncached", c].rate / r["B", "static", c].rate for r in runs],
            lambda v: v >= 0.1,
            "{:.2f}",
        )
    for name, limit in (("home", 50), ("list", 50), ("API list", 50), ("statistics", 100), ("compliance", 100)):
        for c in args.clients:
            goal(
                f"{name} p95 (worst URL, uncached), c={c}",
                f"≤ {limit} ms",
                [r["B", name, c].worst[1] for r in runs],
                lambda v, limit=limit: v <= limit,
                "{:.1f} ms",
            )
    m = args.mixed_clients
    goal(
        f"mixed load {m} clients × {args.mixed_duration:g} s: req/s",
        "≥ 150",
        [r["A", "mixed", m].rate for r in runs],
        lambda v: v >= 150,
        "{:.1f}",
    )
    goal("mixed load p99", "≤ 1000 ms", [r["A", "mixed", m].ms(99) for r in runs], lambda v: v <= 1000, "{:.0f} ms")
    goal("mixed load errors", "0", [r["A", "mixed", m].errors for r in runs], lambda v: v == 0, "{:d}")
    goal(
        "errors in all other scenarios (check)",
        "0",
        [sum(x.errors for k, x in r.items() if k[1] != "mixed") for r in runs],
        lambda v: v == 0,
        "{:d}",
    )
    goal(
        "database bytes per report",
        "≤ 10 KB",
        [bytes_per_report / 1024],
        lambda v: v <= 10,
        "{:.1f} KB",
    )
    print(f"\nsummary ({args.reports_found:,} reports; each run's figure; PASS only if every run meets the goal)")
    width = max(len(label) for label, *_ in rows)
    for label, target, values, verdict in rows:
        print(f"  {label:<{width}}  {target:>10}  " + "  ".join(f"{v:>10}" for v in values) + f"  {verdict}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--reports", type=int, default=100_000, help="reports to build (default 100000)")
    parser.add_argument(
        "--reuse", action="store_true", help="with DATABASE_URL: measure the reports already there (built earlier)"
    )
    parser.add_argument("--runs", type=int, default=2, help="times everything is measured (default 2)")
    parser.add_argument("--duration", type=float, default=10, help="seconds per scenario (default 10)")
    parser.add_argument("--mixed-duration", type=float, default=60, help="seconds of the mixed load (default 60)")
    parser.add_argument("--mixed-clients", type=int, default=50, help="clients of the mixed load (default 50)")
    parser.add_argument("--warmup", type=float, default=2, help="seconds of warm-up before each scenario")
    parser.add_argument("--clients", default="1,8", help="numbers of clients, comma-separated (default 1,8)")
    parser.add_argument("--procs", type=int, default=4, help="load generator processes at most (default 4)")
    parser.add_argument(
        "--visitors", type=int, default=5000, help="client addresses the requests come from (default 5000)"
    )
    parser.add_argument("--workers", type=int, default=0, help="gunicorn workers (default: gunicorn_conf's)")
    args = parser.parse_args()
    args.clients = [int(c) for c in args.clients.split(",") if c.strip()]
    ensure_database(sys.argv[1:])

    tmp = Path(tempfile.mkdtemp(prefix="govopen-bench-pages-"))
    env = production_environment(tmp)
    os.environ.update(env)
    sys.path.insert(0, str(tmp))
    warnings.filterwarnings("ignore", message="No directory at")  # before collectstatic
    setup_django()
    try:
        _main(args, tmp, env)
    finally:
        import shutil

        shutil.rmtree(tmp, ignore_errors=True)


def _main(args, tmp: Path, env: dict) -> None:
    from django.db import connection

    from reports.models import Report

    if open_database(reuse=args.reuse):
        build(args.reports)
    args.reports_found = Report.objects.published().count()
    print(f"published reports: {args.reports_found:,}", flush=True)
    bytes_per_report = storage(Report.objects.count())
    urls = sample_urls()
    word_shares()
    collect_static(Path(env["BENCH_STATIC_ROOT"]), urls.cached_ids[0])
    conf = importlib.import_module("govopen.gunicorn_conf")
    print(
        f"gunicorn (govopen/gunicorn_conf.py): {args.workers or conf.workers} workers × {conf.threads} threads, "
        f"max_requests {conf.max_requests}±{conf.max_requests_jitter}, keepalive {conf.keepalive} s; "
        f"CACHE_URL {os.environ.get('CACHE_URL') or 'locmem:// (default)'}; "
        f"load generator: up to {args.procs} processes; {os.cpu_count()} CPUs, load average "
        + " ".join(f"{x:.1f}" for x in os.getloadavg()),
        flush=True,
    )
    connection.close()  # the servers and the clients are other processes
    runs = [run_once(run, args, env, tmp, urls) for run in range(1, args.runs + 1)]
    summary(runs, bytes_per_report, args)


if __name__ == "__main__":
    main()
