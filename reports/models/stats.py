"""Derived data behind the statistics pages and the compliance board (see reports/statistics/).

Nothing here is edited by hand: ``reports.statistics.stats_refresh_report`` keeps it in step with
one report, ``manage.py rebuild_statistics`` recomputes all of it from reports and their cells.
``StatisticsRefresh`` is the outbox between the two: a write to a report adds a row in its own
transaction, and a background task refreshes what the rows name.
"""

from django.db import models

from reports.format.measures import MEASURES


class ReportStat(models.Model):
    """One published annual report as statistics see it: where, when, headline numbers, text fingerprint.

    The headline columns are the sums of FORMAT.md codes defined by ``reports.statistics.measures``
    (NULL when the report left every cell of the measure blank), so a breakdown by publisher is one
    GROUP BY over these rows instead of millions of table cells.
    """

    # No database constraints: a stat row may outlive its report until it is refreshed, so the
    # refresh still knows which region and year the report used to count in.
    report = models.OneToOneField(
        "reports.Report",
        primary_key=True,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        related_name="stat",
    )
    publisher = models.ForeignKey(
        "reports.Publisher", on_delete=models.DO_NOTHING, db_constraint=False, related_name="+"
    )
    region_code = models.CharField("地区代码", max_length=6)
    year = models.PositiveSmallIntegerField("年度")
    edition = models.CharField("格式版本", max_length=4)
    checks_failed = models.PositiveSmallIntegerField("未通过的校验", default=0)
    published_on = models.DateField("发布日期", null=True)

    received = models.BigIntegerField(null=True)
    handled = models.BigIntegerField(null=True)
    granted = models.BigIntegerField(null=True)
    partly_granted = models.BigIntegerField(null=True)
    withheld = models.BigIntegerField(null=True)
    unavailable = models.BigIntegerField(null=True)
    rejected = models.BigIntegerField(null=True)
    other = models.BigIntegerField(null=True)
    review = models.BigIntegerField(null=True)
    review_corrected = models.BigIntegerField(null=True)
    litigation = models.BigIntegerField(null=True)
    litigation_corrected = models.BigIntegerField(null=True)

    # The cells the rules across years compare (format.YEAR_RULE_CODES), "table.row.column" -> value
    # as a string: next year's report is checked against them without reading this one's cells.
    year_cells = models.JSONField("跨年度核对的数值", default=dict)
    # Part numbers (一…六) and table codes a 2019/2021-format report lacks, comma-separated.
    missing_parts = models.CharField("缺少的部分", max_length=40, blank=True)
    missing_tables = models.CharField("缺少的表格", max_length=100, blank=True)
    # Bottom-k MinHash of the section text (reports.similarity); NULL when the text is too short.
    fingerprint = models.BinaryField("文本指纹", null=True)
    text_chars = models.PositiveIntegerField("正文字数", default=0)
    # What the compliance board lists, kept here so a view reads the few rows it shows instead of
    # re-running the rules and comparing every pair of the country (reports.services.statistics):
    # the consistency rules the report fails, [{"rule", "detail", "cells": [[table, row, column]]}];
    failures = models.JSONField("未通过的校验", default=list)
    # the same publisher's counted report on the year before (the newest by id) and how this one
    # compares with it: the rules across years it fails ([{"rule", "detail"}]) and the similarity
    # of the two texts (NULL when either text is too short to judge or there is no such report).
    previous_id = models.BigIntegerField("上一年度报告", null=True)
    year_checks = models.JSONField("跨年度核对不符", default=list)
    year_checks_failed = models.PositiveSmallIntegerField("跨年度核对不符的规则", default=0)
    similarity = models.FloatField("与上一年度报告的相似度", null=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "报告统计数据"
        verbose_name_plural = "报告统计数据"
        indexes = [
            # "In region X" is a code prefix: LIKE '44%' needs the pattern operator class on PostgreSQL.
            models.Index(
                fields=["region_code", "year"],
                name="reportstat_region_year",
                opclasses=["varchar_pattern_ops", "int2_ops"],
            ),
            models.Index(fields=["year", "region_code"], name="reportstat_year_region"),
            models.Index(fields=["publisher", "year"], name="reportstat_publisher_year"),
            # The few reports that fail a consistency rule, listed on every statistics page.
            models.Index(
                fields=["year", "region_code"], condition=models.Q(checks_failed__gt=0), name="reportstat_failing"
            ),
            # A year's breakdown by publisher over the whole country: read from the index alone
            # (PostgreSQL; SQLite has no INCLUDE and keeps the plain index).
            models.Index(
                fields=["year", "publisher"],
                include=["checks_failed", *(m.key for m in MEASURES)],
                name="reportstat_year_measures",
            ),
            # The compliance board's counts and lists of a year: each a few rows, or an index-only count.
            models.Index(fields=["year", "published_on"], name="reportstat_year_published"),
            models.Index(
                fields=["year", "region_code"], condition=models.Q(published_on__isnull=True), name="reportstat_undated"
            ),
            models.Index(
                fields=["year", "region_code"],
                condition=~models.Q(missing_parts="") | ~models.Q(missing_tables=""),
                name="reportstat_incomplete",
            ),
            models.Index(
                fields=["year", "region_code"],
                condition=models.Q(year_checks_failed__gt=0),
                name="reportstat_year_checks",
            ),
            models.Index(
                fields=["year", "region_code", "similarity"],
                condition=models.Q(similarity__isnull=False),
                name="reportstat_similarity",
            ),
        ]

    def __str__(self):
        return f"{self.report_id} {self.region_code} {self.year}"


class RegionYearStat(models.Model):
    """The sums of every table code over the published annual reports of a region and year.

    ``scope`` ``all`` covers the region and everything under it (COUNTRY_CODE: the whole country);
    ``own`` only the reports filed under the region itself (a province's own departments), kept for
    regions that have regions under them. Each number is stored as ``[sum, reports with the cell
    filled, of those failing a consistency rule]``; ``figures`` is keyed by edition, then code.
    """

    class Scope(models.TextChoices):
        ALL = "all", "含下级地区"
        OWN = "own", "本级"

    region_code = models.CharField("地区代码", max_length=6)
    year = models.PositiveSmallIntegerField("年度")
    scope = models.CharField("范围", max_length=3, choices=Scope.choices, default=Scope.ALL)
    reports = models.PositiveIntegerField("报告数", default=0)
    failed = models.PositiveIntegerField("未通过校验的报告数", default=0)
    editions = models.JSONField("各格式报告数", default=dict)
    measures = models.JSONField("主要指标", default=dict)
    figures = models.JSONField("各项合计", default=dict)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "地区年度统计"
        verbose_name_plural = "地区年度统计"
        constraints = [
            models.UniqueConstraint(fields=["region_code", "year", "scope"], name="one_stat_per_region_year_scope"),
        ]

    def __str__(self):
        return f"{self.region_code} {self.year} {self.scope}"


class StatisticsRefresh(models.Model):
    """A report whose statistics are out of date, written in the same transaction as the change to it.

    The statistics task (``reports.services.statistics.stats_refresh_pending``) refreshes the reports
    the rows name and deletes exactly those rows; a row a crash left behind waits for the next run.
    Several rows may name one report (no unique constraint: a change committed while the task runs
    must keep its own row). No foreign key: the report may have been deleted.
    """

    report_id = models.BigIntegerField("报告编号")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "待刷新的统计"
        verbose_name_plural = "待刷新的统计"

    def __str__(self):
        return f"{self.report_id} {self.created_at:%Y-%m-%d %H:%M:%S}"
