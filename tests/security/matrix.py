"""The authorisation matrix: every URL of the site and every API operation, against every role,
with the answer each role must get. test_authorisation_matrix.py builds the county the rows
name ({review}, {task_a}, ...) and sends every request; a URL pattern or API operation
without a row fails the test, so a new endpoint is added here when it is written.

The answers follow three rules:
- anonymous: a page sends to the login page, the API answers 401;
- an object the user may not see, or a page for another audience, answers 404 (its
  existence does not leak);
- an object the user may see but an action the user's role may not take answers 403;
  a page that is one audience's form (intake, withdraw, convene, decide, recording a
  meeting) answers 404 to everyone else, as it never shows them that form.

Unsafe requests that are refused must change nothing; the test checks every row and file.
Allowed unsafe requests act on the real objects inside a savepoint that is rolled back, so
every request finds the county as it was built."""

from dataclasses import dataclass, field
from typing import Any

ROLES = (
    "anonymous",
    "applicant",  # alice, who applied for every case here
    "charlie",  # another applicant: the outsider
    "agent",  # holds alice's authorisation
    "agent_unauthorised",
    "clerk",  # the service centre's window
    "reviewer_a",  # 自然资源局: task A of the case is theirs
    "reviewer_b",  # 住建局: has items in the case, but not task A
    "lead",  # the service centre's coordinator, lead department of the case
    "supervisor",
    "leader",
    "admin",
)

LOGIN = "login"  # 302 to /accounts/login/
ADMIN_LOGIN = "admin login"  # 302 to /admin/login/
MOVED = 302  # a redirect elsewhere: an allowed form post, or a role's own start page

# Who sees alice's cases led by the service centre with items in both departments.
SEES_CASE = frozenset(
    {
        "applicant",
        "agent",
        "clerk",
        "reviewer_a",
        "reviewer_b",
        "lead",
        "supervisor",
        "leader",
        "admin",
    }
)
# Task A (自然资源局): every one of them but the other department's reviewer.
SEES_TASK_A = SEES_CASE - {"reviewer_b"}
# Task D (住建局): the mirror image.
SEES_TASK_D = SEES_CASE - {"reviewer_a"}
# alice's case for item A alone, led by 自然资源局: the service centre is not involved.
SEES_FOREIGN = frozenset({"applicant", "agent", "reviewer_a", "supervisor", "leader", "admin"})
SIGNED_IN = frozenset(ROLES) - {"anonymous"}
PARTY = frozenset({"applicant", "agent"})
APPLICANTS = frozenset({"applicant", "charlie"})
APPLYING = frozenset({"applicant", "charlie", "agent", "agent_unauthorised"})
WINDOW = frozenset({"clerk", "lead"})
TASK_STAFF = frozenset({"reviewer_a", "reviewer_b", "lead"})
OVERSIGHT = frozenset({"supervisor", "leader", "admin"})


def answers(default, anonymous=LOGIN, **by_role) -> dict:
    """Every role's answer: `default` unless named."""
    unknown = set(by_role) - set(ROLES)
    assert not unknown, unknown
    table = {role: by_role.get(role, default) for role in ROLES}
    table["anonymous"] = by_role.get("anonymous", anonymous)
    return table


def gate(ok, allowed, sees=frozenset(), *, anonymous=LOGIN, refused=403, unseen=404) -> dict:
    """`allowed` get `ok`; those who see the object but may not act get `refused`; everyone
    else `unseen` (404: not theirs, or not a page for them)."""
    table = {}
    for role in ROLES:
        if role == "anonymous":
            table[role] = anonymous
        elif role in allowed:
            table[role] = ok
        elif role in sees:
            table[role] = refused
        else:
            table[role] = unseen
    return table


def public(status=200) -> dict:
    return answers(status, anonymous=status)


def api(ok, allowed, sees=frozenset(), **kw) -> dict:
    return gate(ok, allowed, sees, anonymous=401, **kw)


@dataclass(frozen=True)
class Row:
    """`route` names what the row covers: a URL pattern as the URLconf spells it, or "METHOD
    /api/path" as the OpenAPI schema does. `url` and `data` are filled from the county's ids."""

    route: str
    method: str
    url: str
    expect: dict
    data: Any = None  # dict, or a callable taking the ids (for fresh uploads)
    json: bool = False
    htmx: bool = False
    note: str = ""
    done: tuple = (200, 201, MOVED)  # the answers to an unsafe request that acted
    extra: dict = field(default_factory=dict)


