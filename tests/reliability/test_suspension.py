"""中止 stops every clock until the case is resumed, and the history says so: nothing done
while a case is suspended may start a clock, and replaying the events gives the rows."""

import pytest

from cases import engine, review
from cases.events import rebuild_states
from cases.models import Case, CaseEvent, TaskState
from lianban import clock
from lianban.errors import Conflict

from .conftest import task


def test_replaying_a_suspended_case_pauses_its_tasks_as_the_rows_do(in_review, lead):
    engine.suspend(in_review.pk, lead, "等待上级批复")
    rebuilt = rebuild_states(in_review)
    assert rebuilt["tasks"] == dict(
        in_review.tasks.exclude(state="waiting").values_list("pk", "state")
    )
    assert rebuilt["tasks"][task(in_review, "A1").pk] == TaskState.PAUSED


def test_replaying_a_resumed_case_restarts_only_what_the_suspension_paused(
    in_review, lead, reviewer_a
):
    review.request_supplement(task(in_review, "A1").pk, reviewer_a, reason="补充用地红线图")
    engine.suspend(in_review.pk, lead, "等待上级批复")
    engine.resume(in_review.pk, lead)
    rebuilt = rebuild_states(in_review)
    assert rebuilt["state"] == Case.objects.get(pk=in_review.pk).state == "in_review"
    assert rebuilt["tasks"] == dict(
        in_review.tasks.exclude(state="waiting").values_list("pk", "state")
    )
    assert rebuilt["tasks"][task(in_review, "A1").pk] == TaskState.PAUSED


def test_a_supplement_supplied_while_suspended_is_refused_and_the_clock_stays_stopped(
    in_review, lead, reviewer_a, applicant
):
    a1 = task(in_review, "A1")
    review.request_supplement(a1.pk, reviewer_a, reason="补充用地红线图")
    engine.suspend(in_review.pk, lead, "等待上级批复")
    events = CaseEvent.objects.count()
    with pytest.raises(Conflict):
        review.supply_supplement(a1.pk, applicant, note="已补充")
    assert task(in_review, "A1").state == TaskState.PAUSED
    assert CaseEvent.objects.count() == events


def test_excluded_time_cannot_end_while_the_case_is_suspended(in_review, lead, reviewer_b):
    a2 = task(in_review, "A2")
    review.exclude_time(a2.pk, reviewer_b, kind="expert", reason="专家评审")
    engine.suspend(in_review.pk, lead, "等待上级批复")
    with pytest.raises(Conflict):
        review.resume_clock(a2.pk, reviewer_b)
    assert task(in_review, "A2").state == TaskState.PAUSED


def test_a_meeting_cannot_be_recorded_while_the_case_is_suspended(
    in_review, lead, reviewer_a, reviewer_b
):
    review.approve_task(task(in_review, "A1").pk, reviewer_a)
    review.refuse_task(task(in_review, "A2").pk, reviewer_b, opinion="环评不达标")
    meeting = review.convene_meeting(in_review.pk, lead, scheduled_for=clock.now())
    engine.suspend(in_review.pk, lead, "等待上级批复")
    resolution = {str(task(in_review, "A2").pk): {"approve": True, "text": "同意"}}
    with pytest.raises(Conflict):
        review.record_meeting(meeting.pk, lead, attendance={}, resolutions=resolution)
    # Recorded, it would have released B with its clock running in a suspended case.
    assert task(in_review, "B").state == TaskState.WAITING
    engine.resume(in_review.pk, lead)
    review.record_meeting(meeting.pk, lead, attendance={}, resolutions=resolution)
    assert task(in_review, "B").state == TaskState.IN_REVIEW
