from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from reports.services.backup import BackupError, backup_restore


class Command(BaseCommand):
    help = (
        "把 backup_site 的备份恢复到空的站点(没有报告、发布机构、用户和文件;否则拒绝,不会合并),"
        "然后按 manifest 核对各表行数和每个文件的 SHA-256。"
    )

    def add_arguments(self, parser):
        parser.add_argument("source", help="备份目录或 .tar 文件")

    def handle(self, *args, **opts):
        source = Path(opts["source"])
        try:
            result = backup_restore(source=source)
        except BackupError as e:
            raise CommandError(str(e)) from None
        manifest = result.manifest
        self.stdout.write(
            f"已从 {source} 恢复(备份于 {manifest['created_at']}):{sum(manifest['counts'].values())} 行数据,"
            f"{len(manifest['files'])} 个文件。检索索引和统计数据随数据库恢复;下载文件在首次下载时重新生成。"
        )
        if result.pending_migrations:
            self.stdout.write(
                self.style.WARNING(
                    f"备份早于当前程序({len(result.pending_migrations)} 个迁移未应用):请运行 python manage.py migrate,"
                    "再按升级说明运行 rebuild_statistics / rebuild_search_index。"
                )
            )
        if result.differences:
            raise CommandError("恢复后的核对未通过:\n" + "\n".join(result.differences))
        self.stdout.write(self.style.SUCCESS("核对通过:各表行数和每个文件的 SHA-256 与备份一致。"))
