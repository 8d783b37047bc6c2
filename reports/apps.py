from django.apps import AppConfig


class ReportsConfig(AppConfig):
    name = "reports"
    verbose_name = "政府信息公开"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from reports.selectors.access import register
        from reports.services import audit, page_cache

        register()
        audit.connect_signals()
        page_cache.connect_signals()
