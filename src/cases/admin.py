"""The admin shows cases and their history read-only: every change of state goes through
the case engine (cases/engine.py), never through a form here."""

from django.contrib import admin

from lianban.admin import ReadOnlyAdmin

from .models import (
    Authorisation,
    Case,
    CaseEvent,
    JointMeeting,
    Notice,
    Notification,
    ReviewTask,
)


class TaskInline(admin.TabularInline):
    model = ReviewTask
    fields = ["item", "department", "state", "dispatched_on", "due_date", "paused_days", "light"]
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


class EventInline(admin.TabularInline):
    model = CaseEvent
    fields = ["seq", "at", "actor_name", "actor_role", "kind", "from_state", "to_state", "hash"]
    readonly_fields = fields
    extra = 0
    can_delete = False
    ordering = ["seq"]

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Case)
class CaseAdmin(ReadOnlyAdmin):
    list_display = [
        "number",
        "title",
        "lead_department",
        "state",
        "light",
        "due_date",
        "fast_track",
    ]
    list_filter = ["state", "light", "fast_track", "lead_department"]
    search_fields = ["number", "title"]
    inlines = [TaskInline, EventInline]
    exclude = ["query_code"]


@admin.register(ReviewTask)
class ReviewTaskAdmin(ReadOnlyAdmin):
    list_display = ["case", "item", "department", "state", "due_date", "light"]
    list_filter = ["state", "light", "department"]


@admin.register(CaseEvent)
class CaseEventAdmin(ReadOnlyAdmin):
    list_display = ["case", "seq", "at", "actor_name", "kind", "from_state", "to_state"]
    list_filter = ["kind"]
    search_fields = ["case__number"]


@admin.register(Notice)
class NoticeAdmin(ReadOnlyAdmin):
    list_display = ["case", "issued_by", "issued_at", "resolved_at"]


@admin.register(JointMeeting)
class JointMeetingAdmin(ReadOnlyAdmin):
    list_display = ["case", "scheduled_for", "state", "held_at"]


@admin.register(Authorisation)
class AuthorisationAdmin(ReadOnlyAdmin):
    list_display = ["applicant", "agent", "granted_at", "revoked_at"]


@admin.register(Notification)
class NotificationAdmin(ReadOnlyAdmin):
    list_display = ["user", "key", "created_at", "read_at"]
