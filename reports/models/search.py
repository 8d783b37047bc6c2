from django.db import models


class ReportSearch(models.Model):
    """A report's text as the full-text index reads it: words separated by spaces (reports/segment.py).

    Written by ``services.search.search_index_report`` whenever a report's text is; the engines'
    own structures are built from these columns by the database: on PostgreSQL a generated
    ``document`` tsvector (title weight A, body B, sub-words C) with a GIN index, on SQLite the
    FTS5 table ``reports_reportsearch_fts`` kept by triggers (migration 0014).
    """

    report = models.OneToOneField(
        "reports.Report", on_delete=models.CASCADE, primary_key=True, related_name="search_index"
    )
    title = models.TextField("标题分词", blank=True)
    body = models.TextField("正文分词", blank=True)
    parts = models.TextField("长词中的短词", blank=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    class Meta:
        verbose_name = "检索索引"
        verbose_name_plural = "检索索引"

    def __str__(self):
        return f"检索索引 {self.report_id}"
