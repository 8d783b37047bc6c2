from django.db import models


class Publisher(models.Model):
    """The body that issues documents (发布机构), e.g. 清镇市人民政府办公室."""

    class Kind(models.TextChoices):
        GOVERNMENT = "government", "人民政府"
        DEPARTMENT = "department", "政府部门及其他机关"

    name = models.CharField("名称", max_length=120)
    region = models.ForeignKey(
        "reports.Region",
        verbose_name="所属地区",
        on_delete=models.PROTECT,
        related_name="publishers",
    )
    kind = models.CharField("机关类型", max_length=20, choices=Kind.choices, default=Kind.DEPARTMENT)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "发布机构"
        verbose_name_plural = "发布机构"
        ordering = ["region_id", "name"]
        constraints = [models.UniqueConstraint(fields=["name", "region"], name="publisher_unique_name_in_region")]

    def __str__(self):
        return self.name

    @staticmethod
    def kind_for_name(name: str) -> str:
        """A 人民政府 itself (not its office or departments) is a government under 条例 第四十九条."""
        return Publisher.Kind.GOVERNMENT if name.endswith("人民政府") else Publisher.Kind.DEPARTMENT
