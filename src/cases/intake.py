"""Intake at the one window (一窗受理), part of the case engine: the one-time notice, the
five-day rule, acceptance (with shortfalls, 容缺受理) and refusal. Acceptance starts every clock."""

import datetime as dt

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from catalog.models import Material
from documents.tasks import issue_voucher_after_commit
from lianban import clock
from lianban.errors import Conflict, DomainError, NotFound
from workdays.service import current_calendar

from . import uploads
from .engine import (
    NOTICE_WORKING_DAYS,
    _cancel_open_tasks,
    _is_clerk_of,
    _is_party,
    _require,
    _require_state,
    _set_state,
    _visible_case,
    lock_case,
    outstanding_shortfalls,
    refresh_case_due,
    take_current_limits,
)
from .events import append_event
from .materials import attach, check_files, required_materials
from .models import Case, CaseState, Notice, Shortfall
from .notifications import leads_of, notify, notify_party


def issue_notice(case_id: int, actor, problems: list[dict]) -> Notice:
    """一次性告知: every missing or faulty paper at once, within five working days."""
    clean = [
        {
            "material": int(p["material"]) if p.get("material") else None,
            "name": str(p.get("name", "")).strip()[:200],
            "problem": str(p.get("problem", "")).strip()[:500],
        }
        for p in problems or []
    ]
    clean = [p for p in clean if p["problem"] and (p["material"] or p["name"])]
    if not clean:
        raise DomainError(
            _("一次性告知须列明每一项缺少或有误的材料及原因。"), code="invalid", field="problems"
        )
    with transaction.atomic():
        case = _visible_case(case_id, actor)
        _require(_is_clerk_of(case, actor), _("只有牵头部门的窗口人员可以出具一次性告知。"))
        _require_state(case, CaseState.SUBMITTED)
        if case.notices.exists():
            raise Conflict(_("一次性告知只能出具一次；请受理或不予受理。"), code="notice_once")
        if clock.today() > case.notice_deadline:
            raise Conflict(
                _("已超过五个工作日的告知期限，依法视为受理（行政许可法第三十二条）。"),
                code="notice_late",
            )
        names = dict(
            Material.objects.filter(
                pk__in=[p["material"] for p in clean if p["material"]]
            ).values_list("pk", "name")
        )
        for p in clean:
            if p["material"] and p["material"] not in names:
                raise DomainError(_("告知中列出的材料不存在。"), code="invalid", field="problems")
            p["name"] = p["name"] or names.get(p["material"], "")
        notice = Notice.objects.create(
            case=case, issued_by=actor, issued_at=clock.now(), problems=clean
        )
        _set_state(
            case,
            actor,
            "notice_issued",
            CaseState.NOTICE,
            payload={"notice": notice.pk, "problems": clean},
        )
        notify_party(
            case,
            "notice",
            gettext_noop("您的申请 %(number)s 需要补正材料，请查看一次性告知。"),
            {"number": case.number},
        )
    return notice


def supply_notice(case_id: int, actor, files: dict | None, note: str = "") -> Case:
    """The applicant supplies what the notice asked; the window then accepts or refuses."""
    written: list[str] = []
    try:
        with transaction.atomic():
            case = _visible_case(case_id, actor)
            _require(_is_party(case, actor), _("只有申请人或其授权的代办员可以补正材料。"))
            _require_state(case, CaseState.NOTICE)
            notice = case.notices.filter(resolved_at__isnull=True).first()
            asked = {p["material"] for p in notice.problems if p.get("material")}
            needed = {
                m.pk
                for m in required_materials([t.item for t in case.tasks.select_related("item")])
            }
            checked = check_files(case, files, asked | needed)
            if not checked:
                raise DomainError(
                    _("请上传一次性告知要求补正的材料。"), code="invalid", field="files"
                )
            attach(case, checked, actor, written)
            notice.resolved_at = clock.now()
            notice.save(update_fields=["resolved_at"])
            case.notice_deadline = current_calendar().add_working_days(
                clock.today(), NOTICE_WORKING_DAYS
            )
            _set_state(
                case,
                actor,
                "notice_supplied",
                CaseState.SUBMITTED,
                fields=["notice_deadline"],
                payload={"materials": [m.pk for m, _u in checked], "note": note[:500]},
            )
    except BaseException:
        uploads.discard(written)
        raise
    return case


def accept(case_id: int, actor, *, shortfalls: list[dict] | None = None) -> Case:
    """一窗受理: the clocks start and every item whose prerequisites are met is dispatched.
    `shortfalls` (容缺受理): [{material, promise, promised_by}] accepted as still missing."""
    with transaction.atomic():
        case = _visible_case(case_id, actor)
        _require(_is_clerk_of(case, actor), _("只有牵头部门的窗口人员可以受理。"))
        _require_state(case, CaseState.SUBMITTED)
        today = clock.today()
        for s in shortfalls or []:
            promised_by = s.get("promised_by")
            if isinstance(promised_by, str):
                try:
                    promised_by = dt.date.fromisoformat(promised_by)
                except ValueError:
                    promised_by = None
            if not promised_by or promised_by < today or not str(s.get("promise", "")).strip():
                raise DomainError(
                    _("容缺受理须有申请人的书面承诺和不早于今天的补交日期。"),
                    code="invalid",
                    field="shortfalls",
                )
            material = Material.objects.filter(pk=s.get("material")).first()
            if material is None:
                raise DomainError(_("容缺的材料不存在。"), code="invalid", field="shortfalls")
            Shortfall.objects.create(
                case=case,
                material=material,
                promise=str(s["promise"])[:1000],
                promised_by=promised_by,
            )
        _start_clocks(
            case, actor, today, kind="accepted", payload={"shortfalls": len(shortfalls or [])}
        )
        notify_party(
            case,
            "accepted",
            gettext_noop("您的申请 %(number)s 已受理，各部门并联审批中。"),
            {"number": case.number},
        )
        issue_voucher_after_commit(case.pk, "acceptance")
    return case


