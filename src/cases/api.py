"""The cases API: every engine operation, for browsers (session + CSRF) and other systems
(per-user bearer tokens). Operations return plain dicts built by the *_out functions below."""

import datetime as dt
from typing import Annotated

from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from ninja import Field, Form, Query, Router, Schema
from ninja.pagination import paginate

from accounts.models import User
from lianban.errors import DomainError, NotFound
from lianban.pagination import BoundedPages
from lianban.schemas import (
    LIST,
    PUBLIC_LOOKUP,
    READ,
    WRITE,
    Choice,
    Day,
    Id,
    Moment,
    OneOf,
    PathId,
    Text,
    errors,
)
from portal import throttle

from . import engine, intake, review
from .idempotency import idempotent
from .models import (
    Authorisation,
    Case,
    CaseState,
    Decision,
    JointMeeting,
    Light,
    ReviewTask,
    TaskState,
)

router = Router(tags=["办件 cases"])
# Ids in paths take Django's int converter: a plain {case_id} also matched "authorisations",
# so POST /authorisations reached "/{case_id}" (GET only) and answered 405.

# The longest opinion, reason or minutes the review keeps (review.MAX_TEXT): longer is refused
# here rather than cut short there.
LONG_TEXT = review.MAX_TEXT
Username = Text(gettext_lazy("用户名"), 150)
# A form field with a default: `Form[...] = ""` was declared required in the schema.
Note = Annotated[Text(gettext_lazy("说明"), LONG_TEXT), Form("")]


class TaskOut(Schema):
    id: int
    item_code: str
    item_name: str
    department: str
    state: OneOf(TaskState)
    light: OneOf(Light)
    dispatched_on: dt.date | None
    due_date: dt.date | None
    paused_days: int
    opinion: str
    conditions: str


class CaseOut(Schema):
    id: int
    number: str
    title: str
    state: OneOf(CaseState)
    state_display: str
    light: OneOf(Light)
    lead_department: str
    fast_track: bool
    submitted_at: dt.datetime
    accepted_on: dt.date | None
    due_date: dt.date | None
    decision: OneOf(Decision, blank=True)
    tasks: list[TaskOut]


class CaseSummary(Schema):
    id: int
    number: str
    title: str
    state: OneOf(CaseState)
    light: OneOf(Light)
    due_date: dt.date | None
    fast_track: bool


class EventOut(Schema):
    seq: int
    at: dt.datetime
    actor: str
    role: str
    kind: str
    from_state: str
    to_state: str
    task: int | None
    payload: dict
    hash: str


class DepartmentProgress(Schema):
    department: str
    item: str
    state: OneOf(TaskState)
    due_date: dt.date | None
    light: OneOf(Light)


class Progress(Schema):
    number: str
    title: str
    state: OneOf(CaseState)
    state_display: str
    accepted_on: dt.date | None
    due_date: dt.date | None
    departments: list[DepartmentProgress]


def task_out(task: ReviewTask) -> dict:
    return {
        "id": task.pk,
        "item_code": task.item.code,
        "item_name": task.item.name,
        "department": task.department.name,
        "state": task.state,
        "light": task.light,
        "dispatched_on": task.dispatched_on,
        "due_date": task.due_date,
        "paused_days": task.paused_days,
        "opinion": task.opinion,
        "conditions": task.conditions,
    }


def case_out(case: Case) -> dict:
    """`case` as read after the change, with its lead department (`_case` reads it so)."""
    tasks = case.tasks.select_related("item", "department").order_by("pk")
    return {
        "id": case.pk,
        "number": case.number,
        "title": case.title,
        "state": case.state,
        "state_display": str(case.get_state_display()),
        "light": case.light,
        "lead_department": case.lead_department.name,
        "fast_track": case.fast_track,
        "submitted_at": case.submitted_at,
        "accepted_on": case.accepted_on,
        "due_date": case.due_date,
        "decision": case.decision,
        "tasks": [task_out(t) for t in tasks],
    }


def _case(request, case_id: int) -> Case:
    return get_object_or_404(
        Case.objects.visible_to(request.auth).select_related("lead_department"), pk=case_id
    )


