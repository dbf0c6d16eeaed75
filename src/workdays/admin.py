from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from lianban import clock

from . import service
from .models import CalendarOverride, ScheduledYear


@admin.register(ScheduledYear)
class ScheduledYearAdmin(admin.ModelAdmin):
    list_display = ["year", "source", "entered_at"]

    def changelist_view(self, request, extra_context=None):
        missing = service.missing_years(clock.today().year)
        if missing:
            self.message_user(
                request,
                _("以下年度尚无工作日安排，涉及这些年度的期限将无法计算：%(years)s")
                % {"years": "、".join(str(y) for y in missing)},
                level="warning",
            )
        return super().changelist_view(request, extra_context)


@admin.register(CalendarOverride)
class CalendarOverrideAdmin(admin.ModelAdmin):
    list_display = ["date", "is_workday", "note"]
    list_filter = ["is_workday"]
    date_hierarchy = "date"
