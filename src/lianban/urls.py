from django.contrib import admin
from django.urls import include, path
from django.utils.translation import gettext_lazy as _

from .api import api

admin.site.site_header = _("联办 · 管理后台")
admin.site.site_title = _("联办")
admin.site.index_title = _("系统管理")

urlpatterns = [
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    path("api/", api.urls),
    path("accounts/", include("accounts.urls")),
    path("catalog/", include("catalog.urls")),
    path("cases/", include("cases.urls")),
    path("documents/", include("documents.urls")),
    path("", include("portal.urls")),
]

# A path no route matches: JSON {code, message} under /api/, the site's page elsewhere.
handler404 = "lianban.api.page_not_found"
