import json
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from reports.importers import ImportError_
from reports.importers.dispatch import SUPPORTED_SUFFIXES, parse_document
from reports.models import ReportKind
from reports.services import report_import


def expand(paths):
    """Files named on the command line, and the supported files inside named directories."""
    for raw in paths:
        p = Path(raw)
        if p.is_dir():
            yield from sorted(f for f in p.rglob("*") if f.is_file() and f.suffix.lower() in SUPPORTED_SUFFIXES)
        else:
            yield p


class Command(BaseCommand):
    help = "导入政府信息公开文件(每个文件一份报告,全部成功或全部不保存)。"

    def add_arguments(self, parser):
        parser.add_argument("paths", nargs="+", help="文件或目录")
        parser.add_argument("--region", help="六位行政区划代码(覆盖文中识别的地区)")
        parser.add_argument("--year", type=int, help="报告年度(覆盖文中识别的年度)")
        parser.add_argument("--kind", choices=ReportKind.values, help="类别")
        parser.add_argument("--publisher", help="发布机构名称(覆盖文中识别的机构)")
        parser.add_argument("--publish", action="store_true", help="导入后直接发布")
        parser.add_argument(
            "--replace",
            action="store_true",
            help="替换同一机构同一年度同一类别的已有报告",
        )
        parser.add_argument("--json", action="store_true", help="每个文件输出一行 JSON")

    def handle(self, *paths, **opts):
        failed = 0
        for path in expand(opts["paths"]):
            result = self.import_one(path, opts)
            failed += not result["ok"]
            if opts["json"]:
                self.stdout.write(json.dumps(result, ensure_ascii=False))
            elif result["ok"]:
                warn = f"  (提示: {'; '.join(result['warnings'])})" if result["warnings"] else ""
                self.stdout.write(f"{path}: OK #{result['id']} {result['url']}{warn}")
            else:
                self.stdout.write(f"{path}: 失败 {result['error']}")
        if failed:
            raise CommandError(f"{failed} 个文件导入失败。", returncode=1)

    def import_one(self, path: Path, opts) -> dict:
        try:
            data = path.read_bytes()
        except OSError as e:
            return {
                "file": str(path),
                "ok": False,
                "error": f"无法读取文件:{e.strerror or e}",
            }
        try:
            parsed = parse_document(
                path.name,
                data,
                max_bytes=settings.GOVOPEN_MAX_UPLOAD_BYTES,
                year=opts["year"],
                kind=opts["kind"],
                region_code=opts["region"],
            )
            report, _ = report_import(
                parsed=parsed,
                region_code=opts["region"],
                year=opts["year"],
                kind=opts["kind"],
                publisher_name=opts["publisher"],
                publish=opts["publish"],
                replace=opts["replace"],
                original_name=path.name,
                original_bytes=data,
            )
        except ImportError_ as e:
            return {"file": str(path), "ok": False, "error": str(e)}
        return {
            "file": str(path),
            "ok": True,
            "id": report.pk,
            "url": report.get_absolute_url(),
            "warnings": parsed.warnings,
        }
