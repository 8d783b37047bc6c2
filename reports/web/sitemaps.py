"""sitemap.xml: every published report and the list pages (django.contrib.sitemaps)."""

from __future__ import annotations

from django.contrib.sitemaps import Sitemap
from django.urls import reverse

from reports.models import ReportKind
from reports.selectors.reports import report_ids_public


class ReportSitemap(Sitemap):
    """Published reports; the sitemap index splits them into pages of 50,000."""

    changefreq = "yearly"
    priority = 0.8

    def items(self):
        return report_ids_public()

    def lastmod(self, item):
        return item.updated_at


class ListSitemap(Sitemap):
    """The home page, the list, one list per kind of document, and the API documentation."""

    changefreq = "daily"
    priority = 0.5

    def items(self):
        return ["home", "list", *(f"kind:{k}" for k in ReportKind.values), "api_docs"]

    def location(self, item):
        if item.startswith("kind:"):
            return f"{reverse('reports:list')}?kind={item[5:]}"
        return reverse(f"reports:{item}")


SITEMAPS = {"reports": ReportSitemap, "lists": ListSitemap}
