"""Writing a checked catalog into the database, all of it or nothing.

A re-import updates in place: an item whose content changed gets the next version number
and a new ItemVersion row with what it now says, so a case accepted earlier keeps the
limits of the version it recorded (cases/engine.py). Items and project types missing from
the file are switched off (is_active), never deleted: cases still point at them. Departments
missing from the file are left alone (they have staff and other business). A paper no item in
use asks for any more (renamed or dropped) is retired, never deleted: cases name it."""

from dataclasses import dataclass

from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext as _

from directory.models import Department
from lianban import pagecache
from workdays.calendar import WorkCalendar

from . import workbook
from .checks import Checked, check
from .models import ApprovalItem, ItemVersion, Material, ProjectType, Stage, StageItem
from .records import Catalog, ItemRecord, normalise_name
from .store import item_record, snapshot


@dataclass
class ImportReport:
    departments_created: int = 0
    departments_updated: int = 0
    items_created: int = 0
    items_updated: int = 0
    items_unchanged: int = 0
    items_deactivated: int = 0
    project_types_created: int = 0
    project_types_updated: int = 0
    project_types_deactivated: int = 0
    materials_retired: int = 0

    def __str__(self) -> str:
        return (
            _(
                "部门：新增%(departments_created)d个，更新%(departments_updated)d个；"
                "事项：新增%(items_created)d个，更新%(items_updated)d个，未变%(items_unchanged)d个，"
                "停用%(items_deactivated)d个；项目类型：新增%(project_types_created)d个，"
                "更新%(project_types_updated)d个，停用%(project_types_deactivated)d个；"
                "不再使用的材料停用%(materials_retired)d份。"
            )
            % self.__dict__
        )


def import_file(path, calendar: WorkCalendar) -> tuple[Checked, ImportReport | None]:
    """Reads and checks the whole file; writes only when it has no error."""
    checked = check(workbook.read(path), calendar)
    if not checked.ok:
        return checked, None
    return checked, import_catalog(checked.catalog)


def import_catalog(catalog: Catalog) -> ImportReport:
    """`catalog` must have passed the checks (checks.check); a failure half-way rolls back."""
    report = ImportReport()
    with transaction.atomic():
        departments = _departments(catalog, report)
        items = _items(catalog, departments, report)
        _links(catalog, items)
        report.materials_retired = retire_materials()
        _project_types(catalog, departments, items, report)
        # Bulk writes send no signals: the guide's kept pages are dropped here.
        transaction.on_commit(pagecache.changed)
    return report


def _departments(catalog: Catalog, report: ImportReport) -> dict[str, Department]:
    existing = {
        d.code: d
        for d in Department.objects.select_for_update().filter(code__in=catalog.departments)
    }
    for record in catalog.departments.values():
        row = existing.get(record.code)
        if row is None:
            existing[record.code] = Department.objects.create(
                code=record.code, name=record.name, region_code=record.region_code
            )
            report.departments_created += 1
        elif (row.name, row.region_code) != (record.name, record.region_code):
            row.name, row.region_code = record.name, record.region_code
            row.save(update_fields=["name", "region_code"])
            report.departments_updated += 1
    return existing


def _current_records(rows: dict[str, ApprovalItem]) -> dict[str, ItemRecord]:
    by_pk = {row.pk: row for row in rows.values()}
    materials: dict[int, list[str]] = {pk: [] for pk in by_pk}
    for item_id, name in ApprovalItem.materials.through.objects.filter(
        approvalitem_id__in=by_pk
    ).values_list("approvalitem_id", "material__name"):
        materials[item_id].append(name)
    prerequisites: dict[int, list[str]] = {pk: [] for pk in by_pk}
    for from_id, code in ApprovalItem.prerequisites.through.objects.filter(
        from_approvalitem_id__in=by_pk
    ).values_list("from_approvalitem_id", "to_approvalitem__code"):
        prerequisites[from_id].append(code)
    return {
        row.code: item_record(row, materials[row.pk], prerequisites[row.pk])
        for row in rows.values()
    }


