from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from lianban.admin import ReadOnlyAdmin

from . import tokens
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


class TokenStatus(admin.SimpleListFilter):
    title = _("状态")
    parameter_name = "status"

    def lookups(self, request, model_admin):
        return [
            ("active", _("有效")),
            ("soon", _("即将到期")),
            ("expired", _("已过期")),
            ("revoked", _("已吊销")),
        ]

    def queryset(self, request, queryset):
        match self.value():
            case "active":
                return tokens.active(queryset)
            case "soon":
                return tokens.expiring(queryset)
            case "expired":
                return tokens.expired(queryset)
            case "revoked":
                return queryset.filter(revoked_at__isnull=False)
        return queryset


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    """Every user's tokens, to see and to revoke. A token is made by its owner alone, who is
    shown its key once (accounts/tokens.py); a row here is the record of it, kept after it is
    revoked or runs out, so nothing is added, edited or deleted."""

    list_display = [
        "user",
        "name",
        "prefix",
        "created_at",
        "expires_at",
        "last_used_at",
        "revoked_at",
    ]
    list_filter = [TokenStatus]
    search_fields = ["user__username", "user__display_name", "name", "prefix"]
    date_hierarchy = "expires_at"
    list_select_related = ["user"]
    fields = list_display
    readonly_fields = list_display
    actions = ["revoke"]

    def has_add_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.action(description=_("吊销所选令牌"), permissions=["change"])
    def revoke(self, request, queryset):
        revoked = 0
        for token in queryset.filter(revoked_at__isnull=True).select_related("user"):
            tokens.revoke(token.user, token.pk, request=request, by=request.user)
            revoked += 1
        self.message_user(
            request,
            ngettext("已吊销 %(n)d 个令牌。", "已吊销 %(n)d 个令牌。", revoked) % {"n": revoked},
        )


@admin.register(LoginAttempt)
class LoginAttemptAdmin(ReadOnlyAdmin):
    """Read-only: the record of logins is evidence, not data to edit."""

    list_display = ["at", "username", "ip", "outcome"]
    list_filter = ["outcome"]
    search_fields = ["username", "ip"]
    date_hierarchy = "at"
