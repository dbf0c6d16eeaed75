"""The pages every audience shares: the starting page, a case, its files, notifications."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Q
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts import permissions as rules
from catalog.models import Material

from .. import engine, intake
from ..forms import (
    DecideForm,
    FastTrackForm,
    SupplyForm,
    SuspendForm,
)
from ..models import (
    OPEN_CASE_STATES,
    OPEN_TASK_STATES,
    Case,
    CaseMaterial,
    CaseState,
    ReviewTask,
    TaskPause,
    TaskState,
)
from .common import (
    KNOWN_TYPES,
    awaiting_meeting,
    case_documents,
    existing_path,
    is_clerk_of,
    is_lead_of,
    is_party,
    paginate,
    party_identity,
    timeline,
    visible_case,
)


@login_required
def home(request):
    """Each role's own starting page."""
    user = request.user
    if rules.can_apply(user):
        return redirect("cases:mine")
    if rules.is_clerk(user):
        return redirect("cases:intake_queue")
    if rules.is_lead(user):
        return redirect("cases:led")
    if rules.is_reviewer(user):
        return redirect("cases:tasks")
    if rules.sees_all_cases(user):
        return redirect("cases:board")
    raise Http404


@login_required
def case_detail(request, pk):
    return render_case(request, visible_case(request, pk))


def render_case(request, case: Case, status=200, **bound):
    """The case page; `bound` carries a submitted form with its errors back into it."""
    user = request.user
    party = is_party(case, user)
    lead_of = is_lead_of(case, user)
    tasks = list(case.tasks.select_related("item", "department").order_by("department__code", "pk"))
    # The case is visible to the user (visible_case), so a task of it is theirs to open
    # when it is their department's; the task's own page checks again.
    for t in tasks:
        t.mine = bool(user.department_id) and t.department_id == user.department_id

    notice = case.notices.first()
    notice_form = None
    if party and case.state == CaseState.NOTICE and notice and notice.resolved_at is None:
        asked = [p["material"] for p in notice.problems if p.get("material")]
        notice_form = bound.get("notice_form") or SupplyForm(
            materials=Material.objects.filter(pk__in=asked).order_by("name")
        )

    asking = [
        t
        for t in tasks
        if t.state == TaskState.PAUSED and t.pause_kind == TaskPause.Kind.SUPPLEMENT
    ]
    # Their open pauses in one statement, the latest of a task winning (as .first() of
    # -pk chose it, one statement a task).
    open_pauses = (
        {
            p.task_id: p
            for p in TaskPause.objects.filter(task__in=asking, ended_on__isnull=True).order_by("pk")
        }
        if asking
        else {}
    )
    supplements = []
    for t in asking:
        pause = open_pauses.get(t.pk)
        form = None
        if party:
            form = bound.get(f"supplement_form_{t.pk}") or SupplyForm(
                prefix=f"t{t.pk}", materials=supplement_materials(t, pause)
            )
        supplements.append({"task": t, "pause": pause, "form": form})

    shortfalls = []
    for s in case.shortfalls.filter(supplied_at__isnull=True).select_related("material"):
        form = None
        if party:
            form = bound.get(f"shortfall_form_{s.pk}") or SupplyForm(
                prefix=f"s{s.pk}", materials=[s.material]
            )
        shortfalls.append({"shortfall": s, "form": form})
    outstanding = [s["shortfall"] for s in shortfalls]
    papers_owed = (
        engine.document_held_back_by(case.decision, outstanding)
        if case.state == CaseState.DECIDED
        else []
    )

    # The documents app's own buttons (issue, revoke and re-issue, download), when it serves them.
    documents_ready = existing_path(f"/documents/case/{case.pk}/issue/") is not None
    documents = case_documents(case) if documents_ready else []

    ready_to_decide = (
        lead_of
        and case.state == CaseState.IN_REVIEW
        and bool(tasks)
        and not any(t.state in OPEN_TASK_STATES for t in tasks)
    )
    meetings = list(case.meetings.prefetch_related("tasks__item"))
    to_convene = lead_of and case.state == CaseState.IN_REVIEW and awaiting_meeting(case).exists()
    # 办件管理: offered in the states the engine accepts (keep in step with
    # engine.set_fast_track, suspend and resume).
    can_fast_track = lead_of and not case.fast_track and case.state in OPEN_CASE_STATES
    can_suspend = lead_of and case.state == CaseState.IN_REVIEW
    history = timeline(case)
    suspension = (
        next((row for row in reversed(history) if row["event"].kind == "suspended"), None)
        if case.state == CaseState.SUSPENDED
        else None
    )
    context = {
        "case": case,
        "party": party,
        "lead_of": lead_of,
        "clerk_of": is_clerk_of(case, user),
        "identity": party_identity(case, user),
        "tasks": tasks,
        "timeline": history,
        "suspension": suspension,
        "notice": notice,
        "notice_form": notice_form,
        "supplements": supplements,
        "shortfalls": shortfalls,
        "papers_owed": papers_owed,
        "takes_papers": case.state in intake.SHORTFALL_SUPPLY_STATES,
        "materials": case.materials.filter(superseded=False).select_related("material"),
        # From acceptance on (its voucher), or a refusal at intake (its decision).
        "show_documents": documents_ready
        and (
            bool(documents)
            or case.accepted_at is not None
            or case.state == CaseState.REFUSED_AT_INTAKE
        ),
        "documents": documents,
        "can_issue": lead_of and case.state == CaseState.DECIDED,
        "can_revoke": lead_of,
        "can_withdraw": party and case.state in OPEN_CASE_STATES,
        "meetings": meetings,
        "to_convene": to_convene,
        "decide_form": (bound.get("decide_form") or DecideForm()) if ready_to_decide else None,
        "fast_track_form": (bound.get("fast_track_form") or FastTrackForm(prefix="fast_track"))
        if can_fast_track
        else None,
        "suspend_form": (bound.get("suspend_form") or SuspendForm(prefix="suspend"))
        if can_suspend
        else None,
        "can_resume": lead_of and case.state == CaseState.SUSPENDED,
    }
    return render(request, "cases/detail.html", context, status=status)


