from django.contrib.auth.models import AnonymousUser

from .security import session_is_current


def session_generation(get_response):
    """End a session that logged in before its user chose "log out everywhere"
    (security.end_all_sessions). Runs after AuthenticationMiddleware."""

    def middleware(request):
        session = getattr(request, "session", None)
        if session is not None and not session_is_current(session):
            session.flush()
            request.user = AnonymousUser()
        return get_response(request)

    return middleware
