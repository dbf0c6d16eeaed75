"""The approval document and the intake vouchers as PDFs, from plain data: no database,
no request.

Layout after GB/T 9704-2012 (党政机关公文格式): A4, type area 156 × 225 mm, red masthead
with the issuing body, the document number, a red separator line, the title, the body in
16 pt with 22 lines a page, the issuing body and date right-aligned with the seal pressed
over them, page numbers "— 1 —". Fonts are Debian's Noto CJK, embedded as subsets.

The document is official text in Chinese whatever the reader's language, so its wording is
not translated. Every value from the case goes through the template's autoescaping."""

import datetime as dt
import re
import threading
from dataclasses import dataclass, field
from urllib.parse import urlencode

import segno
from django.conf import settings
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.safestring import mark_safe
from weasyprint import HTML
from weasyprint.text.fonts import FontConfiguration

from .seal import SealPlacement, draw_seal

PX_TO_PT = 0.75  # WeasyPrint lays out in CSS px (1/96 in); PDF user space is in pt (1/72 in)
CN_DIGITS = "一二三四五六七八九十"
TITLE_LINE = 20  # characters of the 22 pt title in the 156 mm type area
# Where a long Chinese name may break: after these words (公司, 项目, a closing bracket…).
_WORD_END = re.compile(r"(?<=公司|项目|工程|中心|基地|园区)|(?<=[）)、，])")
# A sentence from the case that already ends; anything else gets a 。 when printed.
_SENTENCE_END = "。！？；.!?;…）)”」』"


def _words(name: str) -> list[str]:
    return [w for w in _WORD_END.split(name) if w] or [name]


