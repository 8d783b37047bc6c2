"""python manage.py prune_files [--dry-run] [--download-days N]: remove stored files nothing needs.

Orphaned originals, downloads that are not the current file of a public report, forgotten import
uploads (reports/services/files.py). Safe to run at any time and again: weekly from cron is plenty.
"""

from django.core.management.base import BaseCommand, CommandError

from reports.services.files import DOWNLOAD_KEEP_DAYS, files_prune


def _size(n: int) -> str:
    for unit in ("B", "KB", "MB"):
        if n < 1024:
            return f"{n:.0f} {unit}" if unit == "B" else f"{n:.1f} {unit}"
        n /= 1024
    return f"{n:.1f} GB"


class Command(BaseCommand):
    help = (
        "删除存储中不再需要的文件:没有报告引用的原始文件、不是公开报告当前版本的下载文件、"
        "一天内没有确认或放弃的导入上传。--dry-run 只列出将删除的文件及其大小。"
    )

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="只列出,不删除")
        parser.add_argument(
            "--download-days",
            type=float,
            default=DOWNLOAD_KEEP_DAYS,
            metavar="N",
            help=f"过期的下载文件保留的天数(默认 {DOWNLOAD_KEEP_DAYS})",
        )

    def handle(self, *args, dry_run=False, download_days=DOWNLOAD_KEEP_DAYS, **options):
        if download_days < 0:
            raise CommandError("--download-days 不能为负数")
        found = files_prune(dry_run=dry_run, download_days=download_days)
        for item in found:
            self.stdout.write(f"{_size(item.size):>10}  {item.reason}  {item.name}")
        total = _size(sum(item.size for item in found))
        if dry_run:
            self.stdout.write(f"将删除 {len(found)} 个文件,共 {total}(--dry-run:未删除任何文件)。")
        else:
            self.stdout.write(f"删除了 {len(found)} 个文件,共 {total}。")
