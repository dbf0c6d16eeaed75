"""The case engine: every change of a case's state goes through a function here.

Each function takes the acting user and, in one transaction: locks the case row, guards the
state it expects (raising a DomainError with a message for the user), changes, appends the
event, and notifies after commit. Views, the API, commands and the demo all call these.
Review of the items themselves (tasks, supplements, the joint meeting) is in review.py, the
window's intake in intake.py; who is told is notifications.py, the papers materials.py."""

import datetime as dt
import math
import secrets
from collections import defaultdict

from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from accounts import permissions as rules
from accounts.models import Role, User
from catalog.models import ApprovalItem, ProjectType
from lianban import clock
from lianban.errors import Conflict, DomainError, NotFound, PermissionDenied
from workdays.calendar import UnscheduledYear
from workdays.service import current_calendar

from . import uploads
from .events import append_event
from .materials import attach, check_files, required_materials
from .models import (
    FINAL_CASE_STATES,
    OPEN_TASK_STATES,
    Authorisation,
    Case,
    CaseState,
    Decision,
    NumberSequence,
    ReviewTask,
    Shortfall,
    TaskPause,
    TaskState,
)
from .notifications import notify, notify_departments, notify_party

NOTICE_WORKING_DAYS = 5  # 行政许可法 art. 32: one notice within five days, or it counts as accepted


# ---- locking, visibility, guards -------------------------------------------------------


def lock_case(case_id: int) -> Case:
    """The case row, locked until the transaction ends (select_for_update on PostgreSQL;
    SQLite serialises writers on its own)."""
    try:
        return Case.objects.select_for_update().get(pk=case_id)
    except (Case.DoesNotExist, ValueError, TypeError):
        raise NotFound(_("办件不存在。")) from None


def lock_case_of_task(task_id: int) -> Case:
    """The case a review task belongs to, locked, in one query. Only the case row is locked
    (of=("self",)): PostgreSQL would otherwise lock the task row too."""
    try:
        return Case.objects.select_for_update(of=("self",)).get(tasks__pk=task_id)
    except (Case.DoesNotExist, ValueError, TypeError):
        raise NotFound(_("审查任务不存在。")) from None


def _visible_case(case_id: int, actor) -> Case:
    case = lock_case(case_id)
    if not Case.objects.visible_to(actor).filter(pk=case.pk).exists():
        raise NotFound(_("办件不存在。"))
    return case


def _require(ok: bool, message=None) -> None:
    if not ok:
        raise PermissionDenied(message or _("您没有办理此项操作的权限。"))


def _require_state(case: Case, *states: str) -> None:
    if case.state not in states:
        raise Conflict(
            _("办件当前状态为“%(state)s”，不能进行此操作。") % {"state": case.get_state_display()},
            code="wrong_state",
        )


def _is_party(case: Case, actor) -> bool:
    """The applicant, or an agent holding the applicant's live authorisation."""
    if actor.pk == case.applicant_id:
        return True
    return (
        rules.is_agent(actor)
        and Authorisation.objects.filter(
            applicant_id=case.applicant_id, agent=actor, revoked_at__isnull=True
        ).exists()
    )


def _is_lead_of(case: Case, actor) -> bool:
    return rules.is_lead(actor) and rules.belongs_to(actor, case.lead_department_id)


def _is_clerk_of(case: Case, actor) -> bool:
    return (rules.is_clerk(actor) or rules.is_lead(actor)) and rules.belongs_to(
        actor, case.lead_department_id
    )


def _set_state(case: Case, actor, kind: str, to_state: str, *, fields=(), payload=None) -> None:
    from_state = case.state
    case.state = to_state
    append_event(
        case,
        actor,
        kind,
        from_state=from_state,
        to_state=to_state,
        payload=payload,
        case_fields=["state", *fields],
    )


# ---- numbers and limits ----------------------------------------------------------------


def _next_number(region: str, day: dt.date) -> str:
    seq, _created = NumberSequence.objects.select_for_update().get_or_create(
        region_code=region, day=day
    )
    seq.last += 1
    seq.save(update_fields=["last"])
    return f"{region}-{day:%Y%m%d}-{seq.last:04d}"