def _file(name="补正.pdf"):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(
        name, b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n", "application/pdf"
    )


def _apply_form(ids):
    return {
        "title": "新建厂房项目",
        "applicant": ids["applicant_id"],
        **{f"material_{m}": _file() for m in ids["project_materials"]},
    }


def _apply_api(ids):
    return {
        "title": "新建厂房项目",
        "project_type": ids["project"],
        "applicant": "alice",
        **{f"material_{m}": _file() for m in ids["project_materials"]},
    }


def _supply(prefix, material):
    return lambda ids: {f"{prefix}material_{ids[material]}": _file(), f"{prefix}note": "已补正"}


def _record_form(ids):
    data = {"minutes": "会议同意。"}
    for department in ids["meeting_departments"]:
        data[f"attendance_{department}"] = "attended"
    data[f"resolve_{ids['meeting_task']}"] = "approve"
    data[f"text_{ids['meeting_task']}"] = "经联席会议研究，同意。"
    return data


def _record_api(ids):
    return {
        "attendance": {str(d): "attended" for d in ids["meeting_departments"]},
        "resolutions": {str(ids["meeting_task"]): {"approve": True, "text": "同意。"}},
        "minutes": "会议同意。",
    }


PAGES = [
    # ---- accounts
    Row("accounts/login/", "GET", "/accounts/login/", public()),
    Row("accounts/logout/", "GET", "/accounts/logout/", public(405)),
    Row("accounts/logout/", "POST", "/accounts/logout/", public(MOVED)),
    Row("accounts/logout-everywhere/", "GET", "/accounts/logout-everywhere/", answers(200)),
    Row(
        "accounts/logout-everywhere/",
        "POST",
        "/accounts/logout-everywhere/",
        answers(LOGIN),
        done=(LOGIN,),
        note="every session ends, this one too",
    ),
    Row("accounts/tokens/", "GET", "/accounts/tokens/", answers(200)),
    Row("accounts/tokens/", "POST", "/accounts/tokens/", answers(200), {"name": "脚本"}),
    Row(
        "accounts/tokens/<int:token_id>/revoke/",
        "POST",
        "/accounts/tokens/{alice_token}/revoke/",
        gate(MOVED, {"applicant"}),
        note="another user's token is not there",
    ),
    Row(
        "accounts/tokens/<int:token_id>/revoke/",
        "GET",
        "/accounts/tokens/{alice_token}/revoke/",
        answers(405),
    ),
    # ---- catalog: the public guide
    Row("catalog/", "GET", "/catalog/", public()),
    Row("catalog/items/<str:code>/", "GET", "/catalog/items/A/", public()),
    Row("catalog/projects/<int:pk>/", "GET", "/catalog/projects/{project}/", public()),
    # ---- portal
    Row("", "GET", "/", public()),
    Row("search/", "GET", "/search/?q=许可", public()),
    Row("progress/", "GET", "/progress/?number={review_number}&code={review_code}", public()),
    Row("progress/", "GET", "/progress/?number={review_number}&code=WRONG000", public(404)),
    Row("i18n/setlang/", "POST", "/i18n/setlang/", public(MOVED), {"language": "en"}),
    # ---- cases: each role's start page and lists
    Row("cases/", "GET", "/cases/", answers(MOVED)),
    Row("cases/mine/", "GET", "/cases/mine/", gate(200, APPLYING)),
    Row("cases/apply/", "GET", "/cases/apply/", gate(200, APPLYING)),
    Row(
        "cases/apply/",
        "POST",
        "/cases/apply/?project={project}",
        gate(MOVED, {"applicant", "charlie", "agent"}, unseen=404) | {"agent_unauthorised": 400},
        _apply_form,
        note="an agent may name only an applicant who authorised them: the form refuses",
    ),
    Row("cases/agents/", "GET", "/cases/agents/", gate(200, APPLYING)),
    Row(
        "cases/agents/",
        "POST",
        "/cases/agents/",
        gate(MOVED, APPLICANTS) | {"agent": 200, "agent_unauthorised": 200},
        lambda ids: {"agent": ids["agent_unauthorised_id"]},
        note="an agent's page lists what they hold and ignores the post",
    ),
    Row(
        "cases/agents/<int:pk>/revoke/",
        "POST",
        "/cases/agents/{authorisation}/revoke/",
        gate(MOVED, {"applicant"}),
    ),
    Row(
        "cases/agents/<int:pk>/revoke/",
        "GET",
        "/cases/agents/{authorisation}/revoke/",
        public(405),
    ),
    Row("cases/notifications/", "GET", "/cases/notifications/", answers(200)),
    Row("cases/notifications/read/", "POST", "/cases/notifications/read/", answers(MOVED)),
    Row("cases/notifications/read/", "GET", "/cases/notifications/read/", public(405)),
    Row("cases/intake/", "GET", "/cases/intake/", gate(200, WINDOW)),
    Row("cases/tasks/", "GET", "/cases/tasks/", gate(200, TASK_STAFF)),
    Row("cases/tasks/", "GET", "/cases/tasks/?state=in_review", gate(200, TASK_STAFF), htmx=True),
    Row("cases/led/", "GET", "/cases/led/", gate(200, {"lead"})),
    Row("cases/board/", "GET", "/cases/board/", gate(200, OVERSIGHT)),
    Row("cases/board/audit/", "POST", "/cases/board/audit/", gate(200, OVERSIGHT)),
    Row("cases/board/audit/", "GET", "/cases/board/audit/", public(405)),
    Row("cases/board/figures/", "GET", "/cases/board/figures/", gate(200, OVERSIGHT)),
    Row(
        "cases/board/figures/",
        "GET",
        "/cases/board/figures/?start=2026-03-01",
        gate(400, OVERSIGHT),
        note="half a range: the page says so, with this year's figures",
    ),
    Row(
        "cases/board/figures/workbook/",
        "GET",
        "/cases/board/figures/workbook/",
        gate(200, OVERSIGHT),
    ),
    Row("jobs/", "GET", "/jobs/", gate(200, OVERSIGHT)),
    Row(
        "jobs/<uuid:pk>/retry/",
        "POST",
        "/jobs/{failed_job}/retry/",
        gate(MOVED, {"admin"}, OVERSIGHT),
    ),
    Row("jobs/<uuid:pk>/retry/", "GET", "/jobs/{failed_job}/retry/", public(405)),
    # ---- one case
    Row("cases/<int:pk>/", "GET", "/cases/{review}/", gate(200, SEES_CASE)),
    Row("cases/<int:pk>/", "GET", "/cases/{foreign}/", gate(200, SEES_FOREIGN)),
    Row("cases/<int:pk>/", "GET", "/cases/999999/", gate(404, set())),
    Row(
        "cases/materials/<int:pk>/",
        "GET",
        "/cases/materials/{material}/",
        gate(200, SEES_CASE),
    ),
    Row(
        "cases/<int:pk>/withdraw/",
        "GET",
        "/cases/{submitted}/withdraw/",
        gate(200, PARTY),
        note="the withdraw page is the party's; to the others it does not exist",
    ),
    Row(
        "cases/<int:pk>/withdraw/",
        "POST",
        "/cases/{submitted}/withdraw/",
        gate(MOVED, PARTY),
        {"reason": "项目调整"},
    ),
    Row(
        "cases/<int:pk>/supply/",
        "POST",
        "/cases/{notice}/supply/",
        gate(MOVED, PARTY, SEES_CASE),
        _supply("", "form_material"),
    ),
    Row(
        "cases/<int:pk>/shortfalls/<int:shortfall_pk>/supply/",
        "POST",
        "/cases/{review}/shortfalls/{shortfall}/supply/",
        gate(MOVED, PARTY, SEES_CASE),
        lambda ids: _supply(f"s{ids['shortfall']}-", "filing_material")(ids),
    ),
    Row("cases/<int:pk>/intake/", "GET", "/cases/{submitted}/intake/", gate(200, WINDOW)),
    Row(
        "cases/<int:pk>/intake/",
        "POST",
        "/cases/{submitted}/intake/",
        gate(MOVED, WINDOW),
        {"action": "accept"},
    ),
    Row("cases/<int:pk>/intake/", "GET", "/cases/{foreign}/intake/", gate(404, set())),
    Row(
        "cases/<int:pk>/meetings/new/", "GET", "/cases/{review}/meetings/new/", gate(200, {"lead"})
    ),
    Row(
        "cases/<int:pk>/meetings/new/",
        "POST",
        "/cases/{review}/meetings/new/",
        gate(MOVED, {"lead"}),
        lambda ids: {"scheduled_for": "2026-02-12T09:00", "tasks": [ids["task_d"]]},
    ),
    Row(
        "cases/<int:pk>/decide/",
        "POST",
        "/cases/{ready}/decide/",
        gate(MOVED, {"lead"}),
        {"text": "同意。"},
    ),
    Row("cases/<int:pk>/decide/", "GET", "/cases/{ready}/decide/", public(405)),
    # 办件管理: the lead department's forms on the case page, as decide above.
    Row(
        "cases/<int:pk>/fast-track/",
        "POST",
        "/cases/{review}/fast-track/",
        gate(MOVED, {"lead"}),
        {"fast_track-reason": "重点项目"},
    ),
    Row("cases/<int:pk>/fast-track/", "GET", "/cases/{review}/fast-track/", public(405)),
    Row(
        "cases/<int:pk>/suspend/",
        "POST",
        "/cases/{review}/suspend/",
        gate(MOVED, {"lead"}),
        {"suspend-reason": "申请人要求中止"},
    ),
    Row("cases/<int:pk>/suspend/", "GET", "/cases/{review}/suspend/", public(405)),
    Row("cases/<int:pk>/resume/", "POST", "/cases/{suspended}/resume/", gate(MOVED, {"lead"})),
    Row("cases/<int:pk>/resume/", "GET", "/cases/{suspended}/resume/", public(405)),
    # ---- review tasks
    Row("cases/tasks/<int:pk>/", "GET", "/cases/tasks/{task_a}/", gate(200, SEES_TASK_A)),
    Row(
        "cases/tasks/<int:pk>/",
        "POST",
        "/cases/tasks/{task_a}/",
        gate(MOVED, {"reviewer_a"}, SEES_TASK_A),
        {"action": "approve", "approve-opinion": "符合规划。"},
    ),
    Row(
        "cases/tasks/<int:pk>/",
        "POST",
        "/cases/tasks/{task_a}/",
        gate(200, {"reviewer_a"}, SEES_TASK_A),
        {"action": "refuse", "refuse-opinion": "不符合规划。"},
        htmx=True,
    ),
    Row(
        "cases/tasks/<int:pk>/",
        "POST",
        "/cases/tasks/{task_d_paused}/",
        gate(MOVED, {"reviewer_b"}, SEES_TASK_D),
        {"action": "resume"},
        note="the clock of the expert review restarts",
    ),
    Row(
        "cases/tasks/<int:pk>/supply/",
        "POST",
        "/cases/tasks/{task_a_paused}/supply/",
        gate(MOVED, PARTY, SEES_TASK_A),
        lambda ids: _supply(f"t{ids['task_a_paused']}-", "filing_material")(ids),
    ),
    # ---- the joint meeting
    Row("cases/meetings/<int:pk>/", "GET", "/cases/meetings/{meeting}/", gate(200, SEES_CASE)),
    Row(
        "cases/meetings/<int:pk>/",
        "POST",
        "/cases/meetings/{meeting}/",
        gate(MOVED, {"lead"}),
        _record_form,
        note="recording is the lead's form: to the others it does not exist",
    ),
    # ---- documents
    Row("documents/verify/", "GET", "/documents/verify/?number={document_number}", public()),
    Row("documents/verify/", "POST", "/documents/verify/", public(400), note="no file"),
    Row("documents/case/<int:case_id>/", "GET", "/documents/case/{closed}/", gate(200, SEES_CASE)),
    Row(
        "documents/case/<int:case_id>/issue/",
        "POST",
        "/documents/case/{decided}/issue/",
        gate(MOVED, {"lead"}, SEES_CASE),
    ),
    Row(
        "documents/case/<int:case_id>/issue/",
        "GET",
        "/documents/case/{decided}/issue/",
        answers(405),
    ),
    Row(
        "documents/<int:pk>/revoke/",
        "POST",
        "/documents/{document}/revoke/",
        gate(MOVED, {"lead"}, SEES_CASE),
        {"reason": "文号有误"},
    ),
    Row(
        "documents/<int:pk>/download/",
        "GET",
        "/documents/{document}/download/",
        gate(200, SEES_CASE),
    ),
    Row(
        "documents/voucher/<int:pk>/download/",
        "GET",
        "/documents/voucher/{voucher}/download/",
        gate(200, SEES_CASE),
    ),
    # ---- the API's own pages
    Row("api/openapi.json", "GET", "/api/openapi.json", public()),
    Row("api/docs", "GET", "/api/docs", public()),
]

