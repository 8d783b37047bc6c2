"""govopen settings: everything comes from the environment (see .env.example)."""

import os
import re
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

from govopen.cache_url import CacheUrlError, cache_from_url
from govopen.storage import storage_from_env

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name: str, default: bool = False) -> bool:
    return os.environ.get(name, str(default)).strip().lower() in {"1", "true", "yes", "on"}


DEBUG = env_bool("DJANGO_DEBUG")
SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("DJANGO_SECRET_KEY must be set when DJANGO_DEBUG is off.")
    SECRET_KEY = "insecure-development-key"  # noqa: S105 - only with DJANGO_DEBUG on
ALLOWED_HOSTS = [
    h.strip() for h in os.environ.get("DJANGO_ALLOWED_HOSTS", "localhost,127.0.0.1").split(",") if h.strip()
]
CSRF_TRUSTED_ORIGINS = [o.strip() for o in os.environ.get("DJANGO_CSRF_TRUSTED_ORIGINS", "").split(",") if o.strip()]

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.contrib.sitemaps",
    "django_filters",
    "import_export",
    "reports.vendor_apps.AxesConfig",
    "django_otp",
    "reports.vendor_apps.TOTPConfig",
    "django_tasks",
    "django_tasks_db",
    "reports",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Whole public pages, finished (compressed, with their headers), from the cache (reports/web/http.py).
    "reports.web.http.PublicPageCacheMiddleware",
    "csp.middleware.CSPMiddleware",
    "django_permissions_policy.PermissionsPolicyMiddleware",
    # Public pages: compressed, revalidated with ETags (304), cacheable for a minute (reports/web/http.py).
    "reports.web.http.PublicGZipMiddleware",
    "django.middleware.http.ConditionalGetMiddleware",
    "reports.web.http.PublicCacheControlMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    # 繁體 pages: the finished HTML converted by OpenCC (after CommonMiddleware in the response
    # phase, which then sets Content-Length from the converted page).
    "reports.web.display.TraditionalScriptMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "reports.services.audit.AuditContextMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Last, as django-axes asks: it turns a locked-out sign-in into the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "govopen.urls"
TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "reports.web.context_processors.site",
                "reports.web.context_processors.display",
            ],
            # The template tags live with the pages they serve (reports/web/templatetags/).
            "libraries": {
                "govopen": "reports.web.templatetags.govopen",
                "report_links": "reports.web.templatetags.report_links",
                "search_tags": "reports.web.templatetags.search_tags",
                "statistics_tags": "reports.web.templatetags.statistics_tags",
            },
        },
    },
]
WSGI_APPLICATION = "govopen.wsgi.application"

DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL") or f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=int(os.environ.get("DATABASE_CONN_MAX_AGE", "60")),
    )
}
# CACHE_URL picks the backend of the default cache (govopen/cache_url.py): locmem:// by default,
# redis://… in production, shared by every app server (the page cache, rate limits).
try:
    _default_cache = cache_from_url(os.environ.get("CACHE_URL", "locmem://govopen-default?max_entries=2000"))
except CacheUrlError as exc:
    raise ImproperlyConfigured(str(exc)) from None