def effective_limit(limit: int, fast_track: bool) -> int:
    """特事特办 shortens every promised limit by the configured factor (on-the-spot stays 0)."""
    if not fast_track or limit == 0:
        return limit
    return max(1, math.ceil(limit * settings.FAST_TRACK_FACTOR))


def _item_snapshot(item: ApprovalItem) -> dict:
    """The limits that hold now. The item row always carries its current version (the
    importer updates it in place and records each version in ItemVersion); the task keeps a
    copy, so a later re-import never changes a case already accepted."""
    return {
        "version": item.version,
        "promised_limit": item.promised_limit,
        "promised_unit": item.promised_unit,
        "legal_limit": item.legal_limit,
        "legal_unit": item.legal_unit,
        "needs_joint_meeting": item.needs_joint_meeting,
    }


def take_current_limits(case: Case) -> list[int]:
    """At acceptance: a case keeps the limits that held when it was accepted (the catalog
    issue), so an item re-imported between submission and acceptance is copied afresh.
    One query when nothing changed; returns the ids of the tasks that took a new version."""
    changed = list(
        case.tasks.filter(state=TaskState.WAITING)
        .exclude(item_version=F("item__version"))
        .select_related("item")
    )
    for task in changed:
        snap = _item_snapshot(task.item)
        task.item_version = snap["version"]
        task.limit_days, task.limit_unit = snap["promised_limit"], snap["promised_unit"]
        task.legal_limit_days, task.legal_limit_unit = snap["legal_limit"], snap["legal_unit"]
        task.needs_meeting = snap["needs_joint_meeting"]
        task.save(
            update_fields=[
                "item_version",
                "limit_days",
                "limit_unit",
                "legal_limit_days",
                "legal_limit_unit",
                "needs_meeting",
            ]
        )
    return [task.pk for task in changed]


def task_due(start: dt.date, task: ReviewTask, *, fast_track: bool) -> dt.date:
    """Due date of a task dispatched on `start`: its (possibly shortened) promised limit,
    moved by the days its clock has really been paused."""
    cal = current_calendar()
    due = cal.add_days(start, effective_limit(task.limit_days, fast_track), task.limit_unit)
    return cal.add_days(due, task.paused_days, task.limit_unit) if task.paused_days else due


# ---- apply -----------------------------------------------------------------------------


def apply(
    actor,
    *,
    title: str,
    project_type: ProjectType | int | None = None,
    items=None,
    files: dict | None = None,
    applicant: User | None = None,
    channel: str = "online",
) -> Case:
    """An applicant applies, or an agent on an applicant's behalf. `files` maps material id to
    an uploaded file. A bad file refuses the whole application: no case, file or event."""
    title = (title or "").strip()
    if not title:
        raise DomainError(_("请填写项目名称。"), code="invalid", field="title")
    if len(title) > 200:
        raise DomainError(_("项目名称不能超过200个字。"), code="invalid", field="title")
    _require(rules.can_apply(actor), _("只有申请人或代办员可以提交申请。"))
    if rules.is_agent(actor):
        if (
            applicant is None
            or not Authorisation.objects.filter(
                applicant=applicant, agent=actor, revoked_at__isnull=True
            ).exists()
        ):
            raise NotFound(_("未找到该申请人的有效代办授权。"))
    else:
        applicant = actor
    if not (applicant.enterprise_id or applicant.person_id):
        raise DomainError(
            _("请先绑定企业（统一社会信用代码）或个人身份证号码后再申请。"), code="unbound"
        )

    chosen, lead = _items_and_lead(project_type, items)
    needed = {m.pk: m for m in required_materials(chosen)}
    checked = check_files(None, files, needed)

    written: list[str] = []
    try:
        with transaction.atomic():
            case = _create_case(actor, applicant, title, project_type, chosen, lead, channel)
            attach(case, checked, actor, written, first=True)
            append_event(
                case,
                actor,
                "applied",
                to_state=CaseState.SUBMITTED,
                payload={
                    "items": [i.code for i in chosen],
                    "materials": [m.pk for m, _u in checked],
                    "on_behalf_of": applicant.username if applicant != actor else "",
                    "channel": channel,
                },
            )
            notify(
                User.objects.filter(role=Role.CLERK, department=lead, is_active=True),
                case,
                f"case:{case.pk}:submitted",
                gettext_noop("新的申请待受理：%(number)s %(title)s"),
                {"number": case.number, "title": case.title},
            )
    except BaseException:
        uploads.discard(written)
        raise
    return case


