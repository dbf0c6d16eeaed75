"""The authorisation matrix (matrix.py) sent in full: every row, as every role.

The county is built once for the whole run; each request runs inside a savepoint that is
rolled back, so an allowed action (an approval, a withdrawal) acts on a fresh case and the
next request finds the county as it was. A refused unsafe request must leave every row and
every stored file as it was, and every refusal of a case or document page or operation must
be in the security log."""

import datetime as dt
import json
import logging
import time
from http.cookies import SimpleCookie
from pathlib import Path

import pytest
import time_machine
from django.apps import apps
from django.conf import settings
from django.contrib import admin
from django.db import connection, transaction
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from accounts.models import ApiToken, Role, User
from cases import engine, intake, review
from cases.models import Authorisation, CaseMaterial, CaseState, Decision, ReviewTask
from documents import issuing, vouchers
from documents.tasks import issue_document_later
from lianban.api import api as ninja_api
from tests.cases.conftest import TZ, all_papers, catalog  # noqa: F401
from tests.conftest import ID_A
from tests.documents.conftest import build_case, rendered, seal_keys  # noqa: F401

from .matrix import ADMIN_LOGIN, API, LOGIN, PAGES, ROLES, Row, admin_rows

SAFE = {"GET", "HEAD", "OPTIONS"}
_KEPT_APPS = ("accounts", "directory", "catalog", "cases", "documents", "workdays")
_NOT_STATE = {"accounts.loginattempt"}  # written on purpose by every login attempt
_VOLATILE = {"last_used_at"}  # a bearer token's last use is stamped on every request


@pytest.fixture
def security_log(caplog):
    """The "lianban.security" logger does not propagate; caplog's handler is hung on it."""
    logger = logging.getLogger("lianban.security")
    logger.addHandler(caplog.handler)
    yield caplog
    logger.removeHandler(caplog.handler)


def refusals(caplog) -> list[dict]:
    return [
        r.security
        for r in caplog.records
        if getattr(r, "security", {}).get("event") == "permission.refused"
    ]


