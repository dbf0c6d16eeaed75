import datetime as dt
import json

import pytest
import time_machine

from accounts.models import ApiToken
from cases.models import Case, CaseEvent, CaseState, IdempotencyRecord, Light, ReviewTask, TaskState

from .conftest import TZ, pdf


def bearer(user):
    _token, key = ApiToken.issue(user, "test")
    return {"HTTP_AUTHORIZATION": f"Bearer {key}"}


def post(client, url, auth, body=None, **headers):
    return client.post(
        url, json.dumps(body or {}), content_type="application/json", **auth, **headers
    )


@pytest.fixture
def case_via_api(client, travel, catalog, applicant, all_papers):
    travel(2026, 2, 10)
    data = {"title": "示范机械厂房项目", "project_type": catalog["project"].pk}
    data.update({f"material_{k}": v for k, v in all_papers().items()})
    response = client.post("/api/cases/", data, **bearer(applicant))
    assert response.status_code == 200, response.content
    return response.json()


def test_applying_through_the_api_creates_the_case_with_its_tasks(case_via_api):
    assert case_via_api["number"] == "139999-20260210-0001"
    assert case_via_api["state"] == "submitted"
    assert sorted(t["item_code"] for t in case_via_api["tasks"]) == ["A", "B", "C", "D"]


def test_a_whole_review_goes_through_the_api(client, case_via_api, clerk, reviewer_a):
    case_id = case_via_api["id"]
    accepted = post(client, f"/api/cases/{case_id}/accept", bearer(clerk))
    assert accepted.json()["state"] == "in_review"
    task_a = ReviewTask.objects.get(case_id=case_id, item__code="A")
    approved = post(
        client,
        f"/api/cases/tasks/{task_a.pk}/approve",
        bearer(reviewer_a),
        {"opinion": "同意", "result_number": "地字第001号"},
    )
    assert approved.status_code == 200 and approved.json()["state"] == "approved"
    events = client.get(f"/api/cases/{case_id}/events", **bearer(clerk)).json()
    assert [e["kind"] for e in events][:2] == ["applied", "accepted"]


def test_the_same_post_sent_twice_acts_once_and_answers_the_same(client, case_via_api, clerk):
    case_id = case_via_api["id"]
    auth = bearer(clerk)
    first = post(client, f"/api/cases/{case_id}/accept", auth, HTTP_IDEMPOTENCY_KEY="k-1")
    events_after_first = CaseEvent.objects.filter(case_id=case_id).count()
    second = post(client, f"/api/cases/{case_id}/accept", auth, HTTP_IDEMPOTENCY_KEY="k-1")
    assert first.status_code == second.status_code == 200
    assert first.json() == second.json()
    assert second["Idempotent-Replayed"] == "true"
    assert CaseEvent.objects.filter(case_id=case_id).count() == events_after_first


def test_a_replay_answers_exactly_as_the_first_answer_did(client, catalog, applicant, all_papers):
    # A moment whose microseconds are below a millisecond: JSON keeps milliseconds, so an
    # answer rendered twice (once from the objects, once from the record) could differ.
    with time_machine.travel(dt.datetime(2026, 2, 10, 9, 0, 0, 250, tzinfo=TZ), tick=False):
        data = {"title": "示范机械厂房项目", "project_type": catalog["project"].pk}
        first = client.post(
            "/api/cases/",
            {**data, **{f"material_{k}": v for k, v in all_papers().items()}},
            **bearer(applicant),
            HTTP_IDEMPOTENCY_KEY="same-moment",
        )
        again = client.post(
            "/api/cases/",
            {**data, **{f"material_{k}": v for k, v in all_papers().items()}},
            **bearer(applicant),
            HTTP_IDEMPOTENCY_KEY="same-moment",
        )
    assert first.status_code == again.status_code == 200, first.content
    assert again["Idempotent-Replayed"] == "true"
    assert first.json() == again.json()
    assert Case.objects.count() == 1


