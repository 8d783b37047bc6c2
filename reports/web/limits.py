"""Rate limits per client on the answers that cost the most: search, a report's downloads, exports and
the API (django-ratelimit, counting in Django's default cache).

Each scope has one limit (``GOVOPEN_RATE_LIMITS``, such as ``"60/m"``) shared by its views, counted
per client address (``client_ip``: REMOTE_ADDR, or the X-Forwarded-For hop behind a trusted proxy;
an IPv6 address by its /64, the block one subscriber is given). Over it the answer is 429 with
Retry-After, the seconds left in the client's window: a short page, or the API's JSON error.

Not counted: signed-in staff (editors and reviewers check drafts on these URLs and download every
format while they do; they are few, named and audited, and their pages are never cached), pages the
page cache answers (they never reach a view, and cost next to nothing), and whatever no limited view
serves (/healthz, static files). A 429 is never stored by the page cache, which keeps only 200s.

The counts live in the default cache: with ``CACHE_URL=locmem://`` each process keeps its own, so a
client may get the limit from every worker; with ``redis://`` there is one count for the site.
"""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Callable
from functools import wraps

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.cache import add_never_cache_headers
from django_ratelimit.core import get_usage

from reports.services.audit import client_ip

SCOPES = {
    "search": "搜索",
    "downloads": "下载报告文件",
    "exports": "导出数据",
    "api": "调用数据接口",
}
_PERIODS = {"s": "秒", "m": "分钟", "h": "小时", "d": "天"}
_RATE = re.compile(r"([0-9]+)/([1-9][0-9]*)?([smhd])")

Refusal = Callable[[HttpRequest, str], HttpResponse]


def client_key(group: str, request: HttpRequest) -> str:
    """Whom a request is counted against: the client's address, an IPv6 one by its /64."""
    address = client_ip(request)
    if address is None:
        # No address (a Unix socket without GOVOPEN_TRUSTED_PROXY): one count for all such
        # requests, so the misconfiguration shows as 429s instead of as no limit at all.
        return "unknown"
    ip = ipaddress.ip_address(address)
    if ip.version == 6:
        return str(ipaddress.ip_network(f"{ip}/64", strict=False).network_address)
    return str(ip)


def rate_of(scope: str) -> str | None:
    """The scope's limit (``GOVOPEN_RATE_LIMITS``), None when it has none."""
    return settings.GOVOPEN_RATE_LIMITS.get(scope) or None


def describe(rate: str) -> str:
    """``"60/m"`` → ``"每分钟 60 次"``, ``"100/5m"`` → ``"每 5 分钟 100 次"``."""
    count, multiple, unit = _RATE.fullmatch(rate).groups()
    per = f"每 {multiple} {_PERIODS[unit]}" if multiple and multiple != "1" else f"每{_PERIODS[unit]}"
    return f"{per} {count} 次"


def _exempt(request: HttpRequest) -> bool:
    user = getattr(request, "user", None)
    return bool(user is not None and user.is_authenticated and user.is_staff)


def _page(request: HttpRequest, message: str) -> HttpResponse:
    return render(request, "429.html", {"message": message}, status=429)


def rate_limited(scope: str, *, when: Callable[[HttpRequest], bool] | None = None, refuse: Refusal = _page):
    """Count the view's requests against ``scope``'s limit (only those ``when`` accepts); over it,
    ``refuse(request, message)`` answers, with Retry-After and never cached."""
    if scope not in SCOPES:
        raise ValueError(f"unknown rate limit scope {scope!r}")

    def decorator(view):
        @wraps(view)
        def limited(request, *args, **kwargs):
            if not _exempt(request) and (when is None or when(request)):
                rate = rate_of(scope)
                usage = get_usage(request, group=f"govopen.{scope}", key=client_key, rate=rate, increment=True)
                if usage is not None and usage["should_limit"]:
                    # The window's last second still belongs to it: the first allowed is one later.
                    retry_after = max(1, usage["time_left"] + 1)
                    message = f"{SCOPES[scope]}过于频繁:每个网络地址{describe(rate)}。请在 {retry_after} 秒后再试。"
                    response = refuse(request, message)
                    response["Retry-After"] = str(retry_after)
                    add_never_cache_headers(response)
                    return response
            return view(request, *args, **kwargs)

        limited.rate_limit_scope = scope
        return limited

    return decorator


def searching(request: HttpRequest) -> bool:
    """Whether the list page is asked to search (a keyword): browsing the list is not counted."""
    return bool(request.GET.get("q", "").strip())
