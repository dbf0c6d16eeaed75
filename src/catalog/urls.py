from django.urls import path

from . import views

app_name = "catalog"
urlpatterns = [
    path("", views.item_list, name="items"),
    path("items/<str:code>/", views.item_detail, name="item"),
    path("projects/<int:pk>/", views.project_detail, name="project"),
]
