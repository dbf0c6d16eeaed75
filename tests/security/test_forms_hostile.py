"""Hostile input through every form of the site: each bad value gets a Chinese message beside
its field and writes nothing; each odd but harmless value (markup, SQL, other scripts) is
kept exactly as typed and shown escaped wherever it appears."""

import datetime as dt
import subprocess
from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import quote

import pytest
from django.utils.html import escape

from cases import engine, intake, review, uploads
from cases.models import Case, JointMeeting, ReviewTask
from documents.render import DocumentData, ItemDecision, render_pdf
from documents.render import html as render_html
from lianban import clock

from .conftest import (
    BLANKS,
    CONTROL_CHARACTERS,
    CONTROL_MESSAGE,
    DATE_MESSAGE,
    FAR_DATES,
    LITERALS,
    REQUIRED_MESSAGE,
    SCRIPT,
    TRIED,
    pdf,
    snapshot,
    stored,
)

ESCAPED_SCRIPT = "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;"


def body(response) -> str:
    return response.content.decode()


def assert_refused(response, message, before, status=400):
    assert response.status_code == status, body(response)[:2000]
    assert message in body(response)
    assert snapshot() == before


def assert_escaped(page: str) -> None:
    assert SCRIPT not in page
    assert "<script>alert" not in page
    assert ESCAPED_SCRIPT in page


def bad_texts(limit: int, *, required: bool) -> list:
    """(label, value, message) for a text field of `limit` characters."""
    values = [(name, value, CONTROL_MESSAGE) for name, value in CONTROL_CHARACTERS]
    values.append(("oversized", "长" * (limit + 1), f"最多{limit}个字"))
    values.append(("oversized 1 MB", "x" * 1_000_000, f"最多{limit}个字"))
    if required:
        values += [(f"blank {v!r}", v, REQUIRED_MESSAGE) for v in BLANKS]
    return values


# ---- applying ---------------------------------------------------------------------------


@pytest.mark.parametrize(("label", "title", "message"), bad_texts(200, required=True))
def test_apply_refuses_a_bad_title_and_writes_nothing(
    client, travel, catalog, applicant, all_papers, label, title, message
):
    TRIED["POST /cases/apply/ (title)"] += 1
    travel(2026, 2, 10)
    client.force_login(applicant)
    before = snapshot()
    response = client.post(
        f"/cases/apply/?project={catalog['project'].pk}",
        {"title": title, **{f"material_{k}": f for k, f in all_papers().items()}},
    )
    assert_refused(response, message, before)


@pytest.mark.parametrize(("label", "title"), LITERALS)
def test_apply_keeps_odd_titles_as_typed_and_shows_them_escaped(
    client, travel, catalog, applicant, all_papers, label, title
):
    TRIED["POST /cases/apply/ (title)"] += 1
    travel(2026, 2, 10)
    client.force_login(applicant)
    response = client.post(
        f"/cases/apply/?project={catalog['project'].pk}",
        {"title": title, **{f"material_{k}": f for k, f in all_papers().items()}},
    )
    assert response.status_code == 302
    case = Case.objects.get()
    assert case.title == title
    if title == SCRIPT:
        for url in (f"/cases/{case.pk}/", "/cases/mine/"):
            assert_escaped(body(client.get(url)))


# ---- every other form of the case pages, from one table ---------------------------------
#
# A spec names the state the case must be in, who posts, where, the form's data with the
# value under test in one field, that field's limit, and the message a blank value gets.


@dataclass(frozen=True)
class Spec:
    state: str
    user: str
    url: Callable  # world -> path
    data: Callable  # (world, value) -> POST data
    limit: int
    blank: str | None = None  # the message for a blank value; None: blank is allowed
    shown: bool = True  # on the case, task or meeting page (a note goes to the events only)


@dataclass
class World:
    case: Case
    catalog: dict
    meeting: JointMeeting | None = None

    def t(self, code) -> int:
        return ReviewTask.objects.get(case=self.case, item__code=code).pk

    def m(self, key) -> int:
        return self.catalog[key].pk


def _intake(w):
    return f"/cases/{w.case.pk}/intake/"


def _task_a(w):
    return f"/cases/tasks/{w.t('A')}/"


def _meeting(w, **fields):
    a, d = w.t("A"), w.t("D")
    data = {f"resolve_{a}": "refuse", f"text_{a}": "不予许可", f"resolve_{d}": "approve"}
    data[f"text_{d}"] = "同意"
    for p in w.meeting.participants.all():
        data[f"attendance_{p.department_id}"] = "attended"
    return data | fields


