"""Accounts: create or update one with its role and scope (the create_account command)."""

from __future__ import annotations

from django.contrib.auth import get_user_model, password_validation
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.db import transaction

from reports.models import ROLE_GROUPS, AccountScope, AuditAction, Publisher, Region, Role
from reports.services.audit import audit


@transaction.atomic
def account_create(*, username: str, role: str, password: str, region_codes=(), publisher_names=(), email: str = ""):
    """Create (or update) an account with one role and its scope; the password must pass the
    password rules. Returns the user."""
    if role not in Role.values:
        raise ValidationError(f"未知的角色“{role}”,可选:{', '.join(Role.values)}")
    regions = []
    for code in region_codes:
        region = Region.objects.filter(code=code).first()
        if region is None:
            raise ValidationError(f"地区代码“{code}”不在行政区划代码表中")
        regions.append(region)
    publishers = []
    for name in publisher_names:
        found = list(Publisher.objects.filter(name=name)[:2])
        if len(found) != 1:
            raise ValidationError(
                f"发布机构“{name}”{'不存在' if not found else '有多个同名,请用地区限定或在管理后台设置'}"
            )
        publishers.append(found[0])
    if role != Role.ADMIN and not (regions or publishers):
        raise ValidationError("编辑和审核账号必须至少指定一个地区(--region)或发布机构(--publisher)")
    user_model = get_user_model()
    user = user_model.objects.filter(username=username).first() or user_model(username=username)
    password_validation.validate_password(password, user)
    user.set_password(password)
    user.is_staff = True
    user.is_active = True
    if email:
        user.email = email
    user.save()
    user.groups.remove(*Group.objects.filter(name__in=ROLE_GROUPS.values()))
    group, _ = Group.objects.get_or_create(name=ROLE_GROUPS[Role(role)])
    user.groups.add(group)
    scope, _ = AccountScope.objects.get_or_create(user=user)
    scope.regions.set(regions)
    scope.publishers.set(publishers)
    audit(
        AuditAction.ACCOUNT,
        object_type="user",
        object_repr=username,
        detail=f"命令行设置账号:角色 {Role(role).label};地区 {', '.join(r.code for r in regions) or '—'};"
        f"发布机构 {', '.join(p.name for p in publishers) or '—'}",
    )
    return user
