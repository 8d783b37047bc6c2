"""The audit log: who did what, when, from where, to which object, with old and new values.

Every write service calls :func:`audit`; sign-ins, sign-outs and failed sign-ins come from Django's
auth signals, lockouts from django-axes. The acting account and its IP address come from the
request being served (:class:`AuditContextMiddleware` keeps them in a context variable), or from
the caller (commands name no IP). Events are append-only (``AuditEvent`` refuses updates and
deletes); :func:`audit_prune` removes those older than ``GOVOPEN_AUDIT_RETENTION_DAYS``.
"""

from __future__ import annotations

import contextlib
import contextvars
import datetime
import ipaddress
from dataclasses import dataclass

from django.conf import settings
from django.contrib.admin.models import LogEntry
from django.utils import timezone

from reports.models import AuditAction, AuditEvent


@dataclass(frozen=True)
class _Context:
    user: object = None
    ip: str | None = None


_NOBODY = _Context()
_current: contextvars.ContextVar[_Context | None] = contextvars.ContextVar("govopen_audit", default=None)


def _context() -> _Context:
    return _current.get() or _NOBODY


def client_ip(request) -> str | None:
    """The client's address: REMOTE_ADDR, or the first X-Forwarded-For hop when the deployment says
    a proxy sets it (``GOVOPEN_TRUSTED_PROXY``); None when neither is an IP address. The one place
    that names a client: the audit log and the rate limits (reports/web/limits.py) both ask it."""
    if getattr(settings, "GOVOPEN_TRUSTED_PROXY", False):
        forwarded = _ip_address(request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")[0])
        if forwarded:
            return forwarded
    return _ip_address(request.META.get("REMOTE_ADDR", ""))


def _ip_address(text: str) -> str | None:
    """``text`` as an IP address in its normal form, or None (a header is whatever a client sent)."""
    try:
        return str(ipaddress.ip_address(text.strip()))
    except ValueError:
        return None


class AuditContextMiddleware:
    """Makes the request's user and IP address known to the services while it is served."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        token = _current.set(_Context(getattr(request, "user", None), client_ip(request)))
        try:
            return self.get_response(request)
        finally:
            _current.reset(token)


@contextlib.contextmanager
def acting_as(user, ip: str | None = None):
    """Attribute the writes inside to ``user`` (commands, tests)."""
    token = _current.set(_Context(user, ip))
    try:
        yield
    finally:
        _current.reset(token)


def current_user():
    user = _context().user
    return user if user is not None and getattr(user, "is_authenticated", False) else None


def audit(
    action: str,
    obj=None,
    *,
    changes: list[dict] | None = None,
    detail: str = "",
    user=None,
    ip: str | None = None,
    object_type: str = "",
    object_repr: str = "",
) -> AuditEvent:
    """Append one event. ``user`` and ``ip`` default to the request being served."""
    context = _context()
    user = user if user is not None else current_user()
    if user is not None and not getattr(user, "is_authenticated", False):
        user = None
    return AuditEvent.objects.create(
        actor=user if user is not None and user.pk else None,
        actor_name=(user.get_username() if user is not None else "")[:150],
        ip=ip if ip is not None else context.ip,
        action=action,
        object_type=object_type or (obj._meta.model_name if obj is not None else ""),
        object_id=str(obj.pk) if obj is not None and obj.pk is not None else "",
        object_repr=(object_repr or (str(obj) if obj is not None else ""))[:300],
        changes=changes or [],
        detail=detail,
    )


def audit_prune(*, now: datetime.datetime | None = None) -> int:
    """Remove the events older than the retention setting; returns how many went."""
    days = settings.GOVOPEN_AUDIT_RETENTION_DAYS
    before = (now or timezone.now()) - datetime.timedelta(days=days)
    return AuditEvent.objects.prune(before)


def log_actions(*, user, objects, flag: int, message: str) -> None:
    """Django admin's own history (LogEntry) for the spreadsheet import, besides the audit log."""
    objects = [o for o in objects if o is not None and o.pk]
    if user is None or not getattr(user, "pk", None) or not objects:
        return
    LogEntry.objects.log_actions(user.pk, objects, flag, change_message=message, single_object=len(objects) == 1)


def connect_signals() -> None:
    from django.contrib.auth import signals

    signals.user_logged_in.connect(_logged_in, dispatch_uid="govopen_audit_login")
    signals.user_logged_out.connect(_logged_out, dispatch_uid="govopen_audit_logout")
    signals.user_login_failed.connect(_login_failed, dispatch_uid="govopen_audit_login_failed")
    try:
        from axes.signals import user_locked_out
    except ImportError:  # pragma: no cover - axes is a requirement
        return
    user_locked_out.connect(_locked_out, dispatch_uid="govopen_audit_locked_out")
    _connect_account_signals()


# --- Accounts and permissions -----------------------------------------------------------------

_ACCOUNT_FIELDS = {
    "username": "用户名",
    "is_active": "启用",
    "is_staff": "可进入管理后台",
    "is_superuser": "超级用户",
    "email": "电子邮件",
    "first_name": "名",
    "last_name": "姓",
}


def _connect_account_signals() -> None:
    from django.contrib.auth import get_user_model
    from django.db.models import signals as model_signals

    from reports.models import AccountScope

    user_model = get_user_model()
    model_signals.pre_save.connect(_account_before, sender=user_model, dispatch_uid="govopen_audit_account_pre")
    model_signals.post_save.connect(_account_saved, sender=user_model, dispatch_uid="govopen_audit_account_post")
    model_signals.post_delete.connect(_account_deleted, sender=user_model, dispatch_uid="govopen_audit_account_del")
    for relation, label in (
        (user_model.groups.through, "角色(组)"),
        (user_model.user_permissions.through, "权限"),
        (AccountScope.regions.through, "负责的地区"),
        (AccountScope.publishers.through, "负责的发布机构"),
    ):
        model_signals.m2m_changed.connect(
            _relation_changer(label), sender=relation, dispatch_uid=f"govopen_audit_m2m_{relation._meta.db_table}"
        )


def _account_before(sender, instance, raw=False, **kwargs):
    if raw or instance.pk is None:
        instance._govopen_before = None
        return
    instance._govopen_before = sender.objects.filter(pk=instance.pk).values(*_ACCOUNT_FIELDS, "password").first()


def _account_saved(sender, instance, created, raw=False, update_fields=None, **kwargs):
    if raw or (update_fields is not None and set(update_fields) <= {"last_login"}):
        return  # signing in updates last_login: that is logged as a sign-in
    before = getattr(instance, "_govopen_before", None)
    changes = []
    for field, label in _ACCOUNT_FIELDS.items():
        old = "" if created or before is None else str(before[field])
        new = str(getattr(instance, field))
        if old != new and not (created and new in ("", "False")):
            changes.append({"field": label, "old": old, "new": new})
    if before is not None and before["password"] != instance.password:
        changes.append({"field": "密码", "old": "(不记录)", "new": "已修改"})
    if created or changes:
        audit(
            AuditAction.ACCOUNT,
            object_type="user",
            object_repr=instance.get_username(),
            changes=changes,
            detail="新建账号" if created else "修改账号",
        )


def _account_deleted(sender, instance, **kwargs):
    audit(AuditAction.ACCOUNT, object_type="user", object_repr=instance.get_username(), detail="删除账号")


def _relation_changer(label: str):
    def changed(sender, instance, action, model, pk_set, reverse=False, **kwargs):
        if action not in ("post_add", "post_remove", "pre_clear") or reverse:
            return
        if action == "pre_clear":
            names = [str(o) for o in model.objects.filter(pk__in=_current_ids(instance, sender, model))]
            if not names:
                return
            old, new = "、".join(names), "(全部移除)"
        else:
            names = "、".join(str(o) for o in model.objects.filter(pk__in=pk_set or ()))
            if not names:
                return
            old, new = ("", f"增加 {names}") if action == "post_add" else (f"移除 {names}", "")
        owner = getattr(instance, "user", instance)
        audit(
            AuditAction.PERMISSION,
            object_type="user",
            object_repr=owner.get_username() if hasattr(owner, "get_username") else str(owner),
            changes=[{"field": label, "old": old, "new": new}],
        )

    return changed


def _current_ids(instance, through, model) -> list:
    source = next(f for f in through._meta.get_fields() if getattr(f, "related_model", None) is type(instance))
    target = next(f for f in through._meta.get_fields() if getattr(f, "related_model", None) is model)
    return list(through.objects.filter(**{source.name: instance}).values_list(f"{target.name}_id", flat=True))


def _ip(request) -> str | None:
    return client_ip(request) if request is not None else None


def _logged_in(sender, request, user, **kwargs):
    audit(AuditAction.LOGIN, user=user, ip=_ip(request), object_type="user", object_repr=user.get_username())


def _logged_out(sender, request, user, **kwargs):
    if user is not None:
        audit(AuditAction.LOGOUT, user=user, ip=_ip(request), object_type="user", object_repr=user.get_username())


def _login_failed(sender, credentials, request=None, **kwargs):
    name = str((credentials or {}).get("username", ""))[:150]
    audit(AuditAction.LOGIN_FAILED, ip=_ip(request), object_type="user", object_repr=name, detail="用户名或密码错误")


def _locked_out(sender, request, username=None, ip_address=None, **kwargs):
    audit(
        AuditAction.LOCKED_OUT,
        ip=ip_address or _ip(request),
        object_type="user",
        object_repr=str(username or "")[:150],
        detail="连续登录失败次数过多,账号或 IP 已被锁定",
    )
