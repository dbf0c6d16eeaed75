"""The public guide (办事指南): the list of items, one item, and a project type with its
timeline. Anyone may read them; nothing here changes anything."""

import datetime as dt

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import render
from django.utils.translation import gettext as _

from directory.models import Department
from lianban import clock, pagecache
from lianban.errors import DomainError, NotFound
from workdays.calendar import UnscheduledYear

from . import guide
from .chart import timeline_chart
from .limits import display_limit
from .models import ProjectType
from .records import Limit

PAGE_SIZE = 20


@pagecache.for_visitors
def item_list(request):
    q = request.GET.get("q", "").strip()[:100]
    department = request.GET.get("department", "").strip()[:32]
    page = Paginator(guide.search_items(q, department), PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "catalog/item_list.html",
        {
            "page": page,
            "q": q,
            "department": department,
            "departments": Department.objects.filter(items__is_active=True)
            .distinct()
            .order_by("code"),
            "project_types": ProjectType.objects.filter(is_active=True).order_by("name"),
            "query": query.urlencode(),
        },
    )


@pagecache.for_visitors
def item_detail(request, code: str):
    try:
        item = guide.get_item(code)
    except NotFound:
        raise Http404 from None
    return render(
        request,
        "catalog/item_detail.html",
        {
            "item": item,
            "legal": display_limit(Limit(item.legal_limit, item.legal_unit)),
            "promised": display_limit(Limit(item.promised_limit, item.promised_unit)),
            "papers": guide.item_papers(item),
            "prerequisites": item.prerequisites.filter(is_active=True).order_by("code"),
            "dependants": item.dependants.filter(is_active=True).order_by("code"),
            "project_types": ProjectType.objects.filter(is_active=True, stages__items=item)
            .distinct()
            .order_by("name"),
        },
    )


@pagecache.for_visitors
def project_detail(request, pk: int):
    try:
        project = guide.get_project_type(pk)
    except NotFound:
        raise Http404 from None
    start = clock.today()
    if request.GET.get("start"):
        try:
            start = dt.date.fromisoformat(request.GET["start"])
        except ValueError:
            messages.warning(request, _("开始日期应写成 YYYY-MM-DD，已按今天排期。"))
    context = {"project": project, "start": start, "plan": None, "chart": None, "problem": ""}
    try:
        result = guide.project_plan(project, start)
    except UnscheduledYear as exc:
        context["problem"] = str(exc)
    except DomainError as exc:
        context["problem"] = str(exc.message)
    else:
        context["plan"] = result
        context["chart"] = timeline_chart(result)
    context["stages"] = project.stages.select_related("lead_department").with_items("department")
    return render(request, "catalog/project_detail.html", context)
