import json
import multiprocessing
import time
from collections import Counter, deque
from pathlib import Path, PurePath

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from reports.importers import UnreadableDocument
from reports.importers.dispatch import UPLOAD_SUFFIXES, iter_documents, parse_document
from reports.models import ReportKind
from reports.services import imports
from reports.services.statistics import stats_deferred

FAILED = "failed"


def documents(files):
    """(file number, name, bytes or the UnreadableDocument that stops them) for every document, zips opened."""
    for n, path in enumerate(files, 1):
        try:
            data = path.read_bytes()
        except OSError as e:
            yield n, str(path), None, UnreadableDocument(f"无法读取文件:{e.strerror or e}")
            continue
        try:
            for member in iter_documents(str(path), data, max_bytes=settings.GOVOPEN_MAX_UPLOAD_BYTES):
                yield n, member.name, member.data, None if member.data is not None else UnreadableDocument(member.error)
        except UnreadableDocument as e:
            yield n, str(path), None, e


def _parse(name: str, data: bytes | None, error, options: dict):
    """Parse one document (in a worker process when --jobs > 1): the ParsedReport or the UnreadableDocument."""
    if error is not None:
        return error
    try:
        return parse_document(name, data, **options)
    except UnreadableDocument as e:
        return e


def parse_all(items, options: dict, jobs: int):
    """(file number, name, bytes, ParsedReport or UnreadableDocument) in input order.

    With several jobs, parsing (pure, no database) runs in worker processes while this process
    writes; at most a few documents are in flight, so memory stays flat however large the input.
    """
    if jobs <= 1:
        for n, name, data, error in items:
            yield n, name, data, _parse(name, data, error, options)
        return
    # Workers never touch the database; they are forked (cheap: the region index is shared) and
    # leave with os._exit, so the database connections they inherit are never used or closed.
    pending: deque = deque()
    with multiprocessing.get_context("fork").Pool(jobs) as pool:
        for n, name, data, error in items:
            pending.append((n, name, data, pool.apply_async(_parse, (name, data, error, options))))
            if len(pending) >= 4 * jobs:
                n0, name0, data0, job = pending.popleft()
                yield n0, name0, data0, job.get()
        while pending:
            n0, name0, data0, job = pending.popleft()
            yield n0, name0, data0, job.get()


def expand(paths):
    """Files named on the command line, and the supported files (zips too) inside named directories."""
    for raw in paths:
        p = Path(raw)
        if p.is_dir():
            yield from sorted(f for f in p.rglob("*") if f.is_file() and f.suffix.lower() in UPLOAD_SUFFIXES)
        else:
            yield p