def _fill(words: list[str], width: int) -> list[str]:
    """Words into lines of at most width characters; a longer word is cut into
    even pieces rather than leaving one character on a line of its own."""
    pieces = []
    for word in words:
        count = -(-len(word) // width)
        size = -(-len(word) // count)
        pieces += [word[k : k + size] for k in range(0, len(word), size)]
    lines = [pieces[0]]
    for piece in pieces[1:]:
        if len(lines[-1]) + len(piece) <= width:
            lines[-1] += piece
        else:
            lines.append(piece)
    return lines


def sentence(text: str) -> str:
    """Text from the case printed as a sentence: with its full stop, whatever was typed."""
    text = text.strip()
    return text if not text or text.endswith(tuple(_SENTENCE_END)) else f"{text}。"


@dataclass(frozen=True)
class ItemDecision:
    """One item of the case as decided: approved with its licence, or refused with reasons."""

    name: str
    department: str
    approved: bool
    result_name: str = ""
    result_number: str = ""
    conditions: str = ""
    reason: str = ""
    # A joint meeting's resolution that upheld the reviewer's reasons for a refusal.
    resolution: str = ""
    # Not decided at all: the item was stopped because these prerequisites were refused
    # (cases.review cancels the dependants of a refused item). The applicant asked for it,
    # so the document says what became of it.
    halted_by: tuple[str, ...] = ()

    @property
    def licence(self) -> str:
        return self.result_name.strip().strip("《》")

    @property
    def halted(self) -> bool:
        return bool(self.halted_by)

    @property
    def reason_sentence(self) -> str:
        return sentence(self.reason)

    @property
    def resolution_sentence(self) -> str:
        return sentence(self.resolution)

    @property
    def conditions_sentence(self) -> str:
        return sentence(self.conditions)


@dataclass(frozen=True)
class DocumentData:
    number: str
    issuing_body: str
    party_name: str
    party_uscc: str  # empty for a natural person: no ID number is printed
    project: str
    case_number: str
    submitted_on: dt.date
    lead_department: str
    decision: str  # "approved" | "partial" | "refused", as cases.models.Decision
    items: tuple[ItemDecision, ...]
    issued_on: dt.date
    verify_url: str
    decision_text: str = ""
    held_meeting: bool = False
    copy_to: tuple[str, ...] = field(default=())
    # Where a refusal may be challenged. issuing.document_data passes the county's settings;
    # data built by hand (tests, benchmarks) gets them too.
    reconsideration_body: str = field(default_factory=lambda: settings.RECONSIDERATION_BODY)
    court: str = field(default_factory=lambda: settings.COURT_NAME)

    @property
    def title(self) -> str:
        return f"关于{self.party_name}“{self.project}”审批事项的批复"

    @property
    def title_lines(self) -> list[str]:
        """A title that does not fit one line (20 characters of 22 pt) breaks between
        words, so each line keeps its words whole (GB/T 9704 7.3.1): after the party's
        name, and inside a long name after 公司, 项目 and the like."""
        if len(self.title) <= TITLE_LINE:
            return [self.title]
        words = [f"关于{w}" if i == 0 else w for i, w in enumerate(_words(self.party_name))]
        project = _words(self.project)
        project[0] = f"“{project[0]}"
        project[-1] = f"{project[-1]}”"
        return _fill([*words, *project, "审批事项的批复"], TITLE_LINE)

    @property
    def decision_sentence(self) -> str:
        return sentence(self.decision_text)

    @property
    def approved(self) -> list[ItemDecision]:
        return [i for i in self.items if i.approved]

    @property
    def refused(self) -> list[ItemDecision]:
        return [i for i in self.items if not i.approved and not i.halted]

    @property
    def halted(self) -> list[ItemDecision]:
        return [i for i in self.items if i.halted]

    @property
    def decided(self) -> list[ItemDecision]:
        return [i for i in self.items if not i.halted]

    @property
    def challengeable(self) -> str:
        """The decisions against the applicant that the notice of remedies names: a refusal,
        and the stopping of the items it halted (行政许可法 art. 38: a refusal states the
        right to reconsideration and to sue). Empty when everything was approved."""
        if self.halted:
            return "不予许可和终止办理的决定"
        return "不予许可的决定" if self.refused else ""

    @property
    def remedy(self) -> str:
        if not self.challengeable:
            return ""
        return remedy_notice(
            f"本批复中{self.challengeable}", "本批复", self.reconsideration_body, self.court
        )


def remedy_notice(decision: str, document: str, reconsideration_body: str, court: str) -> str:
    """告知救济途径: the reconsideration body and the court by name, with both time limits
    (行政复议法 2023 arts. 20 and 24, 行政诉讼法 arts. 44 and 46). Left out, the limit to
    apply runs up to a year from when the applicant learns them."""
    return (
        f"如对{decision}不服，可以自收到{document}之日起六十日内向{reconsideration_body}"
        f"申请行政复议，也可以在六个月内向{court}提起行政诉讼。"
    )


@dataclass(frozen=True)
class AcceptedItem:
    name: str
    department: str
    limit: str  # the promised limit as the catalog writes it: 20个工作日, 即办


# The titles of the intake vouchers, by documents.models.VoucherKind: official text, in
# Chinese whatever the reader's language (the kinds' labels are translated).
VOUCHER_TITLES = {"acceptance": "受理通知书", "refusal": "不予受理决定书"}


@dataclass(frozen=True)
class VoucherData:
    """An intake voucher (行政许可法 art. 32): an acceptance notice, or a refusal decision
    with its reason."""

    kind: str  # "acceptance" | "refusal"
    number: str
    issuing_body: str
    party_name: str
    party_uscc: str
    project: str
    case_number: str
    submitted_on: dt.date
    lead_department: str
    items: tuple[AcceptedItem, ...]
    issued_on: dt.date
    verify_url: str
    # Acceptance: on which day, whether by law for want of a notice (art. 32(1)(4)), when
    # the case is expected to finish, papers accepted as missing (容缺) and their dates.
    accepted_on: dt.date | None = None
    by_default: bool = False
    due_on: dt.date | None = None
    shortfalls: tuple[tuple[str, dt.date], ...] = ()
    progress_url: str = ""
    refusal_reason: str = ""
    reconsideration_body: str = field(default_factory=lambda: settings.RECONSIDERATION_BODY)
    court: str = field(default_factory=lambda: settings.COURT_NAME)

    @property
    def refusal(self) -> bool:
        return self.kind == "refusal"

    @property
    def title(self) -> str:
        return VOUCHER_TITLES[self.kind]

    @property
    def reason_sentence(self) -> str:
        return sentence(self.refusal_reason)

    @property
    def remedy(self) -> str:
        return remedy_notice("本决定", "本决定书", self.reconsideration_body, self.court)


@dataclass(frozen=True)
class RenderedPdf:
    content: bytes
    seal: SealPlacement
    pages: int


def verification_url(site_url: str, number: str) -> str:
    """The public address printed as the QR code: no login needed to open it."""
    return f"{site_url.rstrip('/')}/documents/verify/?{urlencode({'number': number})}"


def cn_date(day: dt.date) -> str:
    """成文日期 in Arabic numerals without leading zeros (GB/T 9704-2012 7.3.5.1)."""
    return f"{day.year}年{day.month}月{day.day}日"


def cn_ordinal(n: int) -> str:
    if n <= 10:
        return CN_DIGITS[n - 1]
    tens, ones = divmod(n, 10)
    return (CN_DIGITS[tens - 1] if tens > 1 else "") + "十" + (CN_DIGITS[ones - 1] if ones else "")


def qr_svg(url: str) -> str:
    return segno.make(url, error="m").svg_inline(scale=0.5, unit="mm", border=2, dark="#000")


def masthead_size(issuing_body: str) -> float:
    """The masthead fills at most the type area's width (156 mm = 442 pt)."""
    chars = len(issuing_body) + 2  # and "文件"
    return min(40.0, 430.0 / max(chars, 1))


def _sections(data: DocumentData) -> list[dict]:
    sections = []
    if data.approved:
        sections.append({"heading": "准予许可的事项", "items": data.approved})
    if data.refused:
        sections.append({"heading": "不予许可的事项", "items": data.refused})
    halted: dict[tuple[str, ...], list[ItemDecision]] = {}
    for item in data.halted:  # one paragraph for the items one refusal stopped
        halted.setdefault(item.halted_by, []).append(item)
    if halted:
        groups = [{"halted_by": k, "items": v} for k, v in halted.items()]
        sections.append({"heading": "终止办理的事项", "items": groups})
    for i, section in enumerate(sections, start=1):
        section["ordinal"] = cn_ordinal(i)
        section["entries"] = [
            {"ordinal": cn_ordinal(k), "item": item}
            for k, item in enumerate(section.pop("items"), start=1)
        ]
    return sections


def _sealed_page(data) -> dict:
    """What every sealed file shows around its text: the date, the seal, the QR code."""
    return {
        "d": data,
        "title": data.title,
        "issued": cn_date(data.issued_on),
        "verify_page": data.verify_url.split("?", 1)[0],
        "seal_svg": mark_safe(draw_seal(data.issuing_body)),  # noqa: S308 (our own SVG, text escaped)
        "qr_svg": mark_safe(qr_svg(data.verify_url)),  # noqa: S308 (segno output)
    }


def html(data: DocumentData) -> str:
    # Those who reviewed alongside the lead; the lead itself is named once, as the lead.
    departments = sorted(
        {i.department for i in data.decided if i.department} - {data.lead_department}
    )
    context = {
        **_sealed_page(data),
        "sections": _sections(data),
        "departments": "、".join(departments),
        "counts": {
            "all": len(data.items),
            "approved": len(data.approved),
            "refused": len(data.refused),
            "halted": len(data.halted),
        },
        "submitted": cn_date(data.submitted_on),
        "masthead_pt": masthead_size(data.issuing_body),
    }
    with translation.override("zh-hans"):
        return render_to_string("documents/pdf/approval.html", context)


def voucher_html(data: VoucherData) -> str:
    context = {
        **_sealed_page(data),
        "submitted": cn_date(data.submitted_on),
        "accepted": cn_date(data.accepted_on) if data.accepted_on else "",
        "due": cn_date(data.due_on) if data.due_on else "",
        "shortfalls": [(name, cn_date(day)) for name, day in data.shortfalls],
    }
    with translation.override("zh-hans"):
        return render_to_string("documents/pdf/voucher.html", context)


_fonts = threading.local()


def _font_config() -> FontConfiguration:
    """One font configuration a thread, kept. A fresh one each render (WeasyPrint's default)
    loaded the CJK fonts again, and held Pango's font map (about 70 MB with them) in
    reference cycles: a worker sealing a backlog grew by that much a document until the
    cyclic collector ran. The template declares no @font-face, so nothing accumulates."""
    config = getattr(_fonts, "config", None)
    if config is None:
        config = _fonts.config = FontConfiguration()
    return config


def render(data: DocumentData) -> RenderedPdf:
    return _laid_out(html(data))


def render_voucher(data: VoucherData) -> RenderedPdf:
    return _laid_out(voucher_html(data))


def _laid_out(source: str) -> RenderedPdf:
    document = HTML(string=source).render(font_config=_font_config())
    seal = None
    for index, page in enumerate(document.pages):
        if "seal" in page.anchors:
            x1, y1, x2, y2 = page.anchors["seal"]
            height = page.height * PX_TO_PT
            seal = SealPlacement(
                page=index,
                box=(x1 * PX_TO_PT, height - y2 * PX_TO_PT, x2 * PX_TO_PT, height - y1 * PX_TO_PT),
            )
    if seal is None:  # the template always has the seal; a missing anchor is a template bug
        raise RuntimeError("the template has no #seal anchor")
    return RenderedPdf(content=document.write_pdf(), seal=seal, pages=len(document.pages))


def render_pdf(data: DocumentData) -> bytes:
    return render(data).content
