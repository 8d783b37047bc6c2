"""Links to a report's downloads and to bulk open data, for the public pages."""

from django import template
from django.urls import reverse

from reports.exporters.bulk import BULK_FORMATS
from reports.exporters.common import FORMATS
from reports.web.downloads import download_urls

register = template.Library()


@register.simple_tag
def report_downloads(report):
    """[{ext, label, hint, url, type}] for each download format of a report, in a fixed order."""
    urls = download_urls(report)
    return [
        {"ext": ext, "label": label, "hint": hint, "url": urls[ext], "type": mime.split(";")[0]}
        for ext, (mime, label, hint) in FORMATS.items()
    ]


@register.simple_tag
def bulk_downloads(querystring=""):
    """[{ext, label, url}] of the bulk exports of the current list's filters."""
    suffix = f"?{querystring}" if querystring else ""
    return [
        {"ext": ext, "label": label, "url": reverse("reports:export", args=[ext]) + suffix}
        for ext, (_, label) in BULK_FORMATS.items()
    ]


@register.simple_tag(takes_context=True)
def absolute_url(context, path):
    """``path`` as an absolute URL of this site (for canonical and og:url)."""
    request = context.get("request")
    return request.build_absolute_uri(path) if request else path