def _task(request, task_id: int) -> ReviewTask:
    return get_object_or_404(
        ReviewTask.objects.visible_to(request.auth).select_related("item", "department"), pk=task_id
    )


def _files(request) -> dict:
    """Uploaded papers arrive as multipart fields named material_<id>."""
    return {
        name.removeprefix("material_"): f
        for name, f in request.FILES.items()
        if name.startswith("material_")
    }


# ---- reading ---------------------------------------------------------------------------


# A filter's value outside its choices is a 422 that lists them (lianban.api.validation_error);
# it answered an empty list, as if nothing matched. Blank is no filter, as it was.
CaseStateFilter = Annotated[
    Choice(CaseState, blank=True) | None, Query(None, description="办件状态；空表示不限")
]
TaskStateFilter = Annotated[
    Choice(TaskState, blank=True) | None, Query(None, description="审查任务状态；空表示不限")
]
LightFilter = Annotated[
    Choice(Light, blank=True) | None, Query(None, description="监察灯色；空表示不限")
]


@router.get("/", response={200: list[CaseSummary], **LIST}, summary="我可见的办件")
@paginate(BoundedPages, page_size=50)
def list_cases(request, state: CaseStateFilter = None):
    qs = Case.objects.visible_to(request.auth).order_by("-submitted_at", "-pk")
    if state:
        qs = qs.filter(state=state)
    return qs


@router.get(
    "/tasks",
    response={200: list[TaskOut], **LIST},
    summary="我部门的审查任务，最先到期的在前",
)
# Built for the page's rows alone: building every visible task first read a supervisor's
# whole history (the demo county's 9,568: 0.4 s) a call.
@paginate(BoundedPages, page_size=50, out=task_out)
def list_tasks(request, state: TaskStateFilter = None, light: LightFilter = None):
    qs = (
        ReviewTask.objects.visible_to(request.auth)
        .select_related("item", "department")
        .order_by("due_date", "pk")
    )
    if state:
        qs = qs.filter(state=state)
    if light:
        qs = qs.filter(light=light)
    return qs


@router.get("/tasks/{int:task_id}", response={200: TaskOut, **READ}, summary="审查任务")
def get_task(request, task_id: PathId):
    return task_out(_task(request, task_id))


@router.get(
    "/progress",
    response={200: Progress, **PUBLIC_LOOKUP, **errors(429)},
    auth=None,
    summary="公开进度查询（办件编号+查询码）",
)
def progress(
    request, number: Text(gettext_lazy("办件编号"), 32), code: Text(gettext_lazy("查询码"), 8)
):
    # Throttled as the page is (portal/throttle.py): during a lock, TooManyLookups answers
    # 429 with Retry-After through the API's DomainError handler.
    case = throttle.guarded_lookup(
        request,
        number,
        lambda: (
            Case.objects.filter(number=number, query_code=code)
            .select_related("lead_department")
            .first()
        ),
    )
    if case is None:
        raise NotFound(_("没有找到该办件，请核对办件编号和查询码。"))
    tasks = case.tasks.select_related("department", "item").order_by("due_date", "pk")
    return {
        "number": case.number,
        "title": case.title,
        "state": case.state,
        "state_display": str(case.get_state_display()),
        "accepted_on": case.accepted_on,
        "due_date": case.due_date,
        "departments": [
            {
                "department": t.department.name,
                "item": t.item.name,
                "state": t.state,
                "due_date": t.due_date,
                "light": t.light,
            }
            for t in tasks
        ],
    }


@router.get("/{int:case_id}", response={200: CaseOut, **READ}, summary="办件详情")
def get_case(request, case_id: PathId):
    return case_out(_case(request, case_id))


@router.get(
    "/{int:case_id}/events", response={200: list[EventOut], **READ}, summary="办件事件（审计链）"
)
def case_events(request, case_id: PathId):
    case = _case(request, case_id)
    return [
        {
            "seq": e.seq,
            "at": e.at,
            "actor": e.actor_name,
            "role": e.actor_role,
            "kind": e.kind,
            "from_state": e.from_state,
            "to_state": e.to_state,
            "task": e.task_id,
            "payload": e.payload,
            "hash": e.hash,
        }
        for e in case.events.order_by("seq")
    ]