SPECS = {
    "withdraw: reason": Spec(
        "submitted",
        "applicant",
        lambda w: f"/cases/{w.case.pk}/withdraw/",
        lambda w, v: {"reason": v},
        1000,
    ),
    "intake: refusal reason": Spec(
        "submitted",
        "clerk",
        _intake,
        lambda w, v: {"action": "refuse", "reason": v},
        2000,
        blank="不予受理须说明理由",
    ),
    "intake: notice problem": Spec(
        "submitted",
        "clerk",
        _intake,
        lambda w, v: {
            "action": "notice",
            f"faulty_{w.m('filing')}": "on",
            f"problem_{w.m('filing')}": v,
        },
        500,
        blank="请写明这份材料的问题",
    ),
    "intake: 容缺 promise": Spec(
        "submitted",
        "clerk",
        _intake,
        lambda w, v: {
            "action": "accept",
            f"faulty_{w.m('filing')}": "on",
            f"shortfall_{w.m('filing')}": "on",
            f"promise_{w.m('filing')}": v,
            f"promised_by_{w.m('filing')}": "2026-03-02",
        },
        1000,
        blank="请填写申请人的书面承诺",
    ),
    "notice supply: note": Spec(
        "notice",
        "applicant",
        lambda w: f"/cases/{w.case.pk}/supply/",
        lambda w, v: {"note": v, f"material_{w.m('filing')}": pdf("filing.pdf")},
        500,
        shown=False,
    ),
    "task approve: opinion": Spec(
        "accepted",
        "reviewer_a",
        _task_a,
        lambda w, v: {"action": "approve", "approve-opinion": v},
        4000,
    ),
    "task approve: conditions": Spec(
        "accepted",
        "reviewer_a",
        _task_a,
        lambda w, v: {"action": "approve", "approve-conditions": v},
        4000,
    ),
    "task approve: licence number": Spec(
        "accepted",
        "reviewer_a",
        _task_a,
        lambda w, v: {"action": "approve", "approve-result_number": v},
        64,
        shown=False,
    ),
    "task refuse: opinion": Spec(
        "accepted",
        "reviewer_a",
        _task_a,
        lambda w, v: {"action": "refuse", "refuse-opinion": v},
        4000,
        blank=REQUIRED_MESSAGE,
    ),
    "task supplement: reason": Spec(
        "accepted",
        "reviewer_a",
        _task_a,
        lambda w, v: {"action": "supplement", "supplement-reason": v},
        4000,
        blank=REQUIRED_MESSAGE,
    ),
    "task exclude time: reason": Spec(
        "accepted",
        "reviewer_a",
        _task_a,
        lambda w, v: {"action": "exclude", "exclude-kind": "hearing", "exclude-reason": v},
        4000,
        blank=REQUIRED_MESSAGE,
    ),
    "supplement supply: note": Spec(
        "supplement",
        "applicant",
        lambda w: f"/cases/tasks/{w.t('A')}/supply/",
        lambda w, v: {
            f"t{w.t('A')}-note": v,
            f"t{w.t('A')}-material_{w.m('form')}": pdf("form.pdf"),
        },
        500,
        shown=False,
    ),
    "convene: place": Spec(
        "referred",
        "lead",
        lambda w: f"/cases/{w.case.pk}/meetings/new/",
        lambda w, v: {
            "scheduled_for": "2026-02-24T14:30",
            "place": v,
            "tasks": [w.t("A"), w.t("D")],
        },
        100,
    ),
    "meeting: minutes": Spec(
        "convened",
        "lead",
        lambda w: f"/cases/meetings/{w.meeting.pk}/",
        lambda w, v: _meeting(w, minutes=v),
        4000,
    ),
    "meeting: resolution": Spec(
        "convened",
        "lead",
        lambda w: f"/cases/meetings/{w.meeting.pk}/",
        lambda w, v: _meeting(w, **{f"text_{w.t('A')}": v}),
        4000,
        blank=REQUIRED_MESSAGE,
    ),
    "meeting: conditions": Spec(
        "convened",
        "lead",
        lambda w: f"/cases/meetings/{w.meeting.pk}/",
        lambda w, v: _meeting(w, **{f"conditions_{w.t('D')}": v}),
        4000,
    ),
    "meeting: department opinion": Spec(
        "convened",
        "lead",
        lambda w: f"/cases/meetings/{w.meeting.pk}/",
        lambda w, v: _meeting(
            w,
            **{
                f"attendance_{w.catalog['A'].department_id}": "opinion",
                f"opinion_{w.catalog['A'].department_id}": v,
            },
        ),
        4000,
    ),
    "decide: text": Spec(
        "resolved",
        "lead",
        lambda w: f"/cases/{w.case.pk}/decide/",
        lambda w, v: {"text": v},
        4000,
    ),
}


