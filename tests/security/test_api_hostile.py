"""Hostile input through the API: every POST operation's every field, every query parameter
and every id in a path gets values no person means — oversized, empty, control characters,
bidi overrides, lone surrogates, NUL, ids past the database's integers, dates in year 1 and
9999, huge page numbers, names that are HTML, SQL or a malformed USCC or ID number. Each must
be refused with a 4xx JSON {code, message} whose message is Chinese, and must write nothing:
no row, no event, no file.

Each operation is sent as the user who could carry it out with good input (the clerk accepts,
reviewer_a approves task A, the lead convenes…), so a refusal comes from the input, not from
the permissions. A summary of the inputs tried per endpoint is printed (RELIABILITY.md)."""

import json
import re
from collections import Counter
from pathlib import Path
from urllib.parse import urlencode

import pytest
from django.apps import apps
from django.conf import settings
from django.db import transaction
from django.test import Client

from accounts.models import ApiToken
from cases.models import Case, ReviewTask

from .api_world import (  # noqa: F401
    all_papers,
    authorised_agent,
    catalog,
    seal_keys,
    world,
)

CHINESE = re.compile(r"[\u4e00-\u9fff]")
SURROGATE = re.compile(r"[\ud800-\udfff]")
USCC_BAD = "91350100M000100Y4"  # a check character short
ID_BAD = "11010519491231002Y"  # wrong check character
HTML = '<script>alert("x")</script><img src=x onerror=alert(1)>'
SQL = "x' OR '1'='1'; DROP TABLE cases_case; --"

# ---- the values -------------------------------------------------------------------------

# Refused in any text field: too long for the field, characters that hide or break text,
# and values that are not text at all.


def bad_text(limit: int, *, required: bool) -> list:
    values = [
        "字" * (limit + 1),
        "a" * 100_000,
        "正常\x00文字",
        "付款\u202e款付",  # right-to-left override
        "零\u200b宽",  # zero-width space
        "响铃\x07",
        "\x1b[31m红色\x1b[0m",
        "孤\ud800立",  # lone surrogate: JSON spells it \ud800
        "\udfff",
        "\ufeff",
        123,
        12.5,
        True,
        ["列表"],
        {"键": "值"},
    ]
    if required:
        values += ["", "   ", "\t\n", "\u3000\u3000", None]
    return values


# Refused as a name to look up (a username, an agent): not an account, in whatever disguise.
BAD_NAMES = [
    "ａｇｅｎｔ",  # full-width
    "аgent",  # Cyrillic а
    "agent\x00",
    "agent\u202e",
    HTML,
    SQL,
    USCC_BAD,
    ID_BAD,
    "",
    "   ",
    "名" * 151,
    None,
    42,
]

BAD_IDS = [0, -1, 2**63, 2**63 + 1, 2**70, -(2**63), "1 OR 1=1", "１", "abc", 1.5, "", None, [1]]
BAD_DATES = [
    "0001-01-01",
    "9999-12-31",
    "1899-12-31",
    "2101-01-01",
    "2026-02-30",
    "10000-01-01",
    "２０２６-０３-０１",
    "明天",
    "",
    None,
    12.5,
]
BAD_MOMENTS = [
    "0001-01-01T09:00:00+08:00",
    "9999-12-31T23:59:59Z",
    "2026-13-01T09:00:00",
    "2026-02-12T25:00:00",
    "明天上午",
    "",
    None,
]
BAD_BOOLS = ["也许", 2, [], {}, None]


def bad_list(item_values: list, limit: int = 500) -> list:
    return [[v] for v in item_values] + [list(range(1, limit + 2)), "1,2", 7, {"a": 1}]


# Refused as the whole body, whatever the operation.
RAW_BODIES = [
    ("not JSON", b"{reason: '\xe6\x9c\xaa'"),
    ("lone surrogate", b'{"reason": "\\ud800"}'),
    ("lone low surrogate in a key", b'{"\\udc00": "x"}'),
    ("NUL", b'{"reason": "a\\u0000b"}'),
    ("NUL in a key", b'{"a\\u0000": "x"}'),
    ("invalid UTF-8", b'{"reason": "\xff\xfe"}'),
    ("deep nesting", b"[" * 100_000 + b"]" * 100_000),
    ("over the size limit", b'{"reason": "' + b"a" * (11 * 1024 * 1024) + b'"}'),
]

