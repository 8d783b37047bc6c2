"""Display modes of the public site: 简体/繁體, large text (适老化) and high contrast.

Each mode is a cookie that the switch links set; the page is rendered once, in Simplified
characters, and the classes on ``<html>`` come from the server, so no inline script is needed.
In 繁體 mode :class:`TraditionalScriptMiddleware` converts the finished HTML with OpenCC (``s2t``);
the result is kept in a cache keyed by the page's content hash, so a page seen twice is converted
once. Downloads, the API and the admin stay as published.
"""

from __future__ import annotations

import functools
import hashlib
from dataclasses import dataclass

from django.core.cache import caches
from django.http import HttpResponseRedirect
from django.urls import reverse
from django.utils.cache import patch_vary_headers
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_safe

# cookie name -> (allowed values, default). The first value of each is the default.
MODES = {
    "script": ("hans", "hant"),
    "text": ("normal", "large"),
    "contrast": ("normal", "high"),
}
COOKIE_PREFIX = "govopen_"
COOKIE_AGE = 365 * 24 * 3600
CACHE_ALIAS = "script"  # settings.CACHES: bounded, one entry per converted page


@dataclass(frozen=True)
class Display:
    script: str = "hans"
    text: str = "normal"
    contrast: str = "normal"

    @property
    def traditional(self) -> bool:
        return self.script == "hant"

    @property
    def lang(self) -> str:
        return "zh-Hant" if self.traditional else "zh-Hans"

    @property
    def html_class(self) -> str:
        classes = []
        if self.text == "large":
            classes.append("text-large")
        if self.contrast == "high":
            classes.append("contrast-high")
        return " ".join(classes)


def display_of(request) -> Display:
    """The display modes a request's cookies ask for (unknown values fall back to the default)."""
    chosen = {}
    for name, allowed in MODES.items():
        value = request.COOKIES.get(COOKIE_PREFIX + name, "")
        chosen[name] = value if value in allowed else allowed[0]
    return Display(**chosen)


def switch_url(request, name: str, value: str) -> str:
    """The link that sets one mode and comes back to the page it was followed from."""
    from urllib.parse import urlencode

    return f"{reverse('reports:display')}?{urlencode({name: value, 'next': request.get_full_path()})}"


@require_safe
def display_switch(request):
    """Set the display modes named in the query (``?script=hant``, ``?text=large``, ``?contrast=high``)
    and go back to ``next`` (a path of this site; the home page otherwise)."""
    target = request.GET.get("next", "")
    if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}) or not target.startswith("/"):
        target = reverse("reports:home")
    response = HttpResponseRedirect(target)
    response.status_code = 303
    for name, allowed in MODES.items():
        value = request.GET.get(name)
        if value not in allowed:
            continue
        if value == allowed[0]:
            response.delete_cookie(COOKIE_PREFIX + name, samesite="Lax")
        else:
            response.set_cookie(COOKIE_PREFIX + name, value, max_age=COOKIE_AGE, samesite="Lax", httponly=True)
    response["Cache-Control"] = "no-store"
    return response


@functools.lru_cache(maxsize=1)
def _s2t():
    import opencc  # OpenCC's own C++ library: a whole report page in about a millisecond (bench/bench_opencc.py)

    return opencc.OpenCC("s2t")


def to_traditional(content: bytes) -> bytes:
    """A UTF-8 page in Traditional characters, converted once per distinct content."""
    cache = caches[CACHE_ALIAS]
    key = "s2t:" + hashlib.sha256(content).hexdigest()
    converted = cache.get(key)
    if converted is None:
        converted = _s2t().convert(content.decode("utf-8")).encode("utf-8")
        cache.set(key, converted)
    return converted


def keep_script(response):
    """Mark a response to be sent as published (a file to download, not a page to read)."""
    response.keep_script = True
    return response


class TraditionalScriptMiddleware:
    """Converts the public site's HTML pages to Traditional characters for readers who chose 繁體."""

    def __init__(self, get_response):
        self.get_response = get_response
        self.admin_prefix = None

    def __call__(self, request):
        response = self.get_response(request)
        if self.admin_prefix is None:
            self.admin_prefix = reverse("admin:index")
        if (
            response.streaming
            or getattr(response, "keep_script", False)
            or not response.get("Content-Type", "").startswith("text/html")
            or request.path.startswith(self.admin_prefix)
        ):
            return response
        # The same URL serves both scripts: shared caches must key on the cookie too.
        patch_vary_headers(response, ("Cookie",))
        if display_of(request).traditional and response.content:
            response.content = to_traditional(response.content)
            if response.has_header("Content-Length"):
                response["Content-Length"] = str(len(response.content))
        return response