# The build_case cases (decided, closed, ready) have tasks in both departments too.
API = [
    Row("GET /api/catalog/items", "GET", "/api/catalog/items", public()),
    Row("GET /api/catalog/items/{code}", "GET", "/api/catalog/items/A", public()),
    Row("GET /api/catalog/project-types", "GET", "/api/catalog/project-types", public()),
    Row(
        "GET /api/catalog/project-types/{pk}",
        "GET",
        "/api/catalog/project-types/{project}",
        public(),
    ),
    Row(
        "GET /api/catalog/plan",
        "GET",
        "/api/catalog/plan?project_type={project}&start=2026-02-10",
        public(),
    ),
    Row("GET /api/cases/", "GET", "/api/cases/", api(200, SIGNED_IN)),
    Row(
        "POST /api/cases/",
        "POST",
        "/api/cases/",
        api(200, {"applicant", "charlie", "agent"}, SIGNED_IN) | {"agent_unauthorised": 404},
        _apply_api,
        note="charlie applies for himself; an agent without alice's authorisation gets 404",
    ),
    Row("GET /api/cases/tasks", "GET", "/api/cases/tasks", api(200, SIGNED_IN)),
    Row(
        "GET /api/cases/tasks/{task_id}",
        "GET",
        "/api/cases/tasks/{task_a}",
        api(200, SEES_TASK_A),
    ),
    Row(
        "GET /api/cases/progress",
        "GET",
        "/api/cases/progress?number={review_number}&code={review_code}",
        public(),
    ),
    Row("GET /api/cases/{case_id}", "GET", "/api/cases/{review}", api(200, SEES_CASE)),
    Row("GET /api/cases/{case_id}", "GET", "/api/cases/{foreign}", api(200, SEES_FOREIGN)),
    Row(
        "GET /api/cases/{case_id}/events",
        "GET",
        "/api/cases/{review}/events",
        api(200, SEES_CASE),
    ),
    Row(
        "POST /api/cases/{case_id}/notice",
        "POST",
        "/api/cases/{submitted}/notice",
        api(200, WINDOW, SEES_CASE),
        lambda ids: {"problems": [{"material": ids["form_material"], "problem": "未盖章"}]},
        json=True,
    ),
    Row(
        "POST /api/cases/{case_id}/supply",
        "POST",
        "/api/cases/{notice}/supply",
        api(200, PARTY, SEES_CASE),
        _supply("", "form_material"),
    ),
    Row(
        "POST /api/cases/{case_id}/accept",
        "POST",
        "/api/cases/{submitted}/accept",
        api(200, WINDOW, SEES_CASE),
        {},
        json=True,
    ),
    Row(
        "POST /api/cases/{case_id}/accept",
        "POST",
        "/api/cases/{foreign}/accept",
        api(200, set(), SEES_FOREIGN),
        {},
        json=True,
        note="the service centre's window does not see 自然资源局's own case",
    ),
    Row(
        "POST /api/cases/{case_id}/refuse",
        "POST",
        "/api/cases/{submitted}/refuse",
        api(200, WINDOW, SEES_CASE),
        {"reason": "不属于受理范围"},
        json=True,
    ),
    Row(
        "POST /api/cases/{case_id}/withdraw",
        "POST",
        "/api/cases/{submitted}/withdraw",
        api(200, PARTY, SEES_CASE),
        {"reason": "项目调整"},
        json=True,
    ),
    Row(
        "POST /api/cases/{case_id}/suspend",
        "POST",
        "/api/cases/{review}/suspend",
        api(200, {"lead"}, SEES_CASE),
        {"reason": "申请人要求中止"},
        json=True,
    ),
    Row(
        "POST /api/cases/{case_id}/resume",
        "POST",
        "/api/cases/{suspended}/resume",
        api(200, {"lead"}, SEES_CASE),
        {},
        json=True,
    ),
    Row(
        "POST /api/cases/{case_id}/fast-track",
        "POST",
        "/api/cases/{review}/fast-track",
        api(200, {"lead"}, SEES_CASE),
        {"reason": "重点项目"},
        json=True,
    ),
    Row(
        "POST /api/cases/{case_id}/agent",
        "POST",
        "/api/cases/{review}/agent",
        api(200, {"applicant", "clerk", "lead"}, SEES_CASE),
        {"agent": "agent"},
        json=True,
    ),
    Row(
        "POST /api/cases/{case_id}/decide",
        "POST",
        "/api/cases/{ready}/decide",
        api(200, {"lead"}, SEES_CASE),
        {"text": "同意。"},
        json=True,
    ),
    Row(
        "POST /api/cases/tasks/{task_id}/approve",
        "POST",
        "/api/cases/tasks/{task_a}/approve",
        api(200, {"reviewer_a"}, SEES_TASK_A),
        {"opinion": "符合规划。"},
        json=True,
    ),
    Row(
        "POST /api/cases/tasks/{task_id}/refuse",
        "POST",
        "/api/cases/tasks/{task_a}/refuse",
        api(200, {"reviewer_a"}, SEES_TASK_A),
        {"opinion": "不符合规划。"},
        json=True,
    ),
    Row(
        "POST /api/cases/tasks/{task_id}/supplement",
        "POST",
        "/api/cases/tasks/{task_a}/supplement",
        api(200, {"reviewer_a"}, SEES_TASK_A),
        {"reason": "请补充备案证明。"},
        json=True,
    ),
    Row(
        "POST /api/cases/tasks/{task_id}/supply",
        "POST",
        "/api/cases/tasks/{task_a_paused}/supply",
        api(200, PARTY, SEES_TASK_A),
        _supply("", "filing_material"),
    ),
    Row(
        "POST /api/cases/tasks/{task_id}/pause",
        "POST",
        "/api/cases/tasks/{task_a}/pause",
        api(200, {"reviewer_a"}, SEES_TASK_A),
        {"kind": "expert", "reason": "专家评审"},
        json=True,
    ),
    Row(
        "POST /api/cases/tasks/{task_id}/resume",
        "POST",
        "/api/cases/tasks/{task_d_paused}/resume",
        api(200, {"reviewer_b"}, SEES_TASK_D),
        {},
        json=True,
    ),
    Row(
        "POST /api/cases/{case_id}/meetings",
        "POST",
        "/api/cases/{review}/meetings",
        api(200, {"lead"}, SEES_CASE),
        {"scheduled_for": "2026-02-12T09:00:00+08:00"},
        json=True,
    ),
    Row(
        "POST /api/cases/meetings/{meeting_id}/record",
        "POST",
        "/api/cases/meetings/{meeting}/record",
        api(200, {"lead"}, SEES_CASE),
        _record_api,
        json=True,
    ),
    Row(
        "POST /api/cases/authorisations",
        "POST",
        "/api/cases/authorisations",
        api(200, APPLICANTS, SIGNED_IN),
        {"agent": "agent_unauthorised"},
        json=True,
        note="charlie authorises for himself",
    ),
    Row(
        "POST /api/cases/authorisations/{authorisation_id}/revoke",
        "POST",
        "/api/cases/authorisations/{authorisation}/revoke",
        api(200, {"applicant"}),
        {},
        json=True,
    ),
    Row(
        "GET /api/documents/verify",
        "GET",
        "/api/documents/verify?number={document_number}",
        public(),
    ),
    Row("POST /api/documents/verify", "POST", "/api/documents/verify", public(422), {}),
    Row(
        "GET /api/documents/{document_id}",
        "GET",
        "/api/documents/{document}",
        api(200, SEES_CASE),
    ),
    Row(
        "POST /api/documents/case/{case_id}/issue",
        "POST",
        "/api/documents/case/{decided}/issue",
        api(201, {"lead"}, SEES_CASE),
        {},
        json=True,
    ),
    Row(
        "POST /api/documents/{document_id}/revoke",
        "POST",
        "/api/documents/{document}/revoke",
        api(200, {"lead"}, SEES_CASE),
        {"reason": "文号有误"},
        json=True,
    ),
    Row("GET /api/public/health", "GET", "/api/public/health", public()),
    Row("GET /api/public/statistics", "GET", "/api/public/statistics", public()),
    Row("GET /api/accounts/me", "GET", "/api/accounts/me", api(200, SIGNED_IN)),
]


