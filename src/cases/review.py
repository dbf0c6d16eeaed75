"""Parallel review (并联审批) and the joint meeting (联席会议), part of the case engine.

Task operations lock the case row first, like every engine function, so that two
departments finishing at the same moment cannot both miss (or both fire) the release of a
dependant item: the decision "is every prerequisite done?" is taken under that lock."""

import datetime as dt
from collections import defaultdict

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop, ngettext

from accounts import permissions as rules
from accounts.models import Role, User
from lianban import clock
from lianban.errors import Conflict, DomainError, NotFound

from . import uploads
from .engine import (
    _close_pause,
    _is_lead_of,
    _is_party,
    _require,
    _require_state,
    _visible_case,
    lock_case_of_task,
    refresh_case_due,
    task_due,
)
from .events import append_event, append_events
from .materials import attach, check_files
from .models import (
    DECIDED_TASK_STATES,
    Case,
    CaseState,
    JointMeeting,
    Light,
    MeetingParticipant,
    MeetingResolution,
    ReviewTask,
    TaskPause,
    TaskState,
)
from .notifications import leads_of, notify, notify_each, notify_party

MAX_TEXT = 4000

# Stored in Chinese whichever language the clerk's page is in, as the county's records are;
# pages show it in their own language (templatetags/zh.py).
ON_THE_SPOT_OPINION = gettext_noop("即办件，窗口当场办结。")


def _text(value, field, *, required=False, message=None) -> str:
    value = (value or "").strip()
    if required and not value:
        raise DomainError(message or _("请填写意见。"), code="invalid", field=field)
    return value[:MAX_TEXT]


def _task_transition(
    case: Case, task: ReviewTask, actor, kind: str, to_state: str, *, fields=(), payload=None
) -> None:
    from_state = task.state
    task.state = to_state
    if to_state in DECIDED_TASK_STATES and task.due_date:
        # A decided item's light is final: whether it was decided by its due date.
        task.light = Light.RED if clock.today() > task.due_date else Light.GREEN
        fields = [*fields, "light"]
    task.save(update_fields=["state", *fields])
    append_event(
        case, actor, kind, from_state=from_state, to_state=to_state, task=task, payload=payload
    )


def _locked_task(task_id: int, actor) -> tuple[Case, ReviewTask]:
    """Lock the task's case, then return the task if the actor may see it."""
    case = lock_case_of_task(task_id)
    task = ReviewTask.objects.visible_to(actor).filter(pk=task_id).select_related("item").first()
    if task is None:
        raise NotFound(_("审查任务不存在。"))
    return case, task


def _require_reviewer(task: ReviewTask, actor) -> None:
    _require(
        (rules.is_reviewer(actor) or rules.is_lead(actor))
        and rules.belongs_to(actor, task.department_id),
        _("只有本部门的审批人员可以审查此事项。"),
    )


def _require_task_state(task: ReviewTask, *states) -> None:
    if task.state not in states:
        raise Conflict(
            _("该事项当前状态为“%(state)s”，不能进行此操作。")
            % {"state": task.get_state_display()},
            code="wrong_state",
        )


# ---- dispatch --------------------------------------------------------------------------


def decide_on_the_spot(case: Case, actor, today: dt.date) -> None:
    """即办 items whose prerequisites are met are decided at the window, there and then."""
    for task in case.tasks.filter(state=TaskState.WAITING, limit_days=0, needs_meeting=False):
        if task.prerequisites.exclude(state=TaskState.APPROVED).exists():
            continue
        task.dispatched_on = today
        task.due_date = today
        task.decided_at = clock.now()
        task.decided_by = actor
        task.opinion = ON_THE_SPOT_OPINION
        _task_transition(
            case,
            task,
            actor,
            "task_decided_on_the_spot",
            TaskState.APPROVED,
            fields=["dispatched_on", "due_date", "decided_at", "decided_by", "opinion"],
        )


