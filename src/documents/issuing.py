"""Issuing and revoking the one approval document of a case.

Both functions follow the engine's order: one transaction, the case row locked, the state
guarded, the change, the event in the case's history (cases.engine.record_document_*).
Rendering and signing happen inside the transaction, under the number sequence's lock, so
numbers have no gaps; a file written before a failure is deleted again."""

import datetime as dt
import hashlib
import logging
import secrets
from collections.abc import Callable
from dataclasses import asdict, dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from cases.engine import (
    lock_case,
    record_document_issued,
    record_document_revoked,
    shortfall_names,
    shortfalls_block_document,
)
from cases.models import Case, CaseState, JointMeeting, MeetingResolution, ReviewTask, TaskState
from lianban import clock
from lianban.errors import Conflict, DomainError, NotFound, PermissionDenied
from lianban.validators import clean_text

from . import seal, verify
from .models import ApprovalDocument, DocumentSequence, DocumentStatus
from .permissions import may_issue
from .render import DocumentData, ItemDecision, RenderedPdf, render, verification_url

REASON_MAX = 1000

logger = logging.getLogger(__name__)


class SealNotConfigured(DomainError):
    """The county's seal cannot be used. The lead department is told that much; what is wrong
    (a file path, a passphrase) is the administrator's, and goes to the log (`detail`)."""

    code = "seal_unavailable"
    status = 503

    def __init__(self, detail: str, message: str = ""):
        super().__init__(
            message or _("电子印章暂不可用，批复文件未出具。原因已记入系统日志，请联系系统管理员。")
        )
        self.detail = detail


def format_number(prefix: str, year: int, sequence: int) -> str:
    """发文字号: prefix, year in 六角括号, sequence without leading zeros (GB/T 9704 7.2.5)."""
    return f"{prefix}〔{year}〕{sequence}号"


def next_number(year: int, prefix: str = "") -> str:
    prefix = prefix or settings.LIANBAN_DOCUMENT_PREFIX
    DocumentSequence.objects.get_or_create(prefix=prefix, year=year)
    sequence = DocumentSequence.objects.select_for_update().get(prefix=prefix, year=year)
    sequence.last += 1
    sequence.save(update_fields=["last"])
    return format_number(prefix, year, sequence.last)


def _refused_roots(case: Case) -> dict[int, tuple[str, ...]]:
    """For each cancelled task of a decided case, the refused items that stopped it: a
    dependant of a refused item is cancelled (cases.review.dispatch_ready), and so are its
    own dependants, so the refusal is found through the cancelled ones in between."""
    rows = list(case.tasks.values_list("pk", "state", "item__name"))
    states = {pk: state for pk, state, _name in rows}
    names = {pk: name for pk, _state, name in rows}
    needs: dict[int, list[int]] = {}
    for task_id, pre_id in ReviewTask.prerequisites.through.objects.filter(
        from_reviewtask__case=case
    ).values_list("from_reviewtask_id", "to_reviewtask_id"):
        needs.setdefault(task_id, []).append(pre_id)

    def roots(task_id: int, seen: set[int]) -> list[int]:
        found = []
        for pre_id in needs.get(task_id, []):
            if pre_id in seen:
                continue
            seen.add(pre_id)
            if states.get(pre_id) == TaskState.REFUSED:
                found.append(pre_id)
            elif states.get(pre_id) == TaskState.CANCELLED:
                found += roots(pre_id, seen)
        return found

    halted = {}
    for pk, state in states.items():
        if state == TaskState.CANCELLED and (found := roots(pk, set())):
            halted[pk] = tuple(names[r] for r in sorted(found))
    return halted


def party_of(case: Case) -> tuple[str, str]:
    """The addressee of a case's documents: name and USCC, or a person's name alone (no ID
    number is printed)."""
    if case.enterprise_id:
        return case.enterprise.name, case.enterprise.uscc
    return case.party_name, ""


