"""Accounts in the admin: Django's user admin with each account's role groups and scope."""

from __future__ import annotations

from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin

from reports.models import AccountScope

User = get_user_model()


class AccountScopeInline(admin.StackedInline):
    model = AccountScope
    can_delete = False
    extra = 0
    max_num = 1
    autocomplete_fields = ("regions", "publishers")
    verbose_name_plural = "管辖范围(编辑、审核只能处理这些地区及其下级地区、这些发布机构的报告)"


admin.site.unregister(User)


@admin.register(User)
class AccountAdmin(UserAdmin):
    inlines = (AccountScopeInline,)
    list_display = ("username", "roles", "is_active", "last_login")
    list_filter = ("groups", "is_active", "is_superuser")

    @admin.display(description="角色")
    def roles(self, obj):
        return "、".join(g.name for g in obj.groups.all()) or ("超级用户" if obj.is_superuser else "—")

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("groups")