@pytest.fixture
def county(
    request,
    settings,
    monkeypatch,
    seal_keys,  # noqa: F811
    catalog,  # noqa: F811
    all_papers,  # noqa: F811
    applicant,
    charlie,
    agent,
    clerk,
    reviewer_a,
    reviewer_b,
    lead,
    supervisor,
    leader,
    admin_user,
):
    """alice's cases in every state a row needs, on 10 February 2026 (a working day)."""
    settings.KEYS_DIR = seal_keys.root_cert.parent
    settings.SERVICE_CENTRE_NAME = "示范县行政审批局"
    settings.LIANBAN_DOCUMENT_PREFIX = "示审批"
    monkeypatch.setattr(issuing, "render", rendered)
    machine = time_machine.travel(dt.datetime(2026, 2, 10, 9, 0, tzinfo=TZ), tick=False)
    machine.start()
    request.addfinalizer(machine.stop)

    alice = applicant
    agent_unauthorised = User.objects.create_user(
        username="agent_unauthorised", password="x", role=Role.AGENT, display_name="代办员王"
    )
    authorisation = Authorisation.objects.create(
        applicant=alice, agent=agent, granted_at=dt.datetime(2026, 1, 5, 9, tzinfo=TZ)
    )
    project = catalog["project"]

    def applied(title, **kw):
        return engine.apply(alice, title=title, project_type=project, files=all_papers(), **kw)

    def task(case, code):
        return ReviewTask.objects.get(case=case, item__code=code)

    submitted = applied("待受理的项目")
    in_review = applied("审查中的项目")
    intake.accept(
        in_review.pk,
        clerk,
        shortfalls=[
            {"material": catalog["filing"].pk, "promise": "十日内补交", "promised_by": "2026-02-20"}
        ],
    )
    review.refuse_task(task(in_review, "D").pk, reviewer_b, opinion="消防设计不符合规范。")

    paused = applied("补正中的项目")
    intake.accept(paused.pk, clerk)
    review.request_supplement(
        task(paused, "A").pk, reviewer_a, reason="备案证明过期", materials=[catalog["filing"].pk]
    )
    review.exclude_time(task(paused, "D").pk, reviewer_b, kind="expert", reason="专家评审")

    meeting_case = applied("上会的项目")
    intake.accept(meeting_case.pk, clerk)
    review.refuse_task(task(meeting_case, "D").pk, reviewer_b, opinion="需联审。")
    meeting = review.convene_meeting(
        meeting_case.pk, lead, scheduled_for=dt.datetime(2026, 2, 10, 9, 0, tzinfo=TZ)
    )

    noticed = applied("补正告知的项目")
    intake.issue_notice(
        noticed.pk, clerk, [{"material": catalog["form"].pk, "problem": "申请表未盖章"}]
    )

    suspended = applied("中止的项目")
    intake.accept(suspended.pk, clerk)
    engine.suspend(suspended.pk, lead, "申请人要求中止")

    foreign = engine.apply(
        alice, title="自然资源局的项目", items=[catalog["A"]], files=all_papers_for(catalog, "A")
    )

    both = [(catalog["A"], True, {"result_number": "地字第001号"}), (catalog["B"], True, {})]
    ready = build_case(alice, clerk.department, both, decision="", state=CaseState.IN_REVIEW)
    decided = build_case(alice, clerk.department, both, decision=Decision.APPROVED)
    closed = build_case(alice, clerk.department, both, decision=Decision.APPROVED)
    document = issuing.issue_document(closed.pk, lead)

    users = {
        "applicant": alice,
        "charlie": charlie,
        "agent": agent,
        "agent_unauthorised": agent_unauthorised,
        "clerk": clerk,
        "reviewer_a": reviewer_a,
        "reviewer_b": reviewer_b,
        "lead": lead,
        "supervisor": supervisor,
        "leader": leader,
        "admin": admin_user,
    }
    pages = {"anonymous": Client()}
    bearer = {"anonymous": Client()}
    for role, user in users.items():
        pages[role] = Client()
        pages[role].force_login(user)
        _token, key = ApiToken.issue(user, "矩阵")
        bearer[role] = Client(headers={"authorization": f"Bearer {key}"})
    alice_token, _key = ApiToken.issue(alice, "网页")

    ids = {
        "project": project.pk,
        "project_materials": [catalog[k].pk for k in ("form", "filing", "drawings")],
        "form_material": catalog["form"].pk,
        "filing_material": catalog["filing"].pk,
        "applicant_id": alice.pk,
        "agent_unauthorised_id": agent_unauthorised.pk,
        "alice_token": alice_token.pk,
        "authorisation": authorisation.pk,
        "submitted": submitted.pk,
        "review": in_review.pk,
        "review_number": in_review.number,
        "review_code": in_review.query_code,
        "material": CaseMaterial.objects.filter(case=in_review).first().pk,
        "shortfall": in_review.shortfalls.get().pk,
        "task_a": task(in_review, "A").pk,
        "task_d": task(in_review, "D").pk,
        "task_a_paused": task(paused, "A").pk,
        "task_d_paused": task(paused, "D").pk,
        "meeting": meeting.pk,
        "meeting_task": task(meeting_case, "D").pk,
        "meeting_departments": list(meeting.participants.values_list("department_id", flat=True)),
        "notice": noticed.pk,
        "suspended": suspended.pk,
        "foreign": foreign.pk,
        "ready": ready.pk,
        "decided": decided.pk,
        "closed": closed.pk,
        "document": document.pk,
        "document_number": document.number,
    }
    ids["voucher"] = vouchers.issue_voucher(in_review.pk, "acceptance").pk
    # A background job that failed, for the jobs page's retry (lianban/views.py).
    job = issue_document_later.using(backend="queue").enqueue(decided.pk, lead.pk)
    DBTaskResult.objects.filter(pk=job.id).update(
        status="FAILED",
        finished_at=timezone.now(),
        exception_class_path="builtins.ValueError",
        traceback="ValueError: x",
    )
    ids["failed_job"] = job.id
    return {"ids": ids, "pages": pages, "bearer": bearer}


def all_papers_for(catalog, code):  # noqa: F811
    from tests.cases.conftest import pdf

    return {str(m.pk): pdf(f"{m.pk}.pdf") for m in catalog[code].materials.all()}


def _snapshot_queries() -> list[str]:
    """Plain SELECTs of every table of the project's apps, many-to-many tables included (the
    ORM's query building would cost more than the requests under test). On PostgreSQL one
    query brings a digest of each table, in one round trip. The names come from the models'
    own metadata, never from a request."""
    tables = []
    for label in _KEPT_APPS:
        for model in apps.get_app_config(label).get_models(include_auto_created=True):
            if model._meta.label_lower in _NOT_STATE:
                continue
            columns = [f.column for f in model._meta.concrete_fields if f.attname not in _VOLATILE]
            quoted = ", ".join(connection.ops.quote_name(c) for c in columns)
            tables.append((connection.ops.quote_name(model._meta.db_table), quoted))
    if connection.vendor == "postgresql":
        return [
            " UNION ALL ".join(
                f"SELECT md5(coalesce(string_agg(ROW({columns})::text, '|'"  # noqa: S608
                f" ORDER BY ROW({columns})::text), ''))"
                f" FROM {table}"
                for table, columns in tables
            )
        ]
    return [
        f"SELECT {columns} FROM {table} ORDER BY 1"  # noqa: S608 -- names from the models
        for table, columns in tables
    ]


