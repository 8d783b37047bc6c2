from urllib.parse import urlencode

from django.conf import settings

from reports.web.display import display_of, switch_url


def canonical_url(request) -> str:
    """The page's address without empty parameters, in a stable order (``<link rel="canonical">``)."""
    base = settings.GOVOPEN_SITE_URL or request.build_absolute_uri("/").rstrip("/")
    params = sorted((k, v) for k, values in request.GET.lists() for v in values if v)
    return base + request.path + (f"?{urlencode(params)}" if params else "")


def site(request):
    return {
        "site_name": settings.GOVOPEN_SITE_NAME,
        "canonical_url": canonical_url(request),
        "require_2fa": settings.GOVOPEN_REQUIRE_2FA,
        "lockout_failures": settings.AXES_FAILURE_LIMIT,
        "lockout_hours": f"{settings.AXES_COOLOFF_TIME:g}",
    }


def display(request):
    """The display modes (简/繁, large text, high contrast) and the links that switch them."""
    current = display_of(request)
    return {
        "display": current,
        "display_links": {
            "hans": switch_url(request, "script", "hans"),
            "hant": switch_url(request, "script", "hant"),
            "text": switch_url(request, "text", "normal" if current.text == "large" else "large"),
            "contrast": switch_url(request, "contrast", "normal" if current.contrast == "high" else "high"),
        },
    }
