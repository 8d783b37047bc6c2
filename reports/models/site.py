from django.db import models


class SiteCounter(models.Model):
    """A named counter kept in the database, so every process and server reads the same value.

    ``public-pages`` is the public page cache's generation (reports/services/page_cache.py): a cache
    of any backend, even one per process, can never serve a page made before the last change.
    """

    name = models.CharField(max_length=40, primary_key=True)
    value = models.BigIntegerField(default=0)

    class Meta:
        verbose_name = "站点计数器"
        verbose_name_plural = "站点计数器"

    def __str__(self):
        return f"{self.name}={self.value}"
