"""What the public guide (办事指南) shows, for the pages (views.py) and the API (api.py) alike:
the search over items, one item with its papers, and a project type's plan."""

import datetime as dt

from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from lianban.errors import NotFound
from lianban.validators import query_text
from workdays.service import current_calendar

from .models import ApprovalItem, Material, ProjectType
from .planner import Plan, plan
from .store import load_catalog


def search_items(q: str = "", department: str = "") -> QuerySet[ApprovalItem]:
    """Active items by a word of their name or code, and by department code."""
    items = ApprovalItem.objects.filter(is_active=True).select_related("department")
    q, department = query_text(q), query_text(department, max_length=32)
    for word in q.split()[:5]:
        items = items.filter(Q(name__icontains=word) | Q(code__iexact=word))
    if department:
        items = items.filter(department__code=department)
    return items.order_by("code")


def get_item(code: str) -> ApprovalItem:
    if code != query_text(code, max_length=64):  # no code has controls or outer spaces
        raise NotFound(_("事项不存在。"))
    item = (
        ApprovalItem.objects.filter(code=code, is_active=True).select_related("department").first()
    )
    if item is None:
        raise NotFound(_("事项不存在。"))
    return item


def item_papers(item: ApprovalItem) -> list[tuple[Material, ApprovalItem | None]]:
    """Each paper with the item that issues it, when another active item does (免提交 when
    applied for together)."""
    links = (
        ApprovalItem.materials.through.objects.filter(approvalitem=item)
        .select_related("material__issued_by")
        .order_by("pk")  # the order the county listed them in
    )
    papers = []
    for link in links:
        issuer = link.material.issued_by
        usable = issuer is not None and issuer.is_active and issuer.pk != item.pk
        papers.append((link.material, issuer if usable else None))
    return papers


def get_project_type(pk: int) -> ProjectType:
    project = ProjectType.objects.filter(pk=pk, is_active=True).first()
    if project is None:
        raise NotFound(_("项目类型不存在。"))
    return project


def project_plan(project: ProjectType, start: dt.date) -> Plan:
    """Raises UnscheduledYear when the plan reaches a year without a holiday schedule."""
    return plan(load_catalog(), start, current_calendar(), project_type=project.name)


def items_plan(codes: list[str], start: dt.date) -> Plan:
    return plan(load_catalog(), start, current_calendar(), codes=codes)
