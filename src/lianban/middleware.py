from django.conf import settings


def security_headers(get_response):
    """Content-Security-Policy on every response; Django 5.2 has no built-in CSP yet."""

    def middleware(request):
        response = get_response(request)
        response.setdefault("Content-Security-Policy", settings.CONTENT_SECURITY_POLICY)
        response.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
        return response

    return middleware
