"""电子监察 (deadline supervision): green, yellow when a deadline nears, red when passed.

Every running or paused task has a light against its own due date. A case shows its worst
task's light; once no task is with a reviewer any more (every one decided, or referred to
the joint meeting) the case is the lead department's to decide, and its own due date gets a
light by the same rule. A decided case is green if it was decided by its due date and red
if after: the decision is what the county promised by that date (the document follows it,
or waits for papers the applicant still owes).

`light_for`, `task_light`, `case_light` and `awaits_lead` are pure. `tick` is the periodic
job; it is idempotent: each escalation is
claimed with a conditional UPDATE that must change exactly one row, and carries the due date
it was made for, so a moved deadline escalates afresh and a repeated tick does nothing."""

import datetime as dt
import logging
import math

from django.conf import settings
from django.db import transaction
from django.db.models import Case as Switch
from django.db.models import Exists, F, OuterRef, Q, When
from django.utils import timezone
from django.utils.translation import gettext_noop

from accounts.models import Role, User
from lianban import clock
from workdays.calendar import UnscheduledYear, WorkCalendar
from workdays.service import current_calendar

from .engine import effective_limit
from .intake import accept_by_default
from .models import (
    OPEN_CASE_STATES,
    SUPERVISED_CASE_STATES,
    Case,
    CaseState,
    Light,
    ReviewTask,
    Shortfall,
    TaskState,
)
from .notifications import leads_of, notify, party_of

logger = logging.getLogger(__name__)

_RANK = {Light.GREEN: 0, Light.YELLOW: 1, Light.RED: 2}

# Tasks whose own due date is supervised: running, stopped (a supplement, a suspension), or
# referred to the joint meeting, whose clock runs on until the meeting resolves the item.
_SUPERVISED = (TaskState.IN_REVIEW, TaskState.PAUSED, TaskState.REFERRED)

# Tasks whose clock is the reviewers' (running, or stopped but still theirs to finish). A case
# with none of these left waits for its lead department.
_WITH_REVIEWERS = (TaskState.WAITING, TaskState.IN_REVIEW, TaskState.PAUSED)


def light_for(
    cal: WorkCalendar,
    *,
    today: dt.date,
    due: dt.date | None,
    limit: int,
    unit: str,
    yellow_share: float,
) -> str:
    """Red once `today` is past the due date; yellow once no more than (1 - share) of the
    limit remains. A due date in the past is never "due soon"."""
    if due is None:
        return Light.GREEN
    if today > due:
        return Light.RED
    remaining = cal.days_between(today, due, unit)
    # Rounded first: 20 * (1 - 0.8) is 3.9999… in floating point, and the county means 4.
    if remaining <= limit - math.ceil(round(limit * yellow_share, 6)):
        return Light.YELLOW
    return Light.GREEN


def task_light(
    cal: WorkCalendar,
    *,
    today: dt.date,
    state: str,
    due: dt.date | None,
    paused_on: dt.date | None,
    limit: int,
    unit: str,
    yellow_share: float,
) -> str:
    """A running task's light. A stopped task's clock stopped on `paused_on` (a supplement,
    or a suspension, which also stops a referred item's clock), so its light is the one of
    that day (its due date moves on resumption): red if it was stopped after its due date
    had passed, and it stays red however long the pause lasts."""
    as_of = paused_on or today
    return light_for(cal, today=as_of, due=due, limit=limit, unit=unit, yellow_share=yellow_share)


def case_light(
    cal: WorkCalendar,
    *,
    today: dt.date,
    due: dt.date | None,
    accepted_on: dt.date | None,
    yellow_share: float,
    decided_on: dt.date | None = None,
) -> str:
    """The light of the case's own due date (承诺办结日期), by the rule tasks follow: its
    limit is the working days from acceptance to that date. Once decided (`decided_on`), the
    promise is kept or broken: green if decided by the due date, red after it."""
    if due is None or accepted_on is None:
        return Light.GREEN
    if decided_on is not None:
        return Light.RED if decided_on > due else Light.GREEN
    limit = max(0, cal.working_days_between(accepted_on, due))
    return light_for(
        cal, today=today, due=due, limit=limit, unit="working", yellow_share=yellow_share
    )


def awaits_lead(case_state: str, task_states) -> bool:
    """The case is the lead department's to move: decided and waiting for its document, or in
    review with no task left with a reviewer (all decided, or referred to the meeting)."""
    if case_state == CaseState.DECIDED:
        return True
    return case_state == CaseState.IN_REVIEW and not set(task_states) & set(_WITH_REVIEWERS)


def worst(*lights: str) -> str:
    return max(lights, key=_RANK.__getitem__, default=Light.GREEN)