PATH_IDS = ["0", str(2**63), str(2**70), "-1", "abc", "１", "1e3", "1%00", "%2e%2e"]
PATH_CODES = ["A%00", "A%E2%80%AE", "a" * 65, "%3Cscript%3E", "%27%20OR%201%3D1", "%2e%2e"]

# Harmless in a query: text that is odd but legal. It must not break anything or be
# reflected anywhere but JSON; any 2xx or 4xx answer is fine, a 5xx is not.
ODD_QUERY_TEXT = [HTML, SQL, "ＡＢＣ１２３", "аbc混合Ελλ", USCC_BAD, ID_BAD, "%", "_", "\\"]


def bad_query_text(limit: int) -> list:
    return ["a" * (limit + 1), "正常\x00文字", "付款\u202e款付", "\x1b[31m"]


BAD_PAGES = [
    {"page": 0},
    {"page": -1},
    {"page": 10**9},
    {"page": 2**63},
    {"page": 2**70},
    {"page": "abc"},
    {"page": "１"},
    {"page_size": 0},
    {"page_size": 101},
    {"page_size": 2**70},
    {"page": 2, "page_size": -5},
]

# ---- the operations ---------------------------------------------------------------------


def operations(w):
    """(label, actor, method, path, base body, {field: bad values}, body kind).
    The base body with one field replaced is what is sent; good input would succeed or be
    refused by the domain, so a refusal here comes from the value under test."""
    ids = w["ids"]
    submitted, in_review, _decided, closed = ids["case_id"]
    task_a = ReviewTask.objects.get(case_id=in_review, item__code="A").pk
    material = w["material"]
    meeting = ids["meeting_id"][0]
    authorisation = ids["authorisation_id"][0]
    document = ids["document_id"][0]
    text = bad_text
    return [
        (
            "POST /api/cases/",
            "applicant",
            "/api/cases/",
            {"title": "示范项目", "project_type": ids["pk"][0]},
            {
                "title": text(200, required=True),
                "project_type": [v for v in BAD_IDS if v not in ("", None, [1])],
                "items": ["0", str(2**63), str(2**70), "-1", "abc", "1.5"],
                "applicant": [v for v in BAD_NAMES if v not in ("", "   ")],
            },
            "form",
        ),
        (
            "POST /api/cases/{case_id}/notice",
            "clerk",
            f"/api/cases/{submitted}/notice",
            {"problems": [{"material": material, "name": "", "problem": "缺少盖章"}]},
            {
                "problems": [[], None, "缺少", [{"problem": "缺"}] * 201],
                "problems.0.problem": text(500, required=True),
                "problems.0.name": text(200, required=False),
                "problems.0.material": [v for v in BAD_IDS if v is not None],
            },
            "json",
        ),
        (
            "POST /api/cases/{case_id}/supply",
            "applicant",
            f"/api/cases/{submitted}/supply",
            {"note": "已补正"},
            {"note": text(4000, required=False)},
            "form",
        ),
        (
            "POST /api/cases/{case_id}/accept",
            "clerk",
            f"/api/cases/{submitted}/accept",
            {
                "shortfalls": [
                    {"material": material, "promise": "三日内补交", "promised_by": "2026-02-20"}
                ]
            },
            {
                "shortfalls": ["none", 3, [{"material": material}], [None]],
                "shortfalls.0.promise": text(4000, required=True),
                "shortfalls.0.promised_by": BAD_DATES,
                "shortfalls.0.material": BAD_IDS,
            },
            "json",
        ),
        (
            "POST /api/cases/{case_id}/refuse",
            "clerk",
            f"/api/cases/{submitted}/refuse",
            {"reason": "材料不全"},
            {"reason": text(2000, required=True)},
            "json",
        ),
        (
            "POST /api/cases/{case_id}/withdraw",
            "applicant",
            f"/api/cases/{submitted}/withdraw",
            {"reason": "不再需要"},
            {"reason": text(1000, required=False)},
            "json",
        ),
        (
            "POST /api/cases/{case_id}/suspend",
            "lead",
            f"/api/cases/{in_review}/suspend",
            {"reason": "申请人申请中止"},
            {"reason": text(2000, required=True)},
            "json",
        ),
        (
            "POST /api/cases/{case_id}/fast-track",
            "lead",
            f"/api/cases/{in_review}/fast-track",
            {"reason": "重点项目"},
            {"reason": text(200, required=True)},
            "json",
        ),
        (
            "POST /api/cases/{case_id}/agent",
            "applicant",
            f"/api/cases/{submitted}/agent",
            {"agent": "agent"},
            {"agent": BAD_NAMES},
            "json",
        ),
        (
            "POST /api/cases/{case_id}/decide",
            "lead",
            f"/api/cases/{in_review}/decide",
            {"text": "准予"},
            {"text": text(4000, required=False)},
            "json",
        ),
        (
            "POST /api/cases/tasks/{task_id}/approve",
            "reviewer_a",
            f"/api/cases/tasks/{task_a}/approve",
            {"opinion": "同意", "conditions": "", "result_number": "地字第002号"},
            {
                "opinion": text(4000, required=False),
                "conditions": text(4000, required=False),
                "result_number": text(64, required=False),
            },
            "json",
        ),
        (
            "POST /api/cases/tasks/{task_id}/refuse",
            "reviewer_a",
            f"/api/cases/tasks/{task_a}/refuse",
            {"opinion": "不符合规划"},
            {"opinion": text(4000, required=True)},
            "json",
        ),
        (
            "POST /api/cases/tasks/{task_id}/supplement",
            "reviewer_a",
            f"/api/cases/tasks/{task_a}/supplement",
            {"reason": "补充红线图", "materials": []},
            {
                "reason": text(4000, required=True),
                "materials": bad_list([v for v in BAD_IDS if v not in ("", None, [1])]),
            },
            "json",
        ),
        (
            "POST /api/cases/tasks/{task_id}/supply",
            "applicant",
            f"/api/cases/tasks/{task_a}/supply",
            {"note": "已补充"},
            {"note": text(4000, required=False)},
            "form",
        ),
        (
            "POST /api/cases/tasks/{task_id}/pause",
            "reviewer_a",
            f"/api/cases/tasks/{task_a}/pause",
            {"kind": "hearing", "reason": "组织听证"},
            {
                "kind": [*text(16, required=True), "HEARING", "ｈｅａｒｉｎｇ", SQL],
                "reason": text(4000, required=True),
            },
            "json",
        ),
        (
            "POST /api/cases/{case_id}/meetings",
            "lead",
            f"/api/cases/{in_review}/meetings",
            {"scheduled_for": "2026-02-13T09:00:00+08:00", "place": "三楼会议室"},
            {
                "scheduled_for": BAD_MOMENTS,
                "place": text(100, required=False),
                "task_ids": bad_list([v for v in BAD_IDS if v not in ("", None, [1])]),
            },
            "json",
        ),
        (
            "POST /api/cases/meetings/{meeting_id}/record",
            "lead",
            f"/api/cases/meetings/{meeting}/record",
            {
                "resolutions": {
                    str(w["task_d"]): {"approve": True, "text": "同意", "conditions": ""}
                },
                "minutes": "会议纪要",
            },
            {
                "minutes": text(4000, required=False),
                "resolutions": [None, [], "同意", {}, {str(2**70): {"approve": True, "text": "x"}}],
                f"resolutions.{w['task_d']}.text": text(4000, required=True),
                f"resolutions.{w['task_d']}.approve": BAD_BOOLS,
                "attendance": [{"1": "正常\x00"}, {"1": "a" * 17}, {"a" * 21: "attended"}, []],
                "opinions": [{"1": "字" * 4001}, {"1": "付款\u202e"}, "意见"],
            },
            "json",
        ),
        (
            "POST /api/cases/authorisations",
            "applicant",
            "/api/cases/authorisations",
            {"agent": "agent"},
            {"agent": BAD_NAMES},
            "json",
        ),
        (
            "POST /api/cases/{case_id}/resume",
            "lead",
            f"/api/cases/{in_review}/resume",
            {},
            {},
            "json",
        ),
        (
            "POST /api/cases/tasks/{task_id}/resume",
            "reviewer_a",
            f"/api/cases/tasks/{task_a}/resume",
            {},
            {},
            "json",
        ),
        (
            "POST /api/cases/authorisations/{authorisation_id}/revoke",
            "applicant",
            f"/api/cases/authorisations/{authorisation}/revoke",
            {},
            {},
            "json",
        ),
        (
            "POST /api/documents/case/{case_id}/issue",
            "lead",
            f"/api/documents/case/{closed}/issue",
            {},
            {},
            "json",
        ),
        (
            "POST /api/documents/{document_id}/revoke",
            "lead",
            f"/api/documents/{document}/revoke",
            {"reason": "内容有误", "reissue": False},
            {"reason": text(1000, required=True), "reissue": BAD_BOOLS},
            "json",
        ),
    ]


