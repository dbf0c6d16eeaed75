from django.conf import settings


def site(request):
    return {"SERVICE_CENTRE_NAME": settings.SERVICE_CENTRE_NAME, "SITE_URL": settings.SITE_URL}