def document_data(case: Case, number: str, issued_on) -> DocumentData:
    """What the document says, read from the decided case: every item applied for, decided
    or stopped because a prerequisite was refused."""
    halted_by = _refused_roots(case)
    upheld = {
        task_id: text.strip()
        for task_id, text in MeetingResolution.objects.filter(
            task__case=case, approve=False
        ).values_list("task_id", "text")
    }
    everything = (
        case.tasks.filter(
            Q(state__in=[TaskState.APPROVED, TaskState.REFUSED]) | Q(pk__in=list(halted_by))
        )
        .select_related("item", "department")
        .order_by("pk")
    )
    items = tuple(
        ItemDecision(
            name=task.item.name,
            department=task.department.name,
            approved=task.state == TaskState.APPROVED,
            result_name=task.item.result_name,
            result_number=task.result_number,
            conditions=task.conditions.strip(),
            reason=task.opinion.strip() if task.state == TaskState.REFUSED else "",
            resolution=(
                upheld.get(task.pk, "")
                if task.state == TaskState.REFUSED and upheld.get(task.pk) != task.opinion.strip()
                else ""
            ),
            halted_by=halted_by.get(task.pk, ()),
        )
        for task in everything
    )
    # 抄送: every department that must act on the document or know of it (GB/T 9704 7.4.2):
    # each one with an item in it, a stopped one too (it closes its file), and the lead when
    # it is not the issuing service centre; in the county's own order of departments.
    copied = {task.department for task in everything} | {case.lead_department}
    copy_to = [
        department.name
        for department in sorted(copied, key=lambda d: d.code)
        if not department.is_service_centre
    ]
    party_name, party_uscc = party_of(case)
    return DocumentData(
        number=number,
        issuing_body=settings.SERVICE_CENTRE_NAME,
        party_name=party_name,
        party_uscc=party_uscc,
        project=case.title,
        case_number=case.number,
        submitted_on=timezone.localdate(case.submitted_at),
        lead_department=case.lead_department.name,
        decision=case.decision,
        decision_text=case.decision_text.strip(),
        items=items,
        issued_on=issued_on,
        verify_url=verification_url(settings.SITE_URL, number),
        held_meeting=case.meetings.filter(state=JointMeeting.State.HELD).exists(),
        copy_to=tuple(copy_to),
        reconsideration_body=settings.RECONSIDERATION_BODY,
        court=settings.COURT_NAME,
    )


def _lead_case(case_id, actor) -> Case:
    """The case locked, if the actor may see it (else 404) and leads it (else 403)."""
    case = lock_case(case_id)
    if not Case.objects.visible_to(actor).filter(pk=case.pk).exists():
        raise NotFound(_("办件不存在。"))
    if not may_issue(actor, case):
        raise PermissionDenied(_("只有牵头部门可以出具或撤销批复文件。"))
    return case


def _check_own_seal(signed: bytes) -> None:
    """The signed file must pass the public verification before it is registered. A key
    that is not the certificate's, an expired certificate or one the root did not issue
    signs without complaint, and the file would then fail every check by its readers."""
    check = verify.check_signature(signed, seal.load_root())
    if not check.ok:
        logger.error("Seal self-check failed: %s", check)
        raise seal.SealUnavailable(
            _(
                "加盖电子印章后的文件未能通过核验，批复文件未出具。请检查印章私钥与证书是否匹配、"
                "证书是否在有效期内并由根证书签发。"
            )
        )


@dataclass(frozen=True)
class Sealed:
    """A file just sealed and stored, for its registry row."""

    number: str
    title: str
    file: str
    size: int
    sha256: str
    signer: str

    def row(self) -> dict:
        """The registry row's fields (models.SealedFile) but its issue time."""
        return asdict(self)