def queries(w):
    """(label, actor, path, good parameters, {param: bad values}, [params that take odd but
    legal text]). One parameter at a time is replaced in the good ones."""
    number, code = w["progress"]
    return [
        ("GET /api/cases/", "clerk", "/api/cases/", {}, {"state": bad_query_text(20)}, ["state"]),
        (
            "GET /api/cases/tasks",
            "reviewer_a",
            "/api/cases/tasks",
            {},
            {"state": bad_query_text(20), "light": bad_query_text(8)},
            ["state", "light"],
        ),
        (
            "GET /api/cases/progress",
            None,
            "/api/cases/progress",
            {"number": number, "code": code},
            {"number": bad_query_text(32), "code": bad_query_text(8)},
            ["number", "code"],
        ),
        (
            "GET /api/catalog/items",
            None,
            "/api/catalog/items",
            {},
            {"q": bad_query_text(100), "department": bad_query_text(32)},
            ["q", "department"],
        ),
        (
            "GET /api/catalog/plan",
            None,
            "/api/catalog/plan",
            {"items": "A,B", "start": "2026-03-02"},
            {
                "project_type": [0, -1, 2**63, 2**70, "abc", "１"],
                "start": [d for d in BAD_DATES if d not in ("", None)],
                "items": bad_query_text(5000),
            },
            ["items"],
        ),
        (
            "GET /api/documents/verify",
            None,
            "/api/documents/verify",
            {},
            {"number": bad_query_text(100)},
            ["number"],
        ),
    ]


