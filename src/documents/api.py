"""The approval document over JSON: metadata, issue, revoke (the lead department), and the
public verification by number or file (no authentication)."""

import datetime as dt

from django.conf import settings
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _l
from ninja import File, Router, Schema, Status
from ninja.files import UploadedFile

from cases.idempotency import idempotent
from lianban.errors import DomainError
from lianban.schemas import PUBLIC, READ, WRITE, OneOf, PathId, Text, errors

from . import issuing, verify
from .models import ApprovalDocument, DocumentStatus
from .permissions import documents_visible_to
from .render import verification_url

router = Router(tags=["documents"])


class DocumentOut(Schema):
    id: int
    number: str
    case_id: int
    case_number: str
    title: str
    status: OneOf(DocumentStatus)
    sha256: str
    size: int
    signer: str
    issued_at: dt.datetime
    revoked_at: dt.datetime | None
    revoke_reason: str
    successor_number: str | None
    download_url: str
    verify_url: str


class RevokeIn(Schema):
    reason: Text(_l("撤销理由"), issuing.REASON_MAX)
    reissue: bool = False


class FindingOut(Schema):
    ok: bool
    text: str


class VerdictOut(Schema):
    ok: bool
    headline: str
    findings: list[FindingOut]
    number: str | None
    status: OneOf(DocumentStatus, nullable=True)
    successor_number: str | None


def _out(document: ApprovalDocument) -> dict:
    return {
        "id": document.pk,
        "number": document.number,
        "case_id": document.case_id,
        "case_number": document.case.number,
        "title": document.title,
        "status": document.status,
        "sha256": document.sha256,
        "size": document.size,
        "signer": document.signer,
        "issued_at": document.issued_at,
        "revoked_at": document.revoked_at,
        "revoke_reason": document.revoke_reason,
        "successor_number": document.successor.number if document.successor_id else None,
        "download_url": reverse("documents:download", args=[document.pk]),
        "verify_url": verification_url(settings.SITE_URL, document.number),
    }


def _verdict(verdict: verify.Verdict) -> dict:
    document = verdict.document
    successor = document.successor if document and document.successor_id else None
    return {
        "ok": verdict.ok,
        "headline": verdict.headline,
        "findings": [{"ok": f.ok, "text": f.text} for f in verdict.findings],
        "number": document.number if document else None,
        "status": document.status if document else None,
        "successor_number": successor.number if successor else None,
    }


@router.get(
    "/verify", auth=None, response={200: VerdictOut, **PUBLIC}, summary="按文号核验（公开）"
)
def verify_by_number(request, number: Text(_l("文号"), 100)):
    return _verdict(verify.verify_number(number))


@router.post(
    "/verify",
    auth=None,
    response={200: VerdictOut, **errors(400, 422)},
    summary="上传文件核验（公开）",
)
def verify_by_file(request, file: File[UploadedFile]):
    if file.size > verify.MAX_UPLOAD_BYTES:
        raise DomainError(
            _("文件超过 %(mb)d MB，不是本系统出具的批复文件。")
            % {"mb": verify.MAX_UPLOAD_BYTES // (1024 * 1024)},
            code="bad_upload",
            field="file",
        )
    try:
        return _verdict(verify.verify_file(file.read()))
    except verify.NotAPdf as exc:
        raise DomainError(str(exc), code="bad_upload", field="file") from None


@router.get("/{int:document_id}", response={200: DocumentOut, **READ}, summary="批复文件信息")
def get_document(request, document_id: PathId):
    queryset = documents_visible_to(request.user).select_related("case", "successor")
    return _out(get_object_or_404(queryset, pk=document_id))


@router.post(
    "/case/{int:case_id}/issue", response={201: DocumentOut, **WRITE}, summary="出具批复文件"
)
@idempotent
def issue(request, case_id: PathId):
    document = issuing.issue_document(case_id, request.user)
    return Status(201, _out(document))


@router.post(
    "/{int:document_id}/revoke", response={200: DocumentOut, **WRITE}, summary="撤销（并重新出具）"
)
@idempotent
def revoke(request, document_id: PathId, body: RevokeIn):
    """Returns the revoked document; its successor_number names the new one when reissued."""
    document = issuing.revoke_document(document_id, request.user, body.reason, body.reissue)
    return _out(document)