# ---- applying and intake ---------------------------------------------------------------


class ApplyIn(Schema):
    title: Text(gettext_lazy("项目名称"), 200)
    project_type: Id | None = None
    items: list[Id] = Field([], max_length=500)
    applicant: Username | None = Field(None, description="代办员代为申请时，申请人的用户名")


@router.post(
    "/",
    response={200: CaseOut, **WRITE},
    summary="申请（multipart；材料字段名 material_<材料ID>）",
)
@idempotent
def apply(request, data: Form[ApplyIn]):
    applicant = None
    if data.applicant:
        applicant = User.objects.filter(username=data.applicant).first()
        if applicant is None:
            raise NotFound(_("未找到该申请人的有效代办授权。"))
    case = engine.apply(
        request.auth,
        title=data.title,
        project_type=data.project_type,
        items=data.items or None,
        files=_files(request),
        applicant=applicant,
        channel="api",
    )
    return case_out(Case.objects.select_related("lead_department").get(pk=case.pk))


# The list and the application without the trailing slash too. Django's APPEND_SLASH answered
# /api/cases with an HTML 301, and HTTP clients follow a 301 to a POST with a GET: the
# application was never made, and the client read the list of cases as its answer.
router.add_api_operation(
    "",
    ["GET"],
    list_cases,
    response={200: list[CaseSummary], **LIST},
    include_in_schema=False,
    url_name="cases_without_slash",
)
router.add_api_operation(
    "",
    ["POST"],
    apply,
    response={200: CaseOut, **WRITE},
    include_in_schema=False,
    url_name="cases_without_slash",
)


class Problem(Schema):
    material: Id | None = None
    name: Text(gettext_lazy("材料名称"), 200) = ""
    problem: Text(gettext_lazy("问题"), 500)


class NoticeIn(Schema):
    problems: list[Problem] = Field(..., max_length=200)


class ShortfallIn(Schema):
    material: Id
    promise: Text(gettext_lazy("书面承诺"), LONG_TEXT)
    promised_by: Day(gettext_lazy("承诺补交日期"))


class AcceptIn(Schema):
    shortfalls: list[ShortfallIn] = Field([], max_length=200)


class ReasonIn(Schema):
    """Suspending, refusing intake: the reason is kept up to 2,000 characters."""

    reason: Text(gettext_lazy("理由"), 2000) = ""


class WithdrawIn(Schema):
    reason: Text(gettext_lazy("撤回理由"), 1000) = ""


class FastTrackIn(Schema):
    reason: Text(gettext_lazy("特事特办理由"), 200) = ""


class TextIn(Schema):
    text: Text(gettext_lazy("说明"), LONG_TEXT) = ""


@router.post("/{int:case_id}/notice", response={200: CaseOut, **WRITE}, summary="一次性告知")
@idempotent
def notice(request, case_id: PathId, data: NoticeIn):
    intake.issue_notice(case_id, request.auth, [p.dict() for p in data.problems])
    return case_out(_case(request, case_id))


@router.post(
    "/{int:case_id}/supply",
    response={200: CaseOut, **WRITE},
    summary="按一次性告知补正（multipart）",
)
@idempotent
def supply(request, case_id: PathId, note: Note = ""):
    intake.supply_notice(case_id, request.auth, _files(request), note)
    return case_out(_case(request, case_id))


@router.post("/{int:case_id}/accept", response={200: CaseOut, **WRITE}, summary="受理（可容缺）")
@idempotent
def accept(request, case_id: PathId, data: AcceptIn):
    intake.accept(case_id, request.auth, shortfalls=[s.dict() for s in data.shortfalls])
    return case_out(_case(request, case_id))


@router.post("/{int:case_id}/refuse", response={200: CaseOut, **WRITE}, summary="不予受理")
@idempotent
def refuse(request, case_id: PathId, data: ReasonIn):
    intake.refuse_intake(case_id, request.auth, data.reason)
    return case_out(_case(request, case_id))


# ---- the case as a whole ---------------------------------------------------------------