# "script": pages converted to Traditional characters, keyed by the content's hash; bounded, per process.
CACHES = {
    "default": _default_cache,
    "script": {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
        "LOCATION": "govopen-script",
        "TIMEOUT": 24 * 3600,
        "OPTIONS": {"MAX_ENTRIES": int(os.environ.get("GOVOPEN_SCRIPT_CACHE_PAGES", "500"))},
    },
}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Signing in: django-axes first (it refuses a locked-out account or address before anything else),
# then Django's model backend; the project's own permissions are django-rules predicates
# (reports/selectors/access.py), which AccountBackend leaves to them.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "rules.permissions.ObjectPermissionBackend",
    "reports.selectors.access.AccountBackend",
]
# Lockout (django-axes): after AXES_FAILURE_LIMIT failures in a row, per account and per address
# separately, sign-in is refused until the cool-off passes or a 管理员 unlocks it in the admin.
AXES_FAILURE_LIMIT = int(os.environ.get("GOVOPEN_LOCKOUT_FAILURES", "10"))
AXES_COOLOFF_TIME = float(os.environ.get("GOVOPEN_LOCKOUT_HOURS", "1"))
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_IPWARE_PROXY_COUNT = int(os.environ.get("GOVOPEN_PROXY_COUNT", "0"))
# Sessions end after GOVOPEN_SESSION_IDLE_MINUTES without a request, and when the browser closes.
SESSION_COOKIE_AGE = int(os.environ.get("GOVOPEN_SESSION_IDLE_MINUTES", "30")) * 60
SESSION_SAVE_EVERY_REQUEST = True
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
# The review workflow: whether one person may approve their own submission (one-person offices).
GOVOPEN_ALLOW_SELF_APPROVAL = env_bool("GOVOPEN_ALLOW_SELF_APPROVAL", False)
# A TOTP second factor (django-otp) required of 审核 and 管理员 accounts when on.
GOVOPEN_REQUIRE_2FA = env_bool("GOVOPEN_REQUIRE_2FA", False)
# How long audit events are kept (prune_audit_log removes older ones); 等保 asks for at least 180 days.
GOVOPEN_AUDIT_RETENTION_DAYS = int(os.environ.get("GOVOPEN_AUDIT_RETENTION_DAYS", str(3 * 365)))
# The client address is the first X-Forwarded-For hop only behind a proxy that sets it.
GOVOPEN_TRUSTED_PROXY = env_bool("GOVOPEN_TRUSTED_PROXY", False)


def env_rate(name: str, default: str) -> str:
    """A rate limit: requests per window, "60/m" ("s", "m", "h", "d"; "100/5m"); empty for none."""
    value = os.environ.get(name, default).strip()
    if value and not re.fullmatch(r"[0-9]+/([1-9][0-9]*)?[smhd]", value):
        raise ImproperlyConfigured(f"{name}: a rate is like 60/m (per s, m, h or d), or empty for no limit.")
    return value


# Rate limits per client address (reports/web/limits.py, django-ratelimit): over one, 429 with
# Retry-After. Counted in the default cache (CACHE_URL): per process with locmem://, shared by every
# server with redis://. django-ratelimit is used as a library, not an installed app: its system check
# refuses locmem://, the documented default for one server.
GOVOPEN_RATE_LIMITS = {
    "search": env_rate("GOVOPEN_RATE_LIMIT_SEARCH", "60/m"),
    "downloads": env_rate("GOVOPEN_RATE_LIMIT_DOWNLOADS", "60/m"),
    "exports": env_rate("GOVOPEN_RATE_LIMIT_EXPORTS", "10/m"),
    "api": env_rate("GOVOPEN_RATE_LIMIT_API", "120/m"),
}
# A count the cache failed to keep lets the request through rather than refusing everyone.
RATELIMIT_FAIL_OPEN = True
# /healthz says "warning" (still 200) when a background job has waited this long for a worker.
GOVOPEN_HEALTH_TASK_WAIT_SECONDS = int(os.environ.get("GOVOPEN_HEALTH_TASK_WAIT_SECONDS", "900"))

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文")]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
# Originals, downloads and pending imports: a local folder (DJANGO_MEDIA_ROOT), or S3-compatible
# object storage every app server shares when GOVOPEN_S3_BUCKET is set (govopen/storage.py).
STORAGES = {
    "default": storage_from_env(os.environ),
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}
MEDIA_URL = "media/"
MEDIA_ROOT = Path(os.environ.get("DJANGO_MEDIA_ROOT", BASE_DIR / "media"))

# Background work (django-tasks, the backport of Django 6's django.tasks; README, "Background work"):
# jobs wait in the database for `manage.py db_worker`, which `make run` starts beside the server;
# GOVOPEN_TASKS_INLINE=1 runs each job in the process that queues it, with no worker.
TASKS = {
    "default": {
        "BACKEND": "django_tasks.backends.immediate.ImmediateBackend"
        if env_bool("GOVOPEN_TASKS_INLINE")
        else "django_tasks_db.DatabaseBackend"
    }
}

