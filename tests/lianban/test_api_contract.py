"""The OpenAPI schema as the contract another system codes against: every operation called,
as the role that uses it, and each answer held to what the schema declares for its status
(the status itself declared, the body valid against the declared schema, dates and moments in
their formats, enums listing every value). The error answers share one shape.

tests/security/test_api_fuzz.py sends generated requests; this walk sends the requests a
county's other systems send, and fails when an operation is added without being walked."""

# The fixtures imported below are parameters of the tests (pytest's way), not redefinitions.
# ruff: noqa: F811

import json
import re

import jsonschema_rs
import pytest
from django.test import Client

from accounts.models import ApiToken
from cases import engine
from cases.models import Case, CaseState, Decision, Light, ReviewTask, TaskState
from documents.models import ApprovalDocument
from tests.cases.conftest import pdf, travel  # noqa: F401
from tests.security.api_world import (  # noqa: F401
    all_papers,
    authorised_agent,
    catalog,
    seal_keys,
    world,
)


@pytest.fixture
def schema(client):
    return client.get("/api/openapi.json").json()


def _operation(schema, method: str, path: str):
    for template, operations in schema["paths"].items():
        pattern = "^" + re.sub(r"\{[^}]+\}", "[^/]+", template) + "$"
        if re.match(pattern, path) and method.lower() in operations:
            return template, operations[method.lower()]
    return None, None


def _disagreements(schema, method: str, url: str, response) -> list[str]:
    """What in `response` the schema does not declare; empty when it conforms."""
    _template, operation = _operation(schema, method, url.split("?")[0])
    where = f"{method} {url} → {response.status_code}"
    if operation is None:
        return [f"{where}: no such operation in the schema"]
    declared = operation["responses"].get(str(response.status_code))
    if declared is None:
        return [f"{where}: status not declared ({sorted(operation['responses'])})"]
    if not response["Content-Type"].startswith("application/json"):
        return [f"{where}: answered {response['Content-Type']}"]
    body_schema = declared["content"]["application/json"]["schema"]
    validator = jsonschema_rs.validator_for(
        {**body_schema, "components": schema["components"]}, validate_formats=True
    )
    return [
        f"{where}: /{'/'.join(map(str, e.instance_path))}: {e.message[:200]}"
        for e in validator.iter_errors(response.json())
    ]


def _bearer(user) -> dict:
    _token, key = ApiToken.issue(user, "contract")
    return {"HTTP_AUTHORIZATION": f"Bearer {key}"}


def _json(body) -> dict:
    return {"data": json.dumps(body), "content_type": "application/json"}


