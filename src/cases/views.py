"""The case pages, for every audience: applicant and agent, window clerk, reviewer, lead
department, supervisor. Every change goes through the engine (engine.py, intake.py,
review.py); every lookup goes through `visible_to`, so what is not the user's answers 404."""

import itertools
from functools import wraps
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied as Forbidden
from django.db.models import Case as Switch
from django.db.models import Count, F, OuterRef, Q, Subquery, When
from django.db.models.functions import Coalesce
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import Resolver404, resolve, reverse
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from accounts import permissions as rules
from accounts.models import Role, User
from catalog.models import ApprovalItem, Material, ProjectType
from directory.masking import mask_id_number, mask_phone
from lianban.errors import DomainError, NotFound, PermissionDenied
from lianban.pagination import CappedPaginator
from lianban.schemas import MAX_ID
from lianban.validators import query_text

from . import engine, intake, review, supervision
from .events import verify_all
from .forms import (
    AgentSearchForm,
    ApplyForm,
    ApproveForm,
    AuthoriseForm,
    BoardFilterForm,
    ConfirmForm,
    ConveneForm,
    DecideForm,
    ExcludeTimeForm,
    FastTrackForm,
    IntakeForm,
    RecordMeetingForm,
    RefuseForm,
    SupplementRequestForm,
    SupplyForm,
    SuspendForm,
    TaskFilterForm,
    WithdrawForm,
    put_error,
)
from .models import (
    OPEN_CASE_STATES,
    OPEN_TASK_STATES,
    Authorisation,
    Case,
    CaseMaterial,
    CaseState,
    JointMeeting,
    Light,
    ReviewTask,
    TaskPause,
    TaskState,
)

PER_PAGE = 20
# Shown in the browser; anything else is downloaded (never rendered as a page of ours).
KNOWN_TYPES = {"application/pdf", "image/jpeg", "image/png"}

EVENT_LABELS = {
    "applied": gettext_lazy("提交申请"),
    "notice_issued": gettext_lazy("出具一次性告知"),
    "notice_supplied": gettext_lazy("按告知补正材料"),
    "accepted": gettext_lazy("已受理"),
    "accepted_by_default": gettext_lazy("逾期未告知，依法视为受理"),
    "refused_at_intake": gettext_lazy("不予受理"),
    "withdrawn": gettext_lazy("撤回申请"),
    "task_dispatched": gettext_lazy("分发审查"),
    "task_decided_on_the_spot": gettext_lazy("即办件当场办结"),
    "task_approved": gettext_lazy("准予"),
    "task_referred": gettext_lazy("提交联席会议"),
    "task_resolved": gettext_lazy("联席会议决议"),
    "task_cancelled": gettext_lazy("事项取消"),
    "supplement_requested": gettext_lazy("要求补正"),
    "supplement_supplied": gettext_lazy("补正材料"),
    "clock_paused": gettext_lazy("暂停计时"),
    "clock_resumed": gettext_lazy("恢复计时"),
    "suspended": gettext_lazy("中止"),
    "resumed": gettext_lazy("恢复办理"),
    "fast_tracked": gettext_lazy("特事特办"),
    "agent_assigned": gettext_lazy("指定代办员"),
    "meeting_convened": gettext_lazy("召集联席会议"),
    "meeting_held": gettext_lazy("召开联席会议"),
    "decided": gettext_lazy("作出办件决定"),
    "document_issued": gettext_lazy("出具批复文件"),
    "document_revoked": gettext_lazy("撤销批复文件"),
    "shortfall_supplied": gettext_lazy("补交容缺材料"),
}
STATE_LABELS = {**dict(TaskState.choices), **dict(CaseState.choices)}


# ---- helpers ---------------------------------------------------------------------------


def for_role(test):
    """A page for one audience; to anyone else it does not exist."""

    def decorate(view):
        @login_required
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            if not test(request.user):
                raise Http404
            return view(request, *args, **kwargs)

        return wrapped

    return decorate


def is_party_role(user) -> bool:
    return rules.can_apply(user)


def is_task_staff(user) -> bool:
    return rules.is_reviewer(user) or rules.is_lead(user)


