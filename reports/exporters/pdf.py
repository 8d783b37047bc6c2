"""PDF: the report's print HTML (templates/reports/report_print.html) rendered by WeasyPrint.

The fonts are the open Noto CJK fonts found through fontconfig (Debian: fonts-noto-cjk); WeasyPrint
embeds the subset it uses, so the PDF shows and yields its Chinese text on any machine.
"""

from __future__ import annotations

import base64
import hashlib
from dataclasses import dataclass

from django.conf import settings
from django.template.loader import render_to_string

from reports import format as fmt
from reports.exporters.common import column_weights, title_lines
from reports.selectors.reports import RenderedTable, ReportPage


@dataclass
class PrintTable:
    t: RenderedTable
    widths: list[float]  # per grid column, in percent
    caption: bool  # printed with its caption (its part is missing from the text)


def print_tables(data: ReportPage) -> list[PrintTable]:
    after = {t.table.code for t in data.tables_after}
    out = []
    for t in data.tables:
        placed, _, width = fmt.place_grid(t.grid)
        weights = column_weights(placed, width)
        total = sum(weights)
        widths = [round(100 * w / total, 2) for w in weights]
        out.append(PrintTable(t, widths, t.table.code in after))
    return out


def render_print(data: ReportPage) -> tuple[str, str]:
    """The print HTML of a report and the Content-Security-Policy source of its one ``<style>``
    (``'sha256-…'``), which the page's policy allows (it is served as a page, for checking the PDF's source)."""
    tables = print_tables(data)
    css = render_to_string("reports/report_print.css", {"tables": tables})
    html = render_to_string(
        "reports/report_print.html",
        {
            "report": data.report,
            "data": data,
            "tables": tables,
            "css": css,
            "title_lines": title_lines(data.report.title, data.report.publisher.name),
            "site_name": settings.GOVOPEN_SITE_NAME,
        },
    )
    return html, f"'sha256-{base64.b64encode(hashlib.sha256(css.encode()).digest()).decode()}'"


def render_print_html(data: ReportPage) -> str:
    """The print HTML of a report."""
    return render_print(data)[0]


def render_pdf(data: ReportPage) -> bytes:
    """The report as an A4 PDF in the layout of an official document."""
    # Imported here: WeasyPrint loads Pango through cffi, which only the PDF needs.
    from weasyprint import HTML, URLFetcher

    html = render_print_html(data)
    # The print HTML is self-contained (CSS inline, fonts from fontconfig): no URL is ever fetched,
    # whatever a report's text holds.
    no_fetching = URLFetcher(allowed_protocols=())
    document = HTML(string=html, base_url=data.base_url or None, url_fetcher=no_fetching)
    return document.write_pdf(pdf_identifier=str(data.report.pk).encode())
