"""CACHE_URL → CACHES (govopen/cache_url.py)."""

import pytest

from govopen.cache_url import CacheUrlError, cache_from_url


def test_each_scheme_maps_to_a_django_backend():
    assert cache_from_url("locmem://")["BACKEND"].endswith("LocMemCache")
    assert cache_from_url("file:///var/cache/govopen")["LOCATION"] == "/var/cache/govopen"
    redis = cache_from_url("redis://cache.internal:6379/1?timeout=120&max_entries=5000")
    assert redis["BACKEND"] == "django.core.cache.backends.redis.RedisCache"
    assert redis["LOCATION"] == "redis://cache.internal:6379/1"
    assert redis["TIMEOUT"] == 120 and redis["OPTIONS"] == {"MAX_ENTRIES": 5000}
    assert cache_from_url("rediss://:secret@host:6380/0")["LOCATION"] == "rediss://:secret@host:6380/0"


@pytest.mark.parametrize(
    "url, message",
    [
        ("memcached://x", "unknown scheme"),
        ("file://", "needs a directory"),
        ("locmem://?timeout=soon", "whole numbers"),
    ],
)
def test_a_bad_url_names_the_problem(url, message):
    with pytest.raises(CacheUrlError, match=message):
        cache_from_url(url)
