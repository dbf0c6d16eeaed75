"""Public pages kept whole for a minute, for visitors who are not signed in.

The item guide is read far more often than the catalog changes, and rendering it costs
five statements and a template for every visitor. A signed-in user's pages are never kept:
they show the user's name, notifications and work.

Each page carries a CSRF token (the language switch posts a form, and htmx sends the token
in a header). Tokens differ per visitor, so the page is kept with a placeholder and every
visitor gets a fresh token of their own on the way out, exactly as if it had been rendered
for them.

The cache is each worker's own memory. A change to the catalog or the working-day calendar
in one worker empties that worker's pages at once; other workers show it within `SECONDS`.
"""

import functools
import hashlib

from django.contrib.messages import get_messages
from django.core.cache import cache
from django.http import HttpResponse
from django.middleware.csrf import get_token
from django.utils.safestring import mark_safe
from django.utils.translation import get_language

from lianban import clock

SECONDS = 60
# A real token is 64 letters and digits; this cannot be mistaken for one, nor one for it.
PLACEHOLDER = mark_safe("lianban-csrf-placeholder")
_RENDERING = "_lianban_page_for_cache"
_generation = 0  # part of every key: raising it retires this worker's kept pages


def changed(**_signal_kwargs) -> None:
    """What the kept pages show has changed: this worker stops serving them."""
    global _generation
    _generation += 1


def csrf_token(request) -> dict:
    """Context processor: the placeholder in place of the visitor's token while a page is
    rendered for the cache."""
    return {"csrf_token": PLACEHOLDER} if getattr(request, _RENDERING, False) else {}


def _cacheable(request) -> bool:
    return (
        request.method in ("GET", "HEAD")
        and not request.GET
        and not getattr(request, "htmx", False)
        and not request.user.is_authenticated
        # A message waiting for this visitor belongs on their page, not on everyone's.
        and not len(get_messages(request))
    )


def _with_token(request, content: bytes) -> bytes:
    return content.replace(PLACEHOLDER.encode(), get_token(request).encode())


def for_visitors(view):
    """Decorator for a public view whose page depends on nothing but its path, its language,
    the day, and what `changed` is called for (the catalog, the working-day calendar)."""

    @functools.wraps(view)
    def wrapped(request, *args, **kwargs):
        if not _cacheable(request):
            return view(request, *args, **kwargs)
        # A path may hold anything a visitor typed; the key holds only its digest.
        path = hashlib.sha256(request.path.encode("utf-8", "backslashreplace")).hexdigest()
        # Today's date too: a project type's timeline starts today, the home page counts
        # this month's applications.
        key = f"page:{_generation}:{clock.today()}:{get_language()}:{path}"
        kept = cache.get(key)
        if kept is None:
            setattr(request, _RENDERING, True)
            try:
                response = view(request, *args, **kwargs)
            finally:
                setattr(request, _RENDERING, False)
            if response.streaming:
                return response
            if response.status_code != 200:  # not kept, but it holds the placeholder
                response.content = _with_token(request, response.content)
                return response
            kept = (response.content, response["Content-Type"])
            cache.set(key, kept, SECONDS)
        content, content_type = kept
        return HttpResponse(_with_token(request, content), content_type=content_type)

    return wrapped
