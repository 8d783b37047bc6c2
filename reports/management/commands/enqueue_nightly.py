"""python manage.py enqueue_nightly: queue the nightly background jobs (run it from cron, and at start-up).

    15 2 * * *  cd /srv/govopen && .venv/bin/python manage.py enqueue_nightly

The jobs run in the worker (``manage.py db_worker``), or here with GOVOPEN_TASKS_INLINE=1. A job
already waiting is not queued twice.
"""

from django.core.management.base import BaseCommand

from reports.services.dumps import dumps_build_task
from reports.services.statistics import stats_refresh_pending_task
from reports.services.tasks import enqueue_once


class Command(BaseCommand):
    help = "排入每晚的后台任务:刷新尚未更新的统计数据,重新生成全站开放数据文件;建议每晚由定时任务(cron)运行。"

    def handle(self, *args, **options):
        for label, job in (("统计数据刷新", stats_refresh_pending_task), ("全站开放数据文件", dumps_build_task)):
            queued = enqueue_once(job)
            self.stdout.write(f"{label}:{'已排入后台任务' if queued else '已有一个在等待,未重复排入'}")