@pytest.fixture
def world(request, travel, catalog, applicant, clerk, lead, reviewer_a, reviewer_b, all_papers):
    """Builds the case in the state a spec names (request.param)."""
    state = request.param
    travel(2026, 2, 10)
    case = engine.apply(
        applicant, title="示范机械厂房项目", project_type=catalog["project"], files=all_papers()
    )
    w = World(case, catalog)
    if state == "notice":
        intake.issue_notice(case.pk, clerk, [{"material": w.m("filing"), "problem": "缺"}])
    if state in ("accepted", "supplement", "referred", "convened", "resolved"):
        intake.accept(case.pk, clerk)
        travel(2026, 2, 20)
    if state == "supplement":
        review.request_supplement(w.t("A"), reviewer_a, reason="请补正", materials=[w.m("form")])
    if state in ("referred", "convened", "resolved"):
        review.refuse_task(w.t("A"), reviewer_a, opinion="选址与规划不符")
        review.approve_task(w.t("D"), reviewer_b, opinion="同意")
    if state in ("convened", "resolved"):
        w.meeting = review.convene_meeting(case.pk, lead, scheduled_for=clock.now())
    if state == "resolved":
        review.record_meeting(
            w.meeting.pk,
            lead,
            attendance={"opinions": {}},
            resolutions={
                str(w.t("A")): {"approve": False, "text": "不予许可"},
                str(w.t("D")): {"approve": True, "text": "同意"},
            },
        )
    return w


def _cases(kind: str):
    for name, spec in SPECS.items():
        values = (
            bad_texts(spec.limit, required=spec.blank is not None)
            if kind == "bad"
            else [(label, value, None) for label, value in LITERALS]
        )
        for label, value, message in values:
            if message == REQUIRED_MESSAGE and spec.blank:
                message = spec.blank
            yield pytest.param(spec.state, spec, value, message, name, id=f"{name}-{label}")


@pytest.mark.parametrize(
    ("world", "spec", "value", "message", "name"), list(_cases("bad")), indirect=["world"]
)
def test_every_case_form_refuses_bad_text_with_a_message_and_writes_nothing(
    client, world, request, spec, value, message, name
):
    TRIED[name] += 1
    client.force_login(request.getfixturevalue(spec.user))
    before = snapshot()
    response = client.post(spec.url(world), spec.data(world, value))
    assert_refused(response, message, before)


@pytest.mark.parametrize(
    ("world", "spec", "value", "message", "name"), list(_cases("literal")), indirect=["world"]
)
def test_every_case_form_keeps_odd_text_as_typed_and_pages_show_it_escaped(
    client, world, request, spec, value, message, name
):
    TRIED[name] += 1
    client.force_login(request.getfixturevalue(spec.user))
    response = client.post(spec.url(world), spec.data(world, value))
    assert response.status_code == 302, body(response)[:3000]
    assert stored(value)
    pages = [f"/cases/{world.case.pk}/"] + [
        f"/cases/tasks/{t}/" for t in world.case.tasks.values_list("pk", flat=True)
    ]
    if world.meeting:
        pages.append(f"/cases/meetings/{world.meeting.pk}/")
    shown = []
    for user in ("applicant", "clerk", "lead", "reviewer_a"):
        client.force_login(request.getfixturevalue(user))
        for page in pages:
            text = body(client.get(page))
            assert "<script>alert" not in text
            shown.append(escape(value) in text)
    assert any(shown) == spec.shown


# ---- dates ------------------------------------------------------------------------------

BAD_DAYS = [(d, DATE_MESSAGE) for d in FAR_DATES] + [
    ("2026-02-30", "有效的日期"),
    ("明天", "有效的日期"),
    ("2026-02-10'; --", "有效的日期"),
]


