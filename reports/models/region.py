from django.db import models

from reports.regions.codes import code_prefix


class RegionQuerySet(models.QuerySet):
    def within(self, code: str):
        """The region ``code`` and every region under it."""
        return self.filter(code__startswith=code_prefix(code))

    def provinces(self):
        """Province-level regions, in code order."""
        return self.filter(level=Region.Level.PROVINCE).order_by("code")


class Region(models.Model):
    """An administrative division with its GB/T 2260 code."""

    class Level(models.IntegerChoices):
        PROVINCE = 1, "省级"
        PREFECTURE = 2, "地级"
        COUNTY = 3, "县级"

    code = models.CharField("区划代码", max_length=6, primary_key=True)
    name = models.CharField("名称", max_length=50, db_index=True)
    level = models.PositiveSmallIntegerField("层级", choices=Level.choices)
    parent = models.ForeignKey(
        "self",
        verbose_name="上级",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    # Names from the province down, e.g. "贵州省/贵阳市/清镇市": one query shows a full path.
    path_names = models.CharField("完整名称", max_length=200)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = RegionQuerySet.as_manager()

    class Meta:
        verbose_name = "行政区划"
        verbose_name_plural = "行政区划"
        ordering = ["code"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(code__regex=r"^[0-9]{6}$"),
                name="region_code_six_digits",
            ),
        ]

    def __str__(self):
        return self.name

    @property
    def path(self) -> list[str]:
        return self.path_names.split("/")

    @property
    def full_name(self) -> str:
        return " › ".join(self.path)
