"""The service centre's published statistics and the supervisors' department figures, computed
from plain rows (no database here; portal/queries.py reads the rows). Worked by hand in
tests/portal/test_statistics.py and tests/portal/test_department_figures.py."""

import datetime as dt
import statistics
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Protocol

from workdays.calendar import UnscheduledYear


class Calendar(Protocol):
    """What the statistics need of workdays.calendar.WorkCalendar."""

    def working_days_between(self, a: dt.date, b: dt.date) -> int: ...

    def add_days(self, start: dt.date, n: int, unit: str) -> dt.date: ...


@dataclass(frozen=True)
class CaseRow:
    submitted_on: dt.date
    accepted_on: dt.date | None
    decided_on: dt.date | None
    papers_separately: int  # what each item would have asked on its own, added up
    papers_submitted: int  # distinct papers the applicant actually submitted
    # Its items' promised limits as (days, "working" | "calendar"): one after another they
    # are the serial alternative, the way the case would have gone before the reform.
    limits: tuple[tuple[int, str], ...] = ()
    # The same items' legal limits (法定时限), one after another: what the law allows.
    legal_limits: tuple[tuple[int, str], ...] = ()
    # The day its first sealed approval document was issued, by the background job after the
    # decision: when the investor holds the approval. A later reissue does not move it.
    document_on: dt.date | None = None


@dataclass(frozen=True)
class ItemRow:
    """A decided item, or an open one whose clock ran past its due date (a promise already
    broken, whenever it is decided)."""

    decided_on: dt.date | None
    due_date: dt.date | None
    # For the department figures (department_figures below): the day the item reached its
    # department, and the stretches its clock stood still (a supplement, a suspension, time
    # the law excludes), each as (the day it stopped, the day it ran again).
    dispatched_on: dt.date | None = None
    pauses: tuple[tuple[dt.date, dt.date], ...] = ()


@dataclass(frozen=True)
class Statistics:
    cases_this_month: int
    items_decided: int
    items_on_time: int
    on_time_percent: float | None
    items_overdue_open: int
    average_working_days: float | None
    median_working_days: float | None
    average_document_working_days: float | None
    median_document_working_days: float | None
    average_serial_working_days: float | None
    average_legal_serial_working_days: float | None
    papers_separately: int
    papers_submitted: int
    # The medians beside the averages above, over the same cases (the department figures
    # compare medians); defaults, so that a value cached before they existed still reads.
    median_serial_working_days: float | None = None
    median_legal_serial_working_days: float | None = None

    @property
    def items_counted(self) -> int:
        return self.items_decided + self.items_overdue_open

    @property
    def papers_saved(self) -> int:
        return self.papers_separately - self.papers_submitted


def summarise(
    cases: Iterable[CaseRow],
    items: Iterable[ItemRow],
    *,
    today: dt.date,
    calendar: Calendar,
) -> Statistics:
    """Cases submitted this month; the share of items decided on or before their due date,
    counting open items already past it as late (else a county would look better for leaving
    its late items undecided);
    the average (and median) working days from intake to decision, against the average the
    same cases would have taken with their items one after another (each its promised limit,
    from the day of acceptance) and the average the law allows them so (each its legal
    limit); the average and median working days from intake to the approval document, over
    the cases that have it; and, over accepted cases, the papers each item would have asked
    separately against the papers submitted once."""
    cases = list(cases)
    accepted = [c for c in cases if c.accepted_on is not None]
    this_month = sum(
        1 for c in cases if (c.submitted_on.year, c.submitted_on.month) == (today.year, today.month)
    )
    items = list(items)
    decided = [i for i in items if i.decided_on is not None and i.due_date is not None]
    on_time = sum(1 for i in decided if i.decided_on <= i.due_date)
    overdue_open = sum(
        1 for i in items if i.decided_on is None and i.due_date is not None and i.due_date < today
    )
    counted = len(decided) + overdue_open
    spans, serial, legal = [], [], []
    for c in accepted:
        if c.decided_on is None:
            continue
        alternative = _serial_working_days(c.accepted_on, c.limits, calendar)
        allowed = _serial_working_days(c.accepted_on, c.legal_limits or c.limits, calendar)
        if alternative is None or allowed is None:  # compared only where all can be counted
            continue
        spans.append(calendar.working_days_between(c.accepted_on, c.decided_on))
        serial.append(alternative)
        legal.append(allowed)
    to_document = [
        calendar.working_days_between(c.accepted_on, c.document_on)
        for c in accepted
        if c.document_on is not None
    ]
    return Statistics(
        cases_this_month=this_month,
        items_decided=len(decided),
        items_on_time=on_time,
        on_time_percent=round(100 * on_time / counted, 1) if counted else None,
        items_overdue_open=overdue_open,
        average_working_days=_average(spans),
        median_working_days=_median(spans),
        average_document_working_days=_average(to_document),
        median_document_working_days=_median(to_document),
        average_serial_working_days=_average(serial),
        average_legal_serial_working_days=_average(legal),
        papers_separately=sum(c.papers_separately for c in accepted),
        papers_submitted=sum(c.papers_submitted for c in accepted),
        median_serial_working_days=_median(serial),
        median_legal_serial_working_days=_median(legal),
    )


