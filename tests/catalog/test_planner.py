"""Plans worked out by hand on the catalog in conftest.py, across the 2026 Spring Festival.

Working days of February 2026 after Wed 11th: 12, 13, 14 (Sat, worked), [15-23 holiday],
24, 25, 26, 27, 28 (Sat, worked); then March 2-6, 9-13."""

import datetime as dt

import pytest

from catalog.planner import PlanError, plan
from catalog.records import CALENDAR, ItemRecord, Limit
from lianban.errors import NotFound
from workdays.calendar import UnscheduledYear, WorkCalendar

from .conftest import CAL, hand_catalog

D = dt.date


@pytest.fixture
def factory_plan():
    return plan(hand_catalog(), D(2026, 2, 11), CAL, project_type="厂房建设")


def dates(result):
    return {i.code: (i.start, i.due) for i in result.items}


def test_each_item_starts_when_its_prerequisites_are_due(factory_plan):
    assert dates(factory_plan) == {
        # on the spot: due the day it starts
        "P1": (D(2026, 2, 11), D(2026, 2, 11)),
        # 5 working days: 12, 13, 14 (worked Saturday), then 24, 25 after the holiday
        "P2": (D(2026, 2, 11), D(2026, 2, 25)),
        # 10 calendar days count the holiday; ending on one is not extended
        "P3": (D(2026, 2, 11), D(2026, 2, 21)),
        # waits for the later of P2 (25th) and P3 (21st); 3 working days: 26, 27, 28 (Sat)
        "P4": (D(2026, 2, 25), D(2026, 2, 28)),
        "P5": (D(2026, 2, 28), D(2026, 2, 28)),
        # no prerequisite: starts at once, though in the second stage
        "P6": (D(2026, 2, 11), D(2026, 2, 18)),
    }


def test_finish_and_working_days_of_the_parallel_plan(factory_plan):
    assert factory_plan.finish == D(2026, 2, 28)
    # 12, 13, 14, 24, 25, 26, 27, 28
    assert factory_plan.total_working_days == 8


def test_critical_path_keeps_the_on_the_spot_item_at_its_end(factory_plan):
    assert factory_plan.critical_path == ["P1", "P2", "P4", "P5"]
    assert {i.code for i in factory_plan.items if i.critical} == {"P1", "P2", "P4", "P5"}


def test_serial_alternative_runs_every_item_one_after_another(factory_plan):
    # in the order asked, each prerequisite before what needs it: P1 .. P6.
    # P1 即办 -> 02-11; P2 +5 working -> 12, 13, 14, 24, 25; P3 +10 calendar -> Sat 03-07;
    # P4 +3 working -> 9, 10, 11; P5 即办 -> 03-11; P6 +7 calendar -> 03-18
    assert [i.code for i in factory_plan.items] == ["P1", "P2", "P3", "P4", "P5", "P6"]
    assert factory_plan.serial_finish == D(2026, 3, 18)
    # February 8, March 2-6, 9-13, 16-18
    assert factory_plan.serial_working_days == 21
    assert factory_plan.saved_working_days == 13


def test_prerequisites_come_before_what_needs_them_whatever_the_order_asked():
    result = plan(hand_catalog(), D(2026, 2, 11), CAL, codes=["P5", "P6", "P3"])
    assert [i.code for i in result.items] == ["P1", "P2", "P3", "P4", "P5", "P6"]


def test_papers_are_counted_once_and_issued_ones_not_at_all(factory_plan):
    assert factory_plan.materials_requested_separately == 2 + 3 + 2 + 3 + 1 + 2
    assert factory_plan.materials_submitted == sorted(
        ["申请表", "营业执照", "用地红线图", "环境影响报告书", "设计方案", "施工图", "消防设计文件"]
    )
    # 项目备案证明 (P1's result) and 用地预审意见 (P2's) come from inside the government
    assert "项目备案证明" not in factory_plan.materials_submitted


def test_visits_are_the_most_demanding_item_per_stage_against_the_sum(factory_plan):
    # stage 1: P1 1, P2 0, P3 1 -> 1; stage 2: P4 0, P5 1, P6 2 -> 2
    assert factory_plan.visits == 3
    assert factory_plan.serial_visits == 5


def test_stages_report_their_span(factory_plan):
    first, second = factory_plan.stages
    assert (first.order, first.lead_department) == (1, "自然资源局")
    assert (first.start, first.finish) == (D(2026, 2, 11), D(2026, 2, 25))
    assert (second.start, second.finish) == (D(2026, 2, 11), D(2026, 2, 28))


