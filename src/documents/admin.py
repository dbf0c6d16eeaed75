from django.contrib import admin

from .models import ApprovalDocument


@admin.register(ApprovalDocument)
class ApprovalDocumentAdmin(admin.ModelAdmin):
    """Read only: documents are issued and revoked through documents/issuing.py alone."""

    list_display = ["number", "case", "status", "issued_at", "revoked_at"]
    list_filter = ["status"]
    search_fields = ["number", "case__number"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
