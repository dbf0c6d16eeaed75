"""办件管理 on the case page: the lead department marks a case for fast track (特事特办),
suspends it (中止) and resumes it, through the engine, as the API does. A refusal says why
and changes nothing; no one else is offered the forms, and the outsider gets 404."""

import pytest

from accounts.models import Role, User
from cases import engine, intake
from cases.models import Case, CaseEvent, CaseState, ReviewTask, TaskState

MANAGE = "办件管理"


def body(response) -> str:
    return response.content.decode()


def kinds(case) -> list[str]:
    return list(CaseEvent.objects.filter(case=case).order_by("seq").values_list("kind", flat=True))


def as_user(client, user):
    client.force_login(user)
    return client


def fresh(case) -> Case:
    return Case.objects.get(pk=case.pk)


@pytest.fixture
def accepted(travel, catalog, applicant, all_papers, clerk):
    travel(2026, 2, 10)
    case = engine.apply(
        applicant, title="示范机械厂房项目", project_type=catalog["project"], files=all_papers()
    )
    return intake.accept(case.pk, clerk)


@pytest.fixture
def suspended(accepted, lead):
    return engine.suspend(accepted.pk, lead, "申请人要求中止")


@pytest.fixture
def other_lead(dept_a):
    """The lead of 自然资源局: sees the case (its item A is theirs), but does not lead it."""
    return User.objects.create_user("lead_a", role=Role.LEAD, department=dept_a)


# ---- the lead department ----------------------------------------------------------------


def test_the_lead_is_offered_fast_track_and_suspension_on_a_case_in_review(client, accepted, lead):
    page = body(as_user(client, lead).get(f"/cases/{accepted.pk}/"))
    assert MANAGE in page
    assert f'action="/cases/{accepted.pk}/fast-track/"' in page
    assert f'action="/cases/{accepted.pk}/suspend/"' in page
    assert f'action="/cases/{accepted.pk}/resume/"' not in page


def test_fast_track_shortens_the_limits_and_shows_the_badge(client, accepted, lead):
    due_before = ReviewTask.objects.get(case=accepted, item__code="A").due_date
    as_user(client, lead)
    response = client.post(
        f"/cases/{accepted.pk}/fast-track/", {"fast_track-reason": "省重点项目"}, follow=True
    )
    page = body(response)
    assert "已列为特事特办" in page
    assert 'class="badge fast"' in page and "省重点项目" in page
    assert f'action="/cases/{accepted.pk}/fast-track/"' not in page  # once is enough
    case = fresh(accepted)
    assert case.fast_track and case.fast_track_reason == "省重点项目"
    assert kinds(accepted)[-1] == "fast_tracked"
    assert ReviewTask.objects.get(case=accepted, item__code="A").due_date < due_before


def test_fast_track_without_a_reason_is_refused_and_changes_nothing(client, accepted, lead):
    before = kinds(accepted)
    response = as_user(client, lead).post(
        f"/cases/{accepted.pk}/fast-track/", {"fast_track-reason": "  "}
    )
    assert response.status_code == 400 and "特事特办须说明理由" in body(response)
    assert not fresh(accepted).fast_track
    assert kinds(accepted) == before


def test_suspending_stops_the_clocks_and_offers_resumption(client, accepted, lead):
    as_user(client, lead)
    response = client.post(
        f"/cases/{accepted.pk}/suspend/", {"suspend-reason": "申请人要求中止"}, follow=True
    )
    page = body(response)
    assert "办件已中止，各事项暂停计时。" in page  # the message
    assert 'id="suspended"' in page and "申请人要求中止" in page  # the state, with its reason
    assert f'action="/cases/{accepted.pk}/resume/"' in page
    assert f'action="/cases/{accepted.pk}/suspend/"' not in page
    assert fresh(accepted).state == CaseState.SUSPENDED
    assert ReviewTask.objects.get(case=accepted, item__code="A").state == TaskState.PAUSED
    assert kinds(accepted)[-1] == "suspended"


def test_suspending_without_a_reason_is_refused_and_changes_nothing(client, accepted, lead):
    before = kinds(accepted)
    response = as_user(client, lead).post(f"/cases/{accepted.pk}/suspend/", {"suspend-reason": ""})
    assert response.status_code == 400 and "中止须说明理由" in body(response)
    assert fresh(accepted).state == CaseState.IN_REVIEW
    assert ReviewTask.objects.get(case=accepted, item__code="A").state == TaskState.IN_REVIEW
    assert kinds(accepted) == before


