"""The audit log: every write and every sign-in, append-only."""

from django.conf import settings
from django.db import models


class AuditAction(models.TextChoices):
    LOGIN = "login", "登录"
    LOGIN_FAILED = "login_failed", "登录失败"
    LOGOUT = "logout", "退出"
    LOCKED_OUT = "locked_out", "账号锁定"
    IMPORT = "import", "导入"
    IMPORT_FAILED = "import_failed", "导入失败"
    CREATE = "create", "新建"
    EDIT = "edit", "修改"
    REVISE = "revise", "创建修订稿"
    REVERT = "revert", "恢复版本"
    SUBMIT = "submit", "提交审核"
    APPROVE = "approve", "审核通过"
    REJECT = "reject", "退回修改"
    PUBLISH = "publish", "发布"
    WITHDRAW = "withdraw", "撤回"
    DELETE = "delete", "删除"
    CONFIRM_CELLS = "confirm_cells", "核对识别结果"
    ACCOUNT = "account", "账号变更"
    PERMISSION = "permission", "权限变更"
    EXPORT = "export", "导出"


class AuditEventQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise PermissionError("审计日志只能追加,不能修改")

    def delete(self):
        raise PermissionError("审计日志只能追加,不能删除;过期记录由 prune_audit_log 命令按保留期限清理")

    def prune(self, before) -> int:
        """Remove events older than ``before`` (the retention setting): the only deletion there is."""
        old = self.model.objects.filter(at__lt=before)
        return old._raw_delete(old.db)


class AuditEvent(models.Model):
    at = models.DateTimeField("时间", auto_now_add=True, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="操作人",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    # Kept as written: the log still names a person after the account is renamed or removed.
    actor_name = models.CharField("操作人账号", max_length=150, blank=True)
    ip = models.GenericIPAddressField("IP 地址", null=True, blank=True)
    action = models.CharField("操作", max_length=20, choices=AuditAction.choices, db_index=True)
    object_type = models.CharField("对象类型", max_length=40, blank=True)
    object_id = models.CharField("对象编号", max_length=40, blank=True, db_index=True)
    object_repr = models.CharField("对象", max_length=300, blank=True)
    # [{"field": "表三 … / 自然人", "old": "12", "new": "13"}, …]
    changes = models.JSONField("变更内容", default=list, blank=True)
    detail = models.TextField("说明", blank=True)

    objects = AuditEventQuerySet.as_manager()

    class Meta:
        verbose_name = "审计日志"
        verbose_name_plural = "审计日志"
        ordering = ["-at", "-id"]
        default_permissions = ("view",)

    def __str__(self):
        return f"{self.at:%Y-%m-%d %H:%M} {self.actor_name} {self.get_action_display()} {self.object_repr}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise PermissionError("审计日志只能追加,不能修改")
        super().save(*args, **kwargs)  # not the ORM: the append-only guard hands new rows on

    def delete(self, *args, **kwargs):
        raise PermissionError("审计日志只能追加,不能删除")