# What the engine records is never added or deleted by hand, not even by an administrator.
RECORDED = {
    "case",
    "reviewtask",
    "caseevent",
    "notice",
    "jointmeeting",
    "authorisation",
    "notification",
    "approvaldocument",
    "loginattempt",
    "lookupfailure",
    "dbtaskresult",
    # Made by their owner on the token page (its key shown once), never typed in here.
    "apitoken",
    "intakevoucher",
}
UNDELETABLE = {
    "itemversion",  # a published version of an item stays for the cases using it
    "approvalitem",  # an item is retired, never deleted (catalog/admin.py)
    "material",  # not while an item asks for it, and the first one here is asked for
}


def admin_rows(registry) -> list[Row]:
    """The admin: staff only. Every registered model's list, add, change and delete pages,
    and the admin's own pages; `registry` is admin.site._registry. Object pages carry
    {pk}, filled with the model's first row."""
    staff = answers(ADMIN_LOGIN, anonymous=ADMIN_LOGIN, admin=200)
    never = staff | {"admin": 403}
    rows = [
        Row("admin/", "GET", "/admin/", staff),
        Row("admin/login/", "GET", "/admin/login/", answers(200, anonymous=200, admin=MOVED)),
        Row("admin/logout/", "POST", "/admin/logout/", public(MOVED)),
        Row("admin/password_change/", "GET", "/admin/password_change/", staff),
        Row("admin/password_change/done/", "GET", "/admin/password_change/done/", staff),
        Row(
            "admin/autocomplete/",
            "GET",
            "/admin/autocomplete/?app_label=accounts&model_name=user&field_name=groups",
            staff,
        ),
        Row("admin/jsi18n/", "GET", "/admin/jsi18n/", staff),
        Row(
            "admin/r/<path:content_type_id>/<path:object_id>/",
            "GET",
            "/admin/r/1/999999/",
            staff | {"admin": 404},
        ),
        Row("admin/(?P<url>.*)$", "GET", "/admin/no-such-page/", staff | {"admin": 404}),
        Row(
            "admin/accounts/user/<id>/password/",
            "GET",
            "/admin/accounts/user/{applicant_id}/password/",
            staff,
        ),
    ]
    apps_seen = set()
    for model in registry:
        app, name = model._meta.app_label, model._meta.model_name
        if app not in apps_seen:
            apps_seen.add(app)
            rows.append(Row("admin/<app_label>/", "GET", f"/admin/{app}/", staff))
        base = f"admin/{app}/{name}/"
        on = {"model": model}
        rows += [
            Row(base, "GET", f"/{base}", staff),
            Row(f"{base}add/", "GET", f"/{base}add/", never if name in RECORDED else staff),
            Row(
                f"{base}<path:object_id>/change/", "GET", f"/{base}{{pk}}/change/", staff, extra=on
            ),
            Row(
                f"{base}<path:object_id>/delete/",
                "GET",
                f"/{base}{{pk}}/delete/",
                never if name in RECORDED | UNDELETABLE else staff,
                extra=on,
            ),
        ]
    # An object's history, and its bare address (a redirect to its change page), are the
    # same view for every model: one model stands for all.
    rows += [
        Row(
            "admin/<app_label>/<model_name>/<path:object_id>/history/",
            "GET",
            "/admin/accounts/user/{applicant_id}/history/",
            staff,
        ),
        Row(
            "admin/<app_label>/<model_name>/<path:object_id>/",
            "GET",
            "/admin/accounts/user/{applicant_id}/",
            staff | {"admin": MOVED},
        ),
    ]
    return rows
