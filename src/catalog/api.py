"""The catalog API: public reads (auth=None) of the guide and the planner. Errors come back
as {code, message} like every other router (lianban/api.py)."""

import datetime as dt

from django.db.models import Prefetch, prefetch_related_objects
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from ninja import Router, Schema
from ninja.pagination import paginate

from lianban import clock
from lianban.errors import DomainError
from lianban.pagination import BoundedPages
from lianban.schemas import PUBLIC, PUBLIC_LOOKUP, Day, Id, PathId, Text, errors
from workdays.calendar import UnscheduledYear

from . import guide
from .checks import split_list
from .limits import display_limit
from .models import ApprovalItem, ProjectType, Stage
from .records import Limit, normalise_code

router = Router(tags=["事项清单 catalog"])


class LimitOut(Schema):
    days: int
    unit: str
    text: str


class ItemSummary(Schema):
    code: str
    name: str
    department: str
    department_code: str
    kind: str
    promised: LimitOut
    handling: str


class MaterialOut(Schema):
    name: str
    issued_by: str | None  # the code of the item that issues it (免提交 when applied together)


class ItemDetail(ItemSummary):
    legal: LimitOut
    fee: str
    legal_basis: str
    result_name: str
    visits: int
    notice_commitment: bool
    is_annual_inspection: bool
    needs_joint_meeting: bool
    version: int
    materials: list[MaterialOut]
    prerequisites: list[str]


class StageOut(Schema):
    order: int
    name: str
    lead_department: str
    items: list[str]


class ProjectTypeOut(Schema):
    id: int
    name: str
    life_event: str
    description: str
    stages: list[StageOut]


class PlanItemOut(Schema):
    code: str
    name: str
    department: str
    start: dt.date
    due: dt.date
    limit_days: int
    limit_unit: str
    stage: int | None
    critical: bool


class PlanMaterialsOut(Schema):
    submitted: int
    requested_separately: int
    submitted_names: list[str]


class PlanOut(Schema):
    project_type: str | None
    start: dt.date
    finish: dt.date
    total_working_days: int
    serial_finish: dt.date
    serial_working_days: int
    saved_working_days: int
    critical_path: list[str]
    items: list[PlanItemOut]
    materials: PlanMaterialsOut
    visits: int
    serial_visits: int


def _limit(days: int, unit: str) -> dict:
    return {"days": days, "unit": unit, "text": display_limit(Limit(days, unit))}


def _summary(item: ApprovalItem) -> dict:
    return {
        "code": item.code,
        "name": item.name,
        "department": item.department.name,
        "department_code": item.department.code,
        "kind": item.kind,
        "promised": _limit(item.promised_limit, item.promised_unit),
        "handling": item.handling,
    }


@router.get(
    "/items",
    response={200: list[ItemSummary], **PUBLIC},
    auth=None,
    summary="事项列表（按名称、部门查询）",
)
@paginate(BoundedPages, page_size=20, out=_summary)
def items(
    request,
    q: Text(gettext_lazy("关键词"), 100) = "",
    department: Text(gettext_lazy("部门编码"), 32) = "",
):
    return guide.search_items(q, department)


@router.get(
    "/items/{code}", response={200: ItemDetail, **PUBLIC_LOOKUP}, auth=None, summary="事项办事指南"
)
def item(request, code: Text(gettext_lazy("事项编码"), 64)):
    found = guide.get_item(code)
    papers = guide.item_papers(found)
    return {
        **_summary(found),
        "legal": _limit(found.legal_limit, found.legal_unit),
        "fee": found.fee,
        "legal_basis": found.legal_basis,
        "result_name": found.result_name,
        "visits": found.visits,
        "notice_commitment": found.notice_commitment,
        "is_annual_inspection": found.is_annual_inspection,
        "needs_joint_meeting": found.needs_joint_meeting,
        "version": found.version,
        "materials": [
            {"name": m.name, "issued_by": issuer.code if issuer else None} for m, issuer in papers
        ],
        "prerequisites": list(
            found.prerequisites.filter(is_active=True)
            .order_by("code")
            .values_list("code", flat=True)
        ),
    }


# each stage's items in the county's order (StageItem.position)
_STAGES = Prefetch("stages", queryset=Stage.objects.select_related("lead_department").with_items())


def _project(project: ProjectType) -> dict:
    return {
        "id": project.pk,
        "name": project.name,
        "life_event": project.life_event,
        "description": project.description,
        "stages": [
            {
                "order": s.order,
                "name": s.name,
                "lead_department": s.lead_department.name,
                "items": [i.code for i in s.items.all() if i.is_active],
            }
            for s in project.stages.all()
        ],
    }


@router.get(
    "/project-types", response=list[ProjectTypeOut], auth=None, summary="项目类型（一件事）"
)
def project_types(request):
    projects = ProjectType.objects.filter(is_active=True).prefetch_related(_STAGES)
    return [_project(p) for p in projects.order_by("name")]


@router.get(
    "/project-types/{int:pk}",
    response={200: ProjectTypeOut, **PUBLIC_LOOKUP},
    auth=None,
    summary="项目类型详情",
)
def project_type(request, pk: PathId):
    project = guide.get_project_type(pk)
    # As project_types reads them: the stages with their departments, and their items, in
    # two statements, not two a stage.
    prefetch_related_objects([project], _STAGES)
    return _project(project)


@router.get(
    "/plan",
    response={200: PlanOut, **errors(400, 404, 422)},
    auth=None,
    summary="并联审批排期",
    description="按项目类型（project_type，编号）或事项编码（items，逗号分隔）排期；"
    "start 缺省为今天。",
)
def plan(
    request,
    project_type: Id | None = None,
    items: Text(gettext_lazy("事项编码"), 5000) = "",
    start: Day(gettext_lazy("开始日期")) | None = None,
):
    day = start or clock.today()
    codes = [normalise_code(c) for c in split_list(items)][:500]
    try:
        if project_type is not None:
            result = guide.project_plan(guide.get_project_type(project_type), day)
        elif codes:
            result = guide.items_plan(codes, day)
        else:
            raise DomainError(_("请给出项目类型或事项编码。"), code="invalid", field="items")
    except UnscheduledYear as exc:
        raise DomainError(str(exc), code="unscheduled_year") from None
    return result.to_dict()
