import re

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.urls import reverse

from reports import format as fmt
from reports.regions.codes import code_prefix

# (一)… sub-headings of a section body: short lines that open with a Chinese ordinal in brackets.
_SUBHEADING = re.compile(r"^[（(][一二三四五六七八九十]+[)）]")


class ReportKind(models.TextChoices):
    ANNUAL_REPORT = "annual_report", "政府信息公开工作年度报告"
    WORK_PLAN = "work_plan", "政务公开工作要点"
    GUIDE = "guide", "政府信息公开指南"
    OTHER = "other", "其他"


class ReportStatus(models.TextChoices):
    DRAFT = "draft", "草稿"
    PENDING = "pending", "待审核"
    PUBLISHED = "published", "已发布"
    WITHDRAWN = "withdrawn", "已撤回"


class ReportQuerySet(models.QuerySet):
    def published(self):
        """Reports the public may see."""
        return self.filter(status=ReportStatus.PUBLISHED)

    def in_region(self, code: str):
        """Reports of the region ``code`` and of every region under it."""
        return self.filter(region__code__startswith=code_prefix(code))

    def annual(self):
        """政府信息公开工作年度报告 only."""
        return self.filter(kind=ReportKind.ANNUAL_REPORT)

    def with_has_cells(self):
        """Annotated with ``has_cells``: whether the report holds any table number."""
        from reports.models.cells import ReportNumbers

        # The writer keeps no row for a report without numbers (services.reports.values_store).
        return self.annotate(has_cells=models.Exists(ReportNumbers.objects.filter(report=models.OuterRef("pk"))))

    def newest_first(self):
        """Latest publication first; undated reports last."""
        return self.order_by(*NEWEST_FIRST)


# Newest publication first, then the newer year; undated last on every database (PostgreSQL alone
# would put NULLs first). The lists, the search's date order and the index report_newest share it.
NEWEST_FIRST = (
    models.F("published_on").desc(nulls_last=True),
    models.F("year").desc(nulls_last=True),
    models.F("id").desc(),
)


class Report(models.Model):
    """A document of the 政府信息公开 column, above all the annual report."""

    kind = models.CharField(
        "类别",
        max_length=20,
        choices=ReportKind.choices,
        default=ReportKind.ANNUAL_REPORT,
    )
    edition = models.CharField(
        "格式版本",
        max_length=4,
        choices=[(e, fmt.EDITION_LABELS[e]) for e in fmt.EDITIONS],
        default=fmt.EDITION_2021,
    )
    year = models.PositiveSmallIntegerField(
        "年度",
        null=True,
        blank=True,
        db_index=True,
        # Checked in Python too, so that imports need not ask the database (see report_year_plausible).
        validators=[
            MinValueValidator(fmt.FIRST_YEAR, fmt.YEAR_RANGE_MESSAGE),
            MaxValueValidator(fmt.LAST_YEAR, fmt.YEAR_RANGE_MESSAGE),
        ],
    )
    title = models.CharField("标题", max_length=300)
    publisher = models.ForeignKey(
        "reports.Publisher",
        verbose_name="发布机构",
        on_delete=models.PROTECT,
        related_name="reports",
    )
    region = models.ForeignKey(
        "reports.Region",
        verbose_name="所属地区",
        on_delete=models.PROTECT,
        related_name="reports",
    )
    index_no = models.CharField("索引号", max_length=100, blank=True)
    document_no = models.CharField("文号", max_length=100, blank=True)
    written_on = models.DateField("成文日期", null=True, blank=True)
    published_on = models.DateField("发布日期", null=True, blank=True)
    status = models.CharField("状态", max_length=20, choices=ReportStatus.choices, default=ReportStatus.DRAFT)
    source_url = models.URLField("来源网址", max_length=500, blank=True)
    original_file = models.FileField("原始文件", upload_to="originals/%Y/", blank=True)
    # Title and all section text, kept for keyword search (see reports/search.py).
    search_text = models.TextField("检索文本", blank=True, editable=False)
    checks_failed = models.PositiveSmallIntegerField("未通过的校验", default=0, editable=False)
    # What the importer could not read or was unsure of (cells not read, garbled text, no 发布日期 …),
    # kept for the editor until the report is checked.
    import_warnings = models.JSONField("导入提示", default=list, blank=True, editable=False)
    # Cells read by OCR from a scanned PDF, as [table, row, column]: each waits for the editor to
    # confirm it against the scan, and the report cannot be published until none is left.
    unconfirmed_cells = models.JSONField("待核对的识别单元格", default=list, blank=True, editable=False)
    # The review workflow (services/workflow.py): who sent the report for review, the reviewer's
    # last rejection, and why a published report was withdrawn.
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="提交审核人",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        editable=False,
    )
    submitted_at = models.DateTimeField("提交审核时间", null=True, blank=True, editable=False)
    review_comment = models.TextField("审核意见", blank=True, editable=False)
    withdrawn_at = models.DateTimeField("撤回时间", null=True, blank=True, editable=False)
    withdrawn_reason = models.TextField("撤回原因", blank=True, editable=False)
    # A draft revision of a published report: edited and reviewed while the published version stays
    # live; approving it writes it into the published report (and records a 更正记录).
    revision_of = models.ForeignKey(
        "self",
        verbose_name="修订的报告",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="revisions",
        editable=False,
    )
    change_reason = models.CharField(
        "更正原因", max_length=500, blank=True, help_text="修订已发布的报告时填写,审核通过后公开在更正记录中。"
    )
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    objects = ReportQuerySet.as_manager()

    class Meta:
        verbose_name = "报告"
        verbose_name_plural = "报告"
        ordering = NEWEST_FIRST
        constraints = [
            models.UniqueConstraint(
                fields=["publisher", "year"],
                condition=models.Q(status="published", kind="annual_report"),
                name="one_published_annual_report_per_publisher_year",
                violation_error_message="该发布机构这一年度已有一份已发布的年度报告。",
            ),
            models.CheckConstraint(
                condition=models.Q(year__isnull=True) | models.Q(year__gte=fmt.FIRST_YEAR, year__lte=fmt.LAST_YEAR),
                name="report_year_plausible",
                violation_error_message=fmt.YEAR_RANGE_MESSAGE,
            ),
        ]
        indexes = [
            models.Index(fields=["status", "kind", "year"]),
            models.Index(fields=["status", "region"]),
            models.Index(*NEWEST_FIRST, name="report_newest"),
        ]

    def __str__(self):
        return self.title

    def clean(self):
        # The service checks it too (report_dates_validate); here it reaches every ModelForm.
        error = fmt.date_order_error(self.written_on, self.published_on)
        if error:
            raise ValidationError({"published_on": error})

    def get_absolute_url(self):
        return reverse("reports:detail", args=[self.pk])

    @property
    def is_public(self) -> bool:
        return self.status == ReportStatus.PUBLISHED

    @property
    def tables_format(self):
        """The standard tables of this report's edition (none for old-format reports)."""
        if self.kind != ReportKind.ANNUAL_REPORT:
            return {}
        return fmt.tables_for(self.edition)