def id_paths() -> list[tuple[str, str, str]]:
    """(method, path template, parameter) for every operation with an id or code in its
    path, read from the OpenAPI schema so a new operation is attacked too."""
    from lianban.api import api

    found = []
    for path, methods in api.get_openapi_schema()["paths"].items():
        for method, operation in methods.items():
            for parameter in operation.get("parameters", []):
                if parameter["in"] == "path":
                    found.append((method.upper(), path, parameter["name"]))
    return found


# ---- sending and judging ----------------------------------------------------------------


def snapshot() -> tuple:
    """Every row of the domain (tokens aside: using one stamps last_used_at) and every
    stored file."""
    rows = {}
    for model in apps.get_models():
        if model._meta.app_label in {"cases", "documents", "catalog", "directory", "accounts"}:
            if model is not ApiToken:
                rows[model._meta.label] = list(model.objects.order_by("pk").values_list())
    media = Path(settings.MEDIA_ROOT)
    files = sorted(str(p) for p in media.rglob("*") if p.is_file()) if media.exists() else []
    return rows, files


def set_path(body: dict, dotted: str, value) -> dict:
    body = json.loads(json.dumps(body))
    *parents, last = dotted.split(".")
    target = body
    for part in parents:
        target = target[int(part)] if isinstance(target, list) else target[part]
    if isinstance(target, list):
        target[int(last)] = value
    else:
        target[last] = value
    return body


def refusal_problems(response) -> list[str]:
    """What is wrong with an answer that should be a refusal."""
    if not 400 <= response.status_code < 500:
        return [f"status {response.status_code}"]
    if not response["Content-Type"].startswith("application/json"):
        return [f"status {response.status_code} as {response['Content-Type']}"]
    body = response.json()
    if not (isinstance(body, dict) and isinstance(body.get("code"), str)):
        return [f"no code in {str(body)[:100]}"]
    if not CHINESE.search(str(body.get("message", ""))):
        return [f"message not Chinese: {str(body.get('message'))[:100]}"]
    return []


