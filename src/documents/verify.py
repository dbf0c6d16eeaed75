"""Public verification: is this file the registered one, byte for byte; is its signature
valid and by whom; has it been revoked. The web page, the API and `lianban document verify`
all answer with the same Verdict. Intake vouchers (documents/vouchers.py) answer too, by
their own numbers and files; nothing revokes them.

A lookup by number says only what the registry holds about the number (no party, no title):
anyone may type a number. A file's holder already has the document, so the answer to an
upload may repeat its title and the reason for a revocation."""

import hashlib
import re
import unicodedata
from dataclasses import dataclass, field
from io import BytesIO

from django.utils import formats, timezone
from django.utils.translation import gettext as _
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.validation import SignatureCoverageLevel, validate_pdf_signature
from pyhanko_certvalidator import ValidationContext

from lianban.validators import query_text

from . import seal
from .models import ApprovalDocument, DocumentStatus, IntakeVoucher

MAX_UPLOAD_BYTES = 10 * 1024 * 1024
_NUMBER_IN_REASON = re.compile(r"(\S+〔\d{4}〕\d+号)")
_BRACKETS = str.maketrans(
    {
        "[": "〔",
        "]": "〕",
        "(": "〔",
        ")": "〕",
        "（": "〔",
        "）": "〕",
        "【": "〔",
        "】": "〕",
        "［": "〔",
        "］": "〕",
        "〘": "〔",
        "〙": "〕",
        "{": "〔",
        "}": "〕",
    }
)


class NotAPdf(ValueError):
    pass


@dataclass(frozen=True)
class SignatureCheck:
    """What pyHanko's validator says about the file's signature, against our root."""

    present: bool = False
    intact: bool = False
    valid: bool = False
    trusted: bool = False
    whole_file: bool = False
    signer: str = ""
    signed_at: object = None
    claimed_number: str = ""
    error: str = ""

    @property
    def ok(self) -> bool:
        return self.present and self.intact and self.valid and self.trusted and self.whole_file


@dataclass
class Finding:
    """One line of a verdict. A neutral finding is context, neither ✓ nor ✗ for the file
    at hand (the registered original's status when the file is not that original); its
    `ok` stays False so that a reader of `ok` alone never takes it for a confirmation."""

    ok: bool
    text: str
    neutral: bool = False

    @property
    def mark(self) -> str:
        return "·" if self.neutral else ("✓" if self.ok else "✗")


@dataclass
class Verdict:
    ok: bool
    headline: str
    findings: list[Finding] = field(default_factory=list)
    document: ApprovalDocument | IntakeVoucher | None = None

    @property
    def lines(self) -> list[str]:
        return [self.headline] + [f"{f.mark} {f.text}" for f in self.findings]


def normalise_number(number: str) -> str:
    """People type 〔〕 as [], () or （）; spaces come along when copying; phones offer
    full-width digits and ﹝﹞; other systems print 001号 or leave out 号. Our numbers have
    none of these (issuing.format_number)."""
    text = unicodedata.normalize("NFKC", query_text(number, max_length=200))
    text = re.sub(r"\s+", "", text.translate(_BRACKETS))
    text = re.sub(r"〕0+(?=\d)", "〕", text)
    if re.search(r"〕\d+$", text):
        text += "号"
    return text[:40]


def check_signature(content: bytes, root, *, moment=None) -> SignatureCheck:
    """Validate the file's signature with pyHanko against the given trust root, at moment
    (default: now). Plain data in and out; a malformed file is an answer, not an exception."""
    try:
        reader = PdfFileReader(BytesIO(content), strict=False)
        signatures = reader.embedded_signatures
    except Exception as exc:  # any parse failure means: no signature we can check
        return SignatureCheck(error=str(exc) or exc.__class__.__name__)
    if not signatures:
        return SignatureCheck()
    embedded = signatures[0]
    reason = str(embedded.sig_object.get("/Reason", ""))
    match = _NUMBER_IN_REASON.search(reason)
    claimed = match.group(1) if match else ""
    try:
        context = ValidationContext(trust_roots=[root], moment=moment)
        status = seal.outside_event_loop(validate_pdf_signature, embedded, context)
    except Exception as exc:  # a damaged signature container
        return SignatureCheck(
            present=True, claimed_number=claimed, error=str(exc) or exc.__class__.__name__
        )
    return SignatureCheck(
        present=True,
        intact=status.intact,
        valid=status.valid,
        trusted=status.trusted,
        whole_file=len(signatures) == 1 and status.coverage == SignatureCoverageLevel.ENTIRE_FILE,
        signer=seal.describe(status.signing_cert),
        signed_at=status.signer_reported_dt,
        claimed_number=claimed,
    )


def _day(moment) -> str:
    return formats.date_format(timezone.localdate(moment), "Y-m-d")


