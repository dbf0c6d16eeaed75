"""The registry of approval documents. A row and its file are written once: a document is
revoked and a successor issued, never edited (documents/issuing.py does both)."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from lianban.choices import ChoiceLabels


class DocumentStatus(models.TextChoices):
    VALID = "valid", _("有效")
    REVOKED = "revoked", _("已撤销")


class DocumentSequence(models.Model):
    """The last number used for one prefix and year; taken under a row lock."""

    prefix = models.CharField(max_length=20)
    year = models.PositiveSmallIntegerField()
    last = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["prefix", "year"], name="one_sequence_per_prefix_year")
        ]


class SealedFile(models.Model):
    """A sealed file in the registry, as issuing.seal_and_store leaves it: its number, where
    it lies, its hash and who sealed it. Written once."""

    number = models.CharField(_("文号"), max_length=40, unique=True)
    title = models.CharField(_("标题"), max_length=300)
    file = models.FileField(_("文件"), max_length=200, editable=False)
    size = models.PositiveIntegerField(_("文件大小"))
    sha256 = models.CharField(_("SHA-256"), max_length=64, unique=True)
    signer = models.CharField(_("签章者"), max_length=300)
    issued_at = models.DateTimeField(_("出具时间"))

    class Meta:
        abstract = True


class ApprovalDocument(ChoiceLabels, SealedFile):
    case = models.ForeignKey(
        "cases.Case", verbose_name=_("办件"), on_delete=models.PROTECT, related_name="documents"
    )
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("出具人"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    status = models.CharField(
        _("状态"), max_length=10, choices=DocumentStatus.choices, default=DocumentStatus.VALID
    )
    revoked_at = models.DateTimeField(_("撤销时间"), null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("撤销人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    revoke_reason = models.TextField(_("撤销理由"), blank=True)
    successor = models.ForeignKey(
        "self",
        verbose_name=_("替代文件"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="predecessors",
    )

    class Meta:
        verbose_name = _("批复文件")
        verbose_name_plural = _("批复文件")
        ordering = ["-issued_at", "-pk"]
        constraints = [
            # One document, one seal: a case has at most one valid document at a time.
            models.UniqueConstraint(
                fields=["case"], condition=Q(status="valid"), name="one_valid_document_per_case"
            ),
            models.CheckConstraint(
                name="revoked_has_time_and_reason",
                condition=Q(status="valid", revoked_at__isnull=True)
                | Q(status="revoked", revoked_at__isnull=False) & ~Q(revoke_reason=""),
            ),
        ]

    def __str__(self):
        return self.number

    @property
    def is_valid(self) -> bool:
        return self.status == DocumentStatus.VALID

    @property
    def download_name(self) -> str:
        return f"{self.number}.pdf"


def standing(documents) -> ApprovalDocument | None:
    """Of one case's documents, the one that says where the case stands: the valid one, or,
    when every one has been revoked, the last revoked. A case closed on a document that was
    revoked with none after it has no valid approval, and each page showing the case says so
    (templates/documents/_standing.html). None before any document is issued."""
    documents = list(documents)
    valid = next((d for d in documents if d.is_valid), None)
    if valid is not None or not documents:
        return valid
    # The end of the chain of successors: a reissue is revoked at the same moment as the one
    # it replaces, or later.
    ends = [d for d in documents if not d.successor_id] or documents
    return max(ends, key=lambda d: (d.revoked_at, d.pk))


class VoucherKind(models.TextChoices):
    ACCEPTANCE = "acceptance", _("受理通知书")
    REFUSAL = "refusal", _("不予受理决定书")


class IntakeVoucher(ChoiceLabels, SealedFile):
    """The sealed, dated written voucher of an intake decision (行政许可法 art. 32, last
    paragraph): one acceptance notice or one refusal decision per case, issued by the worker
    after the window's act (documents/vouchers.py). Written once; nothing revokes it, so it
    answers the verification page as always in force."""

    kind = models.CharField(_("类别"), max_length=12, choices=VoucherKind.choices)
    case = models.ForeignKey(
        "cases.Case", verbose_name=_("办件"), on_delete=models.PROTECT, related_name="vouchers"
    )

    # What the verification API reads of a registered file, as of an ApprovalDocument.
    status = DocumentStatus.VALID
    successor_id = None

    class Meta:
        verbose_name = _("受理凭证")
        verbose_name_plural = _("受理凭证")
        ordering = ["issued_at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["case", "kind"], name="one_voucher_of_each_kind")
        ]

    def __str__(self):
        return self.number

    @property
    def download_name(self) -> str:
        return f"{self.number}.pdf"