def is_window(user) -> bool:
    return rules.is_clerk(user) or rules.is_lead(user)


def attempt(form, call):
    """Run an engine call. A DomainError lands beside its field (ok is False); a NotFound is a
    404, and a PermissionDenied (the case is visible, the action not the user's) a 403: the
    page offers such a user no form, so no one is left to correct anything."""
    try:
        return True, call()
    except NotFound:
        raise Http404 from None
    except PermissionDenied as error:
        raise Forbidden(str(error.message)) from None
    except DomainError as error:
        put_error(form, error)
        return False, None


def paginate(request, queryset):
    return CappedPaginator(queryset, PER_PAGE).get_page(request.GET.get("page"))


def visible_case(request, pk) -> Case:
    return get_object_or_404(
        Case.objects.visible_to(request.user).select_related(
            "lead_department", "project_type", "enterprise", "person", "applicant", "agent"
        ),
        pk=pk,
    )


def visible_task(request, pk) -> ReviewTask:
    task = get_object_or_404(
        ReviewTask.objects.visible_to(request.user).select_related("item", "department"), pk=pk
    )
    # The case with its party (party_identity) in a second statement, not three: joined into
    # the first, PostgreSQL took longer to plan seven joins (1.1 ms) than to run both.
    task.case = Case.objects.select_related(
        "lead_department", "applicant", "enterprise", "person"
    ).get(pk=task.case_id)
    return task


def is_party(case: Case, user) -> bool:
    """The applicant, or an agent holding the applicant's live authorisation."""
    if user.pk == case.applicant_id:
        return True
    return (
        rules.is_agent(user)
        and Authorisation.objects.filter(
            applicant_id=case.applicant_id, agent=user, revoked_at__isnull=True
        ).exists()
    )


def is_lead_of(case: Case, user) -> bool:
    return rules.is_lead(user) and rules.belongs_to(user, case.lead_department_id)


def is_clerk_of(case: Case, user) -> bool:
    return is_window(user) and rules.belongs_to(user, case.lead_department_id)


def existing_path(path: str) -> str | None:
    """A path of another app, offered only once that app serves it."""
    try:
        resolve(path)
    except Resolver404:
        return None
    return path


def case_documents(case: Case):
    """The approval documents of a case, once the documents app keeps them."""
    related = getattr(case, "documents", None)
    if related is None:
        return []
    return related.select_related("successor").order_by("issued_at", "pk")


def needed_by(materials, items) -> dict:
    """Material pk -> the chosen items that ask for it (the reason it is needed)."""
    chosen = {i.pk: i for i in items}
    through = ApprovalItem.materials.through.objects.filter(
        material_id__in=[m.pk for m in materials], approvalitem_id__in=chosen
    )
    reasons: dict[int, list] = {}
    for material_id, item_id in through.values_list("material_id", "approvalitem_id"):
        reasons.setdefault(material_id, []).append(chosen[item_id])
    return reasons


def party_identity(case: Case, user) -> dict:
    """Who applied, with personal numbers masked for roles that do not need them."""
    full = rules.sees_full_personal_numbers(user)
    person = case.person
    phone = person.phone if person else case.applicant.phone
    return {
        "name": case.party_name,
        "uscc": case.enterprise.uscc if case.enterprise_id else "",
        "id_number": (person.id_number if full else mask_id_number(person.id_number))
        if person
        else "",
        "phone": (phone if full else mask_phone(phone)) if phone else "",
    }


def describe(event) -> str:
    payload = event.payload or {}
    for key in ("reason", "opinion", "text"):
        if payload.get(key):
            return str(payload[key])
    if event.kind == "notice_issued":
        return _("；").join(
            _("%(name)s：%(problem)s") % {"name": p.get("name"), "problem": p.get("problem")}
            for p in payload.get("problems", [])
        )
    if event.kind in ("document_issued", "document_revoked"):
        return str(payload.get("document", ""))
    if event.kind == "task_dispatched" and payload.get("due"):
        return _("%(due)s 前办结") % {"due": payload["due"]}
    return ""


