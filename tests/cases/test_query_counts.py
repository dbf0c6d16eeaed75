"""Pages and API lists read a bounded number of SQL statements: the same with one row as
with many (no statement a row), and the API reads only the page it answers with."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts.models import ApiToken
from cases import engine, intake, review
from cases.models import Case, ReviewTask
from catalog.models import ProjectType, Stage


def statements(client, url, **headers) -> list[str]:
    """The statements of a repeated request (the first after signing in saves the session)."""
    client.get(url, **headers)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, **headers)
    assert response.status_code == 200, response.content[:500]
    return [q["sql"] for q in queries.captured_queries]


def bearer(user):
    _token, key = ApiToken.issue(user, "test")
    return {"HTTP_AUTHORIZATION": f"Bearer {key}"}


@pytest.fixture
def apply_for(travel, catalog, applicant, all_papers):
    """apply_for(n, by=…) files n more cases of the whole project for the applicant."""
    travel(2026, 2, 10)

    def go(n, by=None):
        for i in range(n):
            engine.apply(
                by or applicant,
                title=f"厂房项目{i}",
                project_type=catalog["project"],
                files=all_papers(),
                applicant=applicant if by else None,
            )

    return go


def test_the_intake_queue_reads_each_party_with_its_case(client, apply_for, clerk):
    client.force_login(clerk)
    apply_for(1)
    one = len(statements(client, "/cases/intake/"))
    apply_for(5)
    assert len(statements(client, "/cases/intake/")) == one


def test_an_agents_case_list_reads_each_party_with_its_case(client, apply_for, authorised_agent):
    client.force_login(authorised_agent)
    apply_for(1, by=authorised_agent)
    one = len(statements(client, "/cases/mine/"))
    apply_for(5, by=authorised_agent)
    assert len(statements(client, "/cases/mine/")) == one


def test_the_apply_form_of_a_project_reads_its_items_departments_at_once(
    client, travel, catalog, applicant, centre
):
    travel(2026, 2, 10)
    client.force_login(applicant)
    small = ProjectType.objects.create(name="地名核准")
    Stage.objects.create(project_type=small, order=1, name="核准", lead_department=centre)
    small.stages.get().items.set([catalog["C"]])
    one_item = len(statements(client, f"/cases/apply/?project={small.pk}"))
    # Four items of two departments, in two stages.
    assert len(statements(client, f"/cases/apply/?project={catalog['project'].pk}")) == one_item


def test_the_task_page_reads_the_party_with_the_task(client, apply_for, reviewer_a):
    apply_for(1)
    task = ReviewTask.objects.get(item__code="A")
    client.force_login(reviewer_a)
    sql = statements(client, f"/cases/tasks/{task.pk}/")
    assert not [s for s in sql if 'FROM "directory_enterprise"' in s]
    assert not [s for s in sql if s.startswith('SELECT "accounts_user"') and "LIMIT 21" in s][1:]
    # session, its generation, the user; the task; its case with the party; the supplement
    # form's papers; the unread count; papers, pauses, the other departments' tasks.
    assert len(sql) == 10


def test_the_case_page_reads_every_open_supplement_at_once(
    client, apply_for, clerk, lead, reviewer_a, reviewer_b
):
    apply_for(1)
    case = intake.accept(Case.objects.get().pk, clerk)
    client.force_login(lead)
    ask = {"reason": "请补充盖章页。"}
    review.request_supplement(ReviewTask.objects.get(item__code="A").pk, reviewer_a, **ask)
    one = len(statements(client, f"/cases/{case.pk}/"))
    review.request_supplement(ReviewTask.objects.get(item__code="D").pk, reviewer_b, **ask)
    page = client.get(f"/cases/{case.pk}/").content.decode()
    assert page.count("请补充盖章页。") >= 2  # both are on show
    assert len(statements(client, f"/cases/{case.pk}/")) == one


@pytest.mark.parametrize("query", ["", "?awaiting=1"])
def test_the_led_list_counts_the_tasks_of_the_cases_it_shows_alone(
    client, apply_for, clerk, lead, query
):
    apply_for(3)
    for case in Case.objects.all():
        intake.accept(case.pk, clerk)
    client.force_login(lead)
    sql = statements(client, f"/cases/led/{query}")
    # No join of every task of the department's cases, grouped, before the page is cut.
    assert not [s for s in sql if 'JOIN "cases_reviewtask"' in s]


def test_the_api_task_list_reads_only_the_page_it_answers(client, apply_for, reviewer_a):
    apply_for(3)  # three tasks of 自然资源局 a case: A and C
    auth = bearer(reviewer_a)
    with CaptureQueriesContext(connection) as queries:
        answer = client.get("/api/cases/tasks?page_size=1&page=2", **auth).json()
    assert answer["count"] == 6
    assert len(answer["items"]) == 1
    reads = [
        q["sql"]
        for q in queries.captured_queries
        if q["sql"].startswith('SELECT "cases_reviewtask"')
    ]
    assert len(reads) == 1
    assert "LIMIT 1 OFFSET 1" in reads[0]  # not every task of the department


def test_the_api_reads_a_case_once(client, apply_for, applicant):
    apply_for(1)
    case = applicant.cases.get()
    sql = statements(client, f"/api/cases/{case.pk}", **bearer(applicant))
    assert len([s for s in sql if s.startswith('SELECT "cases_case"')]) == 1
    # the token, the case with its lead department, its tasks (the token's last use was
    # recorded by the first request, and is again only a minute later)
    assert len(sql) == 3


def test_a_project_types_api_page_reads_its_stages_at_once(client, catalog, centre):
    small = ProjectType.objects.create(name="地名核准")
    Stage.objects.create(project_type=small, order=1, name="核准", lead_department=centre)
    small.stages.get().items.set([catalog["C"]])
    one_stage = len(statements(client, f"/api/catalog/project-types/{small.pk}"))
    two_stages = statements(client, f"/api/catalog/project-types/{catalog['project'].pk}")
    assert len(two_stages) == one_stage == 3  # the type, its stages with their leads, their items
