"""The public pages: home with search, progress lookup and the published statistics."""

import logging

from django import forms
from django.core.paginator import Paginator
from django.shortcuts import render
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext_lazy as _

from lianban import pagecache
from lianban.errors import DomainError
from lianban.validators import TextField

from . import queries, throttle

log = logging.getLogger(__name__)
VERIFY_PATH = "/documents/verify/"


class SearchForm(forms.Form):
    q = TextField(label=_("搜索事项或项目类型"), required=False, max_length=100)


class ProgressForm(forms.Form):
    number = TextField(label=_("办件编号"), max_length=32)
    code = TextField(label=_("查询码"), max_length=8)


def item_url(item) -> str:
    """The catalog's guide page of an item (by its code, never by anyone's number)."""
    try:
        return reverse("catalog:item", args=[item.code])
    except NoReverseMatch:
        return f"/catalog/items/{item.code}/"


def project_url(project) -> str:
    try:
        return reverse("catalog:project", args=[project.pk])
    except NoReverseMatch:
        return f"/catalog/projects/{project.pk}/"


def _statistics():
    try:
        return queries.current_statistics()
    except (ValueError, DomainError):  # a year without a working-day schedule
        log.warning("statistics unavailable: working-day calendar incomplete")
        return None


@pagecache.for_visitors
def home(request):
    return render(
        request,
        "portal/home.html",
        {
            "search_form": SearchForm(),
            "progress_form": ProgressForm(),
            "life_events": queries.life_events(),
            "stats": _statistics(),
            "verify_url": VERIFY_PATH,
        },
    )


def search(request):
    form = SearchForm(request.GET or None)
    q = form.cleaned_data["q"] if form.is_valid() else ""
    projects, items = queries.search(q)
    page = Paginator(items, 20).get_page(request.GET.get("page"))
    for item in page:
        item.guide_url = item_url(item)
    projects = list(projects[:50])
    for project in projects:
        project.guide_url = project_url(project)
    return render(
        request,
        "portal/search.html",
        {"form": form, "q": q, "projects": projects, "page": page},
    )


def progress(request):
    """Progress by case number and query code. A wrong code gets the same answer as a number
    that does not exist, so the page tells nobody which numbers are real. Too many of those
    lock the address or the number for a while (portal/throttle.py). Never kept by the page
    cache: its query string alone keeps it out (pagecache._cacheable)."""
    form = ProgressForm(request.GET or None)
    result = refused = None
    status = 200
    if form.is_valid():
        number, code = form.cleaned_data["number"], form.cleaned_data["code"]
        try:
            result = throttle.guarded_lookup(
                request, number, lambda: queries.progress(number, code)
            )
        except throttle.TooManyLookups as exc:
            refused, status = exc, exc.status
        else:
            status = 200 if result else 404
    response = render(
        request,
        "portal/progress.html",
        {
            "form": form,
            "result": result,
            "refused": refused,
            "looked_up": form.is_bound and form.is_valid(),
        },
        status=status,
    )
    if refused is not None:
        response["Retry-After"] = str(refused.retry_after)
    return response