def dispatch_ready(case: Case, actor, today: dt.date) -> list[ReviewTask]:
    """Dispatch every waiting task whose prerequisites are all approved; cancel those with a
    refused prerequisite. A cancellation can cancel further dependants, so only then does
    it look again. The tasks of one pass change together: one update, one insert of events,
    one round of notifications, however many departments start at once."""
    changed = []
    while True:
        waiting = case.tasks.filter(state=TaskState.WAITING).select_related("item")
        to_cancel, to_dispatch = [], []
        for task in waiting.prefetch_related("prerequisites"):
            pre_states = {p.state for p in task.prerequisites.all()}
            if pre_states & {TaskState.REFUSED, TaskState.CANCELLED}:
                to_cancel.append(task)
            elif pre_states <= {TaskState.APPROVED}:
                to_dispatch.append(task)
        specs = []
        for task in to_cancel:
            specs.append(
                {
                    "kind": "task_cancelled",
                    "from_state": task.state,
                    "to_state": TaskState.CANCELLED,
                    "task": task,
                    "payload": {"why": "prerequisite_refused"},
                }
            )
            task.state = TaskState.CANCELLED
        for task in to_dispatch:
            task.dispatched_on = today
            task.due_date = task_due(today, task, fast_track=case.fast_track)
            specs.append(
                {
                    "kind": "task_dispatched",
                    "from_state": task.state,
                    "to_state": TaskState.IN_REVIEW,
                    "task": task,
                    "payload": {"due": task.due_date.isoformat(), "department": task.department_id},
                }
            )
            task.state = TaskState.IN_REVIEW
        if to_cancel:
            ReviewTask.objects.filter(pk__in=[t.pk for t in to_cancel]).update(
                state=TaskState.CANCELLED
            )
        # One UPDATE per due date: the tasks of a pass share their state and day and mostly
        # their limit. bulk_update's CASE per row and field cost more than the rest of an
        # acceptance at K = 40.
        by_due = defaultdict(list)
        for task in to_dispatch:
            by_due[task.due_date].append(task.pk)
        for due, ids in by_due.items():
            ReviewTask.objects.filter(pk__in=ids).update(
                state=TaskState.IN_REVIEW, dispatched_on=today, due_date=due
            )
        if specs:
            append_events(case, actor, specs)
        changed += to_cancel + to_dispatch
        if not to_cancel:
            break
    dispatched = [t for t in changed if t.state == TaskState.IN_REVIEW]
    if dispatched:
        reviewers = defaultdict(list)
        for user in User.objects.filter(
            role=Role.REVIEWER,
            department_id__in={t.department_id for t in dispatched},
            is_active=True,
        ):
            reviewers[user.department_id].append(user)
        notify_each(
            case,
            gettext_noop("新的审查任务：%(number)s %(item)s，%(due)s 前办结。"),
            [
                (
                    reviewers[t.department_id],
                    f"task:{t.pk}:dispatched",
                    {"number": case.number, "item": t.item.name, "due": t.due_date.isoformat()},
                )
                for t in dispatched
            ],
        )
    return changed


def _after_task_decided(case: Case, actor) -> None:
    states = set(case.tasks.values_list("state", flat=True))
    if TaskState.WAITING in states and dispatch_ready(case, actor, clock.today()):
        refresh_case_due(case)
        states = set(case.tasks.values_list("state", flat=True))
    tell_lead_when_ready(case, states)


def tell_lead_when_ready(case: Case, states: set[str]) -> None:
    """Once every task is decided (`states`: the case's task states), the lead department is
    told to decide: after the last review, or at acceptance when all were 即办."""
    if states <= {*DECIDED_TASK_STATES, TaskState.CANCELLED}:
        notify(
            leads_of(case),
            case,
            f"case:{case.pk}:ready",
            gettext_noop("办件 %(number)s 各事项均已审结，请作出决定。"),
            {"number": case.number},
        )


# ---- a reviewer's acts -----------------------------------------------------------------