def accept_by_default(case_id: int) -> bool:
    """行政许可法 art. 32: no notice within five working days means accepted on receipt.
    Run by the periodic tick; a no-op when the case has moved on."""
    with transaction.atomic():
        case = lock_case(case_id)
        if case.state != CaseState.SUBMITTED or clock.today() <= case.notice_deadline:
            return False
        received = timezone.localdate(case.submitted_at)
        _start_clocks(
            case,
            None,
            received,
            kind="accepted_by_default",
            payload={"received": received.isoformat()},
        )
        notify_party(
            case,
            "accepted",
            gettext_noop("您的申请 %(number)s 已依法视为受理。"),
            {"number": case.number},
        )
        issue_voucher_after_commit(case.pk, "acceptance")
    return True


def _start_clocks(case: Case, actor, today: dt.date, *, kind: str, payload: dict) -> None:
    updated = take_current_limits(case)
    if updated:
        payload = {**payload, "items_updated": updated}
    case.accepted_at = clock.now()
    case.accepted_on = today
    _set_state(
        case,
        actor,
        kind,
        CaseState.IN_REVIEW,
        fields=["accepted_at", "accepted_on"],
        payload=payload,
    )
    from .review import decide_on_the_spot, dispatch_ready, tell_lead_when_ready

    # 即办 items are decided by the person at the window. Acceptance by default (art. 32)
    # starts the clocks and grants nothing: with no one there, they go to their department
    # like any other item, due the day the application was received.
    if actor is not None:
        decide_on_the_spot(case, actor, today)
    dispatch_ready(case, actor, today)
    tell_lead_when_ready(case, refresh_case_due(case))


def refuse_intake(case_id: int, actor, reason: str) -> Case:
    reason = (reason or "").strip()
    if not reason:
        raise DomainError(_("不予受理须说明理由。"), code="invalid", field="reason")
    with transaction.atomic():
        case = _visible_case(case_id, actor)
        _require(_is_clerk_of(case, actor), _("只有牵头部门的窗口人员可以不予受理。"))
        _require_state(case, CaseState.SUBMITTED, CaseState.NOTICE)
        _cancel_open_tasks(case, actor, "refused_at_intake")
        case.decision_text = reason[:2000]
        case.closed_at = clock.now()
        _set_state(
            case,
            actor,
            "refused_at_intake",
            CaseState.REFUSED_AT_INTAKE,
            fields=["decision_text", "closed_at"],
            payload={"reason": reason[:2000]},
        )
        notify_party(
            case,
            "refused",
            gettext_noop("您的申请 %(number)s 不予受理，理由见办件页面。"),
            {"number": case.number},
        )
        issue_voucher_after_commit(case.pk, "refusal")
    return case


# Papers accepted as missing may still come in while the case is reviewed, suspended, or
# decided and waiting for its document (issuing.issue_document waits for them); not once
# the case is closed or withdrawn.
SHORTFALL_SUPPLY_STATES = (CaseState.IN_REVIEW, CaseState.SUSPENDED, CaseState.DECIDED)


def supply_shortfall(case_id: int, actor, shortfall_id: int, files: dict) -> Shortfall:
    """The applicant supplies a paper accepted as missing. The last one supplied to a decided
    case tells the lead department that the document can now be issued."""
    written: list[str] = []
    try:
        with transaction.atomic():
            case = _visible_case(case_id, actor)
            _require(_is_party(case, actor))
            if case.state not in SHORTFALL_SUPPLY_STATES:
                raise Conflict(
                    _("办件当前状态为“%(state)s”，不再接收容缺材料。")
                    % {"state": case.get_state_display()},
                    code="wrong_state",
                )
            shortfall = case.shortfalls.filter(pk=shortfall_id, supplied_at__isnull=True).first()
            if shortfall is None:
                raise NotFound(_("没有待补交的容缺材料。"))
            checked = check_files(case, files, {shortfall.material_id})
            if not checked:
                raise DomainError(_("请上传承诺补交的材料。"), code="invalid", field="files")
            attach(case, checked, actor, written)
            shortfall.supplied_at = clock.now()
            shortfall.save(update_fields=["supplied_at"])
            append_event(
                case, actor, "shortfall_supplied", payload={"material": shortfall.material_id}
            )
            if case.state == CaseState.DECIDED and not outstanding_shortfalls(case):
                notify(
                    leads_of(case),
                    case,
                    f"case:{case.pk}:shortfalls_supplied",
                    gettext_noop("办件 %(number)s 的容缺材料已全部补交，可以出具批复文件。"),
                    {"number": case.number},
                )
    except BaseException:
        uploads.discard(written)
        raise
    return shortfall
