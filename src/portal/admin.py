from django.contrib import admin

from lianban.admin import ReadOnlyAdmin

from .models import LookupFailure


@admin.register(LookupFailure)
class LookupFailureAdmin(ReadOnlyAdmin):
    """Read-only, as the record of logins is (accounts/admin.py)."""

    list_display = ["at", "number", "client"]
    search_fields = ["number", "client"]
    date_hierarchy = "at"