def supplement_materials(task: ReviewTask, pause: TaskPause | None):
    asked = list(pause.materials) if pause else []
    if asked:
        return Material.objects.filter(pk__in=asked).order_by("name")
    return task.item.materials.filter(
        Q(issued_by__isnull=True) | ~Q(issued_by__in=task.case.tasks.values("item"))
    ).order_by("name")


@login_required
def material_file(request, pk):
    """A paper of a case, to those who may see the case, always as a download (an uploaded file
    is never rendered by our origin); the content type is never sniffed."""
    material = get_object_or_404(
        CaseMaterial.objects.filter(case__in=Case.objects.visible_to(request.user)), pk=pk
    )
    known = material.content_type in KNOWN_TYPES
    response = FileResponse(
        material.file.open("rb"),
        content_type=material.content_type if known else "application/octet-stream",
        as_attachment=True,
        filename=material.original_name,
    )
    response["X-Content-Type-Options"] = "nosniff"
    # Should a browser show it anyway, no page of ours runs beside it.
    response["Content-Security-Policy"] = (
        "default-src 'none'; img-src 'self'; object-src 'self'; style-src 'unsafe-inline'; "
        "frame-ancestors 'none'"
    )
    return response


# ---- notifications ---------------------------------------------------------------------


@login_required
def notifications(request):
    notes = request.user.notifications.select_related("case").order_by("-created_at", "-pk")
    return render(request, "cases/notifications.html", {"page": paginate(request, notes)})


@require_POST
@login_required
def notifications_read(request):
    from lianban import clock

    request.user.notifications.filter(read_at__isnull=True).update(read_at=clock.now())
    messages.success(request, _("通知已全部标为已读。"))
    return redirect(reverse("cases:notifications"))