def approve_task(
    task_id: int, actor, *, opinion: str = "", conditions: str = "", result_number: str = ""
) -> ReviewTask:
    """Approve (with conditions). An item that needs the joint meeting goes there instead."""
    with transaction.atomic():
        case, task = _locked_task(task_id, actor)
        _require_reviewer(task, actor)
        _require_state(case, CaseState.IN_REVIEW)
        _require_task_state(task, TaskState.IN_REVIEW)
        task.opinion = _text(opinion, "opinion")
        task.conditions = _text(conditions, "conditions")
        task.result_number = _text(result_number, "result_number")[:64]
        task.recommendation = "approve"
        fields = ["opinion", "conditions", "result_number", "recommendation"]
        if task.needs_meeting:
            _task_transition(
                case,
                task,
                actor,
                "task_referred",
                TaskState.REFERRED,
                fields=fields,
                payload={"recommendation": "approve"},
            )
            _notify_lead_meeting(case, task)
            return task
        task.decided_at = clock.now()
        task.decided_by = actor
        _task_transition(
            case,
            task,
            actor,
            "task_approved",
            TaskState.APPROVED,
            fields=[*fields, "decided_at", "decided_by"],
            payload={"conditions": task.conditions, "result_number": task.result_number},
        )
        _after_task_decided(case, actor)
    return task


def refuse_task(task_id: int, actor, *, opinion: str) -> ReviewTask:
    """A refusal is not final on its own: the lead department settles it in the joint meeting."""
    opinion = _text(opinion, "opinion", required=True, message=_("不予许可须说明理由。"))
    with transaction.atomic():
        case, task = _locked_task(task_id, actor)
        _require_reviewer(task, actor)
        _require_state(case, CaseState.IN_REVIEW)
        _require_task_state(task, TaskState.IN_REVIEW)
        task.opinion = opinion
        task.recommendation = "refuse"
        _task_transition(
            case,
            task,
            actor,
            "task_referred",
            TaskState.REFERRED,
            fields=["opinion", "recommendation"],
            payload={"recommendation": "refuse", "opinion": opinion},
        )
        _notify_lead_meeting(case, task)
    return task


def _notify_lead_meeting(case: Case, task: ReviewTask) -> None:
    notify(
        leads_of(case),
        case,
        f"task:{task.pk}:referred",
        gettext_noop("办件 %(number)s 的事项“%(item)s”需提交联席会议。"),
        {"number": case.number, "item": task.item.name},
    )


def request_supplement(
    task_id: int, actor, *, reason: str, materials: list[int] | None = None
) -> TaskPause:
    """补正: the task's clock stops until the applicant supplies what is asked."""
    reason = _text(reason, "reason", required=True, message=_("请写明需要补正的内容。"))
    return _pause(task_id, actor, TaskPause.Kind.SUPPLEMENT, reason, materials or [])


def exclude_time(task_id: int, actor, *, kind: str, reason: str) -> TaskPause:
    """Time the law does not count (行政许可法 art. 45): hearing, testing, expert review."""
    if kind not in (TaskPause.Kind.HEARING, TaskPause.Kind.TESTING, TaskPause.Kind.EXPERT):
        raise DomainError(
            _("不计时的类型只能是听证、检验检测或专家评审。"), code="invalid", field="kind"
        )
    reason = _text(reason, "reason", required=True, message=_("请写明不计时的原因。"))
    return _pause(task_id, actor, kind, reason, [])