def test_every_operation_answers_as_the_schema_declares(
    schema, world, catalog, all_papers, applicant, charlie, clerk, lead, reviewer_a, agent
):
    ids = world["ids"]
    submitted, in_review, decided, _closed = ids["case_id"]
    task_a = ReviewTask.objects.get(case_id=in_review, item__code="A").pk
    task_d = ReviewTask.objects.get(case_id=in_review, item__code="D").pk
    authorisation = ids["authorisation_id"][0]  # the applicant's, of the agent
    document = ApprovalDocument.objects.get(pk=ids["document_id"][0])
    number, code = world["progress"]
    as_ = {
        "anonymous": {},
        "applicant": _bearer(applicant),
        "charlie": _bearer(charlie),
        "clerk": _bearer(clerk),
        "lead": _bearer(lead),
        "reviewer_a": _bearer(reviewer_a),
    }

    def papers():
        return {f"material_{k}": v for k, v in all_papers().items()}

    form = f"material_{catalog['form'].pk}"
    project = catalog["project"].pk

    # (who, method, url, request arguments, the status the walk expects), in order: the
    # writes change the small county the later calls see.
    calls = [
        ("anonymous", "GET", "/api/public/health", {}, 200),
        ("anonymous", "GET", "/api/public/statistics", {}, 200),
        ("anonymous", "GET", "/api/catalog/items?page_size=2", {}, 200),
        ("anonymous", "GET", "/api/catalog/items?page=0", {}, 422),
        ("anonymous", "GET", "/api/catalog/items/A", {}, 200),
        ("anonymous", "GET", "/api/catalog/items/NO-SUCH", {}, 404),
        ("anonymous", "GET", "/api/catalog/project-types", {}, 200),
        ("anonymous", "GET", f"/api/catalog/project-types/{project}", {}, 200),
        ("anonymous", "GET", "/api/catalog/project-types/999999", {}, 404),
        ("anonymous", "GET", f"/api/catalog/plan?project_type={project}", {}, 200),
        ("anonymous", "GET", "/api/catalog/plan?items=A,B&start=2026-03-02", {}, 200),
        ("anonymous", "GET", "/api/catalog/plan", {}, 400),
        ("anonymous", "GET", "/api/catalog/plan?items=A&start=2026-13-01", {}, 422),
        ("anonymous", "GET", f"/api/cases/progress?number={number}&code={code}", {}, 200),
        ("anonymous", "GET", f"/api/cases/progress?number={number}&code=x", {}, 404),
        ("anonymous", "GET", f"/api/documents/verify?number={document.number}", {}, 200),
        ("anonymous", "POST", "/api/documents/verify", {"data": {"file": pdf()}}, 200),
        ("anonymous", "GET", "/api/accounts/me", {}, 401),
        ("applicant", "GET", "/api/accounts/me", {}, 200),
        ("lead", "GET", "/api/accounts/me", {}, 200),
        ("anonymous", "GET", "/api/cases/", {}, 401),
        ("applicant", "GET", "/api/cases/", {}, 200),
        ("applicant", "GET", "/api/cases/?page=99", {}, 200),
        ("reviewer_a", "GET", "/api/cases/tasks", {}, 200),
        ("reviewer_a", "GET", f"/api/cases/tasks/{task_a}", {}, 200),
        ("charlie", "GET", f"/api/cases/tasks/{task_a}", {}, 404),
        ("applicant", "GET", f"/api/cases/{in_review}", {}, 200),
        ("charlie", "GET", f"/api/cases/{in_review}", {}, 404),
        ("clerk", "GET", f"/api/cases/{in_review}/events", {}, 200),
        ("lead", "GET", f"/api/documents/{document.pk}", {}, 200),
        ("charlie", "GET", f"/api/documents/{document.pk}", {}, 404),
        # applying, intake
        ("applicant", "POST", "/api/cases/", {"data": {"title": "厂房", **papers()}}, 400),
        ("applicant", "POST", "/api/cases/", {"data": {"project_type": project}}, 422),
        (
            "applicant",
            "POST",
            "/api/cases/",
            {"data": {"title": "厂房", "project_type": project, **papers()}},
            200,
        ),
        ("clerk", "POST", f"/api/cases/{submitted}/notice", _json({"problems": []}), 400),
        (
            "clerk",
            "POST",
            f"/api/cases/{submitted}/notice",
            _json({"problems": [{"material": catalog["form"].pk, "problem": "缺签章"}]}),
            200,
        ),
        (
            "applicant",
            "POST",
            f"/api/cases/{submitted}/supply",
            {"data": {"note": "已补", form: pdf()}},
            200,
        ),
        ("anonymous", "POST", f"/api/cases/{submitted}/accept", _json({}), 401),
        ("clerk", "POST", f"/api/cases/{submitted}/accept", _json({}), 200),
        ("clerk", "POST", f"/api/cases/{submitted}/accept", _json({}), 409),
        ("clerk", "POST", f"/api/cases/{submitted}/refuse", _json({"reason": "不符合"}), 409),
        # the case as a whole
        ("lead", "POST", f"/api/cases/{in_review}/suspend", _json({"reason": "等待规划"}), 200),
        ("lead", "POST", f"/api/cases/{in_review}/resume", _json({}), 200),
        ("lead", "POST", f"/api/cases/{in_review}/fast-track", _json({"reason": "重点"}), 200),
        ("lead", "POST", f"/api/cases/{in_review}/agent", _json({"agent": agent.username}), 200),
        ("lead", "POST", f"/api/cases/{in_review}/decide", _json({"text": "准予"}), 409),
        ("charlie", "POST", f"/api/cases/{in_review}/withdraw", _json({}), 404),
        # review
        (
            "reviewer_a",
            "POST",
            f"/api/cases/tasks/{task_a}/supplement",
            _json({"reason": "补图"}),
            200,
        ),
        ("applicant", "POST", f"/api/cases/tasks/{task_a}/supply", {"data": {"note": "补了"}}, 200),
        (
            "reviewer_a",
            "POST",
            f"/api/cases/tasks/{task_a}/pause",
            _json({"kind": "expert", "reason": "专家评审"}),
            200,
        ),
        ("reviewer_a", "POST", f"/api/cases/tasks/{task_a}/resume", _json({}), 200),
        (
            "reviewer_a",
            "POST",
            f"/api/cases/tasks/{task_a}/approve",
            _json({"opinion": "同意"}),
            200,
        ),
        ("reviewer_a", "POST", f"/api/cases/tasks/{task_a}/refuse", _json({"opinion": "不"}), 409),
        # the joint meeting (world convened one for task D at 09:00 today)
        (
            "lead",
            "POST",
            f"/api/cases/{in_review}/meetings",
            _json({"scheduled_for": "2026-02-10T09:00:00+08:00"}),
            409,
        ),
        (
            "lead",
            "POST",
            f"/api/cases/meetings/{ids['meeting_id'][0]}/record",
            _json({"resolutions": {str(task_d): {"approve": True, "text": "同意"}}}),
            200,
        ),
        # agent authorisations
        ("charlie", "POST", "/api/cases/authorisations", _json({"agent": agent.username}), 200),
        ("charlie", "POST", f"/api/cases/authorisations/{authorisation}/revoke", _json({}), 404),
        ("applicant", "POST", f"/api/cases/authorisations/{authorisation}/revoke", _json({}), 200),
        # the approval document
        ("lead", "POST", f"/api/documents/case/{decided}/issue", _json({}), 201),
        ("lead", "POST", f"/api/documents/case/{decided}/issue", _json({}), 409),
        (
            "lead",
            "POST",
            f"/api/documents/{document.pk}/revoke",
            _json({"reason": "文号有误", "reissue": False}),
            200,
        ),
    ]
    problems, walked = [], set()
    for who, method, url, kwargs, expected in calls:
        response = getattr(Client(), method.lower())(url, **kwargs, **as_[who])
        walked.add((method.lower(), _operation(schema, method, url.split("?")[0])[0]))
        if response.status_code != expected:
            problems.append(f"{method} {url} as {who}: {response.status_code}, not {expected}")
        problems += _disagreements(schema, method, url, response)

    assert problems == [], "\n".join(problems)
    declared = {(m, path) for path, ops in schema["paths"].items() for m in ops}
    assert declared - walked == set(), "operations the walk does not call yet"


