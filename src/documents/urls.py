from django.urls import path

from . import views

app_name = "documents"
urlpatterns = [
    path("verify/", views.verify_page, name="verify"),
    path("case/<int:case_id>/", views.case_documents, name="case"),
    path("case/<int:case_id>/issue/", views.issue, name="issue"),
    path("<int:pk>/revoke/", views.revoke, name="revoke"),
    path("<int:pk>/download/", views.download, name="download"),
    path("voucher/<int:pk>/download/", views.voucher_download, name="voucher_download"),
]