def _pause(task_id, actor, kind, reason, materials) -> TaskPause:
    with transaction.atomic():
        case, task = _locked_task(task_id, actor)
        _require_reviewer(task, actor)
        _require_state(case, CaseState.IN_REVIEW)
        _require_task_state(task, TaskState.IN_REVIEW)
        today = clock.today()
        pause = TaskPause.objects.create(
            task=task,
            kind=kind,
            reason=reason,
            started_on=today,
            materials=[int(m) for m in materials],
        )
        task.paused_on = today
        task.pause_kind = kind
        event = "supplement_requested" if kind == TaskPause.Kind.SUPPLEMENT else "clock_paused"
        _task_transition(
            case,
            task,
            actor,
            event,
            TaskState.PAUSED,
            fields=["paused_on", "pause_kind"],
            payload={"kind": kind, "reason": reason, "materials": pause.materials},
        )
        if kind == TaskPause.Kind.SUPPLEMENT:
            notify_party(
                case,
                f"supplement:{pause.pk}",
                gettext_noop("您的申请 %(number)s 的事项“%(item)s”需要补正：%(reason)s"),
                {"number": case.number, "item": task.item.name, "reason": reason},
            )
    return pause


def supply_supplement(
    task_id: int, actor, *, files: dict | None = None, note: str = ""
) -> ReviewTask:
    """The applicant supplies; the clock restarts and the due date moves by the days paused."""
    written: list[str] = []
    try:
        with transaction.atomic():
            row = ReviewTask.objects.filter(pk=task_id).values_list("case_id", flat=True).first()
            if row is None:
                raise NotFound(_("审查任务不存在。"))
            case = _visible_case(row, actor)
            # The task's own scope, as _locked_task: another department's task is not there.
            task = (
                ReviewTask.objects.visible_to(actor)
                .filter(pk=task_id)
                .select_related("item")
                .first()
            )
            if task is None:
                raise NotFound(_("审查任务不存在。"))
            _require(_is_party(case, actor), _("只有申请人或其授权的代办员可以补正材料。"))
            # Not while the case is suspended: the clock would run again before resume().
            _require_state(case, CaseState.IN_REVIEW)
            if task.state != TaskState.PAUSED or task.pause_kind != TaskPause.Kind.SUPPLEMENT:
                raise Conflict(_("该事项没有待补正的内容。"), code="wrong_state")
            pause = task.pauses.filter(ended_on__isnull=True).order_by("-pk").first()
            allowed = set(pause.materials) | set(task.item.materials.values_list("pk", flat=True))
            checked = check_files(case, files, allowed)
            note = _text(note, "note")
            if not checked and not note:
                raise DomainError(
                    _("请上传补正材料或填写补正说明。"), code="invalid", field="files"
                )
            attach(case, checked, actor, written)
            days = _close_pause(task, clock.today())
            _task_transition(
                case,
                task,
                actor,
                "supplement_supplied",
                TaskState.IN_REVIEW,
                fields=["paused_on", "pause_kind", "paused_days", "due_date"],
                payload={
                    "paused_days": days,
                    "due": task.due_date.isoformat(),
                    "materials": [m.pk for m, _u in checked],
                    "note": note,
                },
            )
            refresh_case_due(case)
            notify(
                User.objects.filter(
                    role=Role.REVIEWER, department_id=task.department_id, is_active=True
                ),
                case,
                f"task:{task.pk}:supplied:{pause.pk}",
                gettext_noop("办件 %(number)s 已补正，请继续审查。"),
                {"number": case.number},
            )
    except BaseException:
        uploads.discard(written)
        raise
    return task


def resume_clock(task_id: int, actor) -> ReviewTask:
    """End time excluded for a hearing, testing or expert review."""
    with transaction.atomic():
        case, task = _locked_task(task_id, actor)
        _require_reviewer(task, actor)
        _require_state(case, CaseState.IN_REVIEW)  # a suspended case's clocks wait for resume()
        if task.state != TaskState.PAUSED or task.pause_kind in (
            "",
            TaskPause.Kind.SUPPLEMENT,
            TaskPause.Kind.SUSPENSION,
        ):
            raise Conflict(_("该事项没有可恢复的不计时期间。"), code="wrong_state")
        days = _close_pause(task, clock.today())
        _task_transition(
            case,
            task,
            actor,
            "clock_resumed",
            TaskState.IN_REVIEW,
            fields=["paused_on", "pause_kind", "paused_days", "due_date"],
            payload={"paused_days": days, "due": task.due_date.isoformat()},
        )
        refresh_case_due(case)
    return task