def _items_and_lead(project_type, items):
    if project_type is not None:
        if not isinstance(project_type, ProjectType):
            project_type = ProjectType.objects.filter(pk=project_type).first()
        if project_type is None or not project_type.is_active:
            raise DomainError(_("所选项目类型不存在。"), code="invalid", field="project_type")
        stages = list(project_type.stages.order_by("order").with_items())
        chosen = {i.pk: i for s in stages for i in s.items.all() if i.is_active}
        if not chosen:
            raise DomainError(
                _("该项目类型没有可申请的事项。"), code="invalid", field="project_type"
            )
        return list(chosen.values()), stages[0].lead_department
    ids = {int(getattr(i, "pk", i)) for i in (items or [])}
    chosen = list(
        ApprovalItem.objects.filter(pk__in=ids, is_active=True).select_related("department")
    )
    if not ids or len(chosen) != len(ids):
        raise DomainError(_("请选择要申请的事项。"), code="invalid", field="items")
    # A single-department application is led by that department; a mixed one by the service centre.
    departments = {i.department for i in chosen}
    if len(departments) == 1:
        return chosen, departments.pop()
    from directory.models import Department

    centre = Department.objects.filter(is_service_centre=True).order_by("pk").first()
    return chosen, centre or chosen[0].department


def _create_case(actor, applicant, title, project_type, chosen, lead, channel) -> Case:
    now = clock.now()
    today = clock.today()
    region = settings.REGION_CODE
    case = Case.objects.create(
        number=_next_number(region, today),
        query_code=f"{secrets.randbelow(10**8):08d}",
        region_code=region,
        title=title,
        project_type=project_type if isinstance(project_type, ProjectType) else None,
        applicant=applicant,
        enterprise_id=applicant.enterprise_id,
        person_id=None if applicant.enterprise_id else applicant.person_id,
        agent=actor if rules.is_agent(actor) else None,
        lead_department=lead,
        channel=channel,
        submitted_at=now,
        notice_deadline=current_calendar().add_working_days(today, NOTICE_WORKING_DAYS),
    )
    rows = []
    for item in chosen:
        snap = _item_snapshot(item)
        rows.append(
            ReviewTask(
                case=case,
                item=item,
                item_version=snap["version"],
                department_id=item.department_id,
                limit_days=snap["promised_limit"],
                limit_unit=snap["promised_unit"],
                legal_limit_days=snap["legal_limit"],
                legal_limit_unit=snap["legal_unit"],
                needs_meeting=snap["needs_joint_meeting"],
            )
        )
    tasks = {task.item_id: task for task in ReviewTask.objects.bulk_create(rows)}
    # Prerequisites inside the case only; one held already from elsewhere counts as met.
    through = ReviewTask.prerequisites.through
    links = [
        through(from_reviewtask_id=tasks[item_id].pk, to_reviewtask_id=tasks[pre_id].pk)
        for item_id, pre_id in ApprovalItem.prerequisites.through.objects.filter(
            from_approvalitem_id__in=tasks, to_approvalitem_id__in=tasks
        ).values_list("from_approvalitem_id", "to_approvalitem_id")
    ]
    through.objects.bulk_create(links)
    return case


# ---- the case as a whole ---------------------------------------------------------------


