import time

from django.core.management.base import BaseCommand

from reports.services.search import search_index_rebuild


class Command(BaseCommand):
    help = "重建全文检索索引(分词后的标题和正文)。升级到带全文检索的版本后运行一次;可重复运行。"

    def add_arguments(self, parser):
        parser.add_argument("--batch-size", type=int, default=500, help="每批处理的报告数(控制内存),默认 500")

    def handle(self, *args, **opts):
        start = time.perf_counter()

        def progress(done, total):
            if opts["verbosity"] > 1:
                self.stdout.write(f"  {done}/{total}")

        count = search_index_rebuild(batch_size=opts["batch_size"], progress=progress)
        self.stdout.write(
            self.style.SUCCESS(f"已为 {count} 份报告重建检索索引,用时 {time.perf_counter() - start:.1f} 秒。")
        )
