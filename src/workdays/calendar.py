"""The working-day calendar (工作日), pure: plain dates in, plain dates out.

Years the chinese-calendar package knows use the State Council's published schedule,
including the weekend days that are worked (调休). Later years, and local adjustments,
come from overrides that an administrator enters. A date in a year that neither covers
raises UnscheduledYear: deadlines must never fall back silently to weekends-only.

Counting convention (行政许可法 art. 82 style): the day of the event is not counted.
`add_working_days(d, n)` is the n-th working day after d, and
`working_days_between(a, b)` counts the working days in (a, b], so the two agree:
working_days_between(d, add_working_days(d, n)) == n.
"""

import bisect
import datetime as dt
import functools
from collections.abc import Iterable, Mapping

import chinese_calendar
from django.utils.translation import gettext as _

from lianban.errors import DomainError

_PACKAGE_YEARS = frozenset(
    range(
        min(chinese_calendar.constants.holidays).year,
        max(chinese_calendar.constants.holidays).year + 1,
    )
)


@functools.cache
def _package_year_ords(year: int) -> tuple[int, ...]:
    """The published schedule of one year, computed once per process."""
    day, ords = dt.date(year, 1, 1), []
    while day.year == year:
        if chinese_calendar.is_workday(day):
            ords.append(day.toordinal())
        day += dt.timedelta(days=1)
    return tuple(ords)


class UnscheduledYear(DomainError, ValueError):
    """A domain error: the request that needed the date is refused and changes nothing."""

    code = "unscheduled_year"
    status = 409

    def __init__(self, year: int):
        self.year = year
        super().__init__(
            _(
                "%(year)d年的工作日安排尚未录入，无法计算工作日期限；请管理员在“工作日历”中录入该年的节假日安排。"
            )
            % {"year": year}
        )


class WorkCalendar:
    """Holds every working day of the scheduled years as a sorted list of ordinals."""

    def __init__(
        self,
        overrides: Mapping[dt.date, bool] | None = None,
        scheduled_years: Iterable[int] = (),
        *,
        package_years: Iterable[int] = _PACKAGE_YEARS,
    ):
        self.overrides = dict(overrides or {})
        self.package_years = frozenset(package_years)
        self.years = frozenset(self.package_years | set(scheduled_years))
        self._ords: list[int] = []
        self._year_bounds: dict[int, tuple[int, int]] = {}
        override_years = {d.year for d in self.overrides}
        for year in sorted(self.years):
            first = len(self._ords)
            if year in self.package_years and year not in override_years and year in _PACKAGE_YEARS:
                self._ords.extend(_package_year_ords(year))
            else:
                day = dt.date(year, 1, 1)
                while day.year == year:
                    if self._is_workday_raw(day, year):
                        self._ords.append(day.toordinal())
                    day += dt.timedelta(days=1)
            self._year_bounds[year] = (first, len(self._ords))

    def _is_workday_raw(self, day: dt.date, year: int) -> bool:
        if day in self.overrides:
            return self.overrides[day]
        if year in self.package_years:
            return chinese_calendar.is_workday(day)
        return day.weekday() < 5

    def _require(self, year: int) -> None:
        if year not in self.years:
            raise UnscheduledYear(year)

    def working_ordinals(self) -> tuple[int, ...]:
        """Every working day of the scheduled years, as sorted date ordinals (for callers
        that count in integers, like the planner's day table)."""
        return tuple(self._ords)

    def is_workday(self, day: dt.date) -> bool:
        self._require(day.year)
        i = bisect.bisect_left(self._ords, day.toordinal())
        return i < len(self._ords) and self._ords[i] == day.toordinal()

    def add_working_days(self, start: dt.date, n: int) -> dt.date:
        """The n-th working day after `start`; n == 0 is `start` itself (即办)."""
        self._require(start.year)
        if n < 0:
            raise ValueError("n must not be negative")
        if n == 0:
            return start
        i = bisect.bisect_right(self._ords, start.toordinal()) + n - 1
        if i >= len(self._ords):
            raise UnscheduledYear(self._first_gap_after(start.year))
        result = dt.date.fromordinal(self._ords[i])
        self._check_contiguous(start.year, result.year)
        return result

    def working_days_between(self, a: dt.date, b: dt.date) -> int:
        """Working days in (a, b]; negative when b is before a."""
        if b < a:
            return -self.working_days_between(b, a)
        self._check_contiguous(a.year, b.year)
        return bisect.bisect_right(self._ords, b.toordinal()) - bisect.bisect_right(
            self._ords, a.toordinal()
        )

    def next_working_day(self, day: dt.date) -> dt.date:
        """`day` itself if it is a working day, otherwise the next one."""
        if self.is_workday(day):
            return day
        return self.add_working_days(day, 1)

    def add_days(self, start: dt.date, n: int, unit: str) -> dt.date:
        """`unit` is "working" (工作日) or "calendar" (自然日)."""
        if unit == "calendar":
            return add_calendar_days(start, n)
        return self.add_working_days(start, n)

    def days_between(self, a: dt.date, b: dt.date, unit: str) -> int:
        if unit == "calendar":
            return calendar_days_between(a, b)
        return self.working_days_between(a, b)

    def _check_contiguous(self, first: int, last: int) -> None:
        for year in range(first, last + 1):
            self._require(year)

    def _first_gap_after(self, year: int) -> int:
        while year in self.years:
            year += 1
        return year


def add_calendar_days(start: dt.date, n: int) -> dt.date:
    """自然日: every day counts. (A period ending on a holiday is not extended here: the
    limits in our catalogs are promises, and the county keeps them as written.)"""
    return start + dt.timedelta(days=n)


def calendar_days_between(a: dt.date, b: dt.date) -> int:
    return (b - a).days


def package_years() -> frozenset[int]:
    return _PACKAGE_YEARS