def refresh_case_due(case: Case) -> set[str]:
    """The case's due date: every task's due date, and for tasks still waiting, a forward
    pass over their prerequisites from the latest due date known. Returns the task states
    it read, for a caller that needs them next."""
    tasks = list(case.tasks.values_list("pk", "state", "due_date", "limit_days", "limit_unit"))
    start = case.accepted_on or clock.today()
    due: dict[int, dt.date] = {}
    pending = {}
    for pk, state, due_date, limit_days, limit_unit in tasks:
        if due_date:
            due[pk] = due_date
        elif state == TaskState.CANCELLED:
            due[pk] = start
        else:
            pending[pk] = (limit_days, limit_unit)
    if pending:  # only waiting tasks need their prerequisites read
        cal = current_calendar()
        needs: dict[int, list[int]] = defaultdict(list)
        for task_id, pre_id in ReviewTask.prerequisites.through.objects.filter(
            from_reviewtask_id__in=pending
        ).values_list("from_reviewtask_id", "to_reviewtask_id"):
            needs[task_id].append(pre_id)
        while pending:
            progressed = False
            for pk, (limit_days, limit_unit) in list(pending.items()):
                pre = needs[pk]
                if all(p in due for p in pre):
                    begin = max([due[p] for p in pre], default=start)
                    del pending[pk]
                    progressed = True
                    try:
                        due[pk] = cal.add_days(
                            begin, effective_limit(limit_days, case.fast_track), limit_unit
                        )
                    except UnscheduledYear:
                        # A projection, not a deadline: one reaching a year whose schedule is
                        # not entered yet must not stop acceptance. The task's real due date
                        # is set when it is dispatched; its dependants stay unprojected too.
                        pass
            if not progressed:  # a cycle cannot come from the catalog; guard against a loop
                break
    due_date = max(due.values(), default=None)
    if due_date != case.due_date:
        case.due_date = due_date
        case.save(update_fields=["due_date"])
    return {state for _pk, state, *_rest in tasks}


def decide(case_id: int, actor, text: str = "") -> Case:
    """The lead department records the case decision once every item is decided."""
    with transaction.atomic():
        case = _visible_case(case_id, actor)
        _require(_is_lead_of(case, actor), _("只有牵头部门可以作出办件决定。"))
        _require_state(case, CaseState.IN_REVIEW)
        states = list(case.tasks.values_list("state", flat=True))
        if any(s in OPEN_TASK_STATES for s in states):
            raise Conflict(_("还有事项未审结，不能作出决定。"), code="tasks_open")
        approved = states.count(TaskState.APPROVED)
        decision = (
            Decision.APPROVED
            if approved == len(states)
            else Decision.PARTIAL
            if approved
            else Decision.REFUSED
        )
        case.decision = decision
        case.decision_text = (text or "").strip()[:4000]
        case.decided_at = clock.now()
        _set_state(
            case,
            actor,
            "decided",
            CaseState.DECIDED,
            fields=["decision", "decision_text", "decided_at"],
            payload={"decision": decision, "approved": approved, "items": len(states)},
        )
        notify_party(
            case,
            "decided",
            gettext_noop("您的申请 %(number)s 已作出决定：%(decision)s。"),
            {"number": case.number, "decision": Decision(decision).label},
        )
        # 容缺受理: the decision may be made without the promised papers, the document not.
        missing = shortfalls_block_document(case)
        if missing:
            notify_party(
                case,
                "document_waits",
                gettext_noop(
                    "您的申请 %(number)s 的批复文件将在您补交容缺材料（%(papers)s）后出具。"
                ),
                {"number": case.number, "papers": shortfall_names(missing)},
            )
    return case


def withdraw(case_id: int, actor, reason: str = "") -> Case:
    with transaction.atomic():
        case = _visible_case(case_id, actor)
        _require(_is_party(case, actor), _("只有申请人或其授权的代办员可以撤回申请。"))
        _require_state(
            case, CaseState.SUBMITTED, CaseState.NOTICE, CaseState.IN_REVIEW, CaseState.SUSPENDED
        )
        _cancel_open_tasks(case, actor, "withdrawn")
        case.closed_at = clock.now()
        _set_state(
            case,
            actor,
            "withdrawn",
            CaseState.WITHDRAWN,
            fields=["closed_at"],
            payload={"reason": (reason or "")[:1000]},
        )
    return case


def _cancel_open_tasks(case: Case, actor, why: str) -> None:
    today = clock.today()
    tasks = list(case.tasks.filter(state__in=OPEN_TASK_STATES).select_related("item"))
    # Told while the tasks are still theirs: who holds each one follows from its state.
    notify_departments(
        case,
        tasks,
        "cancelled",
        gettext_noop("办件 %(number)s 已终止办理，事项“%(item)s”的审查任务已取消。"),
    )
    for task in tasks:
        _close_pause(task, today)
        from_state = task.state
        task.state = TaskState.CANCELLED
        task.save(update_fields=["state", "paused_on", "pause_kind", "paused_days", "due_date"])
        append_event(
            case,
            actor,
            "task_cancelled",
            from_state=from_state,
            to_state=TaskState.CANCELLED,
            task=task,
            payload={"why": why},
        )


