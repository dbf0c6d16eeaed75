from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.utils.translation import gettext_lazy as _

from lianban.admin import ReadOnlyAdmin

from .forms import AdminLoginForm
from .models import ApiToken, LoginAttempt, User

# The admin's login is throttled and logged like the site's (accounts/forms.py).
admin.site.login_form = AdminLoginForm


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    list_display = ["username", "display_name", "role", "department", "enterprise", "is_active"]
    list_filter = ["role", "department", "is_active"]
    search_fields = ["username", "display_name"]
    fieldsets = (
        *BaseUserAdmin.fieldsets,
        (
            _("联办角色"),
            {
                "fields": (
                    "role",
                    "display_name",
                    "department",
                    "is_department_head",
                    "enterprise",
                    "person",
                    "phone",
                    "language",
                )
            },
        ),
    )


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    list_display = ["user", "name", "prefix", "created_at", "last_used_at", "revoked_at"]
    readonly_fields = ["prefix", "key_hash", "created_at", "last_used_at"]


@admin.register(LoginAttempt)
class LoginAttemptAdmin(ReadOnlyAdmin):
    """Read-only: the record of logins is evidence, not data to edit."""

    list_display = ["at", "username", "ip", "outcome"]
    list_filter = ["outcome"]
    search_fields = ["username", "ip"]
    date_hierarchy = "at"
