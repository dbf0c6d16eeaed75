"""A refusal states its reasons (行政许可法 art. 38): when the joint meeting upholds a
reviewer's refusal, the reviewer's reasons stay on the item and the resolution is kept beside
them; when the meeting refuses what the reviewer would have approved, its text is the reason.
The approval document then says both."""

import datetime as dt

import pytest

from cases import engine, intake, review
from cases.models import MeetingResolution, TaskState
from documents import issuing
from documents.render import html

from .conftest import task


@pytest.fixture
def referred(travel, catalog, applicant, clerk, all_papers):
    travel(2026, 3, 2)
    case = engine.apply(
        applicant, title="厂房", project_type=catalog["project"], files=all_papers()
    )
    return intake.accept(case.pk, clerk)


def hold(case, lead, d, approve: bool, text: str):
    meeting = review.convene_meeting(case.pk, lead, scheduled_for=engine.clock.now())
    review.record_meeting(
        meeting.pk, lead, attendance={}, resolutions={str(d.pk): {"approve": approve, "text": text}}
    )


def test_an_upheld_refusal_keeps_the_reviewers_reasons_and_the_resolution(
    referred, reviewer_b, lead
):
    d = task(referred, "D")
    review.refuse_task(d.pk, reviewer_b, opinion="消防车道宽度不足四米")
    hold(referred, lead, d, False, "经联席会议研究，维持不予许可意见")
    d.refresh_from_db()
    assert d.state == TaskState.REFUSED and d.opinion == "消防车道宽度不足四米"
    assert MeetingResolution.objects.get(task=d).text == "经联席会议研究，维持不予许可意见"

    data = issuing.document_data(referred, "示审批〔2026〕1号", dt.date(2026, 3, 2))
    text = "".join(html(data).split())
    assert "理由：消防车道宽度不足四米。联席会议决议：经联席会议研究，维持不予许可意见。" in text


def test_a_meeting_refusing_against_the_recommendation_gives_its_own_reasons(
    referred, reviewer_b, lead
):
    d = task(referred, "D")
    review.approve_task(d.pk, reviewer_b, opinion="同意")
    hold(referred, lead, d, False, "选址与在建学校安全距离不足")
    d.refresh_from_db()
    assert d.state == TaskState.REFUSED and d.opinion == "选址与在建学校安全距离不足"
    data = issuing.document_data(referred, "示审批〔2026〕1号", dt.date(2026, 3, 2))
    text = "".join(html(data).split())
    assert "理由：选址与在建学校安全距离不足。" in text and "联席会议决议" not in text