def timeline(case: Case) -> list[dict]:
    return [
        {
            "event": e,
            "label": EVENT_LABELS.get(e.kind, e.kind),
            "item": e.task.item.name if e.task_id else "",
            "from": STATE_LABELS.get(e.from_state, e.from_state),
            "to": STATE_LABELS.get(e.to_state, e.to_state),
            "detail": describe(e),
        }
        for e in case.events.select_related("task__item").order_by("seq")
    ]


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
        for stage in project.stages.order_by("order").prefetch_related("items__department"):
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
    materials = engine.required_materials(items)
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
def case_detail(request, pk):
    return _render_case(request, visible_case(request, pk))


def _render_case(request, case: Case, status=200, **bound):
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
                prefix=f"t{t.pk}", materials=_supplement_materials(t, pause)
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
    to_convene = lead_of and case.state == CaseState.IN_REVIEW and _referred(case).exists()
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
        "show_documents": documents_ready
        and (bool(documents) or case.state in (CaseState.DECIDED, CaseState.CLOSED)),
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


def _supplement_materials(task: ReviewTask, pause: TaskPause | None):
    asked = list(pause.materials) if pause else []
    if asked:
        return Material.objects.filter(pk__in=asked).order_by("name")
    return task.item.materials.filter(
        Q(issued_by__isnull=True) | ~Q(issued_by__in=task.case.tasks.values("item"))
    ).order_by("name")


