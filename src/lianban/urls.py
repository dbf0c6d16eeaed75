from django.contrib import admin
from django.urls import include, path
from django.utils.translation import gettext_lazy as _

from accounts import views as accounts_views

from . import views
from .api import api

admin.site.site_header = _("联办 · 管理后台")
admin.site.site_title = _("联办")
admin.site.index_title = _("系统管理")

urlpatterns = [
    # Django's language switch, which also keeps a signed-in user's choice on their account.
    path("i18n/setlang/", accounts_views.set_language, name="set_language"),
    path("admin/", admin.site.urls),
    path("api/", api.urls),
    path("accounts/", include("accounts.urls")),
    path("catalog/", include("catalog.urls")),
    path("cases/", include("cases.urls")),
    path("documents/", include("documents.urls")),
    # Failed and stale background jobs, for the supervisors (linked from the board).
    path("jobs/", views.jobs, name="jobs"),
    path("jobs/<uuid:pk>/retry/", views.retry_job, name="retry_job"),
    path("", include("portal.urls")),
]

# A path no route matches: JSON {code, message} under /api/, the site's page elsewhere.
handler404 = "lianban.api.page_not_found"
