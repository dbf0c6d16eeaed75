"""The supervisor's board, the audit of the event chains, and the department figures."""

from urllib.parse import quote, urlencode

from django.db.models import Case as Switch
from django.db.models import Count, F, Q, When
from django.http import HttpResponse
from django.shortcuts import render
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts import permissions as rules
from lianban import clock
from portal import queries
from workdays.calendar import UnscheduledYear

from .. import figure_tables, supervision
from ..forms import (
    BoardFilterForm,
    FiguresPeriodForm,
)
from ..models import (
    OPEN_TASK_STATES,
    Case,
    Light,
    ReviewTask,
)
from ..tasks import request_verification, verification
from .common import for_role, paginate

# ---- supervision -----------------------------------------------------------------------


@for_role(rules.sees_all_cases)
def board(request):
    return _render_board(request)


def _render_board(request, queued=None):
    filters = BoardFilterForm(request.GET or None)
    tasks = (
        ReviewTask.objects.visible_to(request.user)
        .filter(state__in=OPEN_TASK_STATES, light__in=[Light.YELLOW, Light.RED])
        .select_related("case", "item", "department")
    )
    # Cases the lead department holds past (or near) their due date: no task shows them.
    late = Case.objects.visible_to(request.user).select_related("lead_department")
    if filters.is_valid():
        if filters.cleaned_data["department"]:
            tasks = tasks.filter(department=filters.cleaned_data["department"])
            late = late.filter(lead_department=filters.cleaned_data["department"])
        if filters.cleaned_data["light"]:
            tasks = tasks.filter(light=filters.cleaned_data["light"])
            late = late.filter(light=filters.cleaned_data["light"])
    by_department = (
        tasks.values("department__name")
        .annotate(
            red=Count("pk", filter=Q(light=Light.RED)),
            yellow=Count("pk", filter=Q(light=Light.YELLOW)),
        )
        .order_by("-red", "-yellow", "department__name")
    )
    query = request.GET.copy()
    query.pop("page", None)
    red_first = Switch(When(light=Light.RED, then=0), default=1)
    ordered = tasks.order_by(red_first, F("due_date").asc(nulls_last=True), "pk")
    return render(
        request,
        "cases/board.html",
        {
            "filters": filters,
            "page": paginate(request, ordered),
            "by_department": by_department,
            "late_cases": supervision.late_cases(late),
            "query": query.urlencode(),
            "verification": verification(),
            "queued": queued,
        },
    )


@require_POST
@for_role(rules.sees_all_cases)
def audit(request):
    """Queue the verification of every case's hash chain (cases.tasks.verify_chains), once:
    pressed again while a run waits or runs, it queues nothing."""
    _run, queued = request_verification()
    return _render_board(request, queued=queued)


# ---- department figures (部门指标) ---------------------------------------------------------


def _figures(request):
    """The period form, and the figures of its period (this year when it was refused), or
    the calendar's reason for having none."""
    filters = FiguresPeriodForm(request.GET or None)
    start, end = filters.period(clock.today())
    try:
        return filters, queries.figures(start, end), None
    except UnscheduledYear as error:
        return filters, None, error.message


def _render_figures(request, filters, numbers, problem):
    return render(
        request,
        "cases/figures.html",
        {
            "filters": filters,
            "tables": figure_tables.tables(numbers) if numbers else [],
            "note": figure_tables.period_note(numbers) if numbers else "",
            "problem": problem,
            # The export of the period on show (this year's, after a refused filter).
            "query": urlencode({"start": numbers.start, "end": numbers.end}) if numbers else "",
        },
        status=400 if filters.errors else 409 if problem else 200,
    )


@for_role(rules.sees_all_cases)
def figures(request):
    """部门指标: per department and per project type, for supervisors and county leaders."""
    return _render_figures(request, *_figures(request))


@for_role(rules.sees_all_cases)
def figures_workbook(request):
    """The same tables as an .xlsx file; a refused period gets the page and its message."""
    filters, numbers, problem = _figures(request)
    if filters.errors or numbers is None:
        return _render_figures(request, filters, numbers, problem)
    name = _("部门指标_%(start)s_%(end)s.xlsx") % {
        "start": numbers.start.isoformat(),
        "end": numbers.end.isoformat(),
    }
    response = HttpResponse(
        figure_tables.workbook(figure_tables.tables(numbers), figure_tables.period_note(numbers)),
        figure_tables.XLSX,
    )
    # The Chinese name as filename*, the period's digits as the plain fallback (RFC 6266),
    # as documents/views.py names a PDF.
    response["Content-Disposition"] = "attachment; filename=\"{}\"; filename*=utf-8''{}".format(
        f"figures-{numbers.start.isoformat()}-{numbers.end.isoformat()}.xlsx", quote(name, safe="")
    )
    add_never_cache_headers(response)
    return response