def _referred(case: Case):
    return case.tasks.filter(state=TaskState.REFERRED).exclude(
        meetings__state=JointMeeting.State.CONVENED
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
    return _render_case(request, case, status=400, notice_form=form)


@require_POST
@login_required
def supply_supplement(request, pk):
    task = visible_task(request, pk)
    pause = task.pauses.filter(ended_on__isnull=True).order_by("-pk").first()
    form = SupplyForm(
        request.POST,
        request.FILES,
        prefix=f"t{task.pk}",
        materials=_supplement_materials(task, pause),
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
    return _render_case(
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
    return _render_case(request, case, status=400, **{f"shortfall_form_{shortfall.pk}": form})


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
    materials = engine.required_materials(items)
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


# ---- review ----------------------------------------------------------------------------


@for_role(is_task_staff)
def task_list(request):
    tasks = (
        ReviewTask.objects.visible_to(request.user)
        .filter(department_id=request.user.department_id)
        .select_related("case", "item", "department")
    )
    filters = TaskFilterForm(request.GET or None)
    state = light = ""
    if filters.is_valid():
        state, light = filters.cleaned_data["state"], filters.cleaned_data["light"]
    tasks = tasks.filter(state=state) if state else tasks.filter(state__in=OPEN_TASK_STATES)
    if light:
        tasks = tasks.filter(light=light)
    tasks = tasks.order_by(F("due_date").asc(nulls_last=True), "pk")
    query = request.GET.copy()
    query.pop("page", None)
    context = {"filters": filters, "page": paginate(request, tasks), "query": query.urlencode()}
    # htmx asks for the list alone, except when it restores a page from history.
    partial = request.htmx and not request.htmx.history_restore_request
    response = render(
        request, "cases/tasks.html#task-list" if partial else "cases/tasks.html", context
    )
    patch_vary_headers(response, ("HX-Request",))
    return response


TASK_ACTIONS = {
    "approve": (ApproveForm, gettext_lazy("已准予。")),
    "refuse": (RefuseForm, gettext_lazy("不予许可的意见已提交，由牵头部门联席会议决定。")),
    "supplement": (SupplementRequestForm, gettext_lazy("已要求申请人补正，该事项暂停计时。")),
    "exclude": (ExcludeTimeForm, gettext_lazy("已暂停计时。")),
    "resume": (None, gettext_lazy("已恢复计时。")),
}


def _task_forms(task: ReviewTask, data=None, action=None) -> dict:
    materials = Material.objects.filter(items=task.item).order_by("name")
    forms = {
        "approve": ApproveForm(prefix="approve"),
        "refuse": RefuseForm(prefix="refuse"),
        "supplement": SupplementRequestForm(prefix="supplement", materials=materials),
        "exclude": ExcludeTimeForm(prefix="exclude"),
    }
    if action in forms and data is not None:
        cls = TASK_ACTIONS[action][0]
        kwargs = {"materials": materials} if action == "supplement" else {}
        forms[action] = cls(data, prefix=action, **kwargs)
    return forms


def _run_task_action(task: ReviewTask, user, action: str, form):
    if action == "approve":
        return lambda: review.approve_task(task.pk, user, **form.cleaned_data)
    if action == "refuse":
        return lambda: review.refuse_task(task.pk, user, opinion=form.cleaned_data["opinion"])
    if action == "supplement":
        return lambda: review.request_supplement(
            task.pk,
            user,
            reason=form.cleaned_data["reason"],
            materials=[int(m) for m in form.cleaned_data["materials"]],
        )
    if action == "exclude":
        return lambda: review.exclude_time(task.pk, user, **form.cleaned_data)
    return lambda: review.resume_clock(task.pk, user)


def _panel_context(request, task: ReviewTask, forms=None, done="", errors=()) -> dict:
    user = request.user
    mine = is_task_staff(user) and rules.belongs_to(user, task.department_id)
    return {
        "task": task,
        "case": task.case,
        "can_review": mine
        and task.state == TaskState.IN_REVIEW
        and task.case.state == CaseState.IN_REVIEW,
        "can_resume": mine
        and task.state == TaskState.PAUSED
        and task.pause_kind not in ("", TaskPause.Kind.SUPPLEMENT, TaskPause.Kind.SUSPENSION),
        "forms": forms or _task_forms(task),
        "done": done,
        "panel_errors": errors,
    }


@login_required
def task_detail(request, pk):
    task = visible_task(request, pk)
    if request.method == "POST":
        return _task_act(request, task)
    return _render_task(request, task)


def _render_task(request, task: ReviewTask, status=200, **panel):
    case = task.case
    context = _panel_context(request, task, **panel)
    context.update(
        {
            "materials": case.materials.filter(superseded=False).select_related("material"),
            "others": case.tasks.exclude(pk=task.pk)
            .select_related("item", "department")
            .order_by("department__code", "pk"),
            "pauses": task.pauses.order_by("started_on", "pk"),
            "identity": party_identity(case, request.user),
        }
    )
    return render(request, "cases/task.html", context, status=status)


def _task_act(request, task: ReviewTask):
    action = request.POST.get("action", "")
    if action not in TASK_ACTIONS:
        raise Http404
    forms = _task_forms(task, request.POST, action)
    form = forms.get(action) or ConfirmForm(request.POST)  # resume has no fields
    ok = False
    if form.is_valid():
        ok, _result = attempt(form, _run_task_action(task, request.user, action, form))
    if ok:
        done = str(TASK_ACTIONS[action][1])
        task = visible_task(request, task.pk)
        if task.state == TaskState.REFERRED and action == "approve":
            done = _("已提出准予意见；该事项需由联席会议决定。")
        if request.htmx:
            return render(
                request, "cases/task.html#actions", _panel_context(request, task, done=done)
            )
        messages.success(request, done)
        return redirect("cases:task", pk=task.pk)
    errors = form.non_field_errors()  # shown in the panel when no form of it is on show
    if request.htmx:
        # htmx swaps only 2xx answers; the panel comes back with the messages beside the fields.
        return render(
            request,
            "cases/task.html#actions",
            _panel_context(request, task, forms=forms, errors=errors),
        )
    return _render_task(request, task, status=400, forms=forms, errors=errors)


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
    referred = list(_referred(case).select_related("item", "department"))
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
    return _render_case(request, case, status=400, **{bound: form})


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


# ---- supervision -----------------------------------------------------------------------


@for_role(rules.sees_all_cases)
def board(request):
    return _render_board(request)


def _render_board(request, audit=None):
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
            "audit": audit,
        },
    )


@require_POST
@for_role(rules.sees_all_cases)
def audit(request):
    """Verify every case's hash chain now; show OK or the first problems found."""
    problems = [str(p) for p in itertools.islice(verify_all(), 20)]
    return _render_board(request, audit={"ok": not problems, "problems": problems})


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