# Most reports one export over HTTP streams; a larger selection is sent to the whole-site files.
GOVOPEN_EXPORT_MAX_REPORTS = int(os.environ.get("GOVOPEN_EXPORT_MAX_REPORTS", "20000"))

# Largest file an editor may upload or the importer reads, in bytes.
GOVOPEN_MAX_UPLOAD_BYTES = int(os.environ.get("GOVOPEN_MAX_UPLOAD_BYTES", str(20 * 1024 * 1024)))
DATA_UPLOAD_MAX_MEMORY_SIZE = GOVOPEN_MAX_UPLOAD_BYTES
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
GOVOPEN_SITE_NAME = os.environ.get("GOVOPEN_SITE_NAME", "政府信息公开")
# django-import-export: a cell that starts like a formula (=, +, -, @) is written as text.
IMPORT_EXPORT_ESCAPE_FORMULAE_ON_EXPORT = True
# The public address (https://www.example.gov.cn) written into downloads, feeds and the API; empty:
# the request's own (development only).
GOVOPEN_SITE_URL = os.environ.get("GOVOPEN_SITE_URL", "").rstrip("/")
GOVOPEN_PAGE_SIZE = 20
# Seconds browsers and shared caches may keep a public page (a publication shows within this).
GOVOPEN_PUBLIC_MAX_AGE = int(os.environ.get("GOVOPEN_PUBLIC_MAX_AGE", "60"))
# Whole public pages kept in the default cache for anonymous visitors, retired the moment anything
# public changes (reports/services/page_cache.py); 0 turns the page cache off.
GOVOPEN_PAGE_CACHE_SECONDS = int(os.environ.get("GOVOPEN_PAGE_CACHE_SECONDS", "600"))

if not DEBUG:
    SECURE_CONTENT_TYPE_NOSNIFF = True
    SESSION_COOKIE_SECURE = env_bool("DJANGO_SECURE_COOKIES", True)
    CSRF_COOKIE_SECURE = env_bool("DJANGO_SECURE_COOKIES", True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    # HTTPS only: plain HTTP is redirected (but the health check, which a load balancer may ask over
    # HTTP), and browsers are told to come back over HTTPS for a year (HSTS).
    SECURE_SSL_REDIRECT = env_bool("DJANGO_SSL_REDIRECT", True)
    SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
    SECURE_HSTS_SECONDS = int(os.environ.get("DJANGO_HSTS_SECONDS", str(365 * 24 * 3600)))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("DJANGO_HSTS_INCLUDE_SUBDOMAINS", True)
    SECURE_HSTS_PRELOAD = env_bool("DJANGO_HSTS_PRELOAD", False)
    # Preloading commits the whole domain (a gov.cn domain and every subdomain) to HTTPS in browsers
    # for good: the site's operator decides it (DJANGO_HSTS_PRELOAD), so its reminder is silenced.
    SILENCED_SYSTEM_CHECKS = [] if SECURE_HSTS_PRELOAD else ["security.W021"]
SECURE_REFERRER_POLICY = "strict-origin-when-cross-origin"
# Browser features the site never uses are switched off for it and anything it might embed.
PERMISSIONS_POLICY = {
    feature: []
    for feature in (
        "accelerometer",
        "autoplay",
        "camera",
        "display-capture",
        "geolocation",
        "gyroscope",
        "magnetometer",
        "microphone",
        "midi",
        "payment",
        "usb",
    )
}
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
# Content-Security-Policy (django-csp): scripts, styles, fonts and images from the site itself only, no
# inline script or style (the public pages and the admin have none; the print page adds the hash of
# its one <style>, reports/web/downloads.py), no plugins, no framing.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
        "upgrade-insecure-requests": not DEBUG,
    }
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("DJANGO_LOG_LEVEL", "WARNING")},
}
