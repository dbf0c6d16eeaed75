"""The catalog in the admin. The county's list is kept in its workbook and loaded with
`lianban catalog import`; the admin is for looking and small fixes, and a fix made here is
held to the same rules as the workbook (checks.catalog_problems: promised within legal, no
prerequisite cycle, a paper issued by a prerequisite) and versioned the same way
(importer.record_version), so a case keeps the limits that held when it applied."""

from django import forms
from django.contrib import admin
from django.utils.translation import gettext as _

from workdays.calendar import WorkCalendar

from .checks import catalog_problems
from .days import DayTable
from .importer import record_version, refresh_issuers
from .models import ApprovalItem, ItemVersion, Material, ProjectType, Stage
from .records import Catalog, ItemRecord, Limit, normalise_code, normalise_name
from .store import load_catalog

# the workbook column a problem names -> the form field that shows it
_FIELDS = {
    "promised_limit": "promised_limit",
    "prerequisites": "prerequisites",
    "materials": "materials",
    "result_name": "result_name",
}


def _problems(catalog: Catalog) -> list[tuple[str, str, str]]:
    """(item code or "", column key, message), as the workbook's checks would give them. The
    published schedule only, as `lianban catalog check` does."""
    table = DayTable.of(WorkCalendar())
    return [
        (getattr(record, "code", ""), column, message)
        for _sheet, record, column, message in catalog_problems(catalog, table)
    ]


def _report_new_problems(form: forms.ModelForm, before: Catalog, after: Catalog, code: str):
    """Only what the edit brings: a problem the catalog already had is not this clerk's."""
    old = {(column, message) for _code, column, message in _problems(before)}
    for item_code, column, message in _problems(after):
        if (column, message) in old:
            continue
        field = _FIELDS.get(column) if item_code == code else None
        if field is None and item_code:
            message = _("事项“%(code)s”：%(message)s") % {"code": item_code, "message": message}
        form.add_error(field if field in form.fields else None, message)


class ApprovalItemForm(forms.ModelForm):
    class Meta:
        model = ApprovalItem
        fields = [
            "code",
            "name",
            "department",
            "kind",
            "legal_limit",
            "legal_unit",
            "promised_limit",
            "promised_unit",
            "fee",
            "legal_basis",
            "result_name",
            "handling",
            "visits",
            "notice_commitment",
            "is_annual_inspection",
            "needs_joint_meeting",
            "materials",
            "prerequisites",
            "is_active",
        ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "prerequisites" in self.fields:  # a retired item cannot be a prerequisite
            queryset = ApprovalItem.objects.filter(is_active=True)
            if self.instance.pk:
                queryset = queryset.exclude(pk=self.instance.pk)
            self.fields["prerequisites"].queryset = queryset

    def clean_code(self):
        return normalise_code(self.cleaned_data["code"])

    def clean(self):
        cleaned = super().clean()
        if self.errors:
            return cleaned
        before = load_catalog()
        after = load_catalog()
        old_code = self.instance.code if self.instance.pk else None
        code = cleaned["code"]
        if old_code is not None:
            after.items.pop(old_code, None)
            if old_code != code:  # the links follow the row; the records name it anew
                for record in after.items.values():
                    record.prerequisites = tuple(
                        code if c == old_code else c for c in record.prerequisites
                    )
        if cleaned.get("is_active", True):
            # first, so that a cycle through it is named from it, on its own field
            after.items = {code: self._record(cleaned), **after.items}
        elif self.instance.pk:
            dependants = self.instance.dependants.filter(is_active=True).order_by("code")
            if dependants:
                self.add_error(
                    "is_active",
                    _("以下在用事项以本事项为前置事项，请先修改它们再停用本事项：%(codes)s。")
                    % {"codes": "、".join(d.code for d in dependants)},
                )
                return cleaned
        _report_new_problems(self, before, after, code)
        return cleaned

    @staticmethod
    def _record(cleaned) -> ItemRecord:
        return ItemRecord(
            code=cleaned["code"],
            name=cleaned["name"],
            department=cleaned["department"].code,
            kind=cleaned["kind"],
            legal=Limit(cleaned["legal_limit"], cleaned["legal_unit"]),
            promised=Limit(cleaned["promised_limit"], cleaned["promised_unit"]),
            prerequisites=tuple(i.code for i in cleaned.get("prerequisites", [])),
            materials=tuple(m.name for m in cleaned.get("materials", [])),
            result_name=cleaned.get("result_name", ""),
        )


class ItemVersionInline(admin.TabularInline):
    model = ItemVersion
    extra = 0
    fields = ["version", "created_at", "data"]
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(ApprovalItem)
class ApprovalItemAdmin(admin.ModelAdmin):
    form = ApprovalItemForm
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
    inlines = [ItemVersionInline]

    def has_delete_permission(self, request, obj=None):
        # cases and versions point at items: one no longer offered is retired (在用 off)
        return False

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        record_version(form.instance)
        refresh_issuers()


class MaterialForm(forms.ModelForm):
    class Meta:
        model = Material
        fields = ["name"]

    def clean_name(self):
        # the name is the paper's identity, compared as an import compares it
        return normalise_name(self.cleaned_data["name"])

    def clean(self):
        cleaned = super().clean()
        name = cleaned.get("name")
        if self.errors or not self.instance.pk or name == self.instance.name:
            return cleaned
        before, after = load_catalog(), load_catalog()
        for record in after.items.values():
            record.materials = tuple(
                name if m == self.instance.name else m for m in record.materials
            )
        _report_new_problems(self, before, after, "")
        return cleaned


@admin.register(Material)
class MaterialAdmin(admin.ModelAdmin):
    form = MaterialForm
    list_display = ["name", "issued_by"]
    search_fields = ["name"]
    readonly_fields = ["issued_by"]  # follows the items' results (免提交)

    def has_delete_permission(self, request, obj=None):
        # deleting a paper items ask for would change them unversioned: rename it instead
        return obj is None or not obj.items.exists()

    def delete_queryset(self, request, queryset):
        super().delete_queryset(request, queryset.filter(items__isnull=True))

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        for item in obj.items.all():  # a renamed paper is a change to every item asking for it
            record_version(item)
        refresh_issuers()


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