def awaiting_lead(cases):
    """Of `cases` (a queryset), those that wait for their lead department (`awaits_lead` in
    SQL): decided, or in review with no task left with a reviewer."""
    with_reviewers = ReviewTask.objects.filter(case=OuterRef("pk"), state__in=_WITH_REVIEWERS)
    return cases.filter(
        Q(state=CaseState.DECIDED) | Q(state=CaseState.IN_REVIEW) & ~Exists(with_reviewers)
    )


def late_cases(cases):
    """Of `cases`, those waiting for their lead department that are due soon or overdue: the
    supervision board lists them beside the tasks. Red first, then by due date."""
    red_first = Switch(When(light=Light.RED, then=0), default=1)
    return (
        awaiting_lead(cases)
        .filter(light__in=[Light.YELLOW, Light.RED])
        .order_by(red_first, F("due_date").asc(nulls_last=True), "pk")
    )


def tick() -> dict:
    """Accept by default what the window left past its five days, refresh every light,
    escalate newly yellow and red tasks to the department head and the supervisors, and
    cases overdue for their lead department's decision to its leads and the supervisors, and
    remind of 容缺 papers past their promised date, once each."""
    today = clock.today()
    accepted = unscheduled = 0
    overdue_intake = Case.objects.filter(state=CaseState.SUBMITTED, notice_deadline__lt=today)
    for case_id in overdue_intake.values_list("pk", flat=True):
        # One case whose deadlines reach a year without a schedule must not stop the lights
        # and escalations of every other: it is tried again at the next tick.
        try:
            accepted += accept_by_default(case_id)
        except UnscheduledYear as exc:
            logger.warning("Case %s not accepted by default: %s", case_id, exc.message)
            unscheduled += 1

    cal = current_calendar()
    share = settings.SUPERVISION_YELLOW_SHARE
    changed = escalated = 0
    # Stopped tasks too: one stopped after its due date had passed is overdue, not "due
    # soon". They are not escalated: their clock is stopped.
    tasks = ReviewTask.objects.filter(state__in=_SUPERVISED).select_related("case", "item")
    for task in tasks.iterator(chunk_size=1000):
        light = task_light(
            cal,
            today=today,
            state=task.state,
            due=task.due_date,
            paused_on=task.paused_on,
            # 特事特办: "due soon" is measured against the shortened limit the task runs on.
            limit=effective_limit(task.limit_days, task.case.fast_track),
            unit=task.limit_unit,
            yellow_share=share,
        )
        if light != task.light:
            ReviewTask.objects.filter(pk=task.pk, state=task.state).update(light=light)
            changed += 1
        if task.paused_on is None and light in (Light.YELLOW, Light.RED):
            escalated += _escalate(task, light)

    late_for_decision = _refresh_case_lights(cal, today, share)
    return {
        "accepted_by_default": accepted,
        "lights_changed": changed,
        "escalated": escalated,
        "late_for_decision": late_for_decision,
        "shortfalls_overdue": _remind_overdue_shortfalls(today),
        "unscheduled": unscheduled,
        "schedule_missing": _warn_missing_schedule(cal, today),
    }


# From this day of the year on, next year's working-day schedule is asked for: the State
# Council usually publishes it between late October and December, and deadlines set in
# November already reach into January.
SCHEDULE_REMINDER_FROM = (11, 1)


def _warn_missing_schedule(cal: WorkCalendar, today: dt.date) -> bool:
    """Next year's schedule not entered yet: the administrators are told, once a year (the
    notification's key), before the first deadline that needs it refuses an applicant."""
    year = today.year + 1
    if year in cal.years or (today.month, today.day) < SCHEDULE_REMINDER_FROM:
        return False
    admins = User.objects.filter(Q(role=Role.ADMIN) | Q(is_superuser=True), is_active=True)
    notify(
        admins,
        None,
        f"calendar:{year}:missing",
        gettext_noop(
            "【工作日历】%(year)d年的节假日安排尚未录入。跨入该年的期限将无法计算，"
            "申请和受理会被拒绝；请在国务院办公厅公布后及时在“工作日历”中录入。"
        ),
        {"year": year},
    )
    return True


def _remind_overdue_shortfalls(today: dt.date) -> int:
    """容缺受理 is a written promise: once its date has passed without the paper, the
    applicant (and agent) and the lead department are told, once each (notify's key)."""
    overdue = Shortfall.objects.filter(
        supplied_at__isnull=True,
        promised_by__lt=today,
        case__state__in=SUPERVISED_CASE_STATES,
    ).select_related("case", "material")
    count = 0
    for shortfall in overdue:
        case = shortfall.case
        notify(
            [*party_of(case), *leads_of(case)],
            case,
            f"shortfall:{shortfall.pk}:overdue",
            gettext_noop(
                "【容缺材料逾期】办件 %(number)s 承诺于 %(date)s 前补交的“%(material)s”尚未补交。"
            ),
            {
                "number": case.number,
                "date": shortfall.promised_by.isoformat(),
                "material": shortfall.material.name,
            },
        )
        count += 1
    return count