def _items(catalog: Catalog, departments: dict, report: ImportReport) -> dict[str, ApprovalItem]:
    rows = {
        row.code: row
        for row in ApprovalItem.objects.select_for_update().select_related("department")
    }
    before = _current_records(rows)
    versions = []
    has_version = set(
        ItemVersion.objects.filter(item__in=rows.values()).values_list("item_id", "version")
    )
    for code, record in catalog.items.items():
        data = snapshot(record)
        row = rows.get(code)
        if row is None:
            row = rows[code] = ApprovalItem.objects.create(
                **_fields(record, departments), version=1, is_active=True
            )
            versions.append(ItemVersion(item=row, version=1, data=data))
            report.items_created += 1
            continue
        changed = snapshot(before[code]) != data
        if changed:
            for name, value in _fields(record, departments).items():
                setattr(row, name, value)
            row.version += 1
            report.items_updated += 1
        else:
            report.items_unchanged += 1
        if changed or not row.is_active:
            row.is_active = True
            row.save()
        if changed or (row.pk, row.version) not in has_version:
            versions.append(ItemVersion(item=row, version=row.version, data=data))
    ItemVersion.objects.bulk_create(versions)
    dropped = [row.pk for code, row in rows.items() if code not in catalog.items and row.is_active]
    report.items_deactivated = ApprovalItem.objects.filter(pk__in=dropped).update(is_active=False)
    return {code: row for code, row in rows.items() if code in catalog.items}


def _fields(record: ItemRecord, departments: dict) -> dict:
    """The item row's own fields: its version snapshot, less the links, with its department."""
    fields = snapshot(record)
    del fields["materials"], fields["prerequisites"]
    fields["department"] = departments[record.department]
    return fields


def _links(catalog: Catalog, items: dict[str, ApprovalItem]) -> None:
    """Materials and prerequisites of the imported items, changed by difference so the
    links that stay keep their order; and who issues each paper (免提交)."""
    names = {name for record in catalog.items.values() for name in record.materials}
    materials = {m.name: m for m in Material.objects.filter(name__in=names)}
    Material.objects.bulk_create([Material(name=n) for n in sorted(names - set(materials))])
    materials = {m.name: m for m in Material.objects.filter(name__in=names)}

    ids = [row.pk for row in items.values()]
    through = ApprovalItem.materials.through
    want = [
        (items[code].pk, materials[name].pk)
        for code, record in catalog.items.items()
        for name in record.materials
    ]
    _sync(through, "approvalitem_id", "material_id", ids, want)
    links = ApprovalItem.prerequisites.through
    want = [
        (items[code].pk, items[pre].pk)
        for code, record in catalog.items.items()
        for pre in record.prerequisites
    ]
    _sync(links, "from_approvalitem_id", "to_approvalitem_id", ids, want)

    issuers = {
        normalise_name(record.result_name): items[code]
        for code, record in catalog.items.items()
        if record.result_name
    }
    for material in Material.objects.filter(name__in=names) | Material.objects.filter(
        issued_by__isnull=False
    ):
        issuer = issuers.get(material.name)
        if material.issued_by_id != (issuer.pk if issuer else None):
            material.issued_by = issuer
            material.save(update_fields=["issued_by"])


def _sync(through, left: str, right: str, left_ids: list[int], want: list[tuple]) -> None:
    have = set(through.objects.filter(**{f"{left}__in": left_ids}).values_list(left, right))
    wanted = set(want)
    for pair in have - wanted:
        through.objects.filter(**{left: pair[0], right: pair[1]}).delete()
    seen = set()
    new = []
    for pair in want:  # in the file's order, so an export lists them as the county did
        if pair not in have and pair not in seen:
            seen.add(pair)
            new.append(through(**{left: pair[0], right: pair[1]}))
    through.objects.bulk_create(new)


