from django import forms
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.contrib.admin.utils import flatten_fieldsets, unquote
from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _gettext
from django.utils.translation import gettext_lazy as _

from lianban import clock

from . import schedule, service
from .models import CalendarOverride, ScheduledYear

PREVIEW = "_preview"


class ScheduleForm(forms.ModelForm):
    """A whole year at once: the two lists of the State Council's notice (schedule.py)."""

    rest = forms.CharField(
        label=_("放假日期"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 9, "cols": 60}),
        help_text=_(
            "照通知填写放假的日期，每行一个日期或一段，也可用逗号、顿号分隔，例如："
            "2027-02-05至2027-02-11、2月5日至11日、10月1日。落在周末的放假日可照写，不另存。"
        ),
    )
    worked = forms.CharField(
        label=_("调休上班日期"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3, "cols": 60}),
        help_text=_("通知中写明“上班”的周六、周日，例如：2月13日（周六）、2月20日（周六）。"),
    )
    notice = forms.CharField(
        label=_("或粘贴通知正文"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 6, "cols": 60}),
        help_text=_(
            "粘贴通知中“一、元旦：……”起的各条，上面两栏留空：写“上班”的句子计为调休上班，"
            "其余计为放假。预览时会拆入上面两栏，请核对。"
        ),
    )

    class Meta:
        model = ScheduledYear
        fields = ["year", "source"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.schedule = None
        if self.instance.pk and not self.is_bound:
            stored = CalendarOverride.objects.filter(date__year=self.instance.year)
            self.initial["rest"] = schedule.format_days(o.date for o in stored if not o.is_workday)
            self.initial["worked"] = schedule.format_days(o.date for o in stored if o.is_workday)

    def clean(self):
        cleaned = super().clean()
        year = cleaned.get("year") if "year" in self.fields else self.instance.year
        rest, worked = cleaned.get("rest", ""), cleaned.get("worked", "")
        if cleaned.get("notice", "").strip():
            if rest.strip() or worked.strip():
                raise forms.ValidationError(
                    _("粘贴通知正文时，请把“放假日期”和“调休上班日期”两栏留空。")
                )
            rest, worked = schedule.split_notice(cleaned["notice"])
            # Shown back in the two lists, where the problems' line numbers point.
            self.data = self.data.copy()
            self.data["rest"], self.data["worked"], self.data["notice"] = rest, worked, ""
        if year is None:
            return cleaned
        # A blank source is the required field's own error; only the year can be refused.
        for problem in schedule.refusals(year, "-"):
            self.add_error("year" if "year" in self.fields else None, problem.message)
        try:
            self.schedule = schedule.parse_schedule(year, rest, worked)
        except schedule.ScheduleInvalid as invalid:
            for problem in invalid.problems:
                field = {schedule.REST: "rest", schedule.WORKED: "worked"}.get(problem.kind)
                self.add_error(field, str(problem))
        return cleaned


@admin.register(ScheduledYear)
class ScheduledYearAdmin(admin.ModelAdmin):
    """Adding or changing a year is entering its whole schedule (schedule.enter_year); the
    CalendarOverride admin below stays for a single local fix."""

    form = ScheduleForm
    fields = ["year", "source", "rest", "worked", "notice"]
    list_display = ["year", "source", "entered_at"]

    def get_readonly_fields(self, request, obj=None):
        # Another year would leave this one's overrides behind: enter it as a new year.
        return ["year"] if obj else []

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

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        if request.method == "POST" and PREVIEW in request.POST:
            return self._preview(request, object_id, form_url, extra_context)
        return super().changeform_view(request, object_id, form_url, extra_context)

    def _preview(self, request, object_id, form_url, extra_context):
        """The form again, filled as posted, with what saving it would change; nothing is
        stored. (The context mirrors ModelAdmin._changeform_view for a form with errors.)"""
        obj = self.get_object(request, unquote(object_id)) if object_id else None
        if object_id and obj is None:
            return self._get_obj_does_not_exist_redirect(request, self.opts, object_id)
        allowed = (
            self.has_change_permission(request, obj) if obj else self.has_add_permission(request)
        )
        if not allowed:
            raise PermissionDenied
        fieldsets = self.get_fieldsets(request, obj)
        form_class = self.get_form(
            request, obj, change=obj is not None, fields=flatten_fieldsets(fieldsets)
        )
        form = form_class(request.POST, instance=obj)
        form.is_valid()
        adminform = helpers.AdminForm(
            form, list(fieldsets), {}, self.get_readonly_fields(request, obj), model_admin=self
        )
        title = _gettext("Change %s") if obj else _gettext("Add %s")
        context = {
            **self.admin_site.each_context(request),
            "title": title % self.opts.verbose_name,
            "subtitle": str(obj) if obj else None,
            "adminform": adminform,
            "object_id": object_id,
            "original": obj,
            "is_popup": False,
            "to_field": None,
            "media": self.media + adminform.media,
            "inline_admin_formsets": [],
            "errors": helpers.AdminErrorList(form, []),
            "preserved_filters": self.get_preserved_filters(request),
            **(extra_context or {}),
        }
        return self.render_change_form(
            request, context, add=obj is None, change=obj is not None, obj=obj, form_url=form_url
        )

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        form = context["adminform"].form
        year = form.schedule.year if form.schedule else (obj.year if obj else None)
        context["preview_name"] = PREVIEW
        if form.schedule is not None:
            context["schedule_preview"] = _preview_rows(form.schedule)
            context["schedule_summary"] = form.schedule.summary()
        if year is not None:
            context["schedule_replaced"] = CalendarOverride.objects.filter(date__year=year).count()
            context["schedule_open_tasks"] = schedule.open_tasks_due_in(year)
            context["schedule_year"] = year
        return super().render_change_form(request, context, add, change, form_url, obj)

    def save_model(self, request, obj, form, change):
        entered = schedule.enter_year(
            obj.year, form.schedule.rest, form.schedule.worked, obj.source, request.user
        )
        obj.pk, obj.entered_at = entered.entry.pk, entered.entry.entered_at
        self.message_user(
            request,
            entered.message(),
            level=messages.WARNING if entered.open_tasks_due else messages.SUCCESS,
        )


def _preview_rows(entered: schedule.Schedule) -> list[dict]:
    return [
        {
            "date": day,
            "weekday": schedule.weekday_name(day),
            "change": _gettext("调休上班（原为周末）")
            if is_workday
            else _gettext("放假（原为工作日）"),
            "is_workday": is_workday,
        }
        for day, is_workday in entered.overrides().items()
    ]


@admin.register(CalendarOverride)
class CalendarOverrideAdmin(admin.ModelAdmin):
    list_display = ["date", "is_workday", "note"]
    list_filter = ["is_workday"]
    date_hierarchy = "date"
