"""The applicant's and the agent's pages: their cases, applying, withdrawing, supplying
what was asked for, and authorising an agent."""

from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Q
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts import permissions as rules
from accounts.models import Role, User
from catalog.models import ApprovalItem, Material, ProjectType
from lianban.errors import NotFound
from lianban.schemas import MAX_ID
from lianban.validators import query_text

from .. import engine, intake, review
from ..forms import (
    AgentSearchForm,
    ApplyForm,
    AuthoriseForm,
    SupplyForm,
    WithdrawForm,
)
from ..materials import required_materials
from ..models import (
    OPEN_CASE_STATES,
    Authorisation,
    Case,
)
from .case import render_case, supplement_materials
from .common import (
    attempt,
    for_role,
    is_party,
    is_party_role,
    needed_by,
    paginate,
    visible_case,
    visible_task,
)

# ---- applicant and agent ---------------------------------------------------------------


@for_role(is_party_role)
def my_cases(request):
    cases = (
        Case.objects.visible_to(request.user)
        # An agent's list names each case's party (party_name).
        .select_related("lead_department", "applicant", "enterprise", "person")
        .order_by("-submitted_at", "-pk")
    )
    return render(request, "cases/mine.html", {"page": paginate(request, cases)})


def _chosen(request):
    """The project type or the items chosen for an application, from the query string."""
    project = None
    if request.GET.get("project"):
        project = get_object_or_404(ProjectType, pk=_int(request.GET["project"]), is_active=True)
        items = {}
        for stage in project.stages.order_by("order").with_items("department"):
            items.update({i.pk: i for i in stage.items.all() if i.is_active})
        return project, list(items.values())
    ids = [_int(v) for v in request.GET.getlist("item")]
    items = list(
        ApprovalItem.objects.filter(pk__in=[i for i in ids if i], is_active=True)
        .select_related("department")
        .order_by("code")
    )
    if ids and len(items) != len(set(ids)):
        raise Http404
    return None, items


def _int(value) -> int | None:
    """An id typed into a query string, or None; one no database key can hold is None too."""
    try:
        number = int(value)
    except (TypeError, ValueError):
        return None
    return number if 1 <= number <= MAX_ID else None


@for_role(is_party_role)
def apply(request):
    project, items = _chosen(request)
    if project is None and not items:
        return _choose(request)
    materials = required_materials(items)
    reasons = needed_by(materials, items)
    form = ApplyForm(
        request.POST or None,
        request.FILES or None,
        actor=request.user,
        materials=materials,
        needed_by=reasons,
    )
    if request.method == "POST" and form.is_valid():
        ok, case = attempt(
            form,
            lambda: engine.apply(
                request.user,
                title=form.cleaned_data["title"],
                project_type=project,
                items=None if project else items,
                files=form.files_by_material(),
                applicant=form.cleaned_data.get("applicant"),
            ),
        )
        if ok:
            messages.success(
                request,
                _("申请已提交。办件编号 %(number)s，查询码 %(code)s。")
                % {"number": case.number, "code": case.query_code},
            )
            return redirect("cases:detail", pk=case.pk)
    return render(
        request,
        "cases/apply.html",
        {"form": form, "project": project, "items": items},
        status=400 if form.errors else 200,
    )


def _choose(request):
    """The items to apply for, picked across pages and searches: the picks ride along in
    the one GET form (`pick`) until the applicant asks to apply, then become `item`."""
    q = query_text(request.GET.get("q", ""))
    active = ApprovalItem.objects.filter(is_active=True).select_related("department")
    picked = list(
        active.filter(pk__in=[i for i in map(_int, request.GET.getlist("pick")) if i]).order_by(
            "department__code", "code"
        )
    )
    if "apply" in request.GET:
        if picked:
            return redirect(
                f"{reverse('cases:apply')}?{urlencode([('item', i.pk) for i in picked])}"
            )
        messages.error(request, _("请至少选择一个事项。"))
    items = active
    if q:
        items = items.filter(
            Q(name__icontains=q) | Q(code__icontains=q) | Q(department__name__icontains=q)
        )
    page = paginate(request, items.order_by("department__code", "code"))
    on_page = {item.pk for item in page}
    return render(
        request,
        "cases/apply_choose.html",
        {
            "q": q,
            "projects": ProjectType.objects.filter(is_active=True).order_by("name"),
            "page": page,
            "picked": picked,
            "picked_ids": {item.pk for item in picked},
            "picked_elsewhere": [item for item in picked if item.pk not in on_page],
        },
    )


