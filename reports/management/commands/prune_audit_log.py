"""python manage.py prune_audit_log: remove audit events older than GOVOPEN_AUDIT_RETENTION_DAYS."""

from django.conf import settings
from django.core.management.base import BaseCommand

from reports.services.audit import audit_prune


class Command(BaseCommand):
    help = "按保留期限(GOVOPEN_AUDIT_RETENTION_DAYS)删除过期的审计日志;建议每天由定时任务运行。"

    def handle(self, *args, **options):
        removed = audit_prune()
        self.stdout.write(f"删除了 {removed} 条早于 {settings.GOVOPEN_AUDIT_RETENTION_DAYS} 天的审计日志。")
