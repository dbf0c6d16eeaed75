"""The catalog in the admin. The county's list is kept in its workbook and loaded with
`lianban catalog import`; the admin is for looking and small fixes, and a fix made here is
held to the same rules as the workbook, with the same words (checks.catalog_problems: promised
within legal, no prerequisite cycle, a paper issued by a prerequisite, a stage's lead
department among its items' departments; checks.stage_problems: what the reader finds in the
项目类型 sheet) and versioned the same way (importer.record_version), so a case keeps the
limits that held when it applied. A refused save changes nothing."""

from itertools import chain

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from workdays.calendar import WorkCalendar

from .checks import bad_stage_order, catalog_problems, split_list, stage_problems, unknown_item
from .days import DayTable
from .importer import place_items, record_version, refresh_issuers
from .models import IN_STAGE_ORDER, ApprovalItem, ItemVersion, Material, ProjectType, Stage
from .records import (
    Catalog,
    ItemRecord,
    Limit,
    ProjectTypeRecord,
    StageRecord,
    normalise_code,
    normalise_name,
)
from .store import load_catalog

# the workbook column a problem names -> the form field that shows it
_FIELDS = {
    "promised_limit": "promised_limit",
    "prerequisites": "prerequisites",
    "materials": "materials",
    "result_name": "result_name",
}
_STAGE_FIELDS = {"items": "item_codes", "lead_department": "lead_department", "stage": "name"}


def _problems(catalog: Catalog) -> list[tuple[tuple, object, str, str]]:
    """(whose, record, column key, message), as the workbook's checks would give them; the
    published schedule only, as `lianban catalog check` does. `whose` names the item, stage
    or project type a problem is about, so that the same words said of another row are not
    taken for a problem the catalog already had."""
    whose = {}
    for project in catalog.project_types.values():
        whose[id(project)] = ("project_type", project.name)
        for stage in project.stages:
            whose[id(stage)] = ("stage", project.name, stage.name)
    table = DayTable.of(WorkCalendar())
    found = chain(catalog_problems(catalog, table), stage_problems(catalog))
    return [
        (
            ("item", record.code) if isinstance(record, ItemRecord) else whose[id(record)],
            record,
            column,
            message,
        )
        for _sheet, record, column, message in found
    ]


def _new_problems(before: Catalog, after: Catalog) -> list[tuple[tuple, object, str, str]]:
    """Only what the edit brings: a problem the catalog already had is not this clerk's."""
    old = {(whose, column, message) for whose, _record, column, message in _problems(before)}
    return [p for p in _problems(after) if (p[0], p[2], p[3]) not in old]


