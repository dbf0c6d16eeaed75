"""Pages of the site as a whole that no domain owns."""

from django.shortcuts import render
from django.utils.translation import gettext as _


def csrf_failure(request, reason=""):
    """A form sent without a valid CSRF token (CSRF_FAILURE_VIEW): most often a page left
    open past the sign-in's end, or cookies turned off. Told in the site's layout and the
    visitor's language, not Django's own page; JSON under /api/, as every API error is."""
    message = _(
        "页面已过期或无法确认请求来源。请刷新页面后重试；如仍不行，请确认浏览器允许本站的 Cookie。"
    )
    if request.path.startswith("/api/"):
        from .api import error_response

        return error_response(403, "csrf_failed", message)
    return render(request, "403.html", {"exception": message}, status=403)