class Command(BaseCommand):
    help = "导入政府信息公开文件:文本、网页、Word(.docx)及其 zip 压缩包(每个文件一份报告,全部成功或全部不保存)。"

    def add_arguments(self, parser):
        parser.add_argument("paths", nargs="+", help="文件、目录或 zip 压缩包")
        parser.add_argument("--region", help="六位行政区划代码(覆盖文中识别的地区)")
        parser.add_argument("--year", type=int, help="报告年度(覆盖文中识别的年度)")
        parser.add_argument("--kind", choices=ReportKind.values, help="类别")
        parser.add_argument("--publisher", help="发布机构名称(覆盖文中识别的机构)")
        parser.add_argument("--publish", action="store_true", help="导入后直接发布")
        existing = parser.add_mutually_exclusive_group()
        existing.add_argument(
            "--replace",
            action="store_true",
            help="替换同一机构同一年度同一类别的已有报告",
        )
        existing.add_argument(
            "--skip-existing",
            action="store_true",
            help="已有同一机构同一年度同一类别的报告时跳过(不算失败)",
        )
        parser.add_argument("--json", action="store_true", help="每个文件输出一行 JSON")
        parser.add_argument(
            "--jobs",
            type=int,
            default=1,
            help="并行解析文件的进程数(默认 1;写入数据库始终按顺序逐份进行)",
        )

    def handle(self, *paths, **opts):
        self.opts = opts
        self.on_existing = "replace" if opts["replace"] else "skip" if opts["skip_existing"] else "fail"
        # Progress only for a person watching: not into a pipe or a file, not with --json.
        self.progress = not opts["json"] and self.stdout.isatty()
        self.counts: Counter[str] = Counter()
        self.started = time.monotonic()
        # Regions and publishers read once per run, not once per document.
        self.lookups = imports.ImportLookups()
        files = list(expand(opts["paths"]))
        parse_options = {
            "max_bytes": settings.GOVOPEN_MAX_UPLOAD_BYTES,
            "year": opts["year"],
            "kind": opts["kind"],
            "region_code": opts["region"],
        }
        # Statistics are brought up to date once, for all imported reports, when the batch ends.
        with stats_deferred():
            for n, name, data, parsed in parse_all(documents(files), parse_options, opts["jobs"]):
                if isinstance(parsed, UnreadableDocument):
                    result = {"file": name, "ok": False, "status": FAILED, "error": str(parsed)}
                else:
                    result = self.import_one(name, data, parsed)
                self.report(result)
                self.show_progress(n, len(files))
        self.finish()

    def import_one(self, name: str, data: bytes, parsed) -> dict:
        opts = self.opts
        try:
            outcome = imports.report_import_document(
                parsed=parsed,
                on_existing=self.on_existing,
                lookups=self.lookups,
                region_code=opts["region"],
                year=opts["year"],
                kind=opts["kind"],
                publisher_name=opts["publisher"],
                publish=opts["publish"],
                original_name=PurePath(name).name,
                original_bytes=data,
            )
        except UnreadableDocument as e:
            return {"file": name, "ok": False, "status": FAILED, "error": str(e)}
        report = outcome.report
        return {
            "file": name,
            "ok": True,
            "status": outcome.status,
            "id": report.pk,
            "url": report.get_absolute_url(),
            "warnings": parsed.warnings,
        }

    # --- output ------------------------------------------------------------------------------------

    def report(self, result: dict) -> None:
        self.counts[result["status"]] += 1
        if self.opts["json"]:
            self.stdout.write(json.dumps(result, ensure_ascii=False))
            return
        self.clear_progress()
        if result["status"] == imports.SKIPPED:
            self.stdout.write(f"{result['file']}: 跳过(已存在 #{result['id']} {result['url']})")
        elif result["ok"]:
            warn = f"  (提示: {'; '.join(result['warnings'])})" if result["warnings"] else ""
            done = "替换" if result["status"] == imports.REPLACED else "OK"
            self.stdout.write(f"{result['file']}: {done} #{result['id']} {result['url']}{warn}")
        else:
            self.stdout.write(f"{result['file']}: 失败 {result['error']}")

    def show_progress(self, n: int, total: int) -> None:
        if not self.progress:
            return
        done = sum(self.counts.values())
        rate = done / max(time.monotonic() - self.started, 1e-6)
        self.stdout.write(
            f"\r[{n}/{total} 个文件] 已处理 {done} 篇,失败 {self.counts[FAILED]},{rate:.1f} 篇/秒", ending=""
        )
        self.stdout.flush()

    def clear_progress(self) -> None:
        if self.progress:
            self.stdout.write("\r\x1b[K", ending="")

    def finish(self) -> None:
        c = self.counts
        seconds = time.monotonic() - self.started
        total = sum(c.values())
        summary = {
            "imported": c[imports.IMPORTED],
            "replaced": c[imports.REPLACED],
            "skipped": c[imports.SKIPPED],
            "failed": c[FAILED],
            "seconds": round(seconds, 2),
        }
        if self.opts["json"]:
            # stdout keeps one line per document; the summary goes to stderr for people and logs.
            self.stderr.write(json.dumps({"summary": summary}, ensure_ascii=False))
        else:
            self.clear_progress()
            self.stdout.write(
                f"完成:导入 {summary['imported']},替换 {summary['replaced']},跳过 {summary['skipped']},"
                f"失败 {summary['failed']}(共 {total} 篇,用时 {seconds:.1f} 秒,{total / max(seconds, 1e-6):.1f} 篇/秒)"
            )
        if c[FAILED]:
            raise CommandError(f"{c[FAILED]} 个文件导入失败。", returncode=1)
