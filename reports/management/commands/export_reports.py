import shutil

from django.core.management.base import BaseCommand, CommandError
from django.http import QueryDict

from reports.exporters import bulk
from reports.models import ReportKind
from reports.selectors.filters import ParameterError, reports_matching


class _Text:
    """A text stream over the command's stdout that adds no line endings of its own."""

    def __init__(self, wrapper):
        self.wrapper = wrapper

    def write(self, text: str) -> None:
        self.wrapper.write(text, ending="")

    def writelines(self, lines) -> None:
        for line in lines:
            self.write(line)


class Command(BaseCommand):
    help = "导出已发布报告的开放数据(与网站的批量下载相同):CSV 长表、XLSX 或 JSON Lines。"

    def add_arguments(self, parser):
        parser.add_argument("--format", choices=("json", "csv", "xlsx"), default="csv", help="json 为 JSON Lines")
        parser.add_argument("--region", help="六位行政区划代码(含下级地区)")
        parser.add_argument("--year", help="报告年度")
        parser.add_argument("--kind", choices=ReportKind.values, help="类别")
        parser.add_argument("--q", help="关键词")
        parser.add_argument("--output", "-o", help="输出文件(默认写到标准输出)")
        parser.add_argument("--base-url", default="", help="报告网址的前缀,如 https://example.cn")

    def handle(self, *args, **opts):
        params = QueryDict(mutable=True)
        for name in ("region", "year", "kind", "q"):
            if opts.get(name):
                params[name] = str(opts[name])
        try:
            qs = reports_matching(params)
        except ParameterError as e:
            raise CommandError(f"--{e.parameter}: {e.message}") from None
        output, base_url = opts["output"], opts["base_url"].rstrip("/")

        if opts["format"] == "xlsx":
            if output:
                with open(output, "wb") as out:
                    bulk.write_xlsx(qs, out, base_url=base_url)
                return
            binary = getattr(self.stdout, "buffer", None)
            if binary is None:
                raise CommandError("XLSX 是二进制文件,请用 --output 指定文件。")
            with bulk.xlsx_tempfile(qs, base_url=base_url) as tmp:
                shutil.copyfileobj(tmp, binary)
            binary.flush()
            return

        def write(out):
            if opts["format"] == "csv":
                bulk.write_csv(qs, out)
            else:
                bulk.write_jsonl(qs, out, base_url=base_url)

        if output:
            with open(output, "w", encoding="utf-8", newline="") as out:
                write(out)
        else:
            write(_Text(self.stdout))
