from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from reports.services.backup import BackupError, backup_check, backup_verify


class Command(BaseCommand):
    help = (
        "按备份的 manifest 核对站点:各表行数和每个存储文件的 SHA-256(用于恢复之后),列出不一致之处;"
        "加 --archive 则只核对备份本身是否完整。有不一致时退出码非零。"
    )

    def add_arguments(self, parser):
        parser.add_argument("source", help="备份目录或 .tar 文件")
        parser.add_argument(
            "--archive",
            action="store_true",
            help="只核对备份本身(每个文件都在、SHA-256 与 manifest 一致),不连接站点的数据",
        )

    def handle(self, *args, **opts):
        source = Path(opts["source"])
        try:
            problems = backup_verify(source=source) if opts["archive"] else backup_check(source=source)
        except BackupError as e:
            raise CommandError(str(e)) from None
        if problems:
            what = "备份" if opts["archive"] else "站点与备份"
            raise CommandError(f"{what}有 {len(problems)} 处不一致:\n" + "\n".join(problems))
        if opts["archive"]:
            self.stdout.write(self.style.SUCCESS(f"备份完整:{source} 的每个文件都与 manifest 一致。"))
        else:
            self.stdout.write(self.style.SUCCESS("核对通过:各表行数和每个文件的 SHA-256 与备份一致。"))
