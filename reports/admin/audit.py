"""The audit log in the admin: read-only for everyone (管理员 included), filterable, exported as CSV."""

from __future__ import annotations

import csv

from django.contrib import admin
from django.http import StreamingHttpResponse
from django.urls import path
from django.utils import timezone

from reports.exporters.common import csv_text
from reports.models import AuditAction, AuditEvent
from reports.services.audit import audit


class _Echo:
    def write(self, value):
        return value


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
    list_display = ("at", "actor_name", "ip", "action", "object_type", "object_repr", "change_count")
    list_filter = ("action", "object_type", ("at", admin.DateFieldListFilter))
    search_fields = ("actor_name", "object_repr", "object_id", "ip", "detail")
    date_hierarchy = "at"
    change_list_template = "admin/reports/auditevent/change_list.html"
    fields = ("at", "actor_name", "ip", "action", "object_type", "object_id", "object_repr", "changes_table", "detail")
    readonly_fields = fields
    list_per_page = 50

    @admin.display(description="变更项数")
    def change_count(self, obj):
        return len(obj.changes) or ""

    @admin.display(description="变更内容(旧值 → 新值)")
    def changes_table(self, obj):
        from django.utils.html import format_html, format_html_join

        if not obj.changes:
            return "—"
        rows = format_html_join(
            "", "<tr><th>{}</th><td>{}</td><td>{}</td></tr>", ((c["field"], c["old"], c["new"]) for c in obj.changes)
        )
        return format_html("<table><tr><th>项目</th><th>旧值</th><th>新值</th></tr>{}</table>", rows)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def get_urls(self):
        wrap = self.admin_site.admin_view
        return [path("export.csv", wrap(self.export_view), name="reports_auditevent_export"), *super().get_urls()]

    def export_view(self, request):
        """The events the list shows (its filters and search applied), as CSV, streamed."""
        if not self.has_view_permission(request):
            from django.core.exceptions import PermissionDenied

            raise PermissionDenied
        changelist = self.get_changelist_instance(request)
        events = changelist.get_queryset(request).order_by("at", "id")
        audit(AuditAction.EXPORT, object_type="auditevent", object_repr="审计日志 CSV", detail=request.GET.urlencode())
        writer = csv.writer(_Echo())

        def rows():
            yield "\ufeff"
            yield writer.writerow(
                ["时间", "操作人", "IP 地址", "操作", "对象类型", "对象编号", "对象", "变更内容", "说明"]
            )
            for e in events.iterator(chunk_size=2000):
                changes = "; ".join(f"{c['field']}: {c['old']} → {c['new']}" for c in e.changes)
                yield writer.writerow(
                    csv_text(v)
                    for v in [
                        timezone.localtime(e.at).strftime("%Y-%m-%d %H:%M:%S"),
                        e.actor_name,
                        e.ip or "",
                        e.get_action_display(),
                        e.object_type,
                        e.object_id,
                        e.object_repr,
                        changes,
                        e.detail,
                    ]
                )

        response = StreamingHttpResponse(rows(), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = 'attachment; filename="audit-log.csv"'
        return response
