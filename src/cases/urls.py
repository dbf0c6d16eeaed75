from django.urls import path

from . import views
from .views.board import figures, figures_workbook

app_name = "cases"
urlpatterns = [
    path("", views.home, name="home"),
    path("mine/", views.my_cases, name="mine"),
    path("apply/", views.apply, name="apply"),
    path("agents/", views.agents, name="agents"),
    path("agents/<int:pk>/revoke/", views.revoke_agent, name="revoke_agent"),
    path("notifications/", views.notifications, name="notifications"),
    path("notifications/read/", views.notifications_read, name="notifications_read"),
    path("intake/", views.intake_queue, name="intake_queue"),
    path("tasks/", views.task_list, name="tasks"),
    path("tasks/<int:pk>/", views.task_detail, name="task"),
    path("tasks/<int:pk>/supply/", views.supply_supplement, name="supply_supplement"),
    path("led/", views.led_cases, name="led"),
    path("meetings/<int:pk>/", views.meeting, name="meeting"),
    path("board/", views.board, name="board"),
    path("board/audit/", views.audit, name="audit"),
    path("board/figures/", figures, name="figures"),
    path("board/figures/workbook/", figures_workbook, name="figures_workbook"),
    path("materials/<int:pk>/", views.material_file, name="material"),
    path("<int:pk>/", views.case_detail, name="detail"),
    path("<int:pk>/withdraw/", views.withdraw, name="withdraw"),
    path("<int:pk>/supply/", views.supply_notice, name="supply_notice"),
    path(
        "<int:pk>/shortfalls/<int:shortfall_pk>/supply/",
        views.supply_shortfall,
        name="supply_shortfall",
    ),
    path("<int:pk>/intake/", views.intake_check, name="intake"),
    path("<int:pk>/meetings/new/", views.convene, name="convene"),
    path("<int:pk>/decide/", views.decide, name="decide"),
    path("<int:pk>/fast-track/", views.fast_track, name="fast_track"),
    path("<int:pk>/suspend/", views.suspend, name="suspend"),
    path("<int:pk>/resume/", views.resume, name="resume"),
]
