"""The catalog in the admin. The county's list is kept in its workbook and loaded with
`lianban catalog import` (which keeps item versions); the admin is for looking and small fixes."""

from django.contrib import admin

from .models import ApprovalItem, ItemVersion, Material, ProjectType, Stage


@admin.register(ApprovalItem)
class ApprovalItemAdmin(admin.ModelAdmin):
    list_display = [
        "code",
        "name",
        "department",
        "kind",
        "legal_limit",
        "promised_limit",
        "version",
        "is_active",
    ]
    list_filter = ["kind", "department", "is_active", "handling"]
    search_fields = ["code", "name"]
    filter_horizontal = ["materials", "prerequisites"]
    readonly_fields = ["version"]


@admin.register(Material)
class MaterialAdmin(admin.ModelAdmin):
    list_display = ["name", "issued_by"]
    search_fields = ["name"]


@admin.register(ItemVersion)
class ItemVersionAdmin(admin.ModelAdmin):
    list_display = ["item", "version", "created_at"]

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class StageInline(admin.TabularInline):
    model = Stage
    extra = 0
    filter_horizontal = ["items"]


@admin.register(ProjectType)
class ProjectTypeAdmin(admin.ModelAdmin):
    list_display = ["name", "life_event"]
    inlines = [StageInline]


@admin.register(Stage)
class StageAdmin(admin.ModelAdmin):
    list_display = ["project_type", "order", "name", "lead_department"]
