from django.contrib import admin

from lianban.admin import ReadOnlyAdmin

from .models import ApprovalDocument


@admin.register(ApprovalDocument)
class ApprovalDocumentAdmin(ReadOnlyAdmin):
    """Read only: documents are issued and revoked through documents/issuing.py alone."""

    list_display = ["number", "case", "status", "issued_at", "revoked_at"]
    list_filter = ["status"]
    search_fields = ["number", "case__number"]