def test_the_schema_lists_every_value_a_state_can_take(schema):
    properties = schema["components"]["schemas"]
    assert properties["CaseOut"]["properties"]["state"]["enum"] == list(CaseState.values)
    assert properties["CaseOut"]["properties"]["decision"]["enum"] == ["", *Decision.values]
    assert properties["TaskOut"]["properties"]["state"]["enum"] == list(TaskState.values)
    assert properties["CaseSummary"]["properties"]["light"]["enum"] == list(Light.values)
    assert properties["Progress"]["properties"]["departments"]["items"] == {
        "$ref": "#/components/schemas/DepartmentProgress"
    }
    assert properties["DocumentOut"]["properties"]["status"]["enum"] == ["valid", "revoked"]
    assert "applicant" in properties["MeOut"]["properties"]["role"]["enum"]


def test_the_schema_says_which_posts_take_an_idempotency_key(schema):
    def header_names(path, method="post"):
        parameters = schema["paths"][path][method].get("parameters", [])
        return {p["name"] for p in parameters if p["in"] == "header"}

    assert header_names("/api/cases/") == {"Idempotency-Key"}
    assert header_names("/api/cases/{case_id}/accept") == {"Idempotency-Key"}
    assert header_names("/api/cases/tasks/{task_id}/approve") == {"Idempotency-Key"}
    accept_ok = schema["paths"]["/api/cases/{case_id}/accept"]["post"]["responses"]["200"]
    assert "Idempotent-Replayed" in accept_ok["headers"]
    # Issuing a document answers 201: a retry with the key gets that answer back.
    assert header_names("/api/documents/case/{case_id}/issue") == {"Idempotency-Key"}
    issue_ok = schema["paths"]["/api/documents/case/{case_id}/issue"]["post"]["responses"]["201"]
    assert "Idempotent-Replayed" in issue_ok["headers"]
    assert header_names("/api/documents/{document_id}/revoke") == {"Idempotency-Key"}


def test_every_operation_declares_the_shape_of_a_server_error(schema):
    for operations in schema["paths"].values():
        for operation in operations.values():
            error = operation["responses"]["500"]["content"]["application/json"]["schema"]
            assert error == {"$ref": "#/components/schemas/Error"}


def test_a_server_error_is_json_in_the_error_shape(schema, applicant, monkeypatch, catalog):
    def broken(*args, **kwargs):
        raise RuntimeError("a fault of ours")

    monkeypatch.setattr(engine, "withdraw", broken)
    case = engine.apply(
        applicant, title="厂房", items=[catalog["C"].pk], files={str(catalog["form"].pk): pdf()}
    )
    url = f"/api/cases/{case.pk}/withdraw"
    response = Client(raise_request_exception=False).post(url, **_json({}), **_bearer(applicant))
    assert response.status_code == 500
    assert response.json() == {"code": "server_error", "message": "服务器内部错误，请稍后重试。"}
    assert _disagreements(schema, "POST", url, response) == []