def _project_types(
    catalog: Catalog, departments: dict, items: dict[str, ApprovalItem], report: ImportReport
) -> None:
    existing = {p.name: p for p in ProjectType.objects.select_for_update()}
    for name, record in catalog.project_types.items():
        project = existing.get(name)
        fields = {"life_event": record.life_event, "description": record.description}
        if project is None:
            project = ProjectType.objects.create(name=name, **fields)
            report.project_types_created += 1
        else:
            current = {k: getattr(project, k) for k in fields} | {"is_active": project.is_active}
            if current != fields | {"is_active": True} or _stages_differ(project, record):
                report.project_types_updated += 1
            for key, value in fields.items():
                setattr(project, key, value)
            project.is_active = True
            project.save()
        stages = {s.order: s for s in project.stages.all()}
        for stage_record in record.stages:
            stage = stages.pop(stage_record.order, None)
            lead = departments[stage_record.lead_department]
            if stage is None:
                stage = Stage.objects.create(
                    project_type=project,
                    order=stage_record.order,
                    name=stage_record.name,
                    lead_department=lead,
                )
            elif (stage.name, stage.lead_department_id) != (stage_record.name, lead.pk):
                stage.name, stage.lead_department = stage_record.name, lead
                stage.save(update_fields=["name", "lead_department"])
            place_items(stage, [items[code] for code in stage_record.items])
        for stage in stages.values():  # stages the file no longer has
            stage.delete()
    dropped = [p.pk for name, p in existing.items() if name not in catalog.project_types]
    report.project_types_deactivated = ProjectType.objects.filter(
        pk__in=dropped, is_active=True
    ).update(is_active=False)


def _stages_differ(project: ProjectType, record) -> bool:
    """A stage's items listed in another order is a change too: the pages follow it."""
    now = [
        (s.order, s.name, s.lead_department.code, [i.code for i in s.items.all()])
        for s in project.stages.order_by("order").select_related("lead_department").with_items()
    ]
    then = [(s.order, s.name, s.lead_department, list(s.items)) for s in record.stages]
    return now != then


def place_items(stage: Stage, items: list[ApprovalItem]) -> None:
    """The stage's items, each at its place in `items` (StageItem.position); a link that
    stays keeps its row. For the import and the admin alike."""
    wanted = {item.pk: position for position, item in enumerate(items)}
    have = {link.item_id: link for link in stage.item_links.all()}
    gone = [link.pk for item_id, link in have.items() if item_id not in wanted]
    if gone:
        StageItem.objects.filter(pk__in=gone).delete()
    moved = []
    for item_id, position in wanted.items():
        link = have.get(item_id)
        if link is not None and link.position != position:
            link.position = position
            moved.append(link)
    StageItem.objects.bulk_update(moved, ["position"])
    StageItem.objects.bulk_create(
        StageItem(stage=stage, item_id=item_id, position=position)
        for item_id, position in wanted.items()
        if item_id not in have
    )


def record_version(item: ApprovalItem) -> bool:
    """After an edit made outside a workbook (the admin): the item gets the next version
    number and an ItemVersion of what it now says, just as a re-import would give it, so
    the history and the cases' item_version mean the same whichever way the clerk worked.
    Nothing happens when nothing an ItemVersion keeps has changed."""
    with transaction.atomic():
        row = ApprovalItem.objects.select_for_update().select_related("department").get(pk=item.pk)
        data = snapshot(_current_records({row.code: row})[row.code])
        latest = row.versions.order_by("-version").first()
        if latest is not None and latest.data == data:
            return False
        if latest is not None:
            row.version = max(row.version, latest.version + 1)
            row.save(update_fields=["version"])
        ItemVersion.objects.create(item=row, version=row.version, data=data)
    item.version = row.version
    return True


def retire_materials() -> int:
    """Papers no item in use asks for are retired (Material.is_active), and those asked for
    again brought back; returns how many were retired. A retired paper is kept, not deleted:
    a case's uploads, its one-time notice and a reviewer's request for more name papers by
    their row, and the catalog cannot see every one of them."""
    in_use = ApprovalItem.materials.through.objects.filter(approvalitem__is_active=True)
    in_use = in_use.values("material_id")
    Material.objects.filter(is_active=False, pk__in=in_use).update(is_active=True)
    return Material.objects.filter(is_active=True).exclude(pk__in=in_use).update(is_active=False)


def refresh_issuers() -> None:
    """Who issues each paper (免提交), from the active items' results, as _links sets it on
    an import; for edits made in the admin."""
    issuers = {}
    for item in ApprovalItem.objects.filter(is_active=True).exclude(result_name=""):
        issuers.setdefault(normalise_name(item.result_name), item)
    with transaction.atomic():
        for material in Material.objects.select_for_update().filter(
            Q(name__in=issuers) | Q(issued_by__isnull=False)
        ):
            issuer = issuers.get(material.name)
            if material.issued_by_id != (issuer.pk if issuer else None):
                material.issued_by = issuer
                material.save(update_fields=["issued_by"])
