"""What the public pages read: catalog search, progress by number and query code, and the
rows behind the published statistics; and the same rows per department and project type
for the supervisors' figures (部门指标). Nothing here returns personal data."""

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass

from django.core.cache import cache
from django.db.models import Count, F, Min, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from cases.models import (
    DECIDED_TASK_STATES,
    OPEN_TASK_STATES,
    Case,
    CaseEvent,
    CaseMaterial,
    ReviewTask,
    TaskPause,
    TaskState,
)
from catalog.models import ApprovalItem, ProjectType
from directory.models import Department
from documents.models import ApprovalDocument, standing
from lianban import clock
from workdays.service import current_calendar

from .statistics import (
    CaseRow,
    DepartmentFigures,
    ItemRow,
    Statistics,
    department_figures,
    summarise,
    worst_first,
)


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
    cases = Case.objects.filter(submitted_at__gte=_midnight(dt.date(today.year, 1, 1)))
    case_rows = [row for _type, row in _case_rows(cases)]
    item_rows = [
        ItemRow(decided_on=timezone.localdate(decided_at), due_date=due)
        for decided_at, due in _decided(dt.date(today.year, 1, 1)).values_list(
            "decided_at", "due_date"
        )
    ]
    item_rows += [
        ItemRow(decided_on=None, due_date=due)
        for due in ReviewTask.objects.filter(_running_past_due(today)).values_list(
            "due_date", flat=True
        )
    ]
    return summarise(case_rows, item_rows, today=today, calendar=current_calendar())


def _midnight(day: dt.date) -> dt.datetime:
    """The first moment of a day in the county's time zone, for ranges of datetimes."""
    return dt.datetime.combine(day, dt.time(), tzinfo=timezone.get_current_timezone())


def _decided(start: dt.date, end: dt.date | None = None):
    """Items decided (approved or refused) from the day `start` to the day `end`."""
    tasks = ReviewTask.objects.filter(
        state__in=DECIDED_TASK_STATES, decided_at__gte=_midnight(start)
    )
    if end is not None:
        tasks = tasks.filter(decided_at__lt=_midnight(end + dt.timedelta(days=1)))
    return tasks


def _running_past_due(today: dt.date) -> Q:
    """Open items whose running clock passed their due date (a clock stopped before it, by a
    supplement or a suspension, has not)."""
    return (
        Q(state__in=[TaskState.IN_REVIEW, TaskState.REFERRED], paused_on__isnull=True)
        | Q(paused_on__gt=F("due_date"))
    ) & Q(state__in=OPEN_TASK_STATES, due_date__lt=today)


def _case_rows(cases) -> list[tuple[int | None, CaseRow]]:
    """Each case as the statistics read it, with its project type: five statements whatever
    the number of cases."""
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
        .order_by()  # no join of the papers' names, for an ordering a count does not use
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
    return [
        (
            project_type_id,
            CaseRow(
                submitted_on=timezone.localdate(submitted_at),
                accepted_on=accepted_on,
                decided_on=timezone.localdate(decided_at) if decided_at else None,
                papers_separately=separately.get(pk, 0),
                papers_submitted=submitted.get(pk, 0),
                limits=tuple(limits.get(pk, ())),
                legal_limits=tuple(legal.get(pk, ())),
                document_on=timezone.localdate(documented[pk]) if pk in documented else None,
            ),
        )
        for pk, project_type_id, submitted_at, accepted_on, decided_at in cases.order_by().values_list(
            "pk", "project_type_id", "submitted_at", "accepted_on", "decided_at"
        )
    ]


@dataclass(frozen=True)
class DepartmentRow:
    name: str
    code: str
    figures: DepartmentFigures


@dataclass(frozen=True)
class ProjectTypeRow:
    name: str | None  # None: the cases of items chosen one by one, of no project type
    cases: int
    stats: Statistics


@dataclass(frozen=True)
class Figures:
    """The supervisors' figures of a period (部门指标), from the day `start` to the day `end`;
    items overdue as of `today`."""

    start: dt.date
    end: dt.date
    today: dt.date
    departments: list[DepartmentRow]
    all_departments: DepartmentFigures
    project_types: list[ProjectTypeRow]
    all_project_types: ProjectTypeRow


