from django.conf import settings


def site(request):
    return {
        "site_name": settings.GOVOPEN_SITE_NAME,
        "require_2fa": settings.GOVOPEN_REQUIRE_2FA,
        "lockout_failures": settings.AXES_FAILURE_LIMIT,
        "lockout_hours": f"{settings.AXES_COOLOFF_TIME:g}",
    }
