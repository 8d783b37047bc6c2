"""HTTP around the public pages: validators (ETag → 304), Cache-Control and compression.

- Public pages read by anonymous visitors are cacheable for ``GOVOPEN_PUBLIC_MAX_AGE`` seconds
  (60 by default: a publication or withdrawal shows within a minute), by browsers and shared caches;
  the display mode's cookie is in ``Vary``. Pages for a signed-in account (which may show drafts)
  are ``private``; the admin keeps Django's ``no-cache``.
- Compression (gzip) only where no secret is on the page (BREACH): never for the admin or a
  signed-in account, whose pages carry CSRF tokens and private data.
- ``ConditionalGetMiddleware`` answers ``If-None-Match`` / ``If-Modified-Since`` with 304.
"""

from __future__ import annotations

import hashlib

from django.conf import settings
from django.core.cache import caches
from django.http import HttpResponse, HttpResponseNotModified
from django.middleware.gzip import GZipMiddleware
from django.middleware.http import ConditionalGetMiddleware
from django.utils import timezone
from django.utils.cache import patch_cache_control, patch_vary_headers

CACHE_ALIAS = "default"


def _public(request) -> bool:
    user = getattr(request, "user", None)
    return not request.path.startswith("/admin/") and not (user is not None and user.is_authenticated)


class PublicGZipMiddleware(GZipMiddleware):
    def process_response(self, request, response):
        if not _public(request):
            return response
        return super().process_response(request, response)


class PublicCacheControlMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if request.method not in ("GET", "HEAD") or response.has_header("Cache-Control"):
            return response
        if not _public(request) or response.cookies:
            patch_cache_control(response, private=True)
            return response
        if response.status_code in (200, 301, 404, 410):
            patch_cache_control(response, public=True, max_age=settings.GOVOPEN_PUBLIC_MAX_AGE)
            patch_vary_headers(response, ("Cookie",))
        return response


class PublicPageCacheMiddleware:
    """Whole public pages from Django's cache, for anonymous visitors (``GOVOPEN_PAGE_CACHE_SECONDS``).

    What is cached: a GET's finished 200 answer — compressed or not, with its ETag, Cache-Control,
    CSP and other headers — with an HTML, JSON or feed body of at most ``MAX_BYTES``, marked
    ``public`` (PublicCacheControlMiddleware), no cookie set, not an attachment, not streamed, for a
    request without a session cookie (a signed-in editor may see drafts) outside the admin, the
    originals and the display switches. The key holds the public generation
    (reports/services/page_cache.py: changed whenever anything public changes), today's date (the
    compliance pages count days), the display modes (简/繁, large text, contrast), whether the
    client takes gzip, and the full path with its query.

    It sits outermost but for SecurityMiddleware (HTTPS redirect, HSTS), so a hit skips everything
    else: no compression, no ETag hashing, no template. A hit answers ``If-None-Match`` with 304 and
    HEAD with the headers alone.
    """

    MAX_BYTES = 1 << 20
    SKIP_PREFIXES = ("/admin/", "/media/", "/display/", "/healthz", "/static/")
    CACHED_TYPES = ("text/html", "application/json", "application/xml", "application/rss+xml", "application/atom+xml")
    DROPPED_HEADERS = ("content-length", "x-page-cache", "set-cookie")
    CONDITIONAL_HEADERS = ("HTTP_IF_NONE_MATCH", "HTTP_IF_MODIFIED_SINCE")

    def __init__(self, get_response):
        self.get_response = get_response

    def _key(self, request) -> str | None:
        if request.method not in ("GET", "HEAD") or not settings.GOVOPEN_PAGE_CACHE_SECONDS:
            return None
        if settings.SESSION_COOKIE_NAME in request.COOKIES or request.path.startswith(self.SKIP_PREFIXES):
            return None
        from reports.services.page_cache import public_generation
        from reports.web.display import display_of

        display = display_of(request)
        gzip = "gz" if "gzip" in request.headers.get("Accept-Encoding", "") else "id"
        path = hashlib.sha256(request.get_full_path().encode()).hexdigest()
        day = timezone.localdate().isoformat()
        return f"page:{public_generation()}:{day}:{display.script}.{display.text}.{display.contrast}:{gzip}:{path}"

    def __call__(self, request):
        key = self._key(request)
        if key is None:
            return self.get_response(request)
        cached = caches[CACHE_ALIAS].get(key)
        if cached is not None:
            return self._from_cache(request, *cached)
        # A revalidation that misses still fetches the whole page, so it can be stored (a 304 could
        # not be), and is then answered from the stored copy: 304 if the client's copy is current.
        conditional = {h: request.META.pop(h) for h in self.CONDITIONAL_HEADERS if h in request.META}
        response = self.get_response(request)
        request.META.update(conditional)
        if self._cacheable(response):
            headers = [(k, v) for k, v in response.items() if k.lower() not in self.DROPPED_HEADERS]
            entry = (response.status_code, headers, response.content)
            caches[CACHE_ALIAS].set(key, entry, settings.GOVOPEN_PAGE_CACHE_SECONDS)
            response = self._from_cache(request, *entry)
            response["X-Page-Cache"] = "miss"
        elif conditional and response.status_code == 200:
            # Not storable: let Django's own revalidation answer, as without this middleware.
            response = ConditionalGetMiddleware(lambda r: response)(request)
        return response

    def _from_cache(self, request, status, headers, body):
        etag = next((v for k, v in headers if k.lower() == "etag"), None)
        if etag and etag in [t.strip() for t in request.headers.get("If-None-Match", "").split(",")]:
            response = HttpResponseNotModified()
            for name, value in headers:
                if name.lower() in ("etag", "cache-control", "vary", "expires", "last-modified"):
                    response[name] = value
        else:
            response = HttpResponse(b"" if request.method == "HEAD" else body, status=status)
            for name, value in headers:
                response[name] = value
            response["Content-Length"] = str(len(body))
        response["X-Page-Cache"] = "hit"
        return response

    def _cacheable(self, response) -> bool:
        cache_control = response.get("Cache-Control", "")
        return (
            response.status_code == 200
            and not response.streaming
            and not response.cookies
            and not response.has_header("Content-Disposition")
            and response.get("Content-Type", "").split(";")[0].strip() in self.CACHED_TYPES
            and len(response.content) <= self.MAX_BYTES
            and "public" in cache_control
            and "private" not in cache_control
            and "no-store" not in cache_control
        )