# ---- the joint meeting -----------------------------------------------------------------


def _local_minute(moment: dt.datetime) -> str:
    """A meeting's time as the county reads it (an API caller may send any offset)."""
    return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M")


def convene_meeting(
    case_id: int,
    actor,
    *,
    scheduled_for: dt.datetime,
    place: str = "",
    task_ids: list[int] | None = None,
) -> JointMeeting:
    """The lead department convenes the joint meeting for the referred items; every
    department with an item in the case is invited."""
    with transaction.atomic():
        case = _visible_case(case_id, actor)
        _require(_is_lead_of(case, actor), _("只有牵头部门可以召集联席会议。"))
        _require_state(case, CaseState.IN_REVIEW)
        referred = case.tasks.filter(state=TaskState.REFERRED).exclude(
            meetings__state=JointMeeting.State.CONVENED
        )
        if task_ids:
            referred = referred.filter(pk__in=task_ids)
        referred = list(referred)
        if not referred:
            raise Conflict(_("没有需要提交联席会议的事项。"), code="nothing_referred")
        if scheduled_for is None or scheduled_for < clock.now() - dt.timedelta(days=1):
            raise DomainError(_("会议时间不能早于今天。"), code="invalid", field="scheduled_for")
        meeting = JointMeeting.objects.create(
            case=case,
            convened_by=actor,
            convened_at=clock.now(),
            scheduled_for=scheduled_for,
            place=_text(place, "place")[:100],
        )
        meeting.tasks.set(referred)
        with_items = set(case.tasks.values_list("department_id", flat=True))
        departments = with_items | {case.lead_department_id}
        MeetingParticipant.objects.bulk_create(
            [MeetingParticipant(meeting=meeting, department_id=d) for d in sorted(departments)]
        )
        append_event(
            case,
            actor,
            "meeting_convened",
            payload={
                "meeting": meeting.pk,
                "tasks": [t.pk for t in referred],
                "scheduled_for": scheduled_for.isoformat(),
                "departments": sorted(departments),
            },
        )
        # Reviewers see a case only through a task of their department's, so the lead
        # department's reviewers are not invited unless it has an item here too.
        notify(
            User.objects.filter(
                Q(role=Role.REVIEWER, department_id__in=with_items)
                | Q(role=Role.LEAD, department_id__in=departments),
                is_active=True,
            ),
            case,
            f"meeting:{meeting.pk}:convened",
            gettext_noop("联席会议通知：办件 %(number)s，%(when)s。"),
            {"number": case.number, "when": _local_minute(scheduled_for)},
        )
    return meeting