def test_resuming_restarts_the_clocks(client, suspended, lead, travel):
    travel(2026, 2, 12)
    response = as_user(client, lead).post(f"/cases/{suspended.pk}/resume/", follow=True)
    assert "办件已恢复办理，各事项继续计时。" in body(response)
    assert fresh(suspended).state == CaseState.IN_REVIEW
    assert ReviewTask.objects.get(case=suspended, item__code="A").state == TaskState.IN_REVIEW
    assert kinds(suspended)[-1] == "resumed"


def test_a_case_not_suspended_cannot_be_resumed(client, accepted, lead):
    before = kinds(accepted)
    response = as_user(client, lead).post(f"/cases/{accepted.pk}/resume/")
    assert response.status_code == 400 and "不能进行此操作" in body(response)
    assert fresh(accepted).state == CaseState.IN_REVIEW
    assert kinds(accepted) == before


def test_a_suspended_case_may_still_be_fast_tracked_but_not_suspended_again(
    client, suspended, lead
):
    page = body(as_user(client, lead).get(f"/cases/{suspended.pk}/"))
    assert f'action="/cases/{suspended.pk}/fast-track/"' in page
    before = kinds(suspended)
    response = client.post(f"/cases/{suspended.pk}/suspend/", {"suspend-reason": "再次中止"})
    assert response.status_code == 400 and "不能进行此操作" in body(response)
    assert kinds(suspended) == before


# ---- everyone else ------------------------------------------------------------------------


@pytest.mark.parametrize("role", ["applicant", "agent", "clerk", "reviewer_a", "supervisor"])
def test_other_roles_see_no_forms_and_get_404(client, request, accepted, authorised_agent, role):
    user = request.getfixturevalue(role)
    as_user(client, user)
    page = body(client.get(f"/cases/{accepted.pk}/"))
    assert accepted.number in page and MANAGE not in page
    before = kinds(accepted)
    for action, data in (
        ("fast-track", {"fast_track-reason": "重点项目"}),
        ("suspend", {"suspend-reason": "中止"}),
        ("resume", {}),
    ):
        assert client.post(f"/cases/{accepted.pk}/{action}/", data).status_code == 404, action
    assert kinds(accepted) == before and not fresh(accepted).fast_track


def test_the_outsider_gets_404_and_nothing_of_the_case(client, suspended, charlie):
    as_user(client, charlie)
    before = kinds(suspended)
    for action, data in (
        ("fast-track", {"fast_track-reason": "重点项目"}),
        ("suspend", {"suspend-reason": "中止"}),
        ("resume", {}),
    ):
        response = client.post(f"/cases/{suspended.pk}/{action}/", data)
        assert response.status_code == 404, action
        assert suspended.number not in body(response)
    assert kinds(suspended) == before and fresh(suspended).state == CaseState.SUSPENDED


def test_another_departments_lead_sees_the_case_but_may_not_manage_it(
    client, accepted, other_lead, lead
):
    as_user(client, other_lead)
    page = body(client.get(f"/cases/{accepted.pk}/"))
    assert accepted.number in page and MANAGE not in page
    before = kinds(accepted)
    response = client.post(f"/cases/{accepted.pk}/fast-track/", {"fast_track-reason": "重点"})
    assert response.status_code == 403
    response = client.post(f"/cases/{accepted.pk}/suspend/", {"suspend-reason": "中止"})
    assert response.status_code == 403
    # Without a reason too: who may ask is checked before what they asked.
    assert client.post(f"/cases/{accepted.pk}/suspend/", {"suspend-reason": ""}).status_code == 403
    response = client.post(f"/cases/{accepted.pk}/fast-track/", {"fast_track-reason": ""})
    assert response.status_code == 403
    engine.suspend(accepted.pk, lead, "申请人要求中止")
    assert client.post(f"/cases/{accepted.pk}/resume/").status_code == 403
    assert fresh(accepted).state == CaseState.SUSPENDED and not fresh(accepted).fast_track
    assert kinds(accepted) == [*before, "suspended"]


def test_the_forms_only_post(client, accepted, lead):
    as_user(client, lead)
    for action in ("fast-track", "suspend", "resume"):
        assert client.get(f"/cases/{accepted.pk}/{action}/").status_code == 405, action
