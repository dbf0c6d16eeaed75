"""What the public pages read: catalog search, progress by number and query code, and the
rows behind the published statistics. Nothing here returns personal data."""

import datetime as dt

from django.core.cache import cache
from django.db.models import Count, F, Min, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from cases.models import OPEN_TASK_STATES, Case, CaseMaterial, ReviewTask, TaskState
from catalog.models import ApprovalItem, ProjectType
from documents.models import ApprovalDocument, standing
from lianban import clock
from workdays.service import current_calendar

from .statistics import CaseRow, ItemRow, Statistics, summarise


def search(q: str):
    """Items and project types by name, code, department or life event (主题)."""
    q = (q or "").strip()[:100]
    items = ApprovalItem.objects.filter(is_active=True).select_related("department")
    projects = ProjectType.objects.filter(is_active=True)
    if q:
        items = items.filter(
            Q(name__icontains=q)
            | Q(code__icontains=q)
            | Q(department__name__icontains=q)
            | Q(stages__project_type__life_event__icontains=q)
        )
        projects = projects.filter(
            Q(name__icontains=q)
            | Q(life_event__icontains=q)
            | Q(description__icontains=q)
            | Q(stages__lead_department__name__icontains=q)
            | Q(stages__items__department__name__icontains=q)
        )
    return projects.distinct().order_by("name"), items.distinct().order_by("code")


def life_events() -> list[str]:
    return list(
        ProjectType.objects.filter(is_active=True)
        .exclude(life_event="")
        .order_by("life_event")
        .values_list("life_event", flat=True)
        .distinct()
    )


def progress(number: str, code: str) -> dict | None:
    """A case's public progress, or None for a wrong number or a wrong code alike."""
    number, code = (number or "").strip()[:32], (code or "").strip()[:8]
    if not number or not code:
        return None
    case = (
        Case.objects.filter(number=number, query_code=code).select_related("project_type").first()
    )
    if case is None:
        return None
    tasks = list(case.tasks.select_related("department", "item").order_by("department__code", "pk"))
    return {
        "number": case.number,
        "title": case.title,
        "state": case.state,
        "state_display": case.get_state_display(),
        "stage": _current_stage(case, tasks),
        "submitted_on": timezone.localdate(case.submitted_at),
        "accepted_on": case.accepted_on,
        "due_date": case.due_date,
        # The case's own light (cases/supervision.py), while the county still owes it something.
        "light": case.light if case.shows_light else "",
        "light_display": case.get_light_display(),
        # Whether the applicant holds a valid document: a revoked one with none after it
        # leaves the case closed without an approval, whatever its decision said.
        "document": standing(case.documents.all()),
        "tasks": [
            {
                "department": t.department.name,
                "item": t.item.name,
                "state": t.state,
                # Before acceptance every task waits, for the window and not a prerequisite.
                "state_display": t.get_state_display()
                if case.accepted_on or t.state != TaskState.WAITING
                else _("待受理"),
                "due_date": t.due_date,
                "light": t.light,
                "light_display": t.get_light_display(),
                "open": t.is_open,
            }
            for t in tasks
        ],
    }


def _current_stage(case: Case, tasks: list[ReviewTask]) -> str:
    """The first stage of the project type with an item still open; the last one when done."""
    if case.project_type is None:
        return ""
    state = {t.item_id: t.state for t in tasks}
    stages = list(case.project_type.stages.order_by("order").prefetch_related("items"))
    for stage in stages:
        if any(state.get(i.pk) in OPEN_TASK_STATES for i in stage.items.all()):
            return stage.name
    return stages[-1].name if stages else ""


STATISTICS_SECONDS = 600


def current_statistics() -> Statistics:
    """Today's published figures, computed at most once every ten minutes in each process:
    they read the whole year's cases, for a page open to anyone."""
    today = clock.today()
    key = f"portal:statistics:{today.isoformat()}"
    stats = cache.get(key)
    if stats is None:
        stats = published_statistics(today)
        cache.set(key, stats, STATISTICS_SECONDS)
    return stats


def published_statistics(today: dt.date | None = None) -> Statistics:
    """This year's figures of the service centre (cases: this month)."""
    today = today or clock.today()
    year_start = dt.datetime(today.year, 1, 1, tzinfo=timezone.get_current_timezone())
    cases = Case.objects.filter(submitted_at__gte=year_start)
    asked = dict(ApprovalItem.objects.annotate(n=Count("materials")).values_list("pk", "n"))
    separately: dict[int, int] = {}
    limits: dict[int, list[tuple[int, str]]] = {}
    legal: dict[int, list[tuple[int, str]]] = {}
    for case_id, item_id, state, days, unit, legal_days, legal_unit in (
        ReviewTask.objects.filter(case__in=cases)
        .order_by("case_id", "pk")
        .values_list(
            "case_id",
            "item_id",
            "state",
            "limit_days",
            "limit_unit",
            "legal_limit_days",
            "legal_limit_unit",
        )
    ):
        separately[case_id] = separately.get(case_id, 0) + asked.get(item_id, 0)
        if state != TaskState.CANCELLED:
            limits.setdefault(case_id, []).append((days, unit))
            legal.setdefault(case_id, []).append((legal_days, legal_unit))
    submitted = dict(
        CaseMaterial.objects.filter(case__in=cases)
        .values("case_id")
        .annotate(n=Count("material_id", distinct=True))
        .values_list("case_id", "n")
    )
    # The first document of each case, revoked or not: the day the investor held one.
    documented = dict(
        ApprovalDocument.objects.filter(case__in=cases)
        .values("case_id")
        .annotate(first=Min("issued_at"))
        .values_list("case_id", "first")
    )
    case_rows = [
        CaseRow(
            submitted_on=timezone.localdate(c.submitted_at),
            accepted_on=c.accepted_on,
            decided_on=timezone.localdate(c.decided_at) if c.decided_at else None,
            papers_separately=separately.get(c.pk, 0),
            papers_submitted=submitted.get(c.pk, 0),
            limits=tuple(limits.get(c.pk, ())),
            legal_limits=tuple(legal.get(c.pk, ())),
            document_on=timezone.localdate(documented[c.pk]) if c.pk in documented else None,
        )
        for c in cases.only("pk", "submitted_at", "accepted_on", "decided_at")
    ]
    item_rows = [
        ItemRow(decided_on=timezone.localdate(decided_at), due_date=due)
        for decided_at, due in ReviewTask.objects.filter(
            state__in=[TaskState.APPROVED, TaskState.REFUSED],
            decided_at__gte=year_start,
        ).values_list("decided_at", "due_date")
    ]
    # Open items whose running clock passed their due date (a clock stopped before it, by a
    # supplement or a suspension, has not).
    item_rows += [
        ItemRow(decided_on=None, due_date=due)
        for due in ReviewTask.objects.filter(
            Q(state__in=[TaskState.IN_REVIEW, TaskState.REFERRED], paused_on__isnull=True)
            | Q(paused_on__gt=F("due_date")),
            state__in=OPEN_TASK_STATES,
            due_date__lt=today,
        ).values_list("due_date", flat=True)
    ]
    return summarise(case_rows, item_rows, today=today, calendar=current_calendar())