def snapshot(queries) -> list:
    """Every row a refused request must leave as it was."""
    with connection.cursor() as cursor:
        rows = []
        for sql in queries:
            cursor.execute(sql)
            rows.append(cursor.fetchall())
    return rows


def stored_files() -> list[str]:
    media = Path(settings.MEDIA_ROOT)
    return sorted(str(p.relative_to(media)) for p in media.rglob("*") if p.is_file())


def answer_of(response):
    if response.status_code == 302:
        location = response["Location"]
        if location.startswith("/accounts/login/"):
            return LOGIN
        if location.startswith("/admin/login/"):
            return ADMIN_LOGIN
    return response.status_code


def send(client: Client, row: Row, ids: dict):
    url = row.url.format(**ids)
    data = row.data(ids) if callable(row.data) else row.data
    headers = {"HX-Request": "true"} if row.htmx else {}
    if row.method == "GET":
        return client.get(url, headers=headers)
    if row.json:
        return client.post(
            url, data=json.dumps(data or {}), content_type="application/json", headers=headers
        )
    return client.post(url, data=data or {}, headers=headers)


def guarded(row: Row) -> bool:
    """Case and document pages and operations, whose refusals go to the security log."""
    url = row.url
    if url.startswith(("/api/cases/progress", "/api/documents/verify", "/documents/verify/")):
        return False
    return url.startswith(("/cases/", "/documents/", "/api/cases/", "/api/documents/"))


def check(client, row, role, ids, baseline, caplog) -> str | None:
    """Send one request as one role; a description of what went wrong, or None."""
    expected = row.expect[role]
    cookies = SimpleCookie(client.cookies.output(header="", sep="\n"))
    caplog.clear()
    problem = None
    with transaction.atomic():
        files = stored_files() if row.method not in SAFE else None
        try:
            response = send(client, row, ids)
        except Exception as exc:  # a crash is an answer too: report it with the others
            transaction.set_rollback(True)
            client.cookies = cookies
            return f"{role:18} {row.method} {row.url} raised {exc!r}"
        answer = answer_of(response)
        if response.streaming:  # a download: reading it to the end closes its file
            b"".join(response.streaming_content)
        if answer != expected:
            problem = f"{role:18} {row.method} {row.url}: expected {expected}, got {answer}"
        elif row.method not in SAFE and answer not in row.done:
            queries, rows = baseline
            if snapshot(queries) != rows or stored_files() != files:
                problem = f"{role:18} {row.method} {row.url}: refused ({answer}) but changed data"
        transaction.set_rollback(True)
    client.cookies = cookies
    logged = refusals(caplog)
    if problem is None and guarded(row):
        if answer in (403, 404) and not logged:
            problem = f"{role:18} {row.method} {row.url}: refusal {answer} not in the security log"
        if answer not in (403, 404) and logged:
            problem = f"{role:18} {row.method} {row.url}: {answer} logged as a refusal"
    return problem


def admin_objects(rows: list[Row]) -> list[Row]:
    """The admin's object pages of a model with no row yet point at a missing object, which
    the admin answers with a redirect to its index."""
    out = []
    for row in rows:
        model = row.extra.get("model")
        if model is None or "{pk}" not in row.url:
            out.append(row)
            continue
        first = model.objects.order_by("pk").first()
        missing = {"admin": 302} if row.expect["admin"] != 403 else {}
        expect = row.expect if first else row.expect | missing
        url = row.url.replace("{pk}", str(first.pk) if first else "999999")
        out.append(Row(row.route, row.method, url, expect, extra=row.extra))
    return out


def test_every_role_gets_the_expected_answer_from_every_url_and_operation(county, security_log):
    ids = county["ids"]
    rows = [
        (row, county["pages"]) for row in PAGES + admin_objects(admin_rows(admin.site._registry))
    ]
    rows += [(row, county["bearer"]) for row in API]
    queries = _snapshot_queries()
    baseline = (queries, snapshot(queries))
    started = time.monotonic()
    problems = []
    for row, clients in rows:
        for role in ROLES:
            problem = check(clients[role], row, role, ids, baseline, security_log)
            if problem:
                problems.append(problem)
    checks = len(rows) * len(ROLES)
    print(
        f"\nauthorisation matrix: {len(rows)} rows x {len(ROLES)} roles = {checks} checks "
        f"in {time.monotonic() - started:.1f} s"
    )
    assert not problems, f"{len(problems)} of {checks} answers wrong:\n" + "\n".join(problems)


# ---- every endpoint has a row ----------------------------------------------------------