def suspend(case_id: int, actor, reason: str) -> Case:
    """中止: every running clock stops until the case is resumed."""
    reason = (reason or "").strip()
    with transaction.atomic():
        # Who may ask comes before what they asked: 404, then 403, then a missing reason.
        case = _visible_case(case_id, actor)
        _require(_is_lead_of(case, actor), _("只有牵头部门可以中止办件。"))
        if not reason:
            raise DomainError(_("中止须说明理由。"), code="invalid", field="reason")
        _require_state(case, CaseState.IN_REVIEW)
        today = clock.today()
        # A referred item keeps its state (the meeting is still to resolve it), but its clock
        # stops too: the meeting cannot be held while the case is suspended.
        stopped = list(
            case.tasks.filter(state__in=[TaskState.IN_REVIEW, TaskState.REFERRED]).select_related(
                "item"
            )
        )
        for task in stopped:
            if task.state == TaskState.IN_REVIEW:
                task.state = TaskState.PAUSED
            task.paused_on = today
            task.pause_kind = TaskPause.Kind.SUSPENSION
            task.save(update_fields=["state", "paused_on", "pause_kind"])
            TaskPause.objects.create(
                task=task, kind=TaskPause.Kind.SUSPENSION, reason=reason[:2000], started_on=today
            )
        case.state_before_suspension = case.state
        _set_state(
            case,
            actor,
            "suspended",
            CaseState.SUSPENDED,
            fields=["state_before_suspension"],
            payload={"reason": reason[:2000]},
        )
        key = f"suspended:{case.event_count}"  # one suspension, one round of notices
        notify_party(
            case,
            key,
            gettext_noop(
                "您的申请 %(number)s 已中止办理：%(reason)s。恢复办理后，各事项的期限顺延。"
            ),
            {"number": case.number, "reason": reason[:200]},
        )
        notify_departments(
            case,
            stopped,
            key,
            gettext_noop("【中止】办件 %(number)s 已中止办理，事项“%(item)s”暂停计时。"),
        )
    return case


def resume(case_id: int, actor) -> Case:
    with transaction.atomic():
        case = _visible_case(case_id, actor)
        _require(_is_lead_of(case, actor), _("只有牵头部门可以恢复办件。"))
        _require_state(case, CaseState.SUSPENDED)
        today = clock.today()
        resumed = list(
            case.tasks.filter(pause_kind=TaskPause.Kind.SUSPENSION).select_related("item")
        )
        for task in resumed:
            _close_pause(task, today)
            if task.state == TaskState.PAUSED:
                task.state = TaskState.IN_REVIEW
            task.save(update_fields=["state", "paused_on", "pause_kind", "paused_days", "due_date"])
        _set_state(case, actor, "resumed", CaseState.IN_REVIEW, fields=["state_before_suspension"])
        refresh_case_due(case)
        key = f"resumed:{case.event_count}"
        notify_party(
            case,
            key,
            gettext_noop("您的申请 %(number)s 已恢复办理，承诺办结日期顺延至 %(due)s。"),
            {"number": case.number, "due": case.due_date.isoformat() if case.due_date else "—"},
        )
        notify_departments(
            case,
            resumed,
            key,
            gettext_noop("【恢复】办件 %(number)s 已恢复办理，事项“%(item)s”于 %(due)s 前办结。"),
        )
    return case


def _close_pause(task: ReviewTask, today: dt.date) -> int:
    """End the open pause of a task; its due date moves by the days really paused."""
    if task.paused_on is None:
        return 0
    cal = current_calendar()
    days = max(0, cal.days_between(task.paused_on, today, task.limit_unit))
    pause = task.pauses.filter(ended_on__isnull=True).order_by("-pk").first()
    if pause:
        pause.ended_on = today
        pause.days = days
        pause.save(update_fields=["ended_on", "days"])
    if task.due_date and days:
        task.due_date = cal.add_days(task.due_date, days, task.limit_unit)
        # A moved deadline may turn yellow or red again: the claims made for the old one go,
        # unless it is still past, so one overdue task is not reported overdue twice.
        if task.due_date >= today:
            _reset_escalations(task)
    task.paused_days += days
    task.paused_on = None
    task.pause_kind = ""
    return days


