"""容缺受理: a paper accepted as missing against a promise. Review and the decision go on
without it; the document waits for it (tests/documents/test_shortfall_document.py); once
the case is over it is no longer taken."""

import datetime as dt

import pytest

from cases import engine, intake, review
from cases.models import CaseEvent, CaseMaterial, CaseState, Notification, ReviewTask
from lianban.errors import Conflict

from .conftest import pdf


def task(case, code) -> ReviewTask:
    return ReviewTask.objects.get(case=case, item__code=code)


@pytest.fixture
def owing(travel, catalog, applicant, clerk):
    """Accepted on 10 February 2026 without the 项目备案证明, promised by the 20th."""
    travel(2026, 2, 10)
    papers = {str(catalog[k].pk): pdf(f"{k}.pdf") for k in ("form", "drawings")}
    case = engine.apply(
        applicant, title="示范机械厂房项目", project_type=catalog["project"], files=papers
    )
    return intake.accept(
        case.pk,
        clerk,
        shortfalls=[
            {
                "material": catalog["filing"].pk,
                "promise": "十日内补交项目备案证明",
                "promised_by": dt.date(2026, 2, 20),
            }
        ],
    )


@pytest.fixture
def decided(owing, reviewer_a, reviewer_b, lead):
    review.approve_task(task(owing, "A").pk, reviewer_a, result_number="地字001")
    review.approve_task(task(owing, "B").pk, reviewer_b, result_number="建字001")
    review.approve_task(task(owing, "D").pk, reviewer_b)
    meeting = review.convene_meeting(owing.pk, lead, scheduled_for=engine.clock.now())
    review.record_meeting(
        meeting.pk,
        lead,
        attendance={},
        resolutions={str(task(owing, "D").pk): {"approve": True, "text": "同意"}},
    )
    return engine.decide(owing.pk, lead, "准予许可")


def _supply(case, user, catalog):
    shortfall = case.shortfalls.get()
    return intake.supply_shortfall(
        case.pk, user, shortfall.pk, {str(catalog["filing"].pk): pdf("备案证明.pdf")}
    )


def test_the_decision_is_made_while_a_paper_is_owed_and_the_applicant_is_told(decided, applicant):
    assert decided.state == CaseState.DECIDED
    assert Notification.objects.filter(
        user=applicant,
        message=f"您的申请 {decided.number} 的批复文件将在您补交容缺材料（项目备案证明）后出具。",
    ).exists()


def test_a_paper_supplied_after_the_decision_tells_the_lead_the_document_can_go(
    decided, applicant, lead, catalog
):
    shortfall = _supply(decided, applicant, catalog)

    assert shortfall.supplied_at is not None
    assert Notification.objects.filter(
        user=lead, message=f"办件 {decided.number} 的容缺材料已全部补交，可以出具批复文件。"
    ).exists()


def test_a_paper_owed_is_not_taken_once_the_case_is_withdrawn(owing, applicant, catalog):
    engine.withdraw(owing.pk, applicant, "项目取消")
    events = CaseEvent.objects.filter(case=owing).count()

    with pytest.raises(Conflict) as refused:
        _supply(owing, applicant, catalog)

    assert refused.value.message == "办件当前状态为“已撤回”，不再接收容缺材料。"
    assert owing.shortfalls.get().supplied_at is None
    assert not CaseMaterial.objects.filter(case=owing, material=catalog["filing"]).exists()
    assert CaseEvent.objects.filter(case=owing).count() == events


def test_the_case_page_tells_the_lead_why_the_document_waits(client, decided, lead):
    client.force_login(lead)
    page = client.get(f"/cases/{decided.pk}/").content.decode()

    assert "申请人尚未补交以下容缺受理的材料，补齐后才能出具批复文件：" in page
    assert "项目备案证明" in page
    assert f'action="/documents/case/{decided.pk}/issue/"' not in page


def test_the_case_page_tells_the_applicant_the_document_waits_for_their_paper(
    client, decided, applicant
):
    client.force_login(applicant)
    page = client.get(f"/cases/{decided.pk}/").content.decode()

    assert "批复文件将在您补交以下容缺材料后出具：" in page
    assert f'action="/cases/{decided.pk}/shortfalls/' in page  # the form to supply it


def test_once_supplied_the_lead_gets_the_issue_button(client, decided, applicant, lead, catalog):
    _supply(decided, applicant, catalog)
    client.force_login(lead)
    page = client.get(f"/cases/{decided.pk}/").content.decode()

    assert f'action="/documents/case/{decided.pk}/issue/"' in page
    assert "补齐后才能出具批复文件" not in page


def test_the_decide_form_mentions_the_paper_owed(client, owing, reviewer_a, reviewer_b, lead):
    review.approve_task(task(owing, "A").pk, reviewer_a)
    review.approve_task(task(owing, "B").pk, reviewer_b)
    review.approve_task(task(owing, "D").pk, reviewer_b)
    meeting = review.convene_meeting(owing.pk, lead, scheduled_for=engine.clock.now())
    review.record_meeting(
        meeting.pk,
        lead,
        attendance={},
        resolutions={str(task(owing, "D").pk): {"approve": True, "text": "同意"}},
    )
    client.force_login(lead)
    page = client.get(f"/cases/{owing.pk}/").content.decode()

    assert "作出办件决定" in page
    assert "尚有容缺材料未补交，可以作出决定，但须材料补齐后才能出具批复文件：" in page


# ---- the promise, supervised -------------------------------------------------------------

OVERDUE = "【容缺材料逾期】"


def _reminded(user) -> list[str]:
    return [
        m
        for m in Notification.objects.filter(user=user).values_list("message", flat=True)
        if m.startswith(OVERDUE)
    ]


def test_a_promise_past_its_date_is_reminded_once_to_applicant_and_lead(
    owing, travel, applicant, lead
):
    from cases.supervision import tick

    travel(2026, 2, 20)
    assert tick()["shortfalls_overdue"] == 0  # due today: not yet late
    travel(2026, 2, 23)
    tick()
    tick()  # a second run tells no one twice
    for user in (applicant, lead):
        assert _reminded(user) == [
            f"{OVERDUE}办件 {owing.number} 承诺于 2026-02-20 前补交的“项目备案证明”尚未补交。"
        ]


def test_a_promise_kept_is_not_reminded(owing, travel, applicant, catalog):
    from cases.supervision import tick

    _supply(owing, applicant, catalog)
    travel(2026, 2, 23)
    assert tick()["shortfalls_overdue"] == 0
    assert _reminded(applicant) == []
