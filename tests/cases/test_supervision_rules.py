"""Deadline rules a county supervisor checks: referred items stay supervised, fast track and
suspension move the dates they should and tell whoever holds an item, acceptance by default
grants nothing, a missing year's schedule stops no more than it must, and an overdue item
is reported overdue once.

The catalog (tests/cases/conftest.py): A 20 working days, C on the spot, B 10 working days
after A, D 30 calendar days and needs the joint meeting. Accepted 2026-03-02: A due 03-30,
D due 04-01."""

import datetime as dt

import pytest

from accounts.models import Role, User
from cases import engine, intake, review
from cases.models import CaseState, Light, Notification, TaskPause, TaskState
from cases.supervision import tick
from workdays.models import ScheduledYear

from .conftest import task

D = dt.date


def told(user, case=None) -> list[str]:
    rows = Notification.objects.filter(user=user)
    if case is not None:
        rows = rows.filter(case=case)
    return list(rows.order_by("pk").values_list("message", flat=True))


@pytest.fixture
def accepted(travel, catalog, applicant, clerk, all_papers):
    travel(2026, 3, 2)
    case = engine.apply(
        applicant, title="厂房", project_type=catalog["project"], files=all_papers()
    )
    return intake.accept(case.pk, clerk)


@pytest.fixture
def referred(accepted, reviewer_b):
    """D recommended for approval on 03-02: with the joint meeting, due 04-01."""
    review.approve_task(task(accepted, "D").pk, reviewer_b, opinion="同意")
    assert task(accepted, "D").state == TaskState.REFERRED
    return accepted


# ---- items referred to the joint meeting ------------------------------------------------


def test_a_referred_item_past_its_due_date_turns_red_and_so_does_its_case(referred, travel):
    travel(2026, 4, 2)
    tick()
    assert task(referred, "D").light == Light.RED
    referred.refresh_from_db()
    assert referred.light == Light.RED


def test_a_late_referred_item_is_escalated_once_to_the_lead_department(
    referred, travel, lead, supervisor, dept_b
):
    head_b = User.objects.create_user(
        "head_b", password="x" * 12, role=Role.REVIEWER, department=dept_b, is_department_head=True
    )
    travel(2026, 4, 2)
    tick()
    tick()
    overdue = [m for m in told(lead, referred) if "【已超期】" in m and "消防设计审查" in m]
    assert len(overdue) == 1
    assert any("消防设计审查" in m for m in told(supervisor, referred))
    assert not any("【已超期】" in m for m in told(head_b, referred))  # the meeting is not theirs


def test_suspension_stops_a_referred_items_clock_and_resumption_moves_its_due_date(
    referred, travel, lead
):
    travel(2026, 3, 3)
    engine.suspend(referred.pk, lead, "等待规划调整")
    d = task(referred, "D")
    assert d.state == TaskState.REFERRED and d.paused_on == D(2026, 3, 3)
    travel(2026, 4, 20)
    tick()
    assert task(referred, "D").light == Light.GREEN  # its clock stopped on 03-03
    engine.resume(referred.pk, lead)
    d = task(referred, "D")
    assert d.state == TaskState.REFERRED and d.paused_on is None
    assert d.due_date == D(2026, 4, 1) + dt.timedelta(days=48)  # 03-03 .. 04-20 calendar days


# ---- fast track -------------------------------------------------------------------------


def test_fast_track_after_dispatch_shortens_what_is_left_from_today(accepted, travel, lead):
    travel(2026, 3, 20)  # A: due 03-30, 6 working days left; shortened by half, 3
    engine.set_fast_track(accepted.pk, lead, "县重点项目")
    a = task(accepted, "A")
    assert a.due_date == D(2026, 3, 25)
    event = accepted.events.get(kind="fast_tracked")
    assert event.payload["due"][str(a.pk)] == "2026-03-25"


def test_fast_track_never_makes_a_running_task_overdue(accepted, travel, lead):
    travel(2026, 3, 27)  # A: one working day left
    engine.set_fast_track(accepted.pk, lead, "县重点项目")
    assert task(accepted, "A").due_date == D(2026, 3, 30)


def test_fast_track_tells_the_reviewers_and_the_applicant_the_new_dates(
    accepted, travel, lead, reviewer_a, applicant
):
    travel(2026, 3, 20)
    engine.set_fast_track(accepted.pk, lead, "县重点项目")
    assert any("【特事特办】" in m and "2026-03-25" in m for m in told(reviewer_a, accepted))
    assert any("特事特办" in m for m in told(applicant, accepted))