def url_patterns(patterns=None, prefix=""):
    """(route, name) of every pattern the URLconf serves, the API's operations aside."""
    for p in get_resolver().url_patterns if patterns is None else patterns:
        if isinstance(p, URLResolver):
            if p.namespace == "api":
                continue  # the operations, from the OpenAPI schema below
            yield from url_patterns(p.url_patterns, prefix + str(p.pattern))
        elif isinstance(p, URLPattern):
            route = prefix + str(p.pattern)
            if p.name == "app_list":
                route = "admin/<app_label>/"
            elif route.startswith("admin/") and route.endswith("<path:object_id>/history/"):
                route = "admin/<app_label>/<model_name>/<path:object_id>/history/"
            elif route.startswith("admin/") and route.endswith("/<path:object_id>/"):
                route = "admin/<app_label>/<model_name>/<path:object_id>/"
            yield route


def api_operations():
    schema = ninja_api.get_openapi_schema()
    for path, operations in schema["paths"].items():
        for method in operations:
            yield f"{method.upper()} {path}"


def test_every_url_pattern_and_api_operation_has_a_row():
    covered = {row.route for row in PAGES + API + admin_rows(admin.site._registry)}
    missing = [r for r in url_patterns() if r not in covered]
    missing += [op for op in api_operations() if op not in covered]
    assert not missing, "add these to tests/security/matrix.py: " + ", ".join(missing)


def test_the_snapshot_notices_a_changed_row(applicant, catalog, all_papers):  # noqa: F811
    case = engine.apply(
        applicant, title="原名", project_type=catalog["project"], files=all_papers()
    )
    queries = _snapshot_queries()
    before = snapshot(queries)

    type(case).objects.filter(pk=case.pk).update(title="改名")

    assert snapshot(queries) != before


def test_every_row_names_an_answer_for_every_role():
    for row in PAGES + API:
        assert set(row.expect) == set(ROLES), row.route


# ---- the security log ------------------------------------------------------------------


@pytest.fixture
def person_case(person_applicant, catalog):  # noqa: F811
    """A citizen's case for item A (自然资源局) with an ID and a phone number on file."""
    with time_machine.travel(dt.datetime(2026, 2, 10, 9, 0, tzinfo=TZ), tick=False):
        return engine.apply(
            person_applicant,
            title="个人建房",
            items=[catalog["A"]],
            files=all_papers_for(catalog, "A"),
        )


def _line(record_fields: dict) -> str:
    return " ".join(f"{k}={v}" for k, v in record_fields.items())


def test_an_outsiders_look_at_a_case_is_logged_as_a_refusal_without_personal_data(
    client, charlie, person_case, security_log
):
    client.force_login(charlie)

    response = client.get(f"/cases/{person_case.pk}/")

    assert response.status_code == 404
    (refusal,) = refusals(security_log)
    assert refusal["username"] == "charlie"
    assert refusal["what"] == f"cases:detail:pk={person_case.pk}"
    assert refusal["status"] == 404
    (line,) = [r.getMessage() for r in security_log.records if hasattr(r, "security")]
    assert "event=permission.refused" in line
    for personal in (ID_A, "13812345678", "李明", person_case.title):
        assert personal not in line


def test_a_wrong_role_action_through_the_api_is_logged_as_a_403(
    client, reviewer_a, person_case, security_log
):
    _token, key = ApiToken.issue(reviewer_a, "脚本")

    response = client.post(
        f"/api/cases/{person_case.pk}/withdraw",
        data="{}",
        content_type="application/json",
        headers={"authorization": f"Bearer {key}"},
    )

    assert response.status_code == 403
    (refusal,) = refusals(security_log)
    assert (refusal["username"], refusal["status"]) == ("reviewer_a", 403)
    assert refusal["what"] == "api:withdraw:case_id=" + str(person_case.pk)
    assert refusal["path"] == f"/api/cases/{person_case.pk}/withdraw"


def test_another_departments_reviewer_is_refused_the_paper_and_it_is_logged(
    client, reviewer_b, person_case, security_log
):
    material = person_case.materials.first()
    client.force_login(reviewer_b)

    response = client.get(f"/cases/materials/{material.pk}/")

    assert response.status_code == 404
    assert [r["what"] for r in refusals(security_log)] == [f"cases:material:pk={material.pk}"]


def test_what_a_user_may_see_and_a_wrong_progress_code_are_not_refusals(
    client, reviewer_a, person_case, security_log
):
    client.force_login(reviewer_a)
    assert client.get(f"/cases/{person_case.pk}/").status_code == 200
    wrong = client.get(f"/api/cases/progress?number={person_case.number}&code=WRONG000")
    assert wrong.status_code == 404
    assert refusals(security_log) == []