def test_reusing_a_key_for_another_request_is_refused(client, case_via_api, clerk):
    case_id = case_via_api["id"]
    auth = bearer(clerk)
    post(client, f"/api/cases/{case_id}/accept", auth, HTTP_IDEMPOTENCY_KEY="k-2")
    other = post(
        client, f"/api/cases/{case_id}/refuse", auth, {"reason": "x"}, HTTP_IDEMPOTENCY_KEY="k-2"
    )
    assert other.status_code == 400 and other.json()["code"] == "idempotency_mismatch"


def test_without_a_key_a_repeat_is_refused_by_the_state_guard(client, case_via_api, clerk):
    case_id = case_via_api["id"]
    post(client, f"/api/cases/{case_id}/accept", bearer(clerk))
    again = post(client, f"/api/cases/{case_id}/accept", bearer(clerk))
    assert again.status_code == 409
    assert again.json()["code"] == "wrong_state" and "不能进行此操作" in again.json()["message"]


def test_errors_are_json_with_a_code_and_a_chinese_message(client, case_via_api, clerk):
    response = post(
        client, f"/api/cases/{case_via_api['id']}/refuse", bearer(clerk), {"reason": ""}
    )
    assert response.status_code == 400
    assert response.json() == {
        "code": "invalid",
        "message": "不予受理须说明理由。",
        "field": "reason",
    }


def test_a_rejected_application_leaves_nothing(client, travel, catalog, applicant):
    travel(2026, 2, 10)
    data = {
        "title": "项目",
        "project_type": catalog["project"].pk,
        f"material_{catalog['form'].pk}": pdf("x.pdf", b"not a pdf"),
    }
    response = client.post("/api/cases/", data, **bearer(applicant), HTTP_IDEMPOTENCY_KEY="a-1")
    assert response.status_code == 400
    assert Case.objects.count() == 0 and IdempotencyRecord.objects.count() == 0


def test_the_outsider_gets_404_for_anothers_case_and_task(
    client, case_via_api, charlie, reviewer_b, clerk
):
    case_id = case_via_api["id"]
    assert client.get(f"/api/cases/{case_id}", **bearer(charlie)).status_code == 404
    assert post(client, f"/api/cases/{case_id}/withdraw", bearer(charlie)).status_code == 404
    post(client, f"/api/cases/{case_id}/accept", bearer(clerk))
    task_a = ReviewTask.objects.get(case_id=case_id, item__code="A")
    assert client.get(f"/api/cases/tasks/{task_a.pk}", **bearer(reviewer_b)).status_code == 404
    assert (
        post(client, f"/api/cases/tasks/{task_a.pk}/approve", bearer(reviewer_b)).status_code == 404
    )


def test_reviewers_list_only_their_departments_tasks(client, case_via_api, clerk, reviewer_a):
    post(client, f"/api/cases/{case_via_api['id']}/accept", bearer(clerk))
    items = client.get("/api/cases/tasks", **bearer(reviewer_a)).json()["items"]
    assert {t["item_code"] for t in items} == {"A", "C"}


def test_anonymous_gets_401(client, case_via_api):
    assert client.get(f"/api/cases/{case_via_api['id']}").status_code == 401


def test_a_revoked_token_is_refused(client, case_via_api, applicant):
    from django.utils import timezone

    token, key = ApiToken.issue(applicant, "erp")
    token.revoked_at = timezone.now()
    token.save()
    assert client.get("/api/cases/", HTTP_AUTHORIZATION=f"Bearer {key}").status_code == 401


def test_a_browser_session_post_needs_the_csrf_token(case_via_api, clerk):
    from django.test import Client

    browser = Client(enforce_csrf_checks=True)
    browser.force_login(clerk)
    response = browser.post(
        f"/api/cases/{case_via_api['id']}/accept", "{}", content_type="application/json"
    )
    assert response.status_code == 403
    assert Case.objects.get(pk=case_via_api["id"]).state == CaseState.SUBMITTED


def test_public_progress_lookup_needs_the_query_code(client, case_via_api):
    case = Case.objects.get(pk=case_via_api["id"])
    ok = client.get("/api/cases/progress", {"number": case.number, "code": case.query_code})
    assert ok.status_code == 200 and ok.json()["state"] == "submitted"
    assert "alice" not in ok.content.decode() and "王丽" not in ok.content.decode()
    wrong = client.get(
        "/api/cases/progress",
        {"number": case.number, "code": "000000" if case.query_code != "000000" else "111111"},
    )
    assert wrong.status_code == 404