def test_a_fast_track_task_turns_yellow_against_its_shortened_limit(
    travel, catalog, applicant, clerk, all_papers, lead
):
    travel(2026, 3, 2)
    case = engine.apply(
        applicant, title="特办", project_type=catalog["project"], files=all_papers()
    )
    engine.set_fast_track(case.pk, lead, "重点")
    intake.accept(case.pk, clerk)
    assert task(case, "A").due_date == D(2026, 3, 16)  # 20 -> 10 working days
    travel(2026, 3, 10)  # 4 of 10 left: green under a yellow share of 0.8
    tick()
    assert task(case, "A").light == Light.GREEN
    travel(2026, 3, 13)  # 1 of 10 left
    tick()
    assert task(case, "A").light == Light.YELLOW


# ---- suspension, withdrawal: who is told ---------------------------------------------


def test_suspension_and_resumption_tell_the_applicant_and_the_reviewers(
    accepted, travel, lead, applicant, reviewer_a
):
    travel(2026, 3, 3)
    engine.suspend(accepted.pk, lead, "等待规划调整")
    assert any("中止" in m and "等待规划调整" in m for m in told(applicant, accepted))
    assert any("【中止】" in m for m in told(reviewer_a, accepted))
    travel(2026, 3, 9)
    engine.resume(accepted.pk, lead)
    assert any("恢复办理" in m for m in told(applicant, accepted))
    a = task(accepted, "A")
    assert any("【恢复】" in m and a.due_date.isoformat() in m for m in told(reviewer_a, accepted))


def test_a_second_suspension_is_told_again(accepted, travel, lead, applicant):
    for day in (3, 5):
        travel(2026, 3, day)
        engine.suspend(accepted.pk, lead, f"第{day}日中止")
        travel(2026, 3, day + 1)
        engine.resume(accepted.pk, lead)
    assert len([m for m in told(applicant, accepted) if "已中止办理" in m]) == 2


def test_withdrawal_tells_the_departments_whose_tasks_are_cancelled(
    accepted, applicant, reviewer_a, reviewer_b
):
    engine.withdraw(accepted.pk, applicant, "项目调整")
    assert any("审查任务已取消" in m for m in told(reviewer_a, accepted))  # A was in review
    assert any("审查任务已取消" in m for m in told(reviewer_b, accepted))  # D was in review


# ---- the joint meeting's invitations ------------------------------------------------


def test_the_meeting_notice_reaches_only_people_who_may_see_the_case(referred, lead, centre):
    centre_reviewer = User.objects.create_user(
        "centre_rev", password="x" * 12, role=Role.REVIEWER, department=centre
    )
    review.convene_meeting(
        referred.pk, lead, scheduled_for=engine.clock.now() + dt.timedelta(days=2)
    )
    assert told(centre_reviewer) == []
    assert any("联席会议通知" in m for m in told(lead, referred))


# ---- acceptance by default ------------------------------------------------------------


def test_acceptance_by_default_sends_on_the_spot_items_to_their_department(
    travel, catalog, applicant, all_papers, reviewer_a
):
    travel(2026, 3, 2)
    case = engine.apply(
        applicant, title="无人受理", project_type=catalog["project"], files=all_papers()
    )
    travel(2026, 3, 10)  # five working days passed without a notice
    tick()
    case.refresh_from_db()
    c = task(case, "C")
    assert case.state == CaseState.IN_REVIEW
    assert c.state == TaskState.IN_REVIEW and c.decided_by is None and c.opinion == ""
    assert c.due_date == D(2026, 3, 2)  # due the day it was received
    assert any("地名核准" in m for m in told(reviewer_a, case))


# ---- a year without a schedule ----------------------------------------------------------


def test_one_case_reaching_an_unscheduled_year_does_not_stop_the_tick(
    travel, catalog, applicant, clerk, all_papers
):
    travel(2026, 11, 2)
    running = engine.apply(
        applicant, title="另一个", project_type=catalog["project"], files=all_papers()
    )
    intake.accept(running.pk, clerk)
    travel(2026, 12, 14)
    stuck = engine.apply(
        applicant, title="年底", project_type=catalog["project"], files=all_papers()
    )
    travel(2026, 12, 22)  # the window left it past five days: its items would be due in 2027
    result = tick()
    assert result["unscheduled"] == 1
    assert task(running, "A").light == Light.RED  # due 11-30
    stuck.refresh_from_db()
    assert stuck.state == CaseState.SUBMITTED  # tried again at the next tick