class Attack:
    """Sends hostile requests, checks each answer and the database, counts per endpoint."""

    def __init__(self, headers):
        self.client = Client(raise_request_exception=False)  # a 500 is a finding, not a crash
        self.headers = headers
        self.tried = Counter()
        self.failures = []

    def send(self, label, actor, method, path, *, body=None, raw=None, form=None, query=None):
        auth = self.headers.get(actor, {})
        extra = {"HTTP_AUTHORIZATION": auth["Authorization"]} if auth else {}
        if form is not None:
            return self.client.post(path, form, **extra)
        if raw is None and body is not None:
            raw = json.dumps(body).encode()
        if raw is not None:
            return self.client.generic(method, path, raw, "application/json", **extra)
        return self.client.generic(method, path, QUERY_STRING=query or "", **extra)

    def answer(self, label, actor, method, path, **kwargs):
        """The response, sent inside a savepoint: on PostgreSQL a failed query (a 500)
        aborts the transaction, and every later request of the test would fail with it."""
        savepoint = transaction.savepoint()
        response = self.send(label, actor, method, path, **kwargs)
        if response.status_code >= 500:
            transaction.savepoint_rollback(savepoint)
        else:
            transaction.savepoint_commit(savepoint)
        return response

    def refused(self, label, what, actor, method, path, **kwargs):
        """The request must be refused and change nothing."""
        self.tried[label] += 1
        before = snapshot()
        response = self.answer(label, actor, method, path, **kwargs)
        problems = refusal_problems(response)
        if snapshot() != before:
            problems.append("wrote to the database or the media directory")
        if problems:
            self.failures.append(f"{label} {what}: {'; '.join(problems)}")

    def harmless(self, label, what, actor, method, path, **kwargs):
        """Odd but legal input to a read: any answer but a 5xx, always JSON."""
        self.tried[label] += 1
        before = snapshot()
        response = self.answer(label, actor, method, path, **kwargs)
        problems = []
        if response.status_code >= 500:
            problems.append(f"status {response.status_code}")
        elif not response["Content-Type"].startswith("application/json"):
            problems.append(f"answered {response['Content-Type']}")
        if snapshot() != before:
            problems.append("wrote to the database or the media directory")
        if problems:
            self.failures.append(f"{label} {what}: {'; '.join(problems)}")

    def report(self, what: str) -> None:
        """Print the inputs tried per endpoint (run with -s -p no:xdist to see it), then
        fail with every finding at once."""
        width = max(len(label) for label in self.tried)
        print(f"\nhostile {what}: {sum(self.tried.values())} inputs")
        for label, count in sorted(self.tried.items()):
            print(f"  {label:<{width}}  {count:4d}")
        assert not self.failures, "\n".join(self.failures)


def short(value) -> str:
    text = repr(value)
    return text if len(text) <= 40 else f"{text[:37]}…({len(text)})"


@pytest.fixture
def county(world, catalog):  # noqa: F811
    in_review = world["ids"]["case_id"][1]
    return {
        **world,
        "material": catalog["form"].pk,
        "task_d": ReviewTask.objects.get(case_id=in_review, item__code="D").pk,
    }


def test_every_body_field_refuses_hostile_values_in_chinese_and_writes_nothing(county):
    attack = Attack(county["headers"])
    for label, actor, path, base, fields, kind in operations(county):
        for field, values in fields.items():
            for value in values:
                what = f"{field}={short(value)}"
                if kind == "form":
                    if not isinstance(value, str) or SURROGATE.search(value):
                        continue  # a form cannot carry them; JSON bodies can (RAW_BODIES)
                    form = {**base, field: value}
                    attack.refused(label, what, actor, "POST", path, form=form)
                else:
                    body = set_path(base, field, value)
                    attack.refused(label, what, actor, "POST", path, body=body)
        if kind == "json" and base:  # an operation without a body does not read one
            for name, raw in RAW_BODIES:
                attack.refused(label, f"body: {name}", actor, "POST", path, raw=raw)
    attack.report("body fields and raw bodies")


