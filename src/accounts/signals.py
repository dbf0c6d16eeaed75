from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver

from .security import GENERATION_KEY, session_generation


@receiver(user_logged_in)
def _remember_session_generation(sender, request, user, **kwargs):
    # Keep in step with security.session_is_current, which compares against this.
    session = getattr(request, "session", None)
    if session is not None:
        session[GENERATION_KEY] = session_generation(user.pk)
