"""A small county for attacking the API: one case in each interesting state, a joint
meeting, an agent's authorisation, an issued document, and a bearer token for every role.

Shared by test_api_fuzz.py and test_api_hostile.py; the fixtures are imported there."""

import datetime as dt

import pytest
import time_machine
from django.core.handlers.wsgi import WSGIHandler
from django.core.signals import request_finished, request_started
from django.db import close_old_connections

from accounts.models import ApiToken
from cases import engine, intake, review
from cases.models import Authorisation, CaseState, Decision, ReviewTask
from documents import issuing
from tests.cases.conftest import TZ, all_papers, authorised_agent, catalog  # noqa: F401
from tests.documents.conftest import build_case, seal_keys  # noqa: F401

ROLES = (
    "anonymous",
    "applicant",
    "agent",
    "clerk",
    "lead",
    "reviewer_a",
    "supervisor",
    "leader",
    "admin_user",
)


@pytest.fixture
def wsgi_app(settings):
    """Django's own WSGI application, as gunicorn runs it. Django closes the database
    connection when a request starts and ends; inside a test's transaction that would close
    it for good ("the connection is closed" on PostgreSQL), so, as Django's test client does,
    those two signals are disconnected while the test runs."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield WSGIHandler()
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


@pytest.fixture
def world(
    request,
    settings,
    seal_keys,  # noqa: F811
    catalog,  # noqa: F811
    all_papers,  # noqa: F811
    authorised_agent,  # noqa: F811
    applicant,
    charlie,
    clerk,
    lead,
    reviewer_a,
    reviewer_b,
    supervisor,
    leader,
    admin_user,
):
    """Ids of real objects (so generated requests reach more than 404) and a token per role.
    Time stands at 10 February 2026, inside the working-day calendar."""
    settings.KEYS_DIR = seal_keys.root_cert.parent
    settings.SERVICE_CENTRE_NAME = "示范县行政审批局"
    settings.LIANBAN_DOCUMENT_PREFIX = "示审批"
    machine = time_machine.travel(dt.datetime(2026, 2, 10, 9, 0, tzinfo=TZ), tick=False)
    machine.start()
    request.addfinalizer(machine.stop)

    project = catalog["project"].pk
    submitted = engine.apply(
        applicant, title="待受理的项目", project_type=project, files=all_papers()
    )
    in_review = engine.apply(
        applicant, title="审查中的项目", project_type=project, files=all_papers()
    )
    intake.accept(in_review.pk, clerk)
    task_d = ReviewTask.objects.get(case=in_review, item__code="D")
    review.refuse_task(task_d.pk, reviewer_b, opinion="消防设计不符合规范。")
    meeting = review.convene_meeting(
        in_review.pk, lead, scheduled_for=dt.datetime(2026, 2, 10, 9, 0, tzinfo=TZ)
    )
    decided = build_case(
        applicant,
        clerk.department,
        [(catalog["A"], True, {"result_number": "地字第001号"})],
        decision=Decision.APPROVED,
        state=CaseState.DECIDED,
    )
    decided.number = "139999-20260210-0099"
    decided.save(update_fields=["number"])
    closed = build_case(
        applicant,
        clerk.department,
        [(catalog["C"], True, {})],
        decision=Decision.APPROVED,
    )
    closed.number = "139999-20260210-0098"
    closed.save(update_fields=["number"])
    document = issuing.issue_document(closed.pk, lead)

    users = {
        "applicant": applicant,
        "agent": authorised_agent,
        "clerk": clerk,
        "lead": lead,
        "reviewer_a": reviewer_a,
        "supervisor": supervisor,
        "leader": leader,
        "admin_user": admin_user,
    }
    headers = {"anonymous": {}}
    for role, user in users.items():
        _token, key = ApiToken.issue(user, "fuzz")
        headers[role] = {"Authorization": f"Bearer {key}"}
    return {
        "headers": headers,
        "ids": {
            "case_id": [submitted.pk, in_review.pk, decided.pk, closed.pk],
            "task_id": list(ReviewTask.objects.filter(case=in_review).values_list("pk", flat=True)),
            "meeting_id": [meeting.pk],
            "authorisation_id": list(Authorisation.objects.values_list("pk", flat=True)),
            "document_id": [document.pk],
            "pk": [project],
        },
        "progress": (in_review.number, in_review.query_code),
    }