@pytest.mark.parametrize(("world"), ["submitted"], indirect=True)
@pytest.mark.parametrize(("day", "message"), BAD_DAYS)
def test_a_promised_date_out_of_range_is_refused_and_nothing_is_accepted(
    client, world, clerk, day, message
):
    TRIED["intake: 容缺 promised date"] += 1
    client.force_login(clerk)
    before = snapshot()
    filing = world.m("filing")
    response = client.post(
        f"/cases/{world.case.pk}/intake/",
        {
            "action": "accept",
            f"faulty_{filing}": "on",
            f"shortfall_{filing}": "on",
            f"promise_{filing}": "一周内补交",
            f"promised_by_{filing}": day,
        },
    )
    assert_refused(response, message, before)


@pytest.mark.parametrize(("world"), ["referred"], indirect=True)
@pytest.mark.parametrize(
    ("moment", "message"),
    [(f"{d}T09:00", m) for d, m in BAD_DAYS] + [("2026-02-24T25:61", "有效的日期")],
)
def test_a_meeting_time_out_of_range_is_refused_and_nothing_is_convened(
    client, world, lead, moment, message
):
    TRIED["convene: meeting time"] += 1
    client.force_login(lead)
    before = snapshot()
    response = client.post(
        f"/cases/{world.case.pk}/meetings/new/",
        {"scheduled_for": moment, "place": "三楼", "tasks": [world.t("A"), world.t("D")]},
    )
    assert_refused(response, message.replace("有效的日期", "有效的日期/时间"), before)


@pytest.mark.parametrize("start", ["0001-01-01", "9999-12-31", "2026-13-01", "\x00", "x" * 5000])
def test_a_project_timeline_from_an_impossible_start_day_is_an_answer_not_an_error(
    client, catalog, start
):
    TRIED["GET /catalog/projects/<pk>/?start="] += 1
    response = client.get(f"/catalog/projects/{catalog['project'].pk}/", {"start": start})
    assert response.status_code == 200
    page = body(response)
    assert 'role="alert"' in page  # the date format, or the years the schedule covers


# ---- searches and look-ups (GET) --------------------------------------------------------

GET_VALUES = [
    *CONTROL_CHARACTERS,
    *LITERALS,
    ("oversized", "长" * 5000),
    ("percent and underscore", "%_%\\"),
]
LOOKUPS = {
    "GET /search/?q=": ("/search/", "q", None),
    "GET /progress/?number=": ("/progress/", "number", {"code": "AB12CD34"}),
    "GET /progress/?code=": ("/progress/", "code", {"number": "139999-20260210-0001"}),
    "GET /catalog/?q=": ("/catalog/", "q", None),
    "GET /catalog/?department=": ("/catalog/", "department", None),
    "GET /catalog/items/<code>/": (None, None, None),
    "GET /documents/verify/?number=": ("/documents/verify/", "number", None),
    "GET /cases/apply/?q=": ("/cases/apply/", "q", "applicant"),
    "GET /cases/agents/?q=": ("/cases/agents/", "q", "applicant"),
    "GET /cases/tasks/?state=": ("/cases/tasks/", "state", "reviewer_a"),
    "GET /cases/board/?department=": ("/cases/board/", "department", "supervisor"),
}


FORM_LOOKUPS = {"GET /search/?q=", "GET /progress/?number=", "GET /progress/?code="}
FORM_LOOKUPS |= {"GET /cases/agents/?q="}


@pytest.mark.parametrize(("endpoint"), list(LOOKUPS))
@pytest.mark.parametrize(("label", "value"), GET_VALUES)
def test_lookups_answer_hostile_queries_without_error_and_show_them_escaped(
    client, request, catalog, endpoint, label, value
):
    TRIED[endpoint] += 1
    path, key, extra = LOOKUPS[endpoint]
    if path is None:
        response = client.get(f"/catalog/items/{quote(value, safe='')}/")
    else:
        if isinstance(extra, str):
            client.force_login(request.getfixturevalue(extra))
            extra = None
        response = client.get(path, {key: value, **(extra or {})})
    assert response.status_code in (200, 400, 404)
    page = body(response)
    assert "<script>alert" not in page
    if endpoint in FORM_LOOKUPS and label in dict(CONTROL_CHARACTERS):
        assert CONTROL_MESSAGE in page


# ---- accounts and the administration's identity codes ------------------------------------


@pytest.mark.parametrize(("label", "value", "message"), bad_texts(100, required=True))
def test_a_token_with_a_bad_name_is_refused_and_not_issued(
    client, applicant, label, value, message
):
    TRIED["POST /accounts/tokens/ (name)"] += 1
    client.force_login(applicant)
    before = snapshot()
    response = client.post("/accounts/tokens/", {"name": value})
    assert_refused(response, message, before, status=200)


