from django.contrib import admin

from lianban.admin import ReadOnlyAdmin

from .models import ApprovalDocument, IntakeVoucher


@admin.register(ApprovalDocument)
class ApprovalDocumentAdmin(ReadOnlyAdmin):
    """Read only: documents are issued and revoked through documents/issuing.py alone."""

    list_display = ["number", "case", "status", "issued_at", "revoked_at"]
    list_filter = ["status"]
    search_fields = ["number", "case__number"]


@admin.register(IntakeVoucher)
class IntakeVoucherAdmin(ReadOnlyAdmin):
    """Read only: vouchers are issued by documents/vouchers.py alone."""

    list_display = ["number", "kind", "case", "issued_at"]
    list_filter = ["kind"]
    search_fields = ["number", "case__number"]
