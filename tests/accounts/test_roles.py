import pytest

from accounts import permissions as rules


@pytest.mark.django_db
def test_reviewer_belongs_to_own_department_only(reviewer_a, dept_a, dept_b):
    assert rules.belongs_to(reviewer_a, dept_a)
    assert not rules.belongs_to(reviewer_a, dept_b)


@pytest.mark.django_db
def test_applicant_is_not_staff_and_cannot_belong_to_a_department(applicant, dept_a):
    assert rules.is_applicant(applicant)
    assert rules.can_apply(applicant)
    assert not rules.is_staff_member(applicant)
    assert not rules.belongs_to(applicant, dept_a)


@pytest.mark.django_db
def test_supervisor_and_leader_see_all_cases_but_reviewers_do_not(supervisor, leader, reviewer_a):
    assert rules.sees_all_cases(supervisor)
    assert rules.sees_all_cases(leader)
    assert not rules.sees_all_cases(reviewer_a)


@pytest.mark.django_db
def test_only_handling_staff_see_full_personal_numbers(
    clerk, reviewer_a, supervisor, leader, agent
):
    assert rules.sees_full_personal_numbers(clerk)
    assert rules.sees_full_personal_numbers(reviewer_a)
    assert not rules.sees_full_personal_numbers(supervisor)
    assert not rules.sees_full_personal_numbers(leader)
    assert not rules.sees_full_personal_numbers(agent)


@pytest.mark.django_db
def test_deactivated_staff_lose_every_rule(reviewer_a, dept_a):
    reviewer_a.is_active = False
    assert not rules.belongs_to(reviewer_a, dept_a)
    assert not rules.is_reviewer(reviewer_a)


@pytest.mark.django_db
def test_department_roles_require_a_department(db):
    from django.db import IntegrityError, transaction

    from accounts.models import Role, User

    with pytest.raises(IntegrityError), transaction.atomic():
        User.objects.create_user(username="nodept", password="x" * 12, role=Role.REVIEWER)
    assert not User.objects.filter(username="nodept").exists()


@pytest.mark.django_db
def test_api_token_is_stored_hashed_and_revocable(client, applicant):
    from django.utils import timezone

    from accounts.models import ApiToken

    token, key = ApiToken.issue(applicant, "ERP")
    assert key not in token.key_hash
    assert client.get("/api/public/health").status_code == 200
    token.revoked_at = timezone.now()
    token.save()
    assert (
        ApiToken.objects.filter(key_hash=ApiToken.hash(key), revoked_at__isnull=True).count() == 0
    )
