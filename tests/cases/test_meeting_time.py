"""A joint meeting is recorded only once it has taken place: its resolutions take effect
when recorded, and would otherwise let the lead decide and issue before anyone met."""

import pytest

from accounts.models import ApiToken
from cases import engine, intake, review
from cases.models import CaseEvent, JointMeeting, ReviewTask, TaskState
from lianban.errors import Conflict

from .conftest import at

EARLY = "联席会议定于 2026-02-13 09:00 召开，召开后才能记录出席情况和决议。"


def task(case, code) -> ReviewTask:
    return ReviewTask.objects.get(case=case, item__code=code)


@pytest.fixture
def convened(travel, catalog, applicant, clerk, reviewer_a, reviewer_b, lead, all_papers):
    """Items A (refused) and D (needs the meeting) referred; the meeting set for Friday
    13 February 2026, 09:00, convened on Tuesday the 10th."""
    travel(2026, 2, 10)
    case = engine.apply(
        applicant, title="示范机械厂房项目", project_type=catalog["project"], files=all_papers()
    )
    intake.accept(case.pk, clerk)
    review.refuse_task(task(case, "A").pk, reviewer_a, opinion="选址与规划不符")
    review.approve_task(task(case, "D").pk, reviewer_b, opinion="同意")
    return review.convene_meeting(case.pk, lead, scheduled_for=at(2026, 2, 13, 9))


def _resolutions(case):
    return {
        str(task(case, "A").pk): {"approve": False, "text": "不予许可"},
        str(task(case, "D").pk): {"approve": True, "text": "同意"},
    }


@pytest.mark.parametrize("when", [(2026, 2, 12, 16), (2026, 2, 13, 8)], ids=["day before", "hour"])
def test_a_meeting_cannot_be_recorded_before_its_time(convened, lead, travel, when):
    case = convened.case
    events = CaseEvent.objects.filter(case=case).count()
    travel(*when)

    with pytest.raises(Conflict) as refused:
        review.record_meeting(convened.pk, lead, attendance={}, resolutions=_resolutions(case))

    assert refused.value.message == EARLY
    assert refused.value.code == "too_early"
    convened.refresh_from_db()
    assert convened.state == JointMeeting.State.CONVENED and convened.held_at is None
    assert not convened.resolutions.exists()
    assert task(case, "A").state == task(case, "D").state == TaskState.REFERRED
    assert CaseEvent.objects.filter(case=case).count() == events


def test_a_meeting_is_recorded_from_its_scheduled_time(convened, lead, travel):
    travel(2026, 2, 13, 9)
    review.record_meeting(convened.pk, lead, attendance={}, resolutions=_resolutions(convened.case))
    convened.refresh_from_db()
    assert convened.state == JointMeeting.State.HELD
    assert task(convened.case, "D").state == TaskState.APPROVED


def test_the_meeting_page_refuses_an_early_record_with_the_time(client, convened, lead, travel):
    case = convened.case
    a, d = task(case, "A"), task(case, "D")
    travel(2026, 2, 12, 16)
    client.force_login(lead)
    page = client.get(f"/cases/meetings/{convened.pk}/").content.decode()
    assert "会议于 2026-02-13 09:00 召开后才能记录" in page

    response = client.post(
        f"/cases/meetings/{convened.pk}/",
        {
            **{f"attendance_{p.department_id}": "attended" for p in convened.participants.all()},
            f"resolve_{a.pk}": "refuse",
            f"text_{a.pk}": "不予许可",
            f"resolve_{d.pk}": "approve",
            f"text_{d.pk}": "同意",
        },
    )

    assert response.status_code == 400 and EARLY in response.content.decode()
    convened.refresh_from_db()
    assert convened.state == JointMeeting.State.CONVENED
    assert task(case, "A").state == TaskState.REFERRED


def test_the_api_refuses_an_early_record_with_409_and_the_time(client, convened, lead, travel):
    travel(2026, 2, 12, 16)
    _token, key = ApiToken.issue(lead, "test")

    response = client.post(
        f"/api/cases/meetings/{convened.pk}/record",
        {"resolutions": _resolutions(convened.case)},
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {key}",
    )

    assert response.status_code == 409
    assert response.json()["message"] == EARLY
    convened.refresh_from_db()
    assert convened.state == JointMeeting.State.CONVENED
