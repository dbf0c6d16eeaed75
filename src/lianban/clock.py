"""The one source of time. Tests freeze it with time-machine; the demo drives it through
simulated days with `frozen`. Nothing else calls now()."""

import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from django.utils import timezone

_frozen: ContextVar[dt.datetime | None] = ContextVar("lianban_frozen_now", default=None)


def now() -> dt.datetime:
    return _frozen.get() or timezone.now()


def today() -> dt.date:
    """Today in the county's own time zone (TIME_ZONE), which is what deadlines count in."""
    return timezone.localdate(now())


@contextmanager
def frozen(at: dt.datetime) -> Iterator[None]:
    """Make now() answer `at` (an aware datetime) inside the block."""
    if timezone.is_naive(at):
        raise ValueError("frozen() needs an aware datetime")
    token = _frozen.set(at)
    try:
        yield
    finally:
        _frozen.reset(token)
