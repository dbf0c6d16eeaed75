from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver

from .security import GENERATION_KEY, session_generation


@receiver(user_logged_in)
def _remember_session_generation(sender, request, user, **kwargs):
    # Keep in step with security.session_is_current, which compares against this.
    session = getattr(request, "session", None)
    if session is not None:
        session[GENERATION_KEY] = session_generation(user.pk)


@receiver(user_logged_in)
def _remember_language(sender, request, user, **kwargs):
    # The language of the page they logged in from (LocaleMiddleware's choice), so that
    # notifications reach them in the language they use the site in.
    language = getattr(request, "LANGUAGE_CODE", None)
    if language:
        user.remember_language(language)
