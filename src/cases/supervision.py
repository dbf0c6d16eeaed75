"""电子监察 (deadline supervision): green, yellow when a deadline nears, red when passed.

`light_for` is pure. `tick` is the periodic job; it is idempotent: each escalation is
claimed with a conditional UPDATE that must change exactly one row, and carries the due date
it was made for, so a moved deadline escalates afresh and a repeated tick does nothing."""

import datetime as dt
import math

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext_noop

from accounts.models import Role, User
from lianban import clock
from workdays.calendar import WorkCalendar
from workdays.service import current_calendar

from .engine import notify
from .intake import accept_by_default
from .models import OPEN_CASE_STATES, Case, CaseState, Light, ReviewTask, TaskState

_RANK = {Light.GREEN: 0, Light.YELLOW: 1, Light.RED: 2}


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
    limit remains. A paused task keeps the light it had (its due date moves on resumption)."""
    if due is None:
        return Light.GREEN
    if today > due:
        return Light.RED
    remaining = cal.days_between(today, due, unit)
    # Rounded first: 20 * (1 - 0.8) is 3.9999… in floating point, and the county means 4.
    if remaining <= limit - math.ceil(round(limit * yellow_share, 6)):
        return Light.YELLOW
    return Light.GREEN


def tick() -> dict:
    """Accept by default what the window left past its five days, refresh every light, and
    escalate newly yellow and red tasks to the department head and the supervisors, once each."""
    today = clock.today()
    accepted = 0
    overdue_intake = Case.objects.filter(state=CaseState.SUBMITTED, notice_deadline__lt=today)
    for case_id in overdue_intake.values_list("pk", flat=True):
        accepted += accept_by_default(case_id)

    cal = current_calendar()
    share = settings.SUPERVISION_YELLOW_SHARE
    changed = escalated = 0
    tasks = ReviewTask.objects.filter(state=TaskState.IN_REVIEW).select_related("case", "item")
    for task in tasks.iterator(chunk_size=1000):
        light = light_for(
            cal,
            today=today,
            due=task.due_date,
            limit=task.limit_days,
            unit=task.limit_unit,
            yellow_share=share,
        )
        if light != task.light:
            ReviewTask.objects.filter(pk=task.pk, state=TaskState.IN_REVIEW).update(light=light)
            changed += 1
        if light in (Light.YELLOW, Light.RED):
            escalated += _escalate(task, light)

    # A case shows its worst running task's light: one query for all, one update per light.
    worst: dict[int, str] = dict.fromkeys(
        Case.objects.filter(state__in=OPEN_CASE_STATES).values_list("pk", flat=True), Light.GREEN
    )
    running = ReviewTask.objects.filter(state=TaskState.IN_REVIEW, case__state__in=OPEN_CASE_STATES)
    for case_id, light in running.values_list("case_id", "light"):
        if case_id in worst and _RANK[light] > _RANK[worst[case_id]]:
            worst[case_id] = light
    for light in Light.values:
        ids = [pk for pk, value in worst.items() if value == light]
        if ids:
            for start in range(0, len(ids), 500):  # SQLite caps the parameters of one query
                Case.objects.filter(pk__in=ids[start : start + 500]).exclude(light=light).update(
                    light=light
                )
    return {"accepted_by_default": accepted, "lights_changed": changed, "escalated": escalated}


def _escalate(task: ReviewTask, light: str) -> int:
    column = "yellow_escalated_at" if light == Light.YELLOW else "red_escalated_at"
    with transaction.atomic():
        claimed = ReviewTask.objects.filter(
            Q(**{f"{column}__isnull": True}),
            pk=task.pk,
            state=TaskState.IN_REVIEW,
            due_date=task.due_date,
        ).update(**{column: clock.now()})
        if claimed != 1:
            return 0
        heads = User.objects.filter(
            department_id=task.department_id, is_department_head=True, is_active=True
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
