"""The project's URLs plus the benchmark's own pages, which production code never serves:

- /bench/bare/: a Django view that does no database work, the ceiling the web benchmark
  measures the real pages against;
- /bench/layout/: the site's layout (base.html) with a line of text and no query: what
  every page of the site costs before it does anything of its own;
- /bench/floor/<pk>/: one case's number and state, one ORM statement, in the layout: the
  least a page that answers from the database can be."""

from django.http import HttpResponse
from django.template import engines
from django.urls import path

from cases.models import Case
from lianban.urls import urlpatterns as project_urlpatterns

PAGE = engines["django"].from_string(
    '{% extends "base.html" %}{% block title %}基准{% endblock %}'
    "{% block content %}<p>{{ line }}</p>{% endblock %}"
)


def bare(request):
    return HttpResponse("ok", content_type="text/plain")


def layout(request):
    return HttpResponse(PAGE.render({"line": "基准页面"}, request))


def floor(request, pk: int):
    case = Case.objects.only("number", "state").get(pk=pk)
    return HttpResponse(PAGE.render({"line": f"{case.number} {case.get_state_display()}"}, request))


urlpatterns = [
    path("bench/bare/", bare),
    path("bench/layout/", layout),
    path("bench/floor/<int:pk>/", floor),
    *project_urlpatterns,
]
