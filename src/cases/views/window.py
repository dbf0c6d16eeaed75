"""The window clerk's pages: the intake queue and the intake check."""

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from .. import intake
from ..forms import (
    IntakeForm,
)
from ..materials import required_materials
from ..models import (
    Case,
    CaseState,
)
from .common import attempt, for_role, is_clerk_of, is_window, needed_by, paginate, visible_case

# ---- the window ------------------------------------------------------------------------


@for_role(is_window)
def intake_queue(request):
    mine = Case.objects.visible_to(request.user).filter(
        lead_department_id=request.user.department_id
    )
    waiting = mine.filter(state=CaseState.SUBMITTED).order_by("submitted_at", "pk")
    return render(
        request,
        "cases/intake_queue.html",
        {
            "page": paginate(
                request,
                waiting.select_related("lead_department", "applicant", "enterprise", "person"),
            ),
            "noticed": mine.filter(state=CaseState.NOTICE).order_by("submitted_at", "pk")[:50],
        },
    )


@for_role(is_window)
def intake_check(request, pk):
    case = visible_case(request, pk)
    if not is_clerk_of(case, request.user):
        raise Http404
    items = [t.item for t in case.tasks.select_related("item")]
    materials = required_materials(items)
    uploaded = {
        m.material_id: m for m in case.materials.filter(superseded=False).order_by("-uploaded_at")
    }
    form = IntakeForm(
        request.POST or None,
        materials=materials,
        uploaded=uploaded,
        needed_by=needed_by(materials, items),
    )
    if request.method == "POST" and case.state == CaseState.SUBMITTED and form.is_valid():
        action = form.cleaned_data["action"]
        if action == IntakeForm.ACCEPT:
            call, done = (
                lambda: intake.accept(case.pk, request.user, shortfalls=form.shortfalls()),
                _("已受理，各部门并联审批开始计时。"),
            )
        elif action == IntakeForm.NOTICE:
            call, done = (
                lambda: intake.issue_notice(case.pk, request.user, form.problems()),
                _("一次性告知已出具，申请人将收到通知。"),
            )
        else:
            call, done = (
                lambda: intake.refuse_intake(case.pk, request.user, form.cleaned_data["reason"]),
                _("已不予受理。"),
            )
        ok, _result = attempt(form, call)
        if ok:
            messages.success(request, done)
            return redirect("cases:detail", pk=case.pk)
    return render(
        request,
        "cases/intake_check.html",
        {
            "case": case,
            "form": form,
            "notice_issued": case.notices.exists(),
            "open": case.state == CaseState.SUBMITTED,
        },
        status=400 if form.errors else 200,
    )
