from django.conf import settings
from django.contrib import admin
from django.urls import include, path

from govopen.health import healthz
from reports.web.files import original_file

admin.site.site_header = "政府信息公开 管理后台"
admin.site.site_title = "政府信息公开 管理后台"
admin.site.index_title = "内容管理"

urlpatterns = [
    path("admin/", admin.site.urls),
    path("healthz", healthz, name="healthz"),
    # Uploaded originals, in production too: through a permission check (drafts' originals are not
    # public), never a folder the proxy serves.
    path(f"{settings.MEDIA_URL.strip('/')}/<path:name>", original_file, name="original_file"),
    path("", include("reports.web.urls")),
]