def _report_new_problems(form: forms.ModelForm, before: Catalog, after: Catalog, code: str):
    for whose, _record, column, message in _new_problems(before, after):
        field = _FIELDS.get(column) if whose == ("item", code) else None
        if field is None and whose[0] == "item" and whose[1] != code:
            message = _("事项“%(code)s”：%(message)s") % {"code": whose[1], "message": message}
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
        if "materials" in self.fields:  # a retired paper stays only where it already is
            in_use = Q(is_active=True)
            if self.instance.pk:
                in_use |= Q(items=self.instance)
            self.fields["materials"].queryset = Material.objects.filter(in_use).distinct()

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
            # as a workbook's stage listing an item left out of its 事项 sheet is refused
            stages = self.instance.stages.filter(project_type__is_active=True)
            stages = stages.select_related("project_type").order_by("project_type__name", "order")
            if stages:
                self.add_error(
                    "is_active",
                    _("以下项目类型的阶段列有本事项，请先从中删去本事项再停用：%(stages)s。")
                    % {"stages": "、".join(str(s) for s in stages)},
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
        if form.instance.is_active:  # an item back in use brings its retired papers back
            form.instance.materials.filter(is_active=False).update(is_active=True)


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
    list_display = ["name", "issued_by", "is_active"]
    list_filter = ["is_active"]
    search_fields = ["name"]
    # follow the items: their results (免提交) and whether one in use asks for the paper
    readonly_fields = ["issued_by", "is_active"]

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


class ItemCodesField(forms.CharField):
    """A stage's items as the workbook's 事项编码 cell lists them: codes separated by 、 or
    the like (checks.split_list), in the order the guide shows them; each once."""

    widget = forms.TextInput(attrs={"size": 40})

    def to_python(self, value) -> list[str]:
        codes = (normalise_code(c) for c in split_list(super().to_python(value)))
        return list(dict.fromkeys(codes))

    def has_changed(self, initial, data) -> bool:
        return self.to_python(initial) != self.to_python(data)


class StageForm(forms.ModelForm):
    """One stage with its items in order. The checks that need the whole project type run
    in StageFormSet (on the project type's page) and StageAdminForm (a stage on its own)."""

    item_codes = ItemCodesField(
        label=gettext_lazy("事项"),
        required=False,
        help_text=gettext_lazy("按办事指南中的先后顺序填写事项编码，用“、”分隔。"),
    )

    class Meta:
        model = Stage
        fields = ["order", "name", "lead_department"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.listed = (
            list(self.instance.items.order_by(*IN_STAGE_ORDER)) if self.instance.pk else []
        )
        self.initial.setdefault("item_codes", "、".join(i.code for i in self.listed))
        self.chosen: list[ApprovalItem] = []

    def clean_order(self):
        order = self.cleaned_data["order"]
        if order < 1:
            raise ValidationError(bad_stage_order())
        return order

    def clean_item_codes(self):
        codes = self.cleaned_data["item_codes"]
        found = {i.code: i for i in ApprovalItem.objects.filter(code__in=codes)}
        errors = []
        for code in codes:
            item = found.get(code)
            if item is None:
                errors.append(unknown_item(code))
            elif not item.is_active and item not in self.listed:  # one listed before may stay
                errors.append(_("事项“%(code)s”已停用，不能列入阶段。") % {"code": code})
        if errors:
            raise ValidationError(errors)
        self.chosen = [found[code] for code in codes]
        return codes

    def record(self) -> StageRecord:
        data = self.cleaned_data
        return StageRecord(
            data["order"], data["name"], data["lead_department"].code, tuple(data["item_codes"])
        )

    def _save_m2m(self):
        super()._save_m2m()
        place_items(self.instance, self.chosen)


def _check_project_type(project: ProjectType, old_name: str | None, stages) -> list[str]:
    """The workbook's checks of the catalog with `project` in place of the project type once
    named `old_name`; `stages(now)` gives its stages after the edit, from its stage records
    now, each as (record, the form that edits it or None). A problem of a stage with a form
    goes on the form's field; the others are returned. A retired project type is not
    checked, as an import leaves it alone."""
    if not project.is_active:
        return []
    before, after = load_catalog(), load_catalog()
    now = after.project_types.pop(old_name, None)
    edited = stages(now.stages if now else [])
    forms_of = {id(record): form for record, form in edited}
    after.project_types[project.name] = ProjectTypeRecord(
        project.name,
        sorted((record for record, _form in edited), key=lambda s: s.order),
        project.life_event,
        project.description,
    )
    rest = []
    for _whose, record, column, message in _new_problems(before, after):
        form, field = forms_of.get(id(record)), _STAGE_FIELDS.get(column)
        if form is not None and field in form.fields:
            form.add_error(field, message)
        else:
            rest.append(message)
    return rest


class StageFormSet(forms.BaseInlineFormSet):
    """A project type's stages, checked together as the 项目类型 sheet is."""

    def clean(self):
        super().clean()  # two stages of one order are refused first
        project = self.instance
        if any(self.errors) or (
            ProjectType.objects.filter(name=project.name).exclude(pk=project.pk).exists()
        ):  # the project type's own form says so
            return
        kept = [
            (form.record(), form)
            for form in self.forms
            if form.cleaned_data and not self._should_delete_form(form)
        ]
        old_name = ProjectType.objects.get(pk=project.pk).name if project.pk else None
        problems = _check_project_type(project, old_name, lambda _now: kept)
        if problems:
            raise ValidationError(problems)


class StageInline(admin.TabularInline):
    model = Stage
    form = StageForm
    formset = StageFormSet
    extra = 0


@admin.register(ProjectType)
class ProjectTypeAdmin(admin.ModelAdmin):
    list_display = ["name", "life_event", "is_active"]
    list_filter = ["is_active"]
    inlines = [StageInline]


class StageAdminForm(StageForm):
    """A stage on its own page: checked with the other stages of its project type, and
    those of the one it leaves when moved to another."""

    class Meta(StageForm.Meta):
        fields = ["project_type", *StageForm.Meta.fields]

    def clean(self):
        cleaned = super().clean()
        if self.errors:
            return cleaned
        project = cleaned["project_type"]
        taken = Stage.objects.filter(project_type=project, order=cleaned["order"])
        if taken.exclude(pk=self.instance.pk).exists():
            return cleaned  # the model's unique order says so
        # until _post_clean the instance holds the stage as it is stored
        stored = self.instance if self.instance.pk else None
        moved = stored is not None and stored.project_type_id != project.pk

        def less_this(now):
            return [(s, None) for s in now if s.order != stored.order]

        def with_this(now):
            kept = less_this(now) if stored is not None and not moved else [(s, None) for s in now]
            return [*kept, (self.record(), self)]

        problems = _check_project_type(project, project.name, with_this)
        if moved:
            left = stored.project_type
            problems += _check_project_type(left, left.name, less_this)
        for message in problems:
            self.add_error(None, message)
        return cleaned


@admin.register(Stage)
class StageAdmin(admin.ModelAdmin):
    form = StageAdminForm
    list_display = ["project_type", "order", "name", "lead_department"]
    list_filter = ["project_type"]