def _reset_escalations(task: ReviewTask) -> None:
    ReviewTask.objects.filter(pk=task.pk).update(yellow_escalated_at=None, red_escalated_at=None)
    task.yellow_escalated_at = task.red_escalated_at = None


def _shortened_due(task: ReviewTask, today: dt.date) -> dt.date | None:
    """特事特办 on a task already running: what is left of its time is shortened by the
    factor, counted from today (or from the day its clock stopped). Time already spent is
    not taken back: a task is never made overdue by the decision to hurry it."""
    start = task.paused_on or today
    if task.due_date is None or task.due_date <= start:
        return task.due_date
    cal = current_calendar()
    left = cal.days_between(start, task.due_date, task.limit_unit)
    return cal.add_days(start, effective_limit(left, True), task.limit_unit)


def set_fast_track(case_id: int, actor, reason: str) -> Case:
    """特事特办: shortened deadlines by the configured factor, flagged everywhere. Items not
    yet dispatched get the shortened limit when they are; running ones, the rest of theirs
    shortened. Whoever holds an item, and the applicant, are told the new dates."""
    reason = (reason or "").strip()
    with transaction.atomic():
        case = _visible_case(case_id, actor)
        _require(_is_lead_of(case, actor), _("只有牵头部门可以决定特事特办。"))
        if not reason:
            raise DomainError(_("特事特办须说明理由。"), code="invalid", field="reason")
        _require_state(
            case, CaseState.SUBMITTED, CaseState.NOTICE, CaseState.IN_REVIEW, CaseState.SUSPENDED
        )
        if case.fast_track:
            raise Conflict(_("该办件已是特事特办。"), code="already")
        case.fast_track = True
        case.fast_track_reason = reason[:200]
        case.save(update_fields=["fast_track", "fast_track_reason"])
        today = clock.today()
        moved = []
        running = [TaskState.IN_REVIEW, TaskState.PAUSED, TaskState.REFERRED]
        for task in case.tasks.filter(state__in=running).select_related("item"):
            due = _shortened_due(task, today)
            if due != task.due_date:
                # A moved deadline may turn yellow or red afresh: the old claims go with it.
                task.due_date = due
                task.yellow_escalated_at = task.red_escalated_at = None
                task.save(update_fields=["due_date", "yellow_escalated_at", "red_escalated_at"])
                moved.append(task)
        append_event(
            case,
            actor,
            "fast_tracked",
            payload={
                "reason": reason[:200],
                "factor": settings.FAST_TRACK_FACTOR,
                "due": {str(t.pk): t.due_date.isoformat() for t in moved},
            },
        )
        if case.accepted_on:
            refresh_case_due(case)
        notify_departments(
            case,
            moved,
            "fast_tracked",
            gettext_noop("【特事特办】办件 %(number)s 的事项“%(item)s”须于 %(due)s 前办结。"),
        )
        notify_party(
            case,
            "fast_tracked",
            gettext_noop("您的申请 %(number)s 已列为特事特办，各事项将加快办理。"),
            {"number": case.number},
        )
    return case


def assign_agent(case_id: int, actor, agent: User) -> Case:
    """代办: an agent holding the applicant's authorisation follows the case for them."""
    with transaction.atomic():
        case = _visible_case(case_id, actor)
        _require(
            actor.pk == case.applicant_id or _is_lead_of(case, actor) or _is_clerk_of(case, actor)
        )
        if case.state in FINAL_CASE_STATES:
            _require_state(
                case, CaseState.SUBMITTED, CaseState.NOTICE, CaseState.IN_REVIEW, CaseState.DECIDED
            )
        if not (
            rules.is_agent(agent)
            and Authorisation.objects.filter(
                applicant_id=case.applicant_id, agent=agent, revoked_at__isnull=True
            ).exists()
        ):
            raise DomainError(
                _("该代办员没有申请人的有效授权。"), code="not_authorised", field="agent"
            )
        case.agent = agent
        case.save(update_fields=["agent"])
        append_event(case, actor, "agent_assigned", payload={"agent": agent.username})
    return case