def test_the_schema_lists_every_engine_operation(client):
    paths = client.get("/api/openapi.json").json()["paths"]
    for path in [
        "/api/cases/{case_id}/accept",
        "/api/cases/{case_id}/notice",
        "/api/cases/tasks/{task_id}/approve",
        "/api/cases/{case_id}/meetings",
        "/api/cases/meetings/{meeting_id}/record",
        "/api/cases/{case_id}/decide",
    ]:
        assert path in paths


@pytest.mark.parametrize(
    "key", ["k" * 101, "é" * 101, "x" * 10_000], ids=["101 characters", "accented", "10k"]
)
def test_an_overlong_idempotency_key_is_refused_and_changes_nothing(
    client, case_via_api, clerk, key
):
    case_id = case_via_api["id"]
    events = CaseEvent.objects.filter(case_id=case_id).count()
    response = post(client, f"/api/cases/{case_id}/accept", bearer(clerk), HTTP_IDEMPOTENCY_KEY=key)
    assert response.status_code == 400
    assert response.json()["message"] == "Idempotency-Key 不能超过100个字符。"
    assert CaseEvent.objects.filter(case_id=case_id).count() == events
    assert IdempotencyRecord.objects.count() == 0
    assert Case.objects.get(pk=case_id).state == CaseState.SUBMITTED


def test_a_blank_idempotency_key_counts_as_none(client, case_via_api, clerk):
    case_id = case_via_api["id"]
    first = post(client, f"/api/cases/{case_id}/accept", bearer(clerk), HTTP_IDEMPOTENCY_KEY="  ")
    assert first.status_code == 200 and IdempotencyRecord.objects.count() == 0
    again = post(client, f"/api/cases/{case_id}/accept", bearer(clerk), HTTP_IDEMPOTENCY_KEY="  ")
    assert again.status_code == 409


# ---- list filters: a value outside the filter's choices is refused, not an empty list ----


def test_a_list_filters_by_a_state_it_knows(client, case_via_api, applicant):
    auth = bearer(applicant)
    counts = [
        client.get(f"/api/cases/?state={state}", **auth).json()["count"]
        for state in ("submitted", "decided", "")
    ]
    assert counts == [1, 0, 1]  # blank is no filter


@pytest.mark.parametrize(
    ("asks", "message"),
    [
        ({}, "“state”的值不正确：应为以下值之一：{}。".format("、".join(CaseState.values))),
        (
            {"HTTP_ACCEPT_LANGUAGE": "en"},
            "The value of “state” is not valid: Input should be one of: {}.".format(
                ", ".join(CaseState.values)
            ),
        ),
    ],
    ids=["zh-hans", "en"],
)
def test_a_state_the_filter_does_not_know_is_a_422_naming_those_it_does(
    client, case_via_api, applicant, asks, message
):
    response = client.get("/api/cases/?state=bogus", **bearer(applicant), **asks)
    assert response.status_code == 422
    body = response.json()
    assert (body["field"], body["message"]) == ("state", message)
    assert [(e["type"], e["loc"]) for e in body["errors"]] == [
        ("literal_error", ["query", "state"])
    ]


@pytest.mark.parametrize("query", ["state=finished", "light=purple", "state=APPROVED"])
def test_a_task_filter_outside_its_choices_is_a_422(client, case_via_api, reviewer_a, query):
    response = client.get(f"/api/cases/tasks?{query}", **bearer(reviewer_a))
    assert response.status_code == 422
    assert response.json()["field"] == query.split("=")[0]


def test_the_schema_lists_the_values_each_filter_takes(client):
    paths = client.get("/api/openapi.json").json()["paths"]

    def allowed(path, name):
        [parameter] = [p for p in paths[path]["get"]["parameters"] if p["name"] == name]
        return [v for s in parameter["schema"]["anyOf"] for v in s.get("enum", [])]

    assert allowed("/api/cases/", "state") == ["", *CaseState.values]
    assert allowed("/api/cases/tasks", "state") == ["", *TaskState.values]
    assert allowed("/api/cases/tasks", "light") == ["", *Light.values]
