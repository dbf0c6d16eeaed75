"""The written vouchers of intake (行政许可法 art. 32, last paragraph: accepting or refusing
an application, the authority gives a written voucher bearing its seal and the date): the
acceptance notice (受理通知书) and the refusal decision (不予受理决定书), which names the
reason and where it may be challenged.

The window's act does not wait for them: cases.intake asks for one after its transaction
commits (tasks.issue_voucher_after_commit) and the worker issues it here, sealed as the
approval document is (issuing.seal_and_store). One of each kind per case, whoever asks how
often.

Numbers run per year and kind, in the approval documents' form under their prefix:
示审批受字〔2026〕12号, 示审批不受字〔2026〕3号. The verification page reads them alike."""

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from cases.engine import lock_case
from cases.events import append_event
from cases.models import Case, CaseState
from catalog.limits import format_limit
from catalog.records import Limit
from lianban import clock
from lianban.errors import Conflict

from .issuing import discard, party_of, seal_and_store
from .models import IntakeVoucher, VoucherKind
from .render import (
    VOUCHER_TITLES,
    AcceptedItem,
    VoucherData,
    render_voucher,
    verification_url,
)

NUMBER_WORD = {VoucherKind.ACCEPTANCE: "受字", VoucherKind.REFUSAL: "不受字"}
# The case's history says which voucher went out; cases/views/common.py labels the kinds.
EVENT_KIND = {
    VoucherKind.ACCEPTANCE: "acceptance_voucher_issued",
    VoucherKind.REFUSAL: "refusal_voucher_issued",
}


def number_prefix(kind: str) -> str:
    return f"{settings.LIANBAN_DOCUMENT_PREFIX}{NUMBER_WORD[kind]}"


def voucher_data(case: Case, kind: str, number: str, issued_on) -> VoucherData:
    party_name, party_uscc = party_of(case)
    items = tuple(
        AcceptedItem(
            name=task.item.name,
            department=task.department.name,
            limit=format_limit(Limit(task.limit_days, task.limit_unit)),
        )
        for task in case.tasks.select_related("item", "department").order_by("pk")
    )
    common = {
        "kind": kind,
        "number": number,
        "issuing_body": settings.SERVICE_CENTRE_NAME,
        "party_name": party_name,
        "party_uscc": party_uscc,
        "project": case.title,
        "case_number": case.number,
        "submitted_on": timezone.localdate(case.submitted_at),
        "lead_department": case.lead_department.name,
        "items": items,
        "issued_on": issued_on,
        "verify_url": verification_url(settings.SITE_URL, number),
    }
    if kind == VoucherKind.REFUSAL:
        return VoucherData(**common, refusal_reason=case.decision_text.strip())
    shortfalls = tuple(
        (s.material.name, s.promised_by)
        for s in case.shortfalls.select_related("material").order_by("promised_by", "pk")
    )
    return VoucherData(
        **common,
        accepted_on=case.accepted_on,
        by_default=case.events.filter(kind="accepted_by_default").exists(),
        due_on=case.due_date,
        shortfalls=shortfalls,
        progress_url=f"{settings.SITE_URL}{reverse('portal:progress')}",
    )


def _due(case: Case, kind: str) -> bool:
    """The case has had the act the voucher records. An accepted case keeps its acceptance
    whatever came after (a decision, a withdrawal): its voucher is still owed."""
    if kind == VoucherKind.ACCEPTANCE:
        return case.accepted_on is not None
    return case.state == CaseState.REFUSED_AT_INTAKE


def issue_voucher(case_id: int, kind: str) -> IntakeVoucher:
    """The case's voucher of this kind: issued, sealed, registered and recorded in the case's
    history, or the one it already has. Raises Conflict when the case has no such act to
    record, SealNotConfigured when the seal cannot be used; nothing is left behind then."""
    kind = VoucherKind(kind)
    written: list[str] = []
    try:
        with transaction.atomic():
            case = lock_case(case_id)
            existing = case.vouchers.filter(kind=kind).first()
            if existing is not None:
                return existing
            if not _due(case, kind):
                raise Conflict(
                    _("办件当前状态为“%(state)s”，不能出具%(voucher)s。")
                    % {"state": case.get_state_display(), "voucher": kind.label},
                    code="wrong_state",
                )
            now = clock.now()

            def compose(number, today):
                data = voucher_data(case, kind, number, today)
                return data.title, render_voucher(data)

            sealed = seal_and_store(
                case,
                number_prefix(kind),
                VOUCHER_TITLES[kind],
                compose,
                written,
                unavailable=_(
                    "电子印章暂不可用，%(voucher)s未出具。原因已记入系统日志，请联系系统管理员。"
                )
                % {"voucher": kind.label},
            )
            voucher = IntakeVoucher.objects.create(
                kind=kind, case=case, issued_at=now, **sealed.row()
            )
            append_event(
                case,
                None,
                EVENT_KIND[kind],
                payload={"voucher": voucher.number, "sha256": voucher.sha256},
            )
    except BaseException:
        discard(written)
        raise
    return voucher