@login_required
def withdraw(request, pk):
    case = visible_case(request, pk)
    if not (is_party(case, request.user) and case.state in OPEN_CASE_STATES):
        raise Http404
    form = WithdrawForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        ok, _case = attempt(
            form, lambda: engine.withdraw(case.pk, request.user, form.cleaned_data["reason"])
        )
        if ok:
            messages.success(request, _("申请已撤回。"))
            return redirect("cases:detail", pk=case.pk)
    return render(
        request,
        "cases/withdraw.html",
        {"case": case, "form": form},
        status=400 if form.errors else 200,
    )


@require_POST
@login_required
def supply_notice(request, pk):
    case = visible_case(request, pk)
    notice = case.notices.filter(resolved_at__isnull=True).first()
    asked = [p["material"] for p in notice.problems if p.get("material")] if notice else []
    form = SupplyForm(
        request.POST,
        request.FILES,
        materials=Material.objects.filter(pk__in=asked).order_by("name"),
    )
    if form.is_valid():
        ok, _case = attempt(
            form,
            lambda: intake.supply_notice(
                case.pk, request.user, form.files_by_material(), form.cleaned_data["note"]
            ),
        )
        if ok:
            messages.success(request, _("补正材料已提交，请等待窗口受理。"))
            return redirect("cases:detail", pk=case.pk)
    return render_case(request, case, status=400, notice_form=form)


@require_POST
@login_required
def supply_supplement(request, pk):
    task = visible_task(request, pk)
    pause = task.pauses.filter(ended_on__isnull=True).order_by("-pk").first()
    form = SupplyForm(
        request.POST,
        request.FILES,
        prefix=f"t{task.pk}",
        materials=supplement_materials(task, pause),
    )
    if form.is_valid():
        ok, _task = attempt(
            form,
            lambda: review.supply_supplement(
                task.pk,
                request.user,
                files=form.files_by_material(),
                note=form.cleaned_data["note"],
            ),
        )
        if ok:
            messages.success(request, _("补正已提交，该事项恢复计时。"))
            return redirect("cases:detail", pk=task.case_id)
    return render_case(
        request, visible_case(request, task.case_id), status=400, **{f"supplement_form_{pk}": form}
    )


@require_POST
@login_required
def supply_shortfall(request, pk, shortfall_pk):
    case = visible_case(request, pk)
    shortfall = get_object_or_404(
        case.shortfalls.select_related("material"), pk=shortfall_pk, supplied_at__isnull=True
    )
    form = SupplyForm(
        request.POST, request.FILES, prefix=f"s{shortfall.pk}", materials=[shortfall.material]
    )
    if form.is_valid():
        ok, _s = attempt(
            form,
            lambda: intake.supply_shortfall(
                case.pk, request.user, shortfall.pk, form.files_by_material()
            ),
        )
        if ok:
            messages.success(request, _("容缺材料已补交。"))
            return redirect("cases:detail", pk=case.pk)
    return render_case(request, case, status=400, **{f"shortfall_form_{shortfall.pk}": form})


# ---- authorising an agent ----------------------------------------------------------------


@for_role(is_party_role)
def agents(request):
    user = request.user
    if rules.is_agent(user):
        given = Authorisation.objects.filter(agent=user, revoked_at__isnull=True)
        return render(
            request,
            "cases/agents.html",
            {"held": given.select_related("applicant").order_by("-granted_at")},
        )
    search = AgentSearchForm(request.GET or None)
    found = User.objects.none()
    if search.is_valid() and search.cleaned_data["q"]:
        q = search.cleaned_data["q"]
        found = User.objects.filter(role=Role.AGENT, is_active=True).filter(
            Q(username__icontains=q) | Q(display_name__icontains=q)
        )
    form = AuthoriseForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        ok, _auth = attempt(form, lambda: engine.authorise_agent(user, form.cleaned_data["agent"]))
        if ok:
            messages.success(
                request,
                _("已授权 %(agent)s 代办您的申请。") % {"agent": form.cleaned_data["agent"]},
            )
            return redirect("cases:agents")
    live = (
        Authorisation.objects.filter(applicant=user, revoked_at__isnull=True)
        .select_related("agent")
        .order_by("-granted_at")
    )
    return render(
        request,
        "cases/agents.html",
        {
            "search": search,
            "found": paginate(request, found.order_by("username")) if found else None,
            "form": form,
            "live": live,
        },
        status=400 if form.errors else 200,
    )


@require_POST
@for_role(rules.is_applicant)
def revoke_agent(request, pk):
    try:
        auth = engine.revoke_authorisation(request.user, pk)
    except NotFound:
        raise Http404 from None
    messages.success(request, _("已撤回对 %(agent)s 的代办授权。") % {"agent": auth.agent})
    return redirect("cases:agents")
