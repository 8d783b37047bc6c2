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

from django.conf import settings
from django.middleware.gzip import GZipMiddleware
from django.utils.cache import patch_cache_control, patch_vary_headers


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
