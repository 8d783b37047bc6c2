"""The printed numbers of a report, and the free tables of old reports.

All numbers of a report's standard tables are one JSON document, one row per report (issue #10: one
row per number cost ~48 KB of database per report; the document ~2 KB). The document nests the
FORMAT.md code ``table.row.column`` as ``{table: {row: {column: "number"}}}``: each number is the
exact decimal as text (JSON numbers would come back as floats), written without trailing zeros
(``"12"``, ``"0.092"``). A blank cell is left out (it reads back as None, never as 0); a JSON null
is read as a blank too. Everything else reads the numbers as ``{(table, row, column): Decimal}``
through :meth:`ReportNumbersQuerySet.values_dict` and :meth:`ReportNumbersQuerySet.values_by_report`.
"""

from decimal import Decimal

from django.db import models

Code = tuple[str, str, str]


def numbers_encode(values) -> dict:
    """{(table, row, column): number or None} as the stored document (blank cells left out)."""
    doc: dict = {}
    for (table, row, column), value in sorted(values.items()):
        if value is None:
            continue
        number = value if isinstance(value, Decimal) else Decimal(value)
        text = format(number.normalize(), "f") if number != number.to_integral_value() else str(int(number))
        doc.setdefault(table, {}).setdefault(row, {})[column] = text
    return doc


def numbers_decode(doc: dict | None) -> dict[Code, Decimal | None]:
    """The stored document as {(table, row, column): Decimal or None}."""
    return {
        (table, row, column): None if text is None else Decimal(text)
        for table, rows in (doc or {}).items()
        for row, columns in rows.items()
        for column, text in columns.items()
    }


class ReportNumbersQuerySet(models.QuerySet):
    def values_dict(self) -> dict[Code, Decimal | None]:
        """The numbers as {(table, row, column): value}: how every reader of a report's numbers holds them."""
        out: dict = {}
        for doc in self.values_list("values", flat=True):
            out.update(numbers_decode(doc))
        return out

    def values_by_report(self) -> dict[int, dict]:
        """{report id: {(table, row, column): value}} of the reports, in one query."""
        return {rid: numbers_decode(doc) for rid, doc in self.values_list("report_id", "values")}


class ReportNumbers(models.Model):
    """Every number of a report's standard tables, addressed by FORMAT.md code; no row when there is none."""

    report = models.OneToOneField("reports.Report", on_delete=models.CASCADE, primary_key=True, related_name="numbers")
    # {table: {row: {column: "number as printed"}}}: see numbers_encode. Amounts keep six decimals at
    # most (format.MAX_DECIMALS, checked before every write), counts are integers.
    values = models.JSONField("数值", default=dict)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ReportNumbersQuerySet.as_manager()

    class Meta:
        verbose_name = "表格数值"
        verbose_name_plural = "表格数值"

    def __str__(self):
        return f"{self.report_id}: {sum(len(cols) for rows in self.values.values() for cols in rows.values())} 个数值"

    def values_dict(self) -> dict[Code, Decimal | None]:
        return numbers_decode(self.values)


class FreeTable(models.Model):
    """A table outside the standard format (附表 of old reports): caption and text cells."""

    report = models.ForeignKey("reports.Report", on_delete=models.CASCADE, related_name="free_tables")
    position = models.PositiveSmallIntegerField("顺序", default=0)
    caption = models.CharField("表题", max_length=200, blank=True)
    header_rows = models.PositiveSmallIntegerField("表头行数", default=1)
    rows = models.JSONField("单元格", default=list, help_text="按行排列的单元格文字列表")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "附表"
        verbose_name_plural = "附表"
        ordering = ["report", "position", "id"]

    def __str__(self):
        return self.caption or f"附表{self.position + 1}"
