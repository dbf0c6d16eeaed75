"""Day arithmetic on plain integers (date ordinals), for the planner's inner loop and the
checks' comparison of limits in different units.

A DayTable is read once from a WorkCalendar through its public methods and kept for as long
as that calendar object lives (workdays.service rebuilds the calendar every few minutes, so
an administrator's change reaches the table too). It follows the calendar's counting
convention exactly (workdays/calendar.py): the n-th working day after a day, the day itself
not counted; 0 days is the same day.
"""

import bisect
import datetime as dt
import weakref

from workdays.calendar import UnscheduledYear, WorkCalendar

from .records import CALENDAR

_tables: "weakref.WeakKeyDictionary[WorkCalendar, DayTable]" = weakref.WeakKeyDictionary()


class DayTable:
    def __init__(self, calendar: WorkCalendar):
        self.years = frozenset(calendar.years)
        self.ords = list(calendar.working_ordinals())
        self._spans: dict[tuple[int, bool], int] = {}

    @classmethod
    def of(cls, calendar: WorkCalendar) -> "DayTable":
        table = _tables.get(calendar)
        if table is None:
            table = _tables[calendar] = cls(calendar)
        return table

    def add(self, ordinal: int, days: int, unit: str) -> int:
        """The planner inlines this; keep the two in step (planner.plan)."""
        if days == 0:
            return ordinal
        if unit == CALENDAR:
            return ordinal + days
        return self.ords[bisect.bisect_right(self.ords, ordinal) + days - 1]

    def working_days_between(self, a: int, b: int) -> int:
        return bisect.bisect_right(self.ords, b) - bisect.bisect_right(self.ords, a)

    def require(self, first: int, last: int) -> None:
        """Every year from `first` to `last` (ordinals) must be scheduled, or dates counted
        across the gap would be wrong: raise UnscheduledYear for the first one missing."""
        for year in range(dt.date.fromordinal(first).year, dt.date.fromordinal(last).year + 1):
            if year not in self.years:
                raise UnscheduledYear(year)

    def first_unscheduled_year(self, after: int) -> int:
        year = dt.date.fromordinal(after).year
        while year in self.years:
            year += 1
        return year

    def working_span(self, days: int, *, longest: bool) -> int | None:
        """The most (or fewest) calendar days that `days` working days can take, over every
        start day of the scheduled years; None when the calendar holds too few days.

        A start day s with i = bisect_right(ords, s) ends on ords[i + days - 1]; the span is
        longest when s is itself a working day (ords[i - 1]) and shortest when s is the day
        just before a working day (ords[i] - 1)."""
        if days == 0:
            return 0
        key = (days, longest)
        if key not in self._spans:
            spans = []
            for run in self._runs():
                if longest:
                    spans.extend(b - a for a, b in zip(run, run[days:], strict=False))
                else:
                    spans.extend(b - a + 1 for a, b in zip(run, run[days - 1 :], strict=False))
            self._spans[key] = (max(spans) if longest else min(spans)) if spans else None
        return self._spans[key]

    def _runs(self) -> list[list[int]]:
        """The working days of each run of consecutive scheduled years: a span must not
        jump over a year the calendar does not know."""
        runs: list[list[int]] = []
        previous = None
        for year in sorted(self.years):
            lo = bisect.bisect_left(self.ords, dt.date(year, 1, 1).toordinal())
            hi = bisect.bisect_left(self.ords, dt.date(year + 1, 1, 1).toordinal())
            if previous is not None and year == previous + 1:
                runs[-1].extend(self.ords[lo:hi])
            else:
                runs.append(self.ords[lo:hi])
            previous = year
        return runs
