from django.conf import settings
from django.utils.translation import gettext as _


def security_headers(get_response):
    """Content-Security-Policy on every response; Django 5.2 has no built-in CSP yet."""

    def middleware(request):
        response = get_response(request)
        response.setdefault("Content-Security-Policy", settings.CONTENT_SECURITY_POLICY)
        response.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
        return response

    return middleware


def api_method_not_allowed(get_response):
    """A method an API path does not take (GET on /api/cases/1/decide) answers in the API's
    {code, message} JSON like every other API error; django-ninja's own answer is plain text."""

    def middleware(request):
        response = get_response(request)
        if (
            response.status_code == 405
            and request.path.startswith("/api/")
            and not response.get("Content-Type", "").startswith("application/json")
        ):
            from .api import error_response  # the API's module mounts every app's router

            allowed = response.get("Allow", "")
            message = _("该地址不支持 %(method)s 请求，可用：%(allowed)s。") % {
                "method": request.method,
                "allowed": allowed,
            }
            response = error_response(405, "method_not_allowed", message)
            response["Allow"] = allowed
        return response

    return middleware