def test_a_server_error_still_reaches_the_test_client_and_the_log(applicant, monkeypatch, catalog):
    """got_request_exception is sent as for any uncaught exception: the admins' mail, and a
    test that breaks an operation sees the exception, not a quiet 500."""
    monkeypatch.setattr(engine, "withdraw", lambda *a, **k: 1 / 0)
    case = engine.apply(
        applicant, title="厂房", items=[catalog["C"].pk], files={str(catalog["form"].pk): pdf()}
    )
    with pytest.raises(ZeroDivisionError):
        Client().post(f"/api/cases/{case.pk}/withdraw", **_json({}), **_bearer(applicant))


@pytest.mark.django_db
def test_a_refused_token_is_401_with_a_bearer_challenge(client):
    response = client.get("/api/accounts/me", HTTP_AUTHORIZATION="Bearer lb_not-a-key")
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == 'Bearer realm="lianban", error="invalid_token"'
    assert response.json() == {
        "code": "unauthorized",
        "message": "接口令牌无效或已吊销，请检查令牌。",
    }
    anonymous = client.get("/api/accounts/me")
    assert anonymous["WWW-Authenticate"] == 'Bearer realm="lianban"'
    assert anonymous.json()["message"] == "请先登录。"


def test_a_revoked_token_is_refused_even_beside_a_logged_in_session(client, applicant, clerk):
    """A system on a clerk's machine whose token was revoked must learn it, not act as
    whoever is logged in in the browser."""
    token, key = ApiToken.issue(applicant, "erp")
    token.revoked_at = token.created_at
    token.save(update_fields=["revoked_at"])
    client.force_login(clerk)
    response = client.get("/api/accounts/me", HTTP_AUTHORIZATION=f"Bearer {key}")
    assert response.status_code == 401
    assert client.get("/api/accounts/me").json()["username"] == clerk.username


def test_applying_without_the_trailing_slash_applies(client, travel, catalog, applicant):
    """Django answered POST /api/cases with an HTML 301, which a client follows with a GET."""
    travel(2026, 2, 10)
    data = {"title": "厂房", "items": [catalog["C"].pk], f"material_{catalog['form'].pk}": pdf()}
    response = client.post("/api/cases", data, **_bearer(applicant))
    assert response.status_code == 200, response.content
    assert Case.objects.get().title == "厂房"
    listed = client.get("/api/cases", **_bearer(applicant))
    assert listed.status_code == 200 and listed.json()["count"] == 1


@pytest.mark.django_db
def test_a_missing_json_body_is_named_as_such_not_as_an_internal_parameter(client, lead):
    response = client.post(
        "/api/documents/1/revoke", data="", content_type="application/json", **_bearer(lead)
    )
    assert response.status_code == 422
    body = response.json()
    assert body["message"] == "缺少 JSON 格式的请求内容。" and "field" not in body


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("language", "message"),
    [("zh-hans", "没有找到所要的内容。"), ("en", "What you asked for was not found.")],
)
def test_errors_outside_an_operation_answer_in_the_error_shape_and_language(
    client, language, message
):
    unknown = client.get("/api/no-such-thing", HTTP_ACCEPT_LANGUAGE=language)
    wrong_method = client.delete("/api/public/health", HTTP_ACCEPT_LANGUAGE=language)
    unreadable = client.post("/api/documents/verify", data="{", content_type="application/json")
    assert unknown.status_code == 404 and unknown.json() == {
        "code": "not_found",
        "message": message,
    }
    assert wrong_method.status_code == 405 and wrong_method.json()["code"] == "method_not_allowed"
    for response in (unknown, wrong_method, unreadable):
        assert response["Content-Type"] == "application/json; charset=utf-8"
        assert set(response.json()) <= {"code", "message", "field", "errors"}


def test_a_retried_application_creates_one_case_and_a_changed_one_is_refused(
    client, travel, catalog, applicant
):
    travel(2026, 2, 10)

    def send(title):
        data = {"title": title, "items": [catalog["C"].pk], f"material_{catalog['form'].pk}": pdf()}
        return client.post("/api/cases/", data, **_bearer(applicant), HTTP_IDEMPOTENCY_KEY="erp-1")

    first, retried, changed = send("厂房"), send("厂房"), send("仓库")
    assert first.status_code == retried.status_code == 200
    assert retried.json() == first.json() and retried["Idempotent-Replayed"] == "true"
    assert changed.status_code == 400 and changed.json()["code"] == "idempotency_mismatch"
    assert Case.objects.count() == 1 and Case.objects.get().events.count() == 1
