from django.conf import settings
from django.contrib.auth import SESSION_KEY
from django.contrib.auth.models import AnonymousUser

from lianban import clock

from .security import log_refusal, session_is_current

SEEN_KEY = "_lianban_seen"


def session_refresh(get_response):
    """Keep a session in use alive: its expiry (SESSION_COOKIE_AGE of inactivity) is pushed
    back when it was last refreshed SESSION_REFRESH_SECONDS ago or more, so an idle session
    ends between 29 and 30 minutes after its last request. Runs inside SessionMiddleware,
    which saves a modified session and sends its cookie again."""

    def middleware(request):
        response = get_response(request)
        session = getattr(request, "session", None)
        # Only a signed-in session: a stale cookie of a visitor must not start a new one.
        if session is None or session.modified or session.get(SESSION_KEY) is None:
            return response
        now = int(clock.now().timestamp())
        if now - session.get(SEEN_KEY, 0) >= settings.SESSION_REFRESH_SECONDS:
            session[SEEN_KEY] = now
        return response

    return middleware


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


# Lookups anyone may make by number: a wrong number answers 404, and that is no refusal.
_PUBLIC_LOOKUPS = ("/api/cases/progress", "/api/documents/verify")
_GUARDED_API = ("/api/cases/", "/api/documents/")


def _guarded(request) -> bool:
    match = getattr(request, "resolver_match", None)
    if match is None:  # no route at all: nothing was refused
        return False
    if match.namespace == "api":
        return request.path.startswith(_GUARDED_API) and not request.path.startswith(
            _PUBLIC_LOOKUPS
        )
    return match.namespace in ("cases", "documents") and match.view_name != "documents:verify"


def refusal_log(get_response):
    """Every 404 (not yours) and 403 (not your role's to do) of a case or document page or
    API operation goes to the security log. Answered here, once, so that no view can forget
    it. The line names the view and its ids (row numbers, never a person's numbers)."""

    def middleware(request):
        response = get_response(request)
        if response.status_code in (403, 404) and _guarded(request):
            match = request.resolver_match
            ids = ",".join(f"{key}={value}" for key, value in sorted(match.kwargs.items()))
            what = f"{match.view_name}:{ids}" if ids else match.view_name
            log_refusal(request, what, status=response.status_code)
        return response

    return middleware
