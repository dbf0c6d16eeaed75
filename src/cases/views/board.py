"""The supervisor's board and the audit of the event chains."""

from django.db.models import Case as Switch
from django.db.models import Count, F, Q, When
from django.shortcuts import render
from django.views.decorators.http import require_POST

from accounts import permissions as rules

from .. import supervision
from ..forms import (
    BoardFilterForm,
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
