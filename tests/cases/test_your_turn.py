"""The applicant's case page says at the top when the next step is theirs."""

import pytest

from cases import engine, intake, review
from cases.models import ReviewTask

TURN = "轮到您了"


@pytest.fixture
def accepted(travel, catalog, applicant, all_papers, clerk):
    travel(2026, 2, 10)
    case = engine.apply(
        applicant, title="示范机械厂房项目", project_type=catalog["project"], files=all_papers()
    )
    return intake.accept(case.pk, clerk)


def page(client, user, case) -> str:
    client.force_login(user)
    return client.get(f"/cases/{case.pk}/").content.decode()


def test_a_supplement_asked_for_is_the_applicants_turn(client, accepted, applicant, reviewer_a):
    assert TURN not in page(client, applicant, accepted)
    task = ReviewTask.objects.get(case=accepted, item__code="A")
    review.request_supplement(task.pk, reviewer_a, reason="请补充现场照片")
    assert TURN in page(client, applicant, accepted)
    assert TURN not in page(client, reviewer_a, accepted)  # staff see the pause, not this


def test_a_one_time_notice_is_the_applicants_turn(
    client, travel, catalog, applicant, all_papers, clerk
):
    travel(2026, 2, 10)
    case = engine.apply(
        applicant, title="示范机械厂房项目", project_type=catalog["project"], files=all_papers()
    )
    intake.issue_notice(case.pk, clerk, [{"material": catalog["form"].pk, "problem": "未盖章"}])
    assert TURN in page(client, applicant, case)