def _status_finding(document: ApprovalDocument, *, with_reason: bool) -> Finding:
    if document.status == DocumentStatus.VALID:
        return Finding(True, _("该文件现行有效，未被撤销。"))
    sentences = [_("该文件已于 %(day)s 撤销。") % {"day": _day(document.revoked_at)}]
    if with_reason and document.revoke_reason:
        sentences.append(
            _("撤销理由：%(reason)s。") % {"reason": document.revoke_reason.rstrip("。")}
        )
    sentences += _replacement(document)
    return Finding(False, _run_on(sentences))


def _replacement(document: ApprovalDocument) -> list[str]:
    """What stands in for a revoked document. Its successor may have been revoked in turn:
    the reader is sent to the case's document in force, or told there is none."""
    current = (
        ApprovalDocument.objects.filter(case_id=document.case_id, status=DocumentStatus.VALID)
        .exclude(pk=document.pk)
        .first()
    )
    successor = document.successor if document.successor_id else None
    if successor is not None and current is not None and successor.pk == current.pk:
        return [_("替代文件为 %(number)s，请以替代文件为准。") % {"number": successor.number}]
    sentences = []
    if successor is not None:
        sentences.append(_("替代文件 %(number)s 也已撤销。") % {"number": successor.number})
    if current is not None:
        sentences.append(
            _("现行有效的是批复文件 %(number)s，请以该文件为准。") % {"number": current.number}
        )
    elif successor is not None:
        sentences.append(_("目前没有现行有效的替代文件。"))
    else:
        sentences.append(_("没有替代文件。"))
    return sentences


def _run_on(sentences: list[str]) -> str:
    """Chinese sentences follow one another directly; the English catalogue puts a space
    between them."""
    text = sentences[0]
    for sentence in sentences[1:]:
        text = _("%(before)s%(after)s") % {"before": text, "after": sentence}
    return text


def _registered_status_finding(document: ApprovalDocument) -> Finding:
    """The status of the registered document a changed file claims to be. It says nothing
    about the file in hand, so it is worded as the registered original's and never ✓."""
    if document.status == DocumentStatus.VALID:
        return Finding(
            False,
            _("登记的批复文件 %(number)s 未被撤销；这是登记原件的状态，不代表上传的文件有效。")
            % {"number": document.number},
            neutral=True,
        )
    sentences = [
        _("登记的批复文件 %(number)s 已于 %(day)s 撤销。")
        % {"number": document.number, "day": _day(document.revoked_at)},
        *_replacement(document),
    ]
    return Finding(False, _run_on(sentences))


def _signature_finding(check: SignatureCheck) -> Finding:
    if check.ok:
        return Finding(
            True,
            _("电子签章有效：由 %(signer)s 签署，证书由本县根证书签发，签署后文件未被改动。")
            % {"signer": check.signer},
        )
    if not check.present:
        if check.error:
            return Finding(False, _("文件无法读取，无法核验电子签章。"))
        return Finding(False, _("文件没有电子签章。"))
    if check.error:
        return Finding(False, _("电子签章已损坏，无法核验。"))
    if not (check.intact and check.valid):
        return Finding(False, _("电子签章无效：文件内容在签署后被改动过。"))
    if not check.trusted:
        return Finding(
            False,
            _("签章证书（%(signer)s）不是由本县根证书签发的，不能确认签章者身份。")
            % {"signer": check.signer},
        )
    return Finding(False, _("签署后文件被追加了内容，已不是签署时的原样。"))


def _root_or_none():
    try:
        return seal.load_root()
    except seal.SealUnavailable:
        return None


def _voucher_verdict(voucher: IntakeVoucher, content: bytes | None) -> Verdict:
    """An intake voucher, by number or as the registered file itself: never revoked, so
    registered means in force; a file must also carry its intact seal."""
    kind = voucher.get_kind_display()
    findings = [
        Finding(
            True,
            _("%(kind)s %(number)s 已登记，由 %(signer)s 于 %(day)s 出具。")
            % {
                "kind": kind,
                "number": voucher.number,
                "signer": voucher.signer,
                "day": _day(voucher.issued_at),
            },
        )
    ]
    ok = True
    if content is not None:
        findings.append(
            Finding(
                True,
                _("此文件与登记簿中的%(kind)s %(number)s 逐字节一致。")
                % {"kind": kind, "number": voucher.number},
            )
        )
        root = _root_or_none()
        if root is None:
            findings.append(Finding(False, _("系统未配置根证书，暂时无法核验电子签章。")))
            ok = False
        else:
            check = check_signature(content, root, moment=voucher.issued_at)
            findings.append(_signature_finding(check))
            ok = check.ok
    if ok and content is not None:
        headline = _("核验通过：这是%(kind)s %(number)s 的原件。")
    elif ok:
        headline = _(
            "%(kind)s %(number)s 已登记在册。如需确认手中的文件是否为原件，请上传该文件核验。"
        )
    else:
        headline = _("核验未通过：不能确认这是%(kind)s %(number)s 的原件。")
    headline %= {"kind": kind, "number": voucher.number}
    return Verdict(ok=ok, headline=headline, findings=findings, document=voucher)


