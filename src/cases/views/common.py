"""What every case page shares: the audiences, the lookups that answer 404 to anyone
else, a case's history in words."""

from functools import wraps

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied as Forbidden
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.urls import Resolver404, resolve
from django.utils.translation import gettext as _
from django.utils.translation import pgettext_lazy

from accounts import permissions as rules
from catalog.models import ApprovalItem
from directory.masking import mask_id_number, mask_phone
from lianban.errors import DomainError, NotFound, PermissionDenied
from lianban.pagination import CappedPaginator

from ..forms import (
    put_error,
)
from ..models import (
    Authorisation,
    Case,
    CaseState,
    JointMeeting,
    ReviewTask,
    TaskState,
)

PER_PAGE = 20
# Shown in the browser; anything else is downloaded (never rendered as a page of ours).
KNOWN_TYPES = {"application/pdf", "image/jpeg", "image/png"}

# A history line says what happened ("Application submitted"); the same Chinese on a
# button says what to do ("Submit application"), hence the context.
EVENT_LABELS = {
    "applied": pgettext_lazy("history", "提交申请"),
    "notice_issued": pgettext_lazy("history", "出具一次性告知"),
    "notice_supplied": pgettext_lazy("history", "按告知补正材料"),
    "accepted": pgettext_lazy("history", "已受理"),
    "accepted_by_default": pgettext_lazy("history", "逾期未告知，依法视为受理"),
    "refused_at_intake": pgettext_lazy("history", "不予受理"),
    "withdrawn": pgettext_lazy("history", "撤回申请"),
    "task_dispatched": pgettext_lazy("history", "分发审查"),
    "task_decided_on_the_spot": pgettext_lazy("history", "即办件当场办结"),
    "task_approved": pgettext_lazy("history", "准予"),
    "task_referred": pgettext_lazy("history", "提交联席会议"),
    "task_resolved": pgettext_lazy("history", "联席会议决议"),
    "task_cancelled": pgettext_lazy("history", "事项取消"),
    "supplement_requested": pgettext_lazy("history", "要求补正"),
    "supplement_supplied": pgettext_lazy("history", "补正材料"),
    "clock_paused": pgettext_lazy("history", "暂停计时"),
    "clock_resumed": pgettext_lazy("history", "恢复计时"),
    "suspended": pgettext_lazy("history", "中止"),
    "resumed": pgettext_lazy("history", "恢复办理"),
    "fast_tracked": pgettext_lazy("history", "特事特办"),
    "agent_assigned": pgettext_lazy("history", "指定代办员"),
    "meeting_convened": pgettext_lazy("history", "召集联席会议"),
    "meeting_held": pgettext_lazy("history", "召开联席会议"),
    "decided": pgettext_lazy("history", "作出办件决定"),
    "document_issued": pgettext_lazy("history", "出具批复文件"),
    "document_revoked": pgettext_lazy("history", "撤销批复文件"),
    "acceptance_voucher_issued": pgettext_lazy("history", "出具受理通知书"),
    "refusal_voucher_issued": pgettext_lazy("history", "出具不予受理决定书"),
    "shortfall_supplied": pgettext_lazy("history", "补交容缺材料"),
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


def awaiting_meeting(case: Case):
    """The case's items referred to the joint meeting and not yet on a convened one."""
    return case.tasks.filter(state=TaskState.REFERRED).exclude(
        meetings__state=JointMeeting.State.CONVENED
    )


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
    if event.kind in ("acceptance_voucher_issued", "refusal_voucher_issued"):
        return str(payload.get("voucher", ""))
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