def test_acceptance_does_not_wait_for_next_years_schedule_to_project_later_items(
    travel, catalog, applicant, clerk, all_papers
):
    travel(2026, 11, 23)  # A due 12-21; B, after A, would fall in 2027
    case = engine.apply(
        applicant, title="十一月", project_type=catalog["project"], files=all_papers()
    )
    case = intake.accept(case.pk, clerk)
    assert case.state == CaseState.IN_REVIEW
    assert case.due_date == D(2026, 12, 23)  # D: 30 calendar days; B unknown until dispatched
    assert task(case, "B").due_date is None


def test_administrators_are_asked_for_next_years_schedule_once(travel, admin_user, db):
    travel(2026, 10, 30)
    assert tick()["schedule_missing"] is False
    travel(2026, 11, 2)
    assert tick()["schedule_missing"] is True
    tick()
    assert len([m for m in told(admin_user) if "2027年的节假日安排尚未录入" in m]) == 1


def test_no_reminder_once_next_years_schedule_is_entered(travel, admin_user, db):
    ScheduledYear.objects.create(year=2027, source="国务院办公厅通知")
    travel(2026, 11, 2)
    assert tick()["schedule_missing"] is False
    assert told(admin_user) == []


# ---- overdue once; decided items keep a final light -----------------------------------


def test_an_overdue_task_paused_and_resumed_is_not_reported_overdue_twice(
    accepted, travel, reviewer_a, supervisor
):
    travel(2026, 3, 31)  # A due 03-30
    tick()
    a = task(accepted, "A")
    review.exclude_time(a.pk, reviewer_a, kind=TaskPause.Kind.EXPERT, reason="专家评审")
    travel(2026, 4, 2)
    review.resume_clock(a.pk, reviewer_a)  # due moves by two working days: 04-01, still past
    assert task(accepted, "A").due_date == D(2026, 4, 1)
    tick()
    overdue = [
        m for m in told(supervisor, accepted) if "【已超期】" in m and "建设用地规划许可" in m
    ]
    assert len(overdue) == 1


def test_a_decided_item_shows_whether_it_was_decided_in_time(
    accepted, travel, reviewer_a, reviewer_b
):
    travel(2026, 3, 27)  # A due 03-30: yellow by now
    tick()
    assert task(accepted, "A").light == Light.YELLOW
    review.approve_task(task(accepted, "A").pk, reviewer_a, opinion="同意")
    assert task(accepted, "A").light == Light.GREEN  # decided in time
    travel(2026, 4, 20)  # B dispatched 03-27, due 04-10
    review.approve_task(task(accepted, "B").pk, reviewer_b, opinion="同意")
    assert task(accepted, "B").light == Light.RED  # decided late, though never ticked red


def test_an_english_applicant_is_told_the_decision_in_english(
    accepted, travel, lead, reviewer_a, reviewer_b, applicant
):
    applicant.language = "en"
    applicant.save(update_fields=["language"])
    for code, reviewer in (("A", reviewer_a), ("B", reviewer_b)):
        review.approve_task(task(accepted, code).pk, reviewer, opinion="同意")
    d = task(accepted, "D")
    review.approve_task(d.pk, reviewer_b, opinion="同意")
    meeting = review.convene_meeting(accepted.pk, lead, scheduled_for=engine.clock.now())
    review.record_meeting(
        meeting.pk, lead, attendance={}, resolutions={str(d.pk): {"approve": True, "text": "同意"}}
    )
    engine.decide(accepted.pk, lead, "准予")
    decided = [m for m in told(applicant, accepted) if "decision" in m]
    assert decided and "Approved" in decided[0] and "准予" not in decided[0]


# ---- the limits that hold at acceptance -------------------------------------------------


def test_an_item_changed_between_submission_and_acceptance_is_accepted_at_its_new_limit(
    travel, catalog, applicant, clerk, all_papers
):
    travel(2026, 3, 2)
    case = engine.apply(
        applicant, title="厂房", project_type=catalog["project"], files=all_papers()
    )
    a = catalog["A"]
    a.promised_limit, a.version = 15, a.version + 1  # the county shortened its promise
    a.save(update_fields=["promised_limit", "version"])
    assert task(case, "A").limit_days == 20  # what the application was made under
    intake.accept(case.pk, clerk)
    accepted_a = task(case, "A")
    assert (accepted_a.limit_days, accepted_a.item_version) == (15, a.version)
    assert accepted_a.due_date == D(2026, 3, 23)  # 15 working days after 03-02
    event = case.events.get(kind="accepted")
    assert event.payload["items_updated"] == [accepted_a.pk]


def test_an_item_unchanged_since_submission_keeps_its_copy(accepted):
    assert "items_updated" not in accepted.events.get(kind="accepted").payload