@pytest.mark.parametrize(
    ("label", "value"), [*CONTROL_CHARACTERS, *LITERALS, ("oversized", "a" * 5000)]
)
def test_a_hostile_username_at_login_is_a_failed_login_and_nothing_else(
    client, applicant, label, value
):
    TRIED["POST /accounts/login/ (username)"] += 1
    before = snapshot()
    response = client.post("/accounts/login/", {"username": value, "password": "x"})
    assert response.status_code == 200 and "_auth_user_id" not in client.session
    assert "<script>alert" not in body(response)
    assert snapshot() == before


BAD_USCC = [
    ("91350100M000100Y4", "应为18位"),
    ("91350100M000100Y44", "校验位错误"),
    ("91350100m000100y43", "字母须大写"),
    ("９１３５０１００Ｍ０００１００Ｙ４３", "全角字符"),
    ("91350100M000100\x00Y4", "空字符"),  # Django's own check, before ours (see report)
    ("91350100M00O100Y43", "不使用字符"),
    ("9135 100M000100Y43", "不能有空格"),
    ("' OR 1=1 --      x", "不能有空格"),
]
BAD_IDS = [
    ("11010519491231002", "应为18位"),
    ("110105194912310021", "校验位错误"),
    ("11010519491231002x", "X 须大写"),
    ("１１０１０５１９４９１２３１００２Ｘ", "全角字符"),
    ("110105194902300020", "出生日期不存在"),
    ("110105000101010020", "出生日期"),
    ("110105999912310020", "出生日期不合理"),
    ("11010519491231\u202e02X", "控制字符"),
    ("<script>1</script>", "前17位应为数字"),
    ("<script>1</script>xx", "不超过 18"),
]


@pytest.mark.parametrize(("uscc", "message"), BAD_USCC)
def test_the_admin_refuses_a_malformed_uscc(client, admin_user, uscc, message):
    TRIED["POST /admin/directory/enterprise/add/ (uscc)"] += 1
    client.force_login(admin_user)
    before = snapshot()
    response = client.post(
        "/admin/directory/enterprise/add/",
        {"uscc": uscc, "name": "某公司", "region_code": "139999", "size_class": "small"},
    )
    assert_refused(response, message, before, status=200)


@pytest.mark.parametrize(("number", "message"), BAD_IDS)
def test_the_admin_refuses_a_malformed_id_number(client, admin_user, number, message):
    TRIED["POST /admin/directory/person/add/ (id_number)"] += 1
    client.force_login(admin_user)
    before = snapshot()
    response = client.post(
        "/admin/directory/person/add/", {"name": "某人", "id_number": number, "phone": ""}
    )
    assert_refused(response, message, before, status=200)


# ---- the approval PDF ---------------------------------------------------------------------


def test_markup_typed_into_a_case_is_printed_literally_in_the_approval_pdf(tmp_path):
    """Title, party, conditions and reasons go through the template's autoescaping: the PDF
    shows the characters, and nothing of them is laid out as markup."""
    TRIED["approval PDF (documents/render.py)"] += 1
    bold = "<b style='font-size:80pt'>粗</b>"
    data = DocumentData(
        number="示审批〔2026〕1号",
        issuing_body="示范县行政审批局",
        party_name="<script>alert(1)</script>公司",
        party_uscc="91350100M000100Y43",
        project="厂房&项目",
        case_number="139999-20261102-0001",
        submitted_on=dt.date(2026, 11, 2),
        lead_department="行政审批局",
        decision="partial",
        items=(
            ItemDecision("用地许可", "自然资源局", True, "许可证", "N1", conditions=bold),
            ItemDecision("工程许可", "住建局", False, reason='=HYPERLINK("x")<i>否</i>'),
        ),
        issued_on=dt.date(2026, 11, 20),
        verify_url="https://lianban.example.gov.cn/documents/verify/?number=1",
        decision_text="<img src=x onerror=alert(1)>",
    )
    assert SCRIPT not in render_html(data) and "&lt;script&gt;" in render_html(data)
    path = tmp_path / "approval.pdf"
    path.write_bytes(render_pdf(data))
    text = subprocess.run(
        ["pdftotext", "-enc", "UTF-8", str(path), "-"], capture_output=True, check=True, text=True
    ).stdout
    squeezed = "".join(text.split())
    for literal in ("<script>alert(1)</script>", bold.replace(" ", ""), "<i>否</i>", "厂房&项目"):
        assert literal in squeezed, literal
    assert not uploads.pdf_is_active(path.read_bytes())  # our own upload check would take it
