"""The reviewer's pages: the department's tasks and acting on one."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import F
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts import permissions as rules
from catalog.models import Material

from .. import review
from ..forms import (
    ApproveForm,
    ConfirmForm,
    ExcludeTimeForm,
    RefuseForm,
    SupplementRequestForm,
    TaskFilterForm,
)
from ..models import (
    OPEN_TASK_STATES,
    CaseState,
    ReviewTask,
    TaskPause,
    TaskState,
)
from .common import attempt, for_role, is_task_staff, paginate, party_identity, visible_task

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