class Section(models.Model):
    """A numbered part of a report (一、总体情况) with its plain text."""

    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="sections")
    position = models.PositiveSmallIntegerField("顺序", default=0)
    number = models.CharField("序号", max_length=10, blank=True)
    heading = models.CharField("标题", max_length=200, blank=True)
    body = models.TextField("正文", blank=True, help_text="纯文本;每段一行,(一)(二)等小标题单独成行。")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "章节"
        verbose_name_plural = "章节"
        ordering = ["report", "position", "id"]

    def __str__(self):
        return f"{self.number}、{self.heading}" if self.number else self.heading

    @property
    def paragraphs(self) -> list[str]:
        return [p for p in (line.strip() for line in self.body.splitlines()) if p]

    def blocks(self) -> list[tuple[str, object]]:
        """The body as ("h", sub-heading), ("lead", (ordinal, text)) and ("p", paragraph) blocks.

        A sub-heading is a short line opening with a bracketed Chinese ordinal ((一)…) that does
        not end like a sentence; a longer such line is a paragraph led by its ordinal.
        """
        blocks: list[tuple[str, object]] = []
        for para in self.paragraphs:
            m = _SUBHEADING.match(para)
            if m and len(para) <= 40 and not para.endswith(("。", ";", ";")):
                blocks.append(("h", para))
            elif m:
                blocks.append(("lead", (m.group(0), para[m.end() :])))
            else:
                blocks.append(("p", para))
        return blocks


class Correction(models.Model):
    """A public 更正记录: a published report corrected through an approved revision."""

    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="corrections")
    corrected_at = models.DateTimeField("更正时间")
    reason = models.CharField("更正原因", max_length=500)
    # What changed, in the national format's Chinese names ("表三 … / 自然人:12 → 13").
    changes = models.JSONField("更正内容", default=list)

    class Meta:
        verbose_name = "更正记录"
        verbose_name_plural = "更正记录"
        ordering = ["-corrected_at", "-id"]

    def __str__(self):
        return f"{self.report} {self.corrected_at:%Y-%m-%d}"


class ReportVersion(models.Model):
    """One saved state of a report: metadata, sections, free tables and every table number, as one
    JSON document (see services/versions.py)."""

    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField("版本号")
    created_at = models.DateTimeField("保存时间", auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="保存人",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    action = models.CharField("操作", max_length=40)
    snapshot = models.JSONField("内容")

    class Meta:
        verbose_name = "版本"
        verbose_name_plural = "版本"
        ordering = ["report", "-number"]
        constraints = [models.UniqueConstraint(fields=["report", "number"], name="one_version_number_per_report")]

    def __str__(self):
        return f"{self.report_id} v{self.number}"
