from pathlib import Path

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand

from reports.models import Report

DEMO_DIR = Path(settings.BASE_DIR) / "demo" / "seeds"


class Command(BaseCommand):
    help = "导入并发布演示数据(demo/seeds),已有报告时跳过。"

    def handle(self, *args, **opts):
        if Report.objects.exists():
            self.stdout.write("已有报告,跳过演示数据。")
            return
        call_command("import_reports", str(DEMO_DIR), publish=True, stdout=self.stdout)
