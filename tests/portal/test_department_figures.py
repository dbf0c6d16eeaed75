"""The department figures (部门指标) from plain rows, worked by hand on a weekdays-only year."""

import datetime as dt

from portal.statistics import (
    CaseRow,
    DepartmentFigures,
    ItemRow,
    department_figures,
    summarise,
    worst_first,
)
from workdays.calendar import WorkCalendar

D = dt.date
CAL = WorkCalendar(scheduled_years=[2030], package_years=[])
W = "working"
TODAY = D(2030, 3, 25)  # a Monday


def figures(items, **counts) -> DepartmentFigures:
    return department_figures(items, today=TODAY, calendar=CAL, **counts)


def test_department_figures_worked_by_hand():
    items = [
        # dispatched Mon 4 Mar, decided Fri 8 Mar, due that day: 4 working days, on time
        ItemRow(D(2030, 3, 8), D(2030, 3, 8), dispatched_on=D(2030, 3, 4)),
        # dispatched Mon 4 Mar, decided Mon 18 Mar, due Fri 15 Mar: 10 working days, late
        ItemRow(D(2030, 3, 18), D(2030, 3, 15), dispatched_on=D(2030, 3, 4)),
        # decided at the window on Wed 6 Mar (即办): 0 days, on time
        ItemRow(D(2030, 3, 6), D(2030, 3, 6), dispatched_on=D(2030, 3, 6)),
        # open, its clock ran past Wed 20 Mar: late, and no days to count yet
        ItemRow(None, D(2030, 3, 20)),
    ]
    got = figures(items, supplements=2, referred=1)
    assert (got.items_decided, got.items_on_time, got.items_overdue_open) == (3, 2, 1)
    assert (got.items_counted, got.on_time_percent) == (4, 50.0)
    assert (got.average_working_days, got.median_working_days) == (4.7, 4.0)  # 4, 10, 0
    assert (got.supplements, got.referred) == (2, 1)


def test_the_days_an_items_clock_stood_still_are_not_counted():
    # Dispatched Mon 4 Mar, decided Fri 22 Mar: 14 working days. Paused for a supplement
    # from Tue 5 Mar to Mon 11 Mar (Wed to Mon: 4 working days, as the engine moves the due
    # date) and for testing from Wed 13 to Fri 15 Mar (2): 8 days counted.
    item = ItemRow(
        D(2030, 3, 22),
        D(2030, 3, 22),
        dispatched_on=D(2030, 3, 4),
        pauses=((D(2030, 3, 5), D(2030, 3, 11)), (D(2030, 3, 13), D(2030, 3, 15))),
    )
    assert figures([item]).median_working_days == 8.0


def test_an_item_whose_days_run_into_an_unscheduled_year_is_left_out_of_the_days_only():
    items = [
        ItemRow(D(2030, 3, 8), D(2030, 3, 8), dispatched_on=D(2030, 3, 4)),  # 4 days
        # decided in January 2031, a year without a schedule: still decided on time
        ItemRow(D(2031, 1, 3), D(2031, 1, 6), dispatched_on=D(2030, 12, 16)),
    ]
    got = department_figures(items, today=D(2031, 1, 10), calendar=CAL)
    assert (got.items_decided, got.items_on_time) == (2, 2)
    assert (got.average_working_days, got.median_working_days) == (4.0, 4.0)


def test_nothing_decided_gives_no_days_and_no_share():
    got = figures([], supplements=1)
    assert (got.on_time_percent, got.average_working_days, got.median_working_days) == (
        None,
        None,
        None,
    )
    assert got.supplements == 1


def test_departments_are_read_worst_on_time_share_first():
    def department(share, overdue=0, median=None):
        return DepartmentFigures(1, 0, share, overdue, median, median, 0, 0)

    rows = {
        "nothing counted": department(None),
        "all on time": department(100.0),
        "half, two overdue": department(50.0, overdue=2),
        "half, one overdue, slow": department(50.0, overdue=1, median=20.0),
        "half, one overdue": department(50.0, overdue=1, median=5.0),
        "none on time": department(0.0, overdue=1),
    }
    assert sorted(rows, key=lambda name: worst_first(rows[name])) == [
        "none on time",
        "half, two overdue",
        "half, one overdue, slow",
        "half, one overdue",
        "all on time",
        "nothing counted",
    ]


def test_the_serial_alternatives_have_their_medians_too():
    cases = [
        # 4 working days taken; serially 3 + 5 = 8; by law 10 + 10 = 20
        CaseRow(
            D(2030, 3, 4),
            D(2030, 3, 4),
            D(2030, 3, 8),
            1,
            1,
            ((3, W), (5, W)),
            legal_limits=((10, W), (10, W)),
        ),
        # serially 2, by law 4
        CaseRow(D(2030, 3, 4), D(2030, 3, 4), D(2030, 3, 6), 1, 1, ((2, W),), ((4, W),)),
        # serially 20, by law 30
        CaseRow(D(2030, 3, 4), D(2030, 3, 4), D(2030, 3, 29), 1, 1, ((20, W),), ((30, W),)),
    ]
    stats = summarise(cases, [], today=TODAY, calendar=CAL)
    assert (stats.median_serial_working_days, stats.average_serial_working_days) == (8.0, 10.0)
    assert stats.median_legal_serial_working_days == 20.0