def verify_file(content: bytes) -> Verdict:
    if not content.startswith(b"%PDF-"):
        raise NotAPdf(_("上传的文件不是 PDF 文件（按文件内容判断）。"))
    digest = hashlib.sha256(content).hexdigest()
    document = ApprovalDocument.objects.select_related("successor").filter(sha256=digest).first()
    if document is None:
        voucher = IntakeVoucher.objects.filter(sha256=digest).first()
        if voucher is not None:
            return _voucher_verdict(voucher, content)
    root = _root_or_none()
    if root is None:
        check = SignatureCheck(error="no root")
        signature = Finding(False, _("系统未配置根证书，暂时无法核验电子签章。"))
    else:
        # A registered file existed, byte for byte, when it was issued: the registry is its
        # proof of existence, so its seal is judged at that time and stays valid after the
        # seal certificate expires. Any other file is judged now.
        moment = document.issued_at if document is not None else None
        check = check_signature(content, root, moment=moment)
        signature = _signature_finding(check)
    findings = []
    claimed = None  # the registered document a file that is not byte-identical names
    if document is not None:
        findings.append(
            Finding(
                True,
                _("此文件与登记簿中的批复文件 %(number)s（%(title)s，%(day)s 出具）逐字节一致。")
                % {
                    "number": document.number,
                    "title": document.title,
                    "day": _day(document.issued_at),
                },
            )
        )
    else:
        claimed = (
            ApprovalDocument.objects.select_related("successor")
            .filter(number=check.claimed_number)
            .first()
            if check.claimed_number
            else None
        )
        if claimed is not None:
            findings.append(
                Finding(
                    False,
                    _(
                        "此文件自称是批复文件 %(number)s，但与登记的原件不一致：文件被改动过，或不是原件。"
                    )
                    % {"number": claimed.number},
                )
            )
        else:
            findings.append(Finding(False, _("登记簿中没有与此文件逐字节一致的批复文件。")))
    findings.append(signature)
    if document is None and not check.present and not check.error:
        # Most often a printout saved as PDF, or a scan: the seal's signature does not
        # survive that. Say what can still be checked.
        findings.append(
            Finding(
                False,
                _(
                    "打印、扫描或“另存为 PDF”得到的副本不带电子签章，无法按文件核验。"
                    "请按副本上的文号查询登记状态，或请持有人提供出具时的原始文件。"
                ),
                neutral=True,
            )
        )
    if document is not None:
        findings.append(_status_finding(document, with_reason=True))
    elif claimed is not None:
        # Last, after what is wrong with the file itself: context, not a verdict on it.
        findings.append(_registered_status_finding(claimed))
    ok = document is not None and check.ok and document.status == DocumentStatus.VALID
    if ok:
        headline = _("核验通过：这是批复文件 %(number)s 的原件，现行有效。") % {
            "number": document.number
        }
    elif document is not None and document.status == DocumentStatus.REVOKED:
        headline = _("核验未通过：批复文件 %(number)s 已被撤销。") % {"number": document.number}
    elif claimed is not None:
        headline = _(
            "核验未通过：此文件与登记的批复文件 %(number)s 不一致，不能作为该文件使用。"
        ) % {"number": claimed.number}
    else:
        headline = _("核验未通过：不能确认这是登记在册的有效批复文件。")
    return Verdict(ok=ok, headline=headline, findings=findings, document=document)


def verify_number(number: str) -> Verdict:
    number = normalise_number(number)
    document = (
        ApprovalDocument.objects.select_related("successor").filter(number=number).first()
        if number
        else None
    )
    if document is None:
        voucher = IntakeVoucher.objects.filter(number=number).first() if number else None
        if voucher is not None:
            return _voucher_verdict(voucher, None)
        return Verdict(
            ok=False,
            headline=_("登记簿中没有文号为 %(number)s 的批复文件。") % {"number": number or "—"},
        )
    findings = [
        Finding(
            True,
            _("批复文件 %(number)s 已登记，由 %(signer)s 于 %(day)s 出具。")
            % {
                "number": document.number,
                "signer": document.signer,
                "day": _day(document.issued_at),
            },
        ),
        _status_finding(document, with_reason=False),
    ]
    if document.is_valid:
        headline = _(
            "批复文件 %(number)s 现行有效。如需确认手中的文件是否为原件，请上传该文件核验。"
        ) % {"number": document.number}
    else:
        headline = _("批复文件 %(number)s 已被撤销。") % {"number": document.number}
    return Verdict(ok=document.is_valid, headline=headline, findings=findings, document=document)
