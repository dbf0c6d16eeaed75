"""The one source of time. Tests freeze it with time-machine; nothing else calls now()."""

import datetime as dt

from django.utils import timezone


def now() -> dt.datetime:
    return timezone.now()


def today() -> dt.date:
    """Today in the county's own time zone (TIME_ZONE), which is what deadlines count in."""
    return timezone.localdate(now())
