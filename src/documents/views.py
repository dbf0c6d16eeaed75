"""Pages of the approval document: public verification, the case's documents with the lead
department's issue and revoke buttons, and the download, of a document or of an intake
voucher, for those who may see the case."""

import re
from urllib.parse import quote

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied as HttpForbidden
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.cache import add_never_cache_headers
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from cases.engine import shortfall_names, shortfalls_block_document
from cases.models import Case, CaseState
from lianban.errors import DomainError, NotFound, PermissionDenied

from . import issuing, verify
from .permissions import documents_visible_to, may_issue, vouchers_visible_to


def _back(request, default: str):
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return redirect(target)
    return redirect(default)


def _run(request, action):
    """Call a domain function; its refusals become a 404, a 403 or a message."""
    try:
        return action()
    except NotFound:
        raise Http404 from None
    except PermissionDenied as exc:
        raise HttpForbidden(str(exc.message)) from None
    except DomainError as exc:
        messages.error(request, exc.message)
        return None


@require_http_methods(["GET", "POST"])
def verify_page(request):
    """Public: no login. A number in the query string (as in the QR code) or an upload."""
    verdict = error = None
    number = verify.normalise_number(request.GET.get("number", ""))
    if request.method == "POST":
        upload = request.FILES.get("file")
        if upload is None:
            error = _("请选择要核验的 PDF 文件。")
        elif upload.size > verify.MAX_UPLOAD_BYTES:
            error = _("文件超过 %(mb)d MB，不是本系统出具的批复文件。") % {
                "mb": verify.MAX_UPLOAD_BYTES // (1024 * 1024)
            }
        else:
            try:
                verdict = verify.verify_file(upload.read())
            except verify.NotAPdf as exc:
                error = str(exc)
    elif number:
        verdict = verify.verify_number(number)
    status = 400 if error else 200
    return render(
        request,
        "documents/verify.html",
        {"verdict": verdict, "error": error, "number": number},
        status=status,
    )


def panel_context(case: Case, user) -> dict:
    """What templates/documents/_documents.html needs; the case page includes it too."""
    lead = may_issue(user, case)
    decided = lead and case.state == CaseState.DECIDED
    # 容缺受理: the document waits for the papers promised at intake (issuing refuses).
    owed = shortfall_names(shortfalls_block_document(case)) if decided else ""
    return {
        "case": case,
        "documents": case.documents.select_related("successor").order_by("issued_at", "pk"),
        "can_issue": decided and not owed,
        "papers_owed": owed,
        "can_revoke": lead,
    }


@login_required
def case_documents(request, case_id: int):
    case = get_object_or_404(Case.objects.visible_to(request.user), pk=case_id)
    return render(request, "documents/case.html", panel_context(case, request.user))


@login_required
@require_POST
def issue(request, case_id: int):
    document = _run(request, lambda: issuing.issue_document(case_id, request.user))
    if document is not None:
        messages.success(request, _("已出具批复文件 %(number)s。") % {"number": document.number})
    return _back(request, reverse("documents:case", args=[case_id]))


@login_required
@require_POST
def revoke(request, pk: int):
    document = get_object_or_404(documents_visible_to(request.user), pk=pk)
    revoked = _run(
        request,
        lambda: issuing.revoke_document(
            pk,
            request.user,
            request.POST.get("reason", ""),
            reissue=request.POST.get("reissue") == "1",
        ),
    )
    if revoked is not None:
        if revoked.successor_id:
            text = _("已撤销 %(old)s，并重新出具 %(new)s。") % {
                "old": revoked.number,
                "new": revoked.successor.number,
            }
        else:
            text = _("已撤销 %(old)s。") % {"old": revoked.number}
        messages.success(request, text)
    return _back(request, reverse("documents:case", args=[document.case_id]))


def _download_name(document) -> str:
    """The number, as the file is cited; a revoked one says so, once saved among others."""
    if document.is_valid:
        return document.download_name
    return _("%(number)s（已撤销）.pdf") % {"number": document.number}


def _pdf(file, ascii_name: str, name: str) -> FileResponse:
    response = FileResponse(file.open("rb"), as_attachment=True, content_type="application/pdf")
    # Django sends a Chinese name as filename* alone; the plain filename is the fallback
    # for clients that read only that (RFC 6266 4.3): the number's digits.
    response["Content-Disposition"] = "attachment; filename=\"{}\"; filename*=utf-8''{}".format(
        ascii_name, quote(name, safe="")
    )
    # A party's document, often fetched on a shared computer at the service hall: kept in
    # no cache, shared or the browser's own.
    add_never_cache_headers(response)
    return response


def _digits(number: str) -> str:
    return "-".join(re.findall(r"\d+", number))


@login_required
def download(request, pk: int):
    document = get_object_or_404(documents_visible_to(request.user), pk=pk)
    return _pdf(document.file, f"approval-{_digits(document.number)}.pdf", _download_name(document))


@login_required
def voucher_download(request, pk: int):
    voucher = get_object_or_404(vouchers_visible_to(request.user), pk=pk)
    return _pdf(
        voucher.file, f"{voucher.kind}-{_digits(voucher.number)}.pdf", voucher.download_name
    )
