import time

from django.core.management.base import BaseCommand

from reports.services.statistics import stats_rebuild


class Command(BaseCommand):
    help = "重新计算统计分析和监督检查所用的汇总数据(ReportStat、RegionYearStat)。行政区划表更新后或批量导入后运行。"

    def handle(self, *args, **opts):
        start = time.perf_counter()

        def progress(done, total):
            if opts["verbosity"] > 1:
                self.stdout.write(f"  {done}/{total}")

        reports, rows = stats_rebuild(progress=progress)
        self.stdout.write(
            self.style.SUCCESS(
                f"已汇总 {reports} 份年度报告,{rows} 条地区年度数据,用时 {time.perf_counter() - start:.1f} 秒。"
            )
        )
