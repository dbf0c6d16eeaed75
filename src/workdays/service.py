"""The installation's calendar: the package's schedule plus the overrides in the database.

Built once per process, rebuilt when an override changes here (see signals.py) and at least
every few minutes, so that other server processes pick up an administrator's change too."""

import datetime as dt
import time

from .calendar import WorkCalendar, package_years

MAX_AGE_SECONDS = 300
_cached: WorkCalendar | None = None
_built_at = 0.0


def current_calendar() -> WorkCalendar:
    global _cached, _built_at
    if _cached is None or time.monotonic() - _built_at > MAX_AGE_SECONDS:
        from .models import CalendarOverride, ScheduledYear

        _cached = WorkCalendar(
            dict(CalendarOverride.objects.values_list("date", "is_workday")),
            ScheduledYear.objects.values_list("year", flat=True),
        )
        _built_at = time.monotonic()
    return _cached


def invalidate() -> None:
    global _cached
    _cached = None


def add_working_days(start: dt.date, n: int) -> dt.date:
    return current_calendar().add_working_days(start, n)


def working_days_between(a: dt.date, b: dt.date) -> int:
    return current_calendar().working_days_between(a, b)


def missing_years(from_year: int, ahead: int = 2) -> list[int]:
    """Coming years (this one and `ahead` more) that still lack a schedule."""
    known = current_calendar().years
    return [y for y in range(from_year, from_year + ahead + 1) if y not in known]


__all__ = [
    "add_working_days",
    "current_calendar",
    "missing_years",
    "package_years",
    "working_days_between",
]
