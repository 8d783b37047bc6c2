from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from reports.services.backup import BackupError, backup_create


class Command(BaseCommand):
    help = (
        "备份整个站点:数据库(PostgreSQL 用 pg_dump,SQLite 用在线备份接口)和存储的全部文件(下载缓存除外),"
        "附 manifest.json(各表行数、每个文件的 SHA-256)。网站运行时也可备份。"
    )

    def add_arguments(self, parser):
        parser.add_argument("target", help="备份目录(不存在或为空),或以 .tar 结尾的新文件")

    def handle(self, *args, **opts):
        target = Path(opts["target"])
        try:
            manifest = backup_create(target=target)
        except BackupError as e:
            raise CommandError(str(e)) from None
        files = manifest["files"]
        size = sum(f["size"] for f in files.values()) + manifest["database"]["size"]
        self.stdout.write(
            self.style.SUCCESS(
                f"已备份到 {target}:{manifest['database']['tool']} 数据库,{len(manifest['counts'])} 张表共 "
                f"{sum(manifest['counts'].values())} 行;{len(files)} 个文件;共 {size / 1048576:.1f} MB。"
            )
        )
