"""The published statistics, worked by hand on a few rows."""

import datetime as dt

from portal.statistics import CaseRow, ItemRow, summarise
from workdays.calendar import WorkCalendar

D = dt.date
# Weekdays only, so working days can be counted on the fingers.
CAL = WorkCalendar(scheduled_years=[2030], package_years=[])
W, C = "working", "calendar"


def test_statistics_worked_by_hand():
    cases = [
        # accepted Mon 4 Mar, decided Fri 8 Mar: 4 working days; 5 papers asked, 3 given;
        # serially 3 + 5 working days: 8
        CaseRow(D(2030, 3, 4), D(2030, 3, 4), D(2030, 3, 8), 5, 3, ((3, W), (5, W))),
        # accepted Mon 4 Mar, decided Mon 18 Mar: 10 working days; 4 asked, 4 given;
        # serially on the spot, then 10 calendar days (Thu 14 Mar), then 2 working days
        # (Mon 18 Mar): 10
        CaseRow(D(2030, 3, 1), D(2030, 3, 4), D(2030, 3, 18), 4, 4, ((0, W), (10, C), (2, W))),
        # still in review: counts this month, not in the average; 6 asked, 2 given
        CaseRow(D(2030, 3, 20), D(2030, 3, 21), None, 6, 2),
        # February, never accepted (withdrawn at the window): no papers counted
        CaseRow(D(2030, 2, 27), None, None, 9, 1),
    ]
    items = [
        ItemRow(decided_on=D(2030, 3, 8), due_date=D(2030, 3, 8)),  # on the day: on time
        ItemRow(decided_on=D(2030, 3, 7), due_date=D(2030, 3, 15)),  # early
        ItemRow(decided_on=D(2030, 3, 18), due_date=D(2030, 3, 15)),  # late
        ItemRow(decided_on=None, due_date=D(2030, 3, 29)),  # not decided: left out
    ]
    stats = summarise(cases, items, today=D(2030, 3, 25), calendar=CAL)
    assert stats.cases_this_month == 3
    assert (stats.items_decided, stats.items_on_time, stats.on_time_percent) == (3, 2, 66.7)
    assert stats.average_working_days == 7.0  # (4 + 10) / 2
    assert stats.average_serial_working_days == 9.0  # (8 + 10) / 2
    assert stats.average_legal_serial_working_days == 9.0  # no legal limits given: the same
    assert (stats.papers_separately, stats.papers_submitted, stats.papers_saved) == (15, 9, 6)


def test_no_rows_give_no_percentages():
    stats = summarise([], [], today=D(2030, 3, 25), calendar=CAL)
    assert stats.on_time_percent is None and stats.average_working_days is None
    assert stats.average_serial_working_days is None
    assert stats.cases_this_month == 0 and stats.papers_saved == 0


def test_a_serial_alternative_in_an_unscheduled_year_leaves_that_case_out_of_the_comparison():
    cases = [
        # 4 working days taken, 8 serially
        CaseRow(D(2030, 3, 4), D(2030, 3, 4), D(2030, 3, 8), 5, 3, ((3, W), (5, W))),
        # serially 200 working days from December: into 2031, which has no schedule
        CaseRow(D(2030, 12, 2), D(2030, 12, 2), D(2030, 12, 13), 4, 2, ((200, W),)),
    ]
    stats = summarise(cases, [], today=D(2030, 12, 16), calendar=CAL)
    assert (stats.average_working_days, stats.average_serial_working_days) == (4.0, 8.0)
    assert (stats.papers_separately, stats.papers_submitted) == (9, 5)  # still counted


def test_open_items_past_their_due_date_count_as_late():
    items = [
        ItemRow(decided_on=D(2030, 3, 8), due_date=D(2030, 3, 8)),  # on time
        ItemRow(decided_on=None, due_date=D(2030, 3, 20)),  # open, past due: already late
        ItemRow(decided_on=None, due_date=D(2030, 3, 25)),  # open, due today: not yet
    ]
    stats = summarise([], items, today=D(2030, 3, 25), calendar=CAL)
    assert (stats.items_on_time, stats.items_counted, stats.on_time_percent) == (1, 2, 50.0)
    assert stats.items_overdue_open == 1


def test_the_legal_limits_one_after_another_are_the_laws_allowance():
    cases = [
        # promised 3 + 5 working days; the law 10 + 20 calendar days from Mon 4 Mar: 14 Mar,
        # then Wed 3 Apr, 22 working days after 4 Mar
        CaseRow(
            D(2030, 3, 4),
            D(2030, 3, 4),
            D(2030, 3, 8),
            5,
            3,
            ((3, W), (5, W)),
            legal_limits=((10, C), (20, C)),
        ),
    ]
    stats = summarise(cases, [], today=D(2030, 3, 25), calendar=CAL)
    assert (stats.average_serial_working_days, stats.average_legal_serial_working_days) == (
        8.0,
        22.0,
    )


def test_intake_to_document_is_counted_over_the_cases_that_hold_their_document():
    cases = [
        # accepted Mon 4 Mar: decided Fri 8 Mar (4), document Mon 11 Mar (5)
        CaseRow(D(2030, 3, 4), D(2030, 3, 4), D(2030, 3, 8), 1, 1, document_on=D(2030, 3, 11)),
        # decided Mon 18 Mar (10), document Tue 19 Mar (11)
        CaseRow(D(2030, 3, 4), D(2030, 3, 4), D(2030, 3, 18), 1, 1, document_on=D(2030, 3, 19)),
        # decided Wed 6 Mar (2), document Thu 7 Mar (3)
        CaseRow(D(2030, 3, 4), D(2030, 3, 4), D(2030, 3, 6), 1, 1, document_on=D(2030, 3, 7)),
        # decided Wed 6 Mar (2), its document not issued yet: decision figures only
        CaseRow(D(2030, 3, 4), D(2030, 3, 4), D(2030, 3, 6), 1, 1),
    ]
    stats = summarise(cases, [], today=D(2030, 3, 25), calendar=CAL)
    assert (stats.average_document_working_days, stats.median_document_working_days) == (6.3, 5.0)
    assert (stats.average_working_days, stats.median_working_days) == (4.5, 3.0)  # 4 10 2 2


def test_no_document_issued_gives_no_document_figures():
    cases = [CaseRow(D(2030, 3, 4), D(2030, 3, 4), D(2030, 3, 8), 1, 1)]
    stats = summarise(cases, [], today=D(2030, 3, 25), calendar=CAL)
    assert stats.average_document_working_days is None
    assert stats.median_document_working_days is None