def _refresh_case_lights(cal: WorkCalendar, today: dt.date, share: float) -> int:
    """A case shows the worst light of its running and paused tasks, and, when it waits for
    its lead department, of its own due date. One query for the cases, one for the tasks,
    one update per light and 500 cases. Returns how many undecided cases are overdue for
    their lead department's decision (escalated once each)."""
    cases = {
        pk: (state, due, accepted_on, decided_at)
        for pk, state, due, accepted_on, decided_at in Case.objects.filter(
            state__in=SUPERVISED_CASE_STATES
        ).values_list("pk", "state", "due_date", "accepted_on", "decided_at")
    }
    task_states: dict[int, set[str]] = {pk: set() for pk in cases}
    lights: dict[int, str] = dict.fromkeys(cases, Light.GREEN)
    # A decided case waits for its lead department whatever its tasks: only open cases' are read.
    for case_id, state, light in ReviewTask.objects.filter(
        case__state__in=OPEN_CASE_STATES
    ).values_list("case_id", "state", "light"):
        if case_id not in cases:  # a case that changed state between the two queries
            continue
        task_states[case_id].add(state)
        if state in _SUPERVISED:
            lights[case_id] = worst(lights[case_id], light)
    late_for_decision = []
    for pk, (state, due, accepted_on, decided_at) in cases.items():
        if awaits_lead(state, task_states[pk]):
            own = case_light(
                cal,
                today=today,
                due=due,
                accepted_on=accepted_on,
                yellow_share=share,
                decided_on=timezone.localdate(decided_at) if decided_at else None,
            )
            lights[pk] = worst(lights[pk], own)
            if own == Light.RED and state == CaseState.IN_REVIEW:
                late_for_decision.append(pk)
    for light in Light.values:
        ids = [pk for pk, value in lights.items() if value == light]
        for start in range(0, len(ids), 500):  # SQLite caps the parameters of one query
            Case.objects.filter(pk__in=ids[start : start + 500]).exclude(light=light).update(
                light=light
            )
    for start in range(0, len(late_for_decision), 500):
        for case in Case.objects.filter(pk__in=late_for_decision[start : start + 500]):
            _escalate_case(case)
    return len(late_for_decision)


def _escalate_case(case: Case) -> None:
    """Every item is decided but the lead department has not decided the case by its due
    date: its leads and the supervisors are told, once per due date (notify's key)."""
    supervisors = User.objects.filter(role=Role.SUPERVISOR, is_active=True)
    notify(
        [*leads_of(case), *supervisors],
        case,
        f"case:{case.pk}:late:{case.due_date}",
        gettext_noop(
            "【待决定已超期】办件 %(number)s 各事项均已审结，承诺办结日期 %(due)s 已过，"
            "牵头部门尚未作出决定。"
        ),
        {"number": case.number, "due": case.due_date.isoformat()},
    )


def _escalate(task: ReviewTask, light: str) -> int:
    column = "yellow_escalated_at" if light == Light.YELLOW else "red_escalated_at"
    with transaction.atomic():
        claimed = ReviewTask.objects.filter(
            Q(**{f"{column}__isnull": True}),
            pk=task.pk,
            state=task.state,
            paused_on__isnull=True,
            due_date=task.due_date,
        ).update(**{column: clock.now()})
        if claimed != 1:
            return 0
        # A referred item waits for the joint meeting, which is the lead department's to hold.
        heads = (
            leads_of(task.case)
            if task.state == TaskState.REFERRED
            else User.objects.filter(
                department_id=task.department_id, is_department_head=True, is_active=True
            )
        )
        supervisors = User.objects.filter(role=Role.SUPERVISOR, is_active=True)
        message = (
            gettext_noop("【临近期限】办件 %(number)s 的事项“%(item)s”将于 %(due)s 到期。")
            if light == Light.YELLOW
            else gettext_noop("【已超期】办件 %(number)s 的事项“%(item)s”已于 %(due)s 超期。")
        )
        notify(
            [*heads, *supervisors],
            task.case,
            f"task:{task.pk}:{light}:{task.due_date}",
            message,
            {"number": task.case.number, "item": task.item.name, "due": task.due_date.isoformat()},
        )
    return 1