def seal_and_store(
    case: Case,
    prefix: str,
    label: str,
    compose: Callable[[str, dt.date], tuple[str, RenderedPdf]],
    written: list[str],
    *,
    unavailable: str = "",
) -> Sealed:
    """Take the next number under `prefix`, lay out what compose(number, today) gives (a
    title and the rendered file), seal it as "`label` number", check the seal and store the
    file (its name goes into `written`, for the caller to delete should its transaction
    fail). `unavailable` is what the user is told when the seal cannot be used."""
    today = clock.today()
    try:
        # The key first: without a seal there is no point rendering, nor taking a number.
        with seal.seal_signer() as signer:
            number = next_number(today.year, prefix)
            title, rendered = compose(number, today)
            signed = seal.sign(
                rendered.content,
                signer,
                placement=rendered.seal,
                reason=f"{label} {number}",
                location=settings.SERVICE_CENTRE_NAME,
            )
            signer_name = seal.describe(signer.signing_cert)
            _check_own_seal(signed)
    except seal.SealUnavailable as exc:
        logger.error("Seal unavailable, case %s not issued (%s): %s", case.pk, label, exc)
        raise SealNotConfigured(str(exc), unavailable) from None
    name = default_storage.save(
        f"documents/{today:%Y}/{secrets.token_hex(16)}.pdf", ContentFile(signed)
    )
    written.append(name)
    return Sealed(
        number=number,
        title=title[:300],
        file=name,
        size=len(signed),
        sha256=hashlib.sha256(signed).hexdigest(),
        signer=signer_name[:300],
    )


def _issue(case: Case, actor, written: list[str]) -> ApprovalDocument:
    now = clock.now()

    def compose(number, today):
        data = document_data(case, number, today)
        return data.title, render(data)

    sealed = seal_and_store(case, "", "批复文件", compose, written)
    return ApprovalDocument.objects.create(
        case=case, issued_at=now, issued_by=actor, **sealed.row()
    )


def discard(written: list[str]) -> None:
    for name in written:
        default_storage.delete(name)


def issue_document(case_id, actor) -> ApprovalDocument:
    """The one document of a decided case: rendered, sealed, stored, registered; the case
    moves to CLOSED. Refused while papers accepted as missing (容缺) are outstanding.
    Nothing is left behind if any step fails."""
    written: list[str] = []
    try:
        with transaction.atomic():
            case = _lead_case(case_id, actor)
            if case.state != CaseState.DECIDED:
                raise Conflict(
                    _("办件当前状态为“%(state)s”，不能出具批复文件。")
                    % {"state": case.get_state_display()},
                    code="wrong_state",
                )
            # 容缺受理: the licence waits for the papers promised at intake. Checked before a
            # number is taken, so a refusal leaves no gap in the sequence.
            missing = shortfalls_block_document(case)
            if missing:
                raise Conflict(
                    _("申请人尚未补交容缺受理的材料：%(papers)s。材料补齐后才能出具批复文件。")
                    % {"papers": shortfall_names(missing)},
                    code="shortfalls_outstanding",
                )
            document = _issue(case, actor, written)
            record_document_issued(
                case, actor, document_number=document.number, sha256=document.sha256
            )
    except BaseException:
        discard(written)
        raise
    return document


def revoke_document(document_id, actor, reason: str, reissue: bool = False) -> ApprovalDocument:
    """Revoke a valid document with a reason; with reissue, a new document under a new
    number replaces it and the old one names it as successor. Returns the revoked row."""
    try:
        reason = clean_text(reason or "", label=_("撤销理由"), max_length=REASON_MAX)
    except ValidationError as error:
        raise DomainError(error.messages[0], code="invalid", field="reason") from None
    if not reason:
        raise DomainError(_("撤销批复文件须说明理由。"), code="invalid", field="reason")
    try:
        case_id = ApprovalDocument.objects.values_list("case_id", flat=True).get(pk=document_id)
    except (ApprovalDocument.DoesNotExist, ValueError, TypeError):
        raise NotFound(_("批复文件不存在。")) from None
    written: list[str] = []
    try:
        with transaction.atomic():
            case = _lead_case(case_id, actor)
            document = ApprovalDocument.objects.select_for_update().get(pk=document_id)
            if document.status != DocumentStatus.VALID:
                raise Conflict(_("该批复文件已经撤销。"), code="already_revoked")
            document.status = DocumentStatus.REVOKED
            document.revoked_at = clock.now()
            document.revoked_by = actor
            document.revoke_reason = reason
            document.save(update_fields=["status", "revoked_at", "revoked_by", "revoke_reason"])
            if reissue:
                document.successor = _issue(case, actor, written)
                document.save(update_fields=["successor"])
            record_document_revoked(
                case,
                actor,
                document_number=document.number,
                reason=reason,
                successor_number=document.successor.number if document.successor else "",
                successor_sha256=document.successor.sha256 if document.successor else "",
            )
    except BaseException:
        discard(written)
        raise
    return document