def test_every_query_parameter_refuses_hostile_values_and_survives_odd_text(county):
    attack = Attack(county["headers"])
    for label, actor, path, good, params, legal in queries(county):
        for param, values in params.items():
            for value in values:
                query = urlencode({**good, param: value})
                attack.refused(label, f"{param}={short(value)}", actor, "GET", path, query=query)
        for param in legal:
            for value in ODD_QUERY_TEXT:
                query = urlencode({**good, param: value})
                attack.harmless(label, f"{param}={short(value)}", actor, "GET", path, query=query)
    for label, path in [
        ("GET /api/cases/", "/api/cases/"),
        ("GET /api/cases/tasks", "/api/cases/tasks"),
        ("GET /api/catalog/items", "/api/catalog/items"),
    ]:
        actor = "clerk" if "cases" in path else None
        for params in BAD_PAGES:
            query = urlencode(params)
            attack.refused(label, query, actor, "GET", path, query=query)
    attack.report("query parameters and page numbers")


def test_every_id_in_a_path_refuses_what_no_row_can_have(county):
    attack = Attack(county["headers"])
    for method, template, name in id_paths():
        label = f"{method} {template}"
        bad_values = PATH_CODES if name == "code" else PATH_IDS
        for bad in bad_values:
            body = {"reason": "理由"} if method == "POST" else None
            path = template.replace("{" + name + "}", bad)
            attack.refused(label, f"{name}={bad}", "lead", method, path, body=body)
    attack.refused(
        "GET /api/<unknown>", "unknown path", "clerk", "GET", "/api/no/such/thing", query=""
    )
    attack.report("ids and codes in paths")


# ---- what odd but legal text becomes ---------------------------------------------------


def test_html_and_sql_in_an_opinion_are_kept_verbatim_and_answered_as_json(county):
    in_review = county["ids"]["case_id"][1]
    task_a = ReviewTask.objects.get(case_id=in_review, item__code="A")
    client = Client()
    auth = {"HTTP_AUTHORIZATION": county["headers"]["reviewer_a"]["Authorization"]}
    cases_before = Case.objects.count()
    response = client.post(
        f"/api/cases/tasks/{task_a.pk}/approve",
        json.dumps({"opinion": HTML, "conditions": SQL}),
        content_type="application/json",
        **auth,
    )
    assert response.status_code == 200, response.content
    assert response["Content-Type"].startswith("application/json")
    assert response["X-Content-Type-Options"] == "nosniff"
    task_a.refresh_from_db()
    assert (task_a.opinion, task_a.conditions) == (HTML, SQL)
    assert Case.objects.count() == cases_before


def test_full_width_and_mixed_scripts_in_free_text_are_ordinary_text(county):
    in_review = county["ids"]["case_id"][1]
    task_a = ReviewTask.objects.get(case_id=in_review, item__code="A")
    auth = {"HTTP_AUTHORIZATION": county["headers"]["reviewer_a"]["Authorization"]}
    opinion = "  同意（ＡＢＣ１２３），Ελληνικά и русский  "
    response = Client().post(
        f"/api/cases/tasks/{task_a.pk}/approve",
        json.dumps({"opinion": opinion}),
        content_type="application/json",
        **auth,
    )
    assert response.status_code == 200
    task_a.refresh_from_db()
    assert task_a.opinion == opinion.strip()


def test_a_refusal_names_the_field_and_says_what_is_wrong(county):
    in_review = county["ids"]["case_id"][1]
    auth = {"HTTP_AUTHORIZATION": county["headers"]["lead"]["Authorization"]}
    response = Client().post(
        f"/api/cases/{in_review}/suspend",
        json.dumps({"reason": "付款\u202e款付"}),
        content_type="application/json",
        **auth,
    )
    assert response.status_code == 422
    body = response.json()
    assert body["field"] == "reason"
    assert body["message"] == "理由含有不可见的控制字符（U+202E），请删除后重新输入。"


def test_a_page_past_the_last_is_refused_not_a_server_error(county):
    auth = {"HTTP_AUTHORIZATION": county["headers"]["clerk"]["Authorization"]}
    response = Client().get("/api/cases/", {"page": 2**63}, **auth)
    assert response.status_code == 422
    assert response.json()["field"] == "page"
