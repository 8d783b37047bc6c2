"""Test settings: only speed and safety differ from production."""

import os

os.environ.setdefault("DJANGO_SECRET_KEY", "test-only-secret")
os.environ.setdefault("DJANGO_DEBUG", "0")

from govopen.settings import *  # noqa: E402,F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.InMemoryStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
SESSION_COOKIE_SECURE = False
# The test client speaks plain HTTP: no redirect to HTTPS, no HSTS (production keeps both).
SECURE_SSL_REDIRECT = False
SECURE_HSTS_SECONDS = 0
CSRF_COOKIE_SECURE = False
# Jobs run inline, when the transaction that queued them commits; reports/tests/services/test_tasks.py
# runs the database queue and its worker.
TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
# Tests roll back instead of committing, so the page cache's on-commit invalidation never runs:
# it is off here, and reports/tests/web/test_page_cache.py turns it on with commits captured.
GOVOPEN_PAGE_CACHE_SECONDS = 0
# Every test client is 127.0.0.1 and the counts would carry from test to test in the shared cache: the
# rate limits are off here, and reports/tests/web/test_limits.py turns them on.
RATELIMIT_ENABLE = False