def record_meeting(
    meeting_id: int, actor, *, attendance: dict, resolutions: dict, minutes: str = ""
) -> JointMeeting:
    """Record the meeting: who attended or sent an opinion (an invited department that did
    neither is recorded as agreeing, 缺席视为同意), and a resolution for every item discussed,
    which decides it. `attendance`: {department_id: "attended"|"opinion", ...} plus optional
    opinions {department_id: text} under key "opinions"; `resolutions`:
    {task_id: {"approve": bool, "text": str, "conditions": str}}."""
    meeting_row = (
        JointMeeting.objects.filter(pk=meeting_id).values_list("case_id", flat=True).first()
    )
    if meeting_row is None:
        raise NotFound(_("会议不存在。"))
    with transaction.atomic():
        case = _visible_case(meeting_row, actor)
        _require(_is_lead_of(case, actor), _("只有牵头部门可以记录联席会议。"))
        # Not while suspended: a resolution can release a dependant item and start its clock.
        _require_state(case, CaseState.IN_REVIEW)
        meeting = JointMeeting.objects.select_for_update().get(pk=meeting_id)
        if meeting.state != JointMeeting.State.CONVENED:
            raise Conflict(_("该会议已记录。"), code="wrong_state")
        # Attendance and resolutions are facts of a meeting that took place: recorded early,
        # they would take effect (and let the lead decide and issue) before anyone met.
        if clock.now() < meeting.scheduled_for:
            raise Conflict(
                _("联席会议定于 %(when)s 召开，召开后才能记录出席情况和决议。")
                % {"when": _local_minute(meeting.scheduled_for)},
                code="too_early",
            )
        agenda = {t.pk: t for t in meeting.tasks.select_related("item")}
        clean = {}
        for key, value in (resolutions or {}).items():
            try:
                task_id = int(key)
            except (TypeError, ValueError):
                task_id = None
            if task_id not in agenda:
                raise DomainError(
                    _("决议中的事项不在本次会议议程中。"), code="invalid", field="resolutions"
                )
            text = _text(
                (value or {}).get("text"),
                "resolutions",
                required=True,
                message=_("每项决议都须写明内容。"),
            )
            clean[task_id] = (
                bool(value.get("approve")),
                text,
                _text(value.get("conditions"), "resolutions"),
            )
        missing = [agenda[t].item.name for t in agenda if t not in clean]
        if missing:
            raise DomainError(
                ngettext(
                    "以下事项还没有决议：%(items)s", "以下事项还没有决议：%(items)s", len(missing)
                )
                % {"items": _("、").join(missing)},
                code="invalid",
                field="resolutions",
            )
        opinions = (attendance or {}).get("opinions", {}) or {}
        seats = {}
        for participant in meeting.participants.all():
            mark = (attendance or {}).get(str(participant.department_id)) or (attendance or {}).get(
                participant.department_id
            )
            if mark == "attended":
                participant.attendance = MeetingParticipant.Attendance.ATTENDED
            elif mark == "opinion":
                participant.attendance = MeetingParticipant.Attendance.OPINION
            else:
                participant.attendance = MeetingParticipant.Attendance.ABSENT_AGREES
            participant.opinion = _text(
                opinions.get(str(participant.department_id), ""), "opinions"
            )
            participant.save(update_fields=["attendance", "opinion"])
            seats[participant.department_id] = participant.attendance
        meeting.state = JointMeeting.State.HELD
        meeting.held_at = clock.now()
        meeting.minutes = _text(minutes, "minutes")
        meeting.save(update_fields=["state", "held_at", "minutes"])
        append_event(
            case,
            actor,
            "meeting_held",
            payload={
                "meeting": meeting.pk,
                "attendance": {str(k): v for k, v in seats.items()},
                "resolutions": {
                    str(k): {"approve": a, "text": t} for k, (a, t, _c) in clean.items()
                },
            },
        )
        for task_id, (approve, text, conditions) in clean.items():
            task = ReviewTask.objects.get(pk=task_id)
            if task.state != TaskState.REFERRED:
                raise Conflict(_("议程中的事项状态已变化，请刷新后重试。"), code="wrong_state")
            MeetingResolution.objects.create(
                meeting=meeting, task=task, approve=approve, text=text, conditions=conditions
            )
            task.decided_at = clock.now()
            task.decided_by = actor
            if approve:
                task.conditions = conditions or task.conditions
            elif not (task.recommendation == "refuse" and task.opinion):
                # A refusal states its reasons (行政许可法 art. 38): the reviewer's, when the
                # meeting upholds them (its resolution is kept beside them), else the meeting's.
                task.opinion = text
            _task_transition(
                case,
                task,
                actor,
                "task_resolved",
                TaskState.APPROVED if approve else TaskState.REFUSED,
                fields=["decided_at", "decided_by", "conditions", "opinion"],
                payload={"meeting": meeting.pk, "approve": approve, "text": text},
            )
        _after_task_decided(case, actor)
    return meeting


__all__ = [
    "approve_task",
    "convene_meeting",
    "dispatch_ready",
    "exclude_time",
    "record_meeting",
    "refuse_task",
    "request_supplement",
    "resume_clock",
    "supply_supplement",
]
