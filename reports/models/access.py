"""Who may do what: the three roles (auth groups) and each account's scope of regions and publishers."""

from django.conf import settings
from django.db import models


class Role(models.TextChoices):
    """The roles, each an auth group created by a migration (0012_roles)."""

    EDITOR = "editor", "编辑"
    REVIEWER = "reviewer", "审核"
    ADMIN = "admin", "管理员"


# Group name of each role: the groups are what Django's admin shows and assigns.
ROLE_GROUPS = {Role.EDITOR: "编辑", Role.REVIEWER: "审核", Role.ADMIN: "管理员"}


class AccountScope(models.Model):
    """The regions and publishers an editor or reviewer works for. A region includes every region
    under it; a publisher only itself. 管理员 and superusers need none: they see everything."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, verbose_name="账号", on_delete=models.CASCADE, related_name="scope"
    )
    regions = models.ManyToManyField("reports.Region", verbose_name="负责的地区", blank=True, related_name="+")
    publishers = models.ManyToManyField(
        "reports.Publisher", verbose_name="负责的发布机构", blank=True, related_name="+"
    )

    class Meta:
        verbose_name = "管辖范围"
        verbose_name_plural = "管辖范围"

    def __str__(self):
        return f"{self.user}的管辖范围"