def figures(start: dt.date, end: dt.date, today: dt.date | None = None) -> Figures:
    """Per department: the items decided in the period and the time they took, the items
    open past their due date now that were due by the period's end (so that this year's
    figures add up to the published ones), the supplements asked and the items referred to
    the joint meeting in the period. Per project type: the cases submitted in the period,
    as the published statistics count them. A dozen statements whatever the number of
    cases: each reads plain rows or counts in the database."""
    today = today or clock.today()
    calendar = current_calendar()
    departments, all_departments = _by_department(start, end, today, calendar)
    project_types, all_project_types = _by_project_type(start, end, today, calendar)
    return Figures(
        start=start,
        end=end,
        today=today,
        departments=departments,
        all_departments=all_departments,
        project_types=project_types,
        all_project_types=all_project_types,
    )


def _by_department(start, end, today, calendar) -> tuple[list[DepartmentRow], DepartmentFigures]:
    decided = _decided(start, end)
    pauses: dict[int, list[tuple[dt.date, dt.date]]] = defaultdict(list)
    for task_id, stopped, ran_again in TaskPause.objects.filter(
        task__in=decided.values("pk"), ended_on__isnull=False
    ).values_list("task_id", "started_on", "ended_on"):
        pauses[task_id].append((stopped, ran_again))
    items: dict[int, list[ItemRow]] = defaultdict(list)
    for pk, department_id, dispatched_on, decided_at, due in decided.values_list(
        "pk", "department_id", "dispatched_on", "decided_at", "due_date"
    ):
        items[department_id].append(
            ItemRow(
                decided_on=timezone.localdate(decided_at),
                due_date=due,
                dispatched_on=dispatched_on,
                pauses=tuple(pauses.get(pk, ())),
            )
        )
    for department_id, due in ReviewTask.objects.filter(
        _running_past_due(today), due_date__lte=end
    ).values_list("department_id", "due_date"):
        items[department_id].append(ItemRow(decided_on=None, due_date=due))
    supplements = _count_by_department(
        TaskPause.objects.filter(
            kind=TaskPause.Kind.SUPPLEMENT, started_on__gte=start, started_on__lte=end
        ),
        "pk",
    )
    referred = _count_by_department(
        CaseEvent.objects.filter(
            kind="task_referred",
            at__gte=_midnight(start),
            at__lt=_midnight(end + dt.timedelta(days=1)),
        ),
        "task_id",
    )

    def figures_of(rows, supplements=0, referred=0):
        return department_figures(
            rows, supplements=supplements, referred=referred, today=today, calendar=calendar
        )

    rows = [
        DepartmentRow(
            name,
            code,
            figures_of(items.get(pk, ()), supplements.get(pk, 0), referred.get(pk, 0)),
        )
        for pk, name, code in Department.objects.filter(
            pk__in={*items, *supplements, *referred}
        ).values_list("pk", "name", "code")
    ]
    rows.sort(key=lambda row: (*worst_first(row.figures), row.code))
    every_item = [item for department in items.values() for item in department]
    return rows, figures_of(every_item, sum(supplements.values()), sum(referred.values()))


def _by_project_type(start, end, today, calendar) -> tuple[list[ProjectTypeRow], ProjectTypeRow]:
    """The busiest project types first; the cases of no project type after them."""
    by_type: dict[int | None, list[CaseRow]] = defaultdict(list)
    submitted = Case.objects.filter(
        submitted_at__gte=_midnight(start), submitted_at__lt=_midnight(end + dt.timedelta(days=1))
    )
    for project_type_id, row in _case_rows(submitted):
        by_type[project_type_id].append(row)
    names = dict(
        ProjectType.objects.filter(pk__in=[k for k in by_type if k is not None]).values_list(
            "pk", "name"
        )
    )

    def project_row(name, rows):
        return ProjectTypeRow(name, len(rows), summarise(rows, (), today=today, calendar=calendar))

    rows = sorted(
        (project_row(names[k], cases) for k, cases in by_type.items() if k is not None),
        key=lambda row: (-row.cases, row.name),
    )
    if None in by_type:
        rows.append(project_row(None, by_type[None]))
    every_case = [case for cases in by_type.values() for case in cases]
    return rows, project_row(None, every_case)


def _count_by_department(rows, counted: str) -> dict[int, int]:
    """Department id -> how many distinct `counted` of its tasks' rows."""
    return dict(
        rows.order_by()
        .values("task__department_id")
        .annotate(n=Count(counted, distinct=True))
        .values_list("task__department_id", "n")
    )
