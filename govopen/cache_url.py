"""``CACHE_URL`` → a Django ``CACHES`` entry, so one environment variable picks the cache backend.

- ``locmem://`` (the default): memory of each process. Enough for one server; a second app server
  would keep its own copy, and an invalidation reaches only the process that made it.
- ``file:///var/cache/govopen``: files shared by every process of one machine.
- ``redis://host:6379/0`` (``rediss://`` for TLS): Django's own Redis backend, shared by every
  server — the production choice, and required once there is more than one app server.
- ``dummy://``: no caching (debugging).

Only Django's cache backends are used; nothing here stores anything itself.
"""

from __future__ import annotations

from urllib.parse import parse_qsl, urlsplit

BACKENDS = {
    "locmem": "django.core.cache.backends.locmem.LocMemCache",
    "file": "django.core.cache.backends.filebased.FileBasedCache",
    "redis": "django.core.cache.backends.redis.RedisCache",
    "rediss": "django.core.cache.backends.redis.RedisCache",
    "dummy": "django.core.cache.backends.dummy.DummyCache",
}


class CacheUrlError(ValueError):
    pass


def cache_from_url(url: str, *, key_prefix: str = "govopen") -> dict:
    """The CACHES entry for ``url``; query parameters ``timeout`` and ``max_entries`` are read."""
    parts = urlsplit(url)
    backend = BACKENDS.get(parts.scheme)
    if backend is None:
        raise CacheUrlError(f"CACHE_URL: unknown scheme {parts.scheme!r} (use one of {', '.join(BACKENDS)})")
    params = dict(parse_qsl(parts.query))
    entry: dict = {"BACKEND": backend, "KEY_PREFIX": key_prefix}
    if parts.scheme == "locmem":
        entry["LOCATION"] = parts.netloc or "govopen-default"
    elif parts.scheme == "file":
        if not parts.path:
            raise CacheUrlError("CACHE_URL: file:// needs a directory, e.g. file:///var/cache/govopen")
        entry["LOCATION"] = parts.path
    elif parts.scheme in ("redis", "rediss"):
        entry["LOCATION"] = parts._replace(query="").geturl()
    try:
        if "timeout" in params:
            entry["TIMEOUT"] = int(params["timeout"])
        if "max_entries" in params:
            entry["OPTIONS"] = {"MAX_ENTRIES": int(params["max_entries"])}
    except ValueError as exc:
        raise CacheUrlError(f"CACHE_URL: timeout and max_entries are whole numbers ({exc})") from None
    return entry