def authorise_agent(applicant: User, agent: User) -> Authorisation:
    _require(rules.is_applicant(applicant), _("只有申请人可以授权代办员。"))
    if not rules.is_agent(agent):
        raise DomainError(_("所选用户不是代办员。"), code="invalid", field="agent")
    with transaction.atomic():
        live = (
            Authorisation.objects.select_for_update()
            .filter(applicant=applicant, agent=agent, revoked_at__isnull=True)
            .first()
        )
        return live or Authorisation.objects.create(
            applicant=applicant, agent=agent, granted_at=clock.now()
        )


def revoke_authorisation(applicant: User, authorisation_id: int) -> Authorisation:
    with transaction.atomic():
        auth = (
            Authorisation.objects.select_for_update()
            .filter(pk=authorisation_id, applicant=applicant)
            .first()
        )
        if auth is None:
            raise NotFound(_("授权不存在。"))
        if auth.revoked_at is None:
            auth.revoked_at = clock.now()
            auth.save(update_fields=["revoked_at"])
            Case.objects.filter(applicant=applicant, agent=auth.agent).update(agent=None)
    return auth


# ---- the one document (called by the documents app) ------------------------------------


def outstanding_shortfalls(case: Case) -> list[Shortfall]:
    """The papers accepted as missing (容缺受理) that the applicant has not supplied yet.
    Review and the decision go on without them; the document waits for them
    (documents.issuing.issue_document), unless the decision refuses everything."""
    return list(
        case.shortfalls.filter(supplied_at__isnull=True).select_related("material").order_by("pk")
    )


def document_held_back_by(decision: str, outstanding: list) -> list:
    """Of the outstanding shortfalls, those that hold the document back: none for a refusal,
    which grants nothing the papers were promised for and must reach the applicant in
    writing."""
    return [] if decision == Decision.REFUSED else list(outstanding)


def shortfalls_block_document(case: Case) -> list[Shortfall]:
    return document_held_back_by(case.decision, outstanding_shortfalls(case))


def shortfall_names(shortfalls) -> str:
    return _("、").join(s.material.name for s in shortfalls)


def record_document_issued(case: Case, actor, *, document_number: str, sha256: str) -> None:
    """The documents app calls this, inside its own transaction with the case locked by
    lock_case(), when the one approval document is issued: DECIDED -> CLOSED."""
    if case.state != CaseState.DECIDED:
        raise Conflict(_("办件尚未作出决定，不能出具批复文件。"))
    case.closed_at = clock.now()
    _set_state(
        case,
        actor,
        "document_issued",
        CaseState.CLOSED,
        fields=["closed_at"],
        payload={"document": document_number, "sha256": sha256},
    )
    notify_party(
        case,
        "document",
        gettext_noop("您的申请 %(number)s 已出具批复文件，可在办件页面下载。"),
        {"number": case.number},
    )


def record_document_revoked(
    case: Case,
    actor,
    *,
    document_number: str,
    reason: str,
    successor_number: str = "",
    successor_sha256: str = "",
) -> None:
    """A revoked document and its successor (number and SHA-256, as an issue records them),
    recorded in the case's history."""
    if case.state != CaseState.CLOSED:
        raise Conflict(_("只有已办结的办件才能撤销批复文件。"))
    payload = {"document": document_number, "reason": reason, "successor": successor_number}
    if successor_sha256:
        payload["successor_sha256"] = successor_sha256
    append_event(case, actor, "document_revoked", payload=payload)
    params = {"number": case.number, "document": document_number, "reason": reason}
    if successor_number:
        message = gettext_noop(
            "您的申请 %(number)s 的批复文件 %(document)s 已撤销（%(reason)s），已重新出具批复文件"
            " %(successor)s，请在办件页面下载，以新文件为准。"
        )
        params["successor"] = successor_number
    else:
        message = gettext_noop(
            "您的申请 %(number)s 的批复文件 %(document)s 已撤销（%(reason)s），不能再作为审批结果"
            "使用；本办件目前没有有效的批复文件，详情请在办件页面查看或联系牵头部门。"
        )
    notify_party(case, f"revoked:{document_number}", message, params)