@dataclass(frozen=True)
class DepartmentFigures:
    items_decided: int
    items_on_time: int
    on_time_percent: float | None
    items_overdue_open: int
    average_working_days: float | None  # per item, from dispatch to decision
    median_working_days: float | None
    supplements: int  # 补正 asked
    referred: int  # items referred to the joint meeting

    @property
    def items_counted(self) -> int:
        return self.items_decided + self.items_overdue_open


def department_figures(
    items: Iterable[ItemRow],
    *,
    supplements: int = 0,
    referred: int = 0,
    today: dt.date,
    calendar: Calendar,
) -> DepartmentFigures:
    """One department's items (or every department's): decided and on time, and open past
    their due date, counted as summarise counts them; and the working days each decided
    item took from dispatch to decision, less the days its clock stood still. A pause is
    counted as the engine counts it when it moves a due date, over the days after the day
    it stopped up to the day it ran again, here always in working days. An item whose days
    run into a year without a schedule is left out of the days, as summarise leaves out a
    serial alternative."""
    items = list(items)
    stats = summarise((), items, today=today, calendar=calendar)
    days = [d for d in (_item_working_days(i, calendar) for i in items) if d is not None]
    return DepartmentFigures(
        items_decided=stats.items_decided,
        items_on_time=stats.items_on_time,
        on_time_percent=stats.on_time_percent,
        items_overdue_open=stats.items_overdue_open,
        average_working_days=_average(days),
        median_working_days=_median(days),
        supplements=supplements,
        referred=referred,
    )


def worst_first(figures: DepartmentFigures) -> tuple:
    """The order a supervisor reads departments in: the lowest on-time share first (a
    department with nothing counted yet last), then the most items overdue, the slowest."""
    share = figures.on_time_percent
    return (
        share is None,
        share if share is not None else 0.0,
        -figures.items_overdue_open,
        -(figures.median_working_days or 0.0),
    )


def _item_working_days(item: ItemRow, calendar: Calendar) -> int | None:
    if item.decided_on is None or item.dispatched_on is None:
        return None
    try:
        days = calendar.working_days_between(item.dispatched_on, item.decided_on)
        for stopped, ran_again in item.pauses:
            stopped, ran_again = max(stopped, item.dispatched_on), min(ran_again, item.decided_on)
            if ran_again > stopped:
                days -= calendar.working_days_between(stopped, ran_again)
    except UnscheduledYear:
        return None
    return max(days, 0)


def _average(days: list[int]) -> float | None:
    return round(statistics.fmean(days), 1) if days else None


def _median(days: list[int]) -> float | None:
    return round(float(statistics.median(days)), 1) if days else None


def _serial_working_days(
    start: dt.date, limits: tuple[tuple[int, str], ...], calendar: Calendar
) -> int | None:
    """None when the alternative runs into a year whose working days are not scheduled yet
    (every autumn, before the State Council publishes the next year's holidays): it is
    hypothetical, so the case is left out of the comparison rather than every figure lost."""
    finish = start
    try:
        for days, unit in limits:
            finish = calendar.add_days(finish, days, unit)
        return calendar.working_days_between(start, finish)
    except UnscheduledYear:
        return None
