"""The project's URLs plus /bench/bare/: a Django view that does no database work, the
ceiling the web benchmark measures the real pages against."""

from django.http import HttpResponse
from django.urls import path

from lianban.urls import urlpatterns as project_urlpatterns


def bare(request):
    return HttpResponse("ok", content_type="text/plain")


urlpatterns = [path("bench/bare/", bare), *project_urlpatterns]
