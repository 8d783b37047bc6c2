from django.conf import settings


def site(request):
    return {"site_name": settings.GOVOPEN_SITE_NAME}