def test_json_has_the_documented_shape(factory_plan):
    data = factory_plan.to_dict()
    assert data["project_type"] == "厂房建设"
    assert (data["start"], data["finish"]) == ("2026-02-11", "2026-02-28")
    assert (data["total_working_days"], data["serial_working_days"]) == (8, 21)
    assert data["critical_path"] == ["P1", "P2", "P4", "P5"]
    assert data["items"][0] == {
        "code": "P1",
        "name": "项目备案",
        "department": "发展改革局",
        "start": "2026-02-11",
        "due": "2026-02-11",
        "limit_days": 0,
        "limit_unit": "working",
        "stage": 1,
        "critical": True,
    }
    assert data["materials"]["submitted"] == 7
    assert data["materials"]["requested_separately"] == 13
    assert data["visits"] == 3


def test_a_set_of_items_brings_in_its_prerequisites():
    result = plan(hand_catalog(), D(2026, 2, 11), CAL, codes=["P4"])
    assert {i.code for i in result.items} == {"P1", "P2", "P3", "P4"}
    assert result.finish == D(2026, 2, 28)
    assert all(i.stage is None for i in result.items)
    # one batch: the most any of P1 (1), P2 (0), P3 (1), P4 (0) asks
    assert (result.visits, result.serial_visits) == (1, 2)


def test_a_plan_starting_in_the_holiday_counts_from_the_next_working_day():
    result = plan(hand_catalog(), D(2026, 2, 15), CAL, codes=["P2"])
    # P1 即办 on the Sunday itself; P2's 5 working days are 24, 25, 26, 27, 28
    assert dates(result) == {
        "P1": (D(2026, 2, 15), D(2026, 2, 15)),
        "P2": (D(2026, 2, 15), D(2026, 2, 28)),
    }
    assert result.total_working_days == 5


def test_only_on_the_spot_items_finish_the_same_day():
    catalog = hand_catalog()
    result = plan(catalog, D(2026, 2, 13), CAL, codes=["P1"])
    assert (result.finish, result.total_working_days, result.serial_working_days) == (
        D(2026, 2, 13),
        0,
        0,
    )
    assert result.critical_path == ["P1"]


def test_the_planner_agrees_with_the_calendar_on_long_chains():
    catalog = hand_catalog()
    catalog.items["L"] = ItemRecord("L", "长链", "ZJJ", "licence", Limit(60), Limit(60), ("P5",))
    result = plan(catalog, D(2026, 2, 11), CAL, codes=["L"])
    assert result.finish == CAL.add_working_days(D(2026, 2, 28), 60)


def test_a_prerequisite_cycle_is_named():
    catalog = hand_catalog()
    catalog.items["P1"].prerequisites = ("P5",)
    with pytest.raises(PlanError) as exc:
        plan(catalog, D(2026, 2, 11), CAL, codes=["P5"])
    # named from the item asked for, the shorter way round (P2 before P3 on a tie)
    assert "P5 → P4 → P2 → P1 → P5" in str(exc.value.message)


def test_unknown_project_types_and_items_are_not_found():
    with pytest.raises(NotFound):
        plan(hand_catalog(), D(2026, 2, 11), CAL, project_type="不存在")
    with pytest.raises(NotFound):
        plan(hand_catalog(), D(2026, 2, 11), CAL, codes=["NOPE"])


def test_a_plan_reaching_an_unscheduled_year_says_so():
    with pytest.raises(UnscheduledYear) as exc:
        plan(hand_catalog(), D(2026, 12, 20), CAL, project_type="厂房建设")
    assert exc.value.year == 2027


def test_an_entered_year_lets_the_plan_run_into_it():
    calendar = WorkCalendar(scheduled_years=[2027])
    result = plan(hand_catalog(), D(2026, 12, 28), calendar, codes=["P2"])
    # 12-29, 12-30, 12-31, then 2027 (weekends only, as entered): Fri 01-01, Mon 01-04
    assert result.finish == D(2027, 1, 4)


def test_calendar_day_items_mix_with_working_day_items_in_the_serial_sum():
    catalog = hand_catalog()
    catalog.items["P6"].promised = Limit(1, CALENDAR)
    result = plan(catalog, D(2026, 2, 13), CAL, codes=["P6", "P2"])
    # topological: P6, P2, P1. Serial: P6 +1 calendar -> Sat 02-14; P2 +5 working -> 24..28
    assert result.serial_finish == D(2026, 2, 28)