@router.post("/{int:case_id}/withdraw", response={200: CaseOut, **WRITE}, summary="撤回申请")
@idempotent
def withdraw(request, case_id: PathId, data: WithdrawIn):
    engine.withdraw(case_id, request.auth, data.reason)
    return case_out(_case(request, case_id))


@router.post("/{int:case_id}/suspend", response={200: CaseOut, **WRITE}, summary="中止")
@idempotent
def suspend(request, case_id: PathId, data: ReasonIn):
    engine.suspend(case_id, request.auth, data.reason)
    return case_out(_case(request, case_id))


@router.post("/{int:case_id}/resume", response={200: CaseOut, **WRITE}, summary="恢复")
@idempotent
def resume(request, case_id: PathId):
    engine.resume(case_id, request.auth)
    return case_out(_case(request, case_id))


@router.post("/{int:case_id}/fast-track", response={200: CaseOut, **WRITE}, summary="特事特办")
@idempotent
def fast_track(request, case_id: PathId, data: FastTrackIn):
    engine.set_fast_track(case_id, request.auth, data.reason)
    return case_out(_case(request, case_id))


class AgentIn(Schema):
    agent: Username


@router.post("/{int:case_id}/agent", response={200: CaseOut, **WRITE}, summary="指定代办员")
@idempotent
def assign_agent(request, case_id: PathId, data: AgentIn):
    agent = User.objects.filter(username=data.agent).first()
    if agent is None:
        raise DomainError(_("该代办员没有申请人的有效授权。"), code="not_authorised", field="agent")
    engine.assign_agent(case_id, request.auth, agent)
    return case_out(_case(request, case_id))


@router.post("/{int:case_id}/decide", response={200: CaseOut, **WRITE}, summary="作出办件决定")
@idempotent
def decide(request, case_id: PathId, data: TextIn):
    engine.decide(case_id, request.auth, data.text)
    return case_out(_case(request, case_id))


# ---- review ----------------------------------------------------------------------------


class ApproveIn(Schema):
    opinion: Text(gettext_lazy("审查意见"), LONG_TEXT) = ""
    conditions: Text(gettext_lazy("许可条件"), LONG_TEXT) = ""
    result_number: Text(gettext_lazy("证照编号"), 64) = ""


class OpinionIn(Schema):
    opinion: Text(gettext_lazy("审查意见"), LONG_TEXT)


class SupplementIn(Schema):
    reason: Text(gettext_lazy("补正内容"), LONG_TEXT)
    materials: list[Id] = Field([], max_length=500)


class PauseIn(Schema):
    kind: Text(gettext_lazy("不计时类型"), 16)
    reason: Text(gettext_lazy("原因"), LONG_TEXT)


@router.post(
    "/tasks/{int:task_id}/approve", response={200: TaskOut, **WRITE}, summary="准予（可附条件）"
)
@idempotent
def approve_task(request, task_id: PathId, data: ApproveIn):
    review.approve_task(task_id, request.auth, **data.dict())
    return task_out(_task(request, task_id))


@router.post(
    "/tasks/{int:task_id}/refuse", response={200: TaskOut, **WRITE}, summary="不予（提交联席会议）"
)
@idempotent
def refuse_task(request, task_id: PathId, data: OpinionIn):
    review.refuse_task(task_id, request.auth, opinion=data.opinion)
    return task_out(_task(request, task_id))


@router.post(
    "/tasks/{int:task_id}/supplement",
    response={200: TaskOut, **WRITE},
    summary="要求补正（暂停计时）",
)
@idempotent
def request_supplement(request, task_id: PathId, data: SupplementIn):
    review.request_supplement(task_id, request.auth, reason=data.reason, materials=data.materials)
    return task_out(_task(request, task_id))


@router.post(
    "/tasks/{int:task_id}/supply",
    response={200: TaskOut, **WRITE},
    summary="提交补正（multipart）",
)
@idempotent
def supply_supplement(request, task_id: PathId, note: Note = ""):
    review.supply_supplement(task_id, request.auth, files=_files(request), note=note)
    return task_out(_task(request, task_id))


