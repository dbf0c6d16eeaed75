"""The lead department's pages: its cases, the joint meeting, the decision, fast track,
suspension and resumption."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Count, F, OuterRef, Subquery
from django.db.models.functions import Coalesce
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts import permissions as rules

from .. import engine, review, supervision
from ..forms import (
    ConfirmForm,
    ConveneForm,
    DecideForm,
    FastTrackForm,
    RecordMeetingForm,
    SuspendForm,
)
from ..models import (
    OPEN_TASK_STATES,
    Case,
    JointMeeting,
    ReviewTask,
    TaskState,
)
from .case import render_case
from .common import attempt, awaiting_meeting, for_role, is_lead_of, paginate, visible_case

# ---- the lead department ---------------------------------------------------------------


def _tasks_of_case(**where):
    """How many of the row's tasks match `where`, counted for the page's rows alone: joined
    and grouped, PostgreSQL counted every task of the department's cases (a hash join over
    the whole task table) before it cut the page."""
    tasks = ReviewTask.objects.filter(case=OuterRef("pk"), **where).order_by()
    return Coalesce(Subquery(tasks.values("case").annotate(n=Count("pk")).values("n")), 0)


@for_role(rules.is_lead)
def led_cases(request):
    cases = (
        Case.objects.visible_to(request.user)
        .filter(lead_department_id=request.user.department_id)
        .annotate(
            referred=_tasks_of_case(state=TaskState.REFERRED),
            open_tasks=_tasks_of_case(state__in=OPEN_TASK_STATES),
        )
        .order_by("-submitted_at", "-pk")
    )
    # 待我决定: the cases no reviewer holds any more, waiting for this department's decision
    # (or its document), the most urgent first.
    awaiting = request.GET.get("awaiting") == "1"
    if awaiting:
        cases = supervision.awaiting_lead(cases).order_by(F("due_date").asc(nulls_last=True), "pk")
    context = {"page": paginate(request, cases), "awaiting": awaiting}
    context["query"] = "awaiting=1" if awaiting else ""
    return render(request, "cases/led.html", context)


@for_role(rules.is_lead)
def convene(request, pk):
    case = visible_case(request, pk)
    if not is_lead_of(case, request.user):
        raise Http404
    referred = list(awaiting_meeting(case).select_related("item", "department"))
    form = ConveneForm(request.POST or None, tasks=referred)
    if request.method == "POST" and form.is_valid():
        ok, meeting = attempt(
            form,
            lambda: review.convene_meeting(
                case.pk,
                request.user,
                scheduled_for=form.cleaned_data["scheduled_for"],
                place=form.cleaned_data["place"],
                task_ids=[int(t) for t in form.cleaned_data["tasks"]],
            ),
        )
        if ok:
            messages.success(request, _("联席会议已召集，各部门将收到通知。"))
            return redirect("cases:meeting", pk=meeting.pk)
    return render(
        request,
        "cases/convene.html",
        {"case": case, "form": form, "referred": referred},
        status=400 if form.errors else 200,
    )


@login_required
def meeting(request, pk):
    meeting = get_object_or_404(
        JointMeeting.objects.filter(case__in=Case.objects.visible_to(request.user)).select_related(
            "case"
        ),
        pk=pk,
    )
    case = meeting.case
    participants = meeting.participants.select_related("department").order_by("department__code")
    agenda = meeting.tasks.select_related("item", "department").order_by("pk")
    can_record = is_lead_of(case, request.user) and meeting.state == JointMeeting.State.CONVENED
    form = None
    if can_record:
        form = RecordMeetingForm(request.POST or None, participants=participants, tasks=agenda)
        if request.method == "POST" and form.is_valid():
            ok, _meeting = attempt(
                form,
                lambda: review.record_meeting(
                    meeting.pk,
                    request.user,
                    attendance=form.attendance(),
                    resolutions=form.resolutions(),
                    minutes=form.cleaned_data["minutes"],
                ),
            )
            if ok:
                messages.success(request, _("会议已记录，决议已生效。"))
                return redirect("cases:detail", pk=case.pk)
    elif request.method == "POST":
        raise Http404
    return render(
        request,
        "cases/meeting.html",
        {
            "meeting": meeting,
            "case": case,
            "form": form,
            "participants": participants,
            "resolutions": meeting.resolutions.select_related("task__item"),
        },
        status=400 if form is not None and form.errors else 200,
    )


def _case_action(request, pk, form, bound: str, call, done):
    """A lead department's form on the case page: the engine acts (`call(case, data)`) and
    `done(result)` says so; a refusal comes back on the case page with the form as `bound`."""
    case = visible_case(request, pk)
    if form.is_valid():
        ok, result = attempt(form, lambda: call(case, form.cleaned_data))
        if ok:
            messages.success(request, done(result))
            return redirect("cases:detail", pk=case.pk)
    messages.error(request, " ".join(str(e) for e in form.non_field_errors()) or _("请检查输入。"))
    return render_case(request, case, status=400, **{bound: form})


@require_POST
@for_role(rules.is_lead)
def decide(request, pk):
    return _case_action(
        request,
        pk,
        DecideForm(request.POST),
        "decide_form",
        lambda case, data: engine.decide(case.pk, request.user, data["text"]),
        lambda case: (
            _("已作出办件决定：%(decision)s。") % {"decision": case.get_decision_display()}
        ),
    )


# 办件管理: fast track, suspension and resumption, as the API offers them (api.py).


@require_POST
@for_role(rules.is_lead)
def fast_track(request, pk):
    return _case_action(
        request,
        pk,
        FastTrackForm(request.POST, prefix="fast_track"),
        "fast_track_form",
        lambda case, data: engine.set_fast_track(case.pk, request.user, data["reason"]),
        lambda case: _("已列为特事特办，各事项的承诺时限相应缩短。"),
    )


@require_POST
@for_role(rules.is_lead)
def suspend(request, pk):
    return _case_action(
        request,
        pk,
        SuspendForm(request.POST, prefix="suspend"),
        "suspend_form",
        lambda case, data: engine.suspend(case.pk, request.user, data["reason"]),
        lambda case: _("办件已中止，各事项暂停计时。"),
    )


@require_POST
@for_role(rules.is_lead)
def resume(request, pk):
    return _case_action(
        request,
        pk,
        ConfirmForm(request.POST),  # no fields: it carries the engine's refusal
        "resume_form",
        lambda case, data: engine.resume(case.pk, request.user),
        lambda case: _("办件已恢复办理，各事项继续计时。"),
    )
