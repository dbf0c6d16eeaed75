import datetime as dt

import pytest

from workdays import service
from workdays.calendar import (
    UnscheduledYear,
    WorkCalendar,
    add_calendar_days,
    calendar_days_between,
)
from workdays.models import CalendarOverride, ScheduledYear

D = dt.date
cal = WorkCalendar()


def test_2026_spring_festival_holidays_are_not_working_days():
    # 2026-02-15 (Sun) to 2026-02-23 (Mon) is the Spring Festival holiday.
    for day in range(15, 24):
        assert not cal.is_workday(D(2026, 2, day))


def test_2026_working_saturdays_around_spring_festival_count():
    assert cal.is_workday(D(2026, 2, 14))  # Saturday worked (调休)
    assert cal.is_workday(D(2026, 2, 28))  # Saturday worked (调休)


def test_adding_working_days_across_the_spring_festival():
    # Fri 13th -> Sat 14th (worked) is day 1; the holiday is skipped; Tue 24th is day 2.
    assert cal.add_working_days(D(2026, 2, 13), 1) == D(2026, 2, 14)
    assert cal.add_working_days(D(2026, 2, 13), 2) == D(2026, 2, 24)
    # 20 working days from 2026-02-10: 11,12,13,14 | 24,25,26,27,28 | Mar 2-6 | 9-13 | 16
    assert cal.add_working_days(D(2026, 2, 10), 20) == D(2026, 3, 16)


def test_adding_working_days_across_national_day():
    # Oct 1-7 holiday; Sun Sep 20 and Sat Oct 10 are worked.
    assert cal.is_workday(D(2026, 9, 20))
    assert cal.is_workday(D(2026, 10, 10))
    assert cal.add_working_days(D(2026, 9, 30), 1) == D(2026, 10, 8)
    assert cal.add_working_days(D(2026, 9, 30), 3) == D(2026, 10, 10)


def test_working_days_between_agrees_with_adding():
    start = D(2026, 1, 20)
    for n in (0, 1, 5, 20, 60, 200):
        assert cal.working_days_between(start, cal.add_working_days(start, n)) == n


def test_working_days_between_excludes_the_start_day():
    assert cal.working_days_between(D(2026, 2, 13), D(2026, 2, 24)) == 2
    assert cal.working_days_between(D(2026, 2, 24), D(2026, 2, 13)) == -2


def test_zero_working_days_is_the_same_day():
    assert cal.add_working_days(D(2026, 2, 15), 0) == D(2026, 2, 15)


def test_calendar_day_limits_count_every_day():
    assert add_calendar_days(D(2026, 2, 10), 30) == D(2026, 3, 12)
    assert calendar_days_between(D(2026, 2, 10), D(2026, 3, 12)) == 30
    assert cal.add_days(D(2026, 2, 10), 30, "calendar") == D(2026, 3, 12)
    assert cal.add_days(D(2026, 2, 10), 20, "working") == D(2026, 3, 16)


def test_unscheduled_year_raises_an_error_naming_the_year():
    with pytest.raises(UnscheduledYear) as info:
        cal.add_working_days(D(2027, 3, 1), 5)
    assert info.value.year == 2027
    assert "2027年" in str(info.value)


def test_deadline_that_runs_into_an_unscheduled_year_raises():
    with pytest.raises(UnscheduledYear, match="2027年"):
        cal.add_working_days(D(2026, 12, 20), 20)


def test_is_workday_refuses_unscheduled_year():
    with pytest.raises(UnscheduledYear):
        cal.is_workday(D(2030, 1, 2))


def test_overrides_make_a_later_year_schedulable():
    later = WorkCalendar({D(2027, 1, 1): False, D(2027, 1, 4): True}, {2027})
    assert not later.is_workday(D(2027, 1, 1))  # Friday off
    assert later.is_workday(D(2027, 1, 2)) is False  # plain Saturday
    assert later.add_working_days(D(2026, 12, 31), 1) == D(2027, 1, 4)


def test_local_override_in_a_package_year_wins():
    local = WorkCalendar({D(2026, 3, 2): False})
    assert local.add_working_days(D(2026, 2, 27), 2) == D(2026, 3, 3)


@pytest.mark.django_db
def test_override_entered_by_an_administrator_is_used():
    with pytest.raises(UnscheduledYear):
        service.add_working_days(D(2027, 1, 29), 1)
    ScheduledYear.objects.create(year=2027, source="国务院办公厅关于2027年部分节假日安排的通知")
    CalendarOverride.objects.create(date=D(2027, 2, 1), is_workday=False, note="春节")
    assert service.add_working_days(D(2027, 1, 29), 1) == D(2027, 2, 2)
    assert service.working_days_between(D(2027, 1, 29), D(2027, 2, 2)) == 1


@pytest.mark.django_db
def test_missing_years_lists_coming_years_without_a_schedule():
    assert service.missing_years(2026) == [2027, 2028]
    ScheduledYear.objects.create(year=2027, source="通知")
    assert service.missing_years(2026) == [2028]
