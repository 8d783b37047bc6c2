"""Links to a report's pages and files, built without resolving the URL pattern once per report.

A list of hundreds of reports (the compliance board, the API) would otherwise spend much of its time in
``reverse()``; the result is the same string.
"""

from __future__ import annotations

import functools

from django.conf import settings
from django.urls import get_script_prefix, get_urlconf, reverse

_PLACEHOLDER = 987654321


@functools.lru_cache(maxsize=32)
def _url_parts(name: str, extra: tuple, prefix: str, urlconf) -> tuple[str, str]:
    url = reverse(name, args=[_PLACEHOLDER, *extra], urlconf=urlconf)
    head, _, tail = url.partition(str(_PLACEHOLDER))
    return head, tail


def report_url(name: str, pk: int, *extra) -> str:
    """``reverse(name, args=[pk, *extra])``: the pattern is resolved once per name, prefix and urlconf."""
    head, tail = _url_parts(name, extra, get_script_prefix(), get_urlconf() or settings.ROOT_URLCONF)
    return f"{head}{pk}{tail}"


@functools.lru_cache(maxsize=32)
def _path(name: str, prefix: str, urlconf) -> str:
    return reverse(name, urlconf=urlconf)


def page_url(name: str) -> str:
    """``reverse(name)`` of a page without arguments, resolved once per name, prefix and urlconf."""
    return _path(name, get_script_prefix(), get_urlconf() or settings.ROOT_URLCONF)
