from django.db import models


class TableCellQuerySet(models.QuerySet):
    def values_dict(self) -> dict:
        """The cells as {(table, row, column): value}: how every reader of a report's numbers holds them."""
        return {(t, r, c): v for t, r, c, v in self.values_list("table", "row", "column", "value")}

    def values_by_report(self) -> dict[int, dict]:
        """{report id: {(table, row, column): value}} of the cells, in one query."""
        out: dict[int, dict] = {}
        for report_id, t, r, c, v in self.values_list("report_id", "table", "row", "column", "value"):
            out.setdefault(report_id, {})[(t, r, c)] = v
        return out


class TableCell(models.Model):
    """One number of a standard table, addressed by its FORMAT.md code; NULL is a blank cell."""

    report = models.ForeignKey("reports.Report", on_delete=models.CASCADE, related_name="cells")
    table = models.CharField("表", max_length=30)
    row = models.CharField("行", max_length=40)
    column = models.CharField("列", max_length=30)
    # Amounts are kept exactly as printed (0.092, 24252.311082 万元): six decimals, eighteen digits before.
    value = models.DecimalField("数值", max_digits=24, decimal_places=6, null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = TableCellQuerySet.as_manager()

    class Meta:
        verbose_name = "表格数值"
        verbose_name_plural = "表格数值"
        constraints = [
            models.UniqueConstraint(fields=["report", "table", "row", "column"], name="one_value_per_cell"),
        ]
        indexes = [models.Index(fields=["table", "row", "column"])]

    def __str__(self):
        return f"{self.table}.{self.row}.{self.column}={self.value}"

    @property
    def code(self) -> str:
        return f"{self.table}.{self.row}.{self.column}"


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
