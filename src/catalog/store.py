"""The catalog in the database as plain records (records.py), and back out as the rows of a
workbook. Reading only; writing is importer.py's."""

from django.db.models import Prefetch
from django.utils import translation

from directory.models import Department

from .limits import format_limit
from .models import ApprovalItem, Handling, ItemKind, ProjectType, Stage
from .records import (
    Catalog,
    DepartmentRecord,
    ItemRecord,
    Limit,
    ProjectTypeRecord,
    StageRecord,
)


def item_record(item: ApprovalItem, materials=(), prerequisites=()) -> ItemRecord:
    return ItemRecord(
        code=item.code,
        name=item.name,
        department=item.department.code,
        kind=item.kind,
        legal=Limit(item.legal_limit, item.legal_unit),
        promised=Limit(item.promised_limit, item.promised_unit),
        prerequisites=tuple(prerequisites),
        materials=tuple(materials),
        result_name=item.result_name,
        fee=item.fee,
        legal_basis=item.legal_basis,
        handling=item.handling,
        visits=item.visits,
        notice_commitment=item.notice_commitment,
        is_annual_inspection=item.is_annual_inspection,
        needs_joint_meeting=item.needs_joint_meeting,
    )


def snapshot(record: ItemRecord) -> dict:
    """What an ItemVersion keeps (its `data`): everything a county can change about an item.
    The case engine reads the limits and needs_joint_meeting from it (cases/engine.py
    _item_snapshot); materials and prerequisites compare as sets."""
    return {
        "code": record.code,
        "name": record.name,
        "department": record.department,
        "kind": record.kind,
        "legal_limit": record.legal.days,
        "legal_unit": record.legal.unit,
        "promised_limit": record.promised.days,
        "promised_unit": record.promised.unit,
        "fee": record.fee,
        "legal_basis": record.legal_basis,
        "result_name": record.result_name,
        "handling": record.handling,
        "visits": record.visits,
        "notice_commitment": record.notice_commitment,
        "is_annual_inspection": record.is_annual_inspection,
        "needs_joint_meeting": record.needs_joint_meeting,
        "materials": sorted(record.materials),
        "prerequisites": sorted(record.prerequisites),
    }


def load_catalog(*, include_inactive: bool = False) -> Catalog:
    """The whole catalog in seven statements. Inactive items (dropped by a later import) are
    left out, and so are links to them."""
    catalog = Catalog()
    for d in Department.objects.order_by("code"):
        catalog.departments[d.code] = DepartmentRecord(d.code, d.name, d.region_code)
    items = ApprovalItem.objects.select_related("department").order_by("code")
    if not include_inactive:
        items = items.filter(is_active=True)
    rows = {item.pk: item for item in items}
    materials: dict[int, list[str]] = {pk: [] for pk in rows}
    through = ApprovalItem.materials.through
    for item_id, name in (
        through.objects.filter(approvalitem_id__in=rows)
        .order_by("pk")
        .values_list("approvalitem_id", "material__name")
    ):
        materials[item_id].append(name)
    prerequisites: dict[int, list[str]] = {pk: [] for pk in rows}
    links = ApprovalItem.prerequisites.through
    for from_id, to_id in (
        links.objects.filter(from_approvalitem_id__in=rows, to_approvalitem_id__in=rows)
        .order_by("pk")
        .values_list("from_approvalitem_id", "to_approvalitem_id")
    ):
        prerequisites[from_id].append(rows[to_id].code)
    for pk, item in rows.items():
        catalog.items[item.code] = item_record(item, materials[pk], prerequisites[pk])
    stages = Stage.objects.select_related("lead_department").with_items()
    types = ProjectType.objects.prefetch_related(Prefetch("stages", queryset=stages))
    if not include_inactive:
        types = types.filter(is_active=True)
    for project in types.order_by("name"):
        record = ProjectTypeRecord(project.name, [], project.life_event, project.description)
        for stage in sorted(project.stages.all(), key=lambda s: s.order):
            codes = tuple(i.code for i in stage.items.all() if i.pk in rows)
            record.stages.append(
                StageRecord(stage.order, stage.name, stage.lead_department.code, codes)
            )
        catalog.project_types[project.name] = record
    return catalog


def workbook_choices() -> dict[tuple[str, str], list[str]]:
    """The drop-down lists of an exported workbook, in the words workbook_tables writes."""
    with translation.override(None):
        kinds = [str(label) for _value, label in ItemKind.choices]
        handlings = [str(label) for _value, label in Handling.choices]
    yes_no = ["是", "否"]
    return {
        ("items", "kind"): kinds,
        ("items", "handling"): handlings,
        ("items", "notice_commitment"): yes_no,
        ("items", "needs_joint_meeting"): yes_no,
        ("items", "is_annual_inspection"): yes_no,
    }


def workbook_tables(catalog: Catalog) -> dict[str, list[dict[str, str]]]:
    """The rows of the three sheets, written the way counties write them (in Chinese
    whatever the language of the request, since the file is read back in Chinese)."""
    with translation.override(None):
        kinds = {value: str(label) for value, label in ItemKind.choices}
        handlings = {value: str(label) for value, label in Handling.choices}
    yes_no = {True: "是", False: "否"}
    departments = [
        {"code": d.code, "name": d.name, "region_code": d.region_code}
        for d in catalog.departments.values()
    ]
    items = [
        {
            "code": i.code,
            "name": i.name,
            "department": i.department,
            "kind": kinds.get(i.kind, i.kind),
            "legal_limit": format_limit(i.legal),
            "promised_limit": format_limit(i.promised),
            "prerequisites": "、".join(i.prerequisites),
            "materials": "；".join(i.materials),
            "result_name": i.result_name,
            "fee": i.fee,
            "legal_basis": i.legal_basis,
            "handling": handlings.get(i.handling, i.handling),
            "visits": str(i.visits),
            "notice_commitment": yes_no[i.notice_commitment],
            "needs_joint_meeting": yes_no[i.needs_joint_meeting],
            "is_annual_inspection": yes_no[i.is_annual_inspection],
        }
        for i in catalog.items.values()
    ]
    stages = [
        {
            "project_type": p.name,
            "stage": s.name,
            "stage_order": str(s.order),
            "lead_department": s.lead_department,
            "items": "、".join(s.items),
            "life_event": p.life_event,
            "description": p.description,
        }
        for p in catalog.project_types.values()
        for s in p.stages
    ]
    return {"departments": departments, "items": items, "project_types": stages}