@router.post(
    "/tasks/{int:task_id}/pause",
    response={200: TaskOut, **WRITE},
    summary="不计时（听证、检验检测、专家评审）",
)
@idempotent
def pause_task(request, task_id: PathId, data: PauseIn):
    review.exclude_time(task_id, request.auth, kind=data.kind, reason=data.reason)
    return task_out(_task(request, task_id))


@router.post("/tasks/{int:task_id}/resume", response={200: TaskOut, **WRITE}, summary="恢复计时")
@idempotent
def resume_task(request, task_id: PathId):
    review.resume_clock(task_id, request.auth)
    return task_out(_task(request, task_id))


# ---- the joint meeting -----------------------------------------------------------------


class ConveneIn(Schema):
    scheduled_for: Moment(gettext_lazy("会议时间"))
    place: Text(gettext_lazy("地点"), 100) = ""
    task_ids: list[Id] = Field([], max_length=500)


class MeetingOut(Schema):
    id: int
    case: int
    state: OneOf(JointMeeting.State)
    scheduled_for: dt.datetime
    tasks: list[int]


class ResolutionIn(Schema):
    approve: bool
    text: Text(gettext_lazy("决议"), LONG_TEXT)
    conditions: Text(gettext_lazy("许可条件"), LONG_TEXT) = ""


# Keys are department ids (attendance, opinions) and task ids (resolutions), as text.
Key = Text(gettext_lazy("编号"), 20)


class RecordIn(Schema):
    attendance: dict[Key, Text(gettext_lazy("出席情况"), 16)] = Field({}, max_length=500)
    opinions: dict[Key, Text(gettext_lazy("部门意见"), LONG_TEXT)] = Field({}, max_length=500)
    resolutions: dict[Key, ResolutionIn] = Field(..., max_length=500)
    minutes: Text(gettext_lazy("会议纪要"), LONG_TEXT) = ""


def meeting_out(meeting: JointMeeting) -> dict:
    return {
        "id": meeting.pk,
        "case": meeting.case_id,
        "state": meeting.state,
        "scheduled_for": meeting.scheduled_for,
        "tasks": sorted(meeting.tasks.values_list("pk", flat=True)),
    }


@router.post("/{int:case_id}/meetings", response={200: MeetingOut, **WRITE}, summary="召集联席会议")
@idempotent
def convene(request, case_id: PathId, data: ConveneIn):
    meeting = review.convene_meeting(
        case_id,
        request.auth,
        scheduled_for=data.scheduled_for,
        place=data.place,
        task_ids=data.task_ids or None,
    )
    return meeting_out(meeting)


@router.post(
    "/meetings/{int:meeting_id}/record",
    response={200: MeetingOut, **WRITE},
    summary="记录联席会议及决议",
)
@idempotent
def record(request, meeting_id: PathId, data: RecordIn):
    attendance = {**data.attendance, "opinions": data.opinions}
    meeting = review.record_meeting(
        meeting_id,
        request.auth,
        attendance=attendance,
        resolutions={k: v.dict() for k, v in data.resolutions.items()},
        minutes=data.minutes,
    )
    return meeting_out(meeting)


# ---- agent authorisations --------------------------------------------------------------


class AuthorisationOut(Schema):
    id: int
    agent: str
    granted_at: dt.datetime
    revoked_at: dt.datetime | None


def authorisation_out(a: Authorisation) -> dict:
    return {
        "id": a.pk,
        "agent": a.agent.username,
        "granted_at": a.granted_at,
        "revoked_at": a.revoked_at,
    }


@router.post("/authorisations", response={200: AuthorisationOut, **WRITE}, summary="授权代办员")
@idempotent
def authorise(request, data: AgentIn):
    agent = User.objects.filter(username=data.agent).first()
    if agent is None:
        raise DomainError(_("所选用户不是代办员。"), code="invalid", field="agent")
    return authorisation_out(engine.authorise_agent(request.auth, agent))


@router.post(
    "/authorisations/{int:authorisation_id}/revoke",
    response={200: AuthorisationOut, **WRITE},
    summary="撤销代办授权",
)
@idempotent
def revoke(request, authorisation_id: PathId):
    return authorisation_out(engine.revoke_authorisation(request.auth, authorisation_id))
