"""Forms of the case pages. They check what a form can check (required fields, dates); every
rule of the domain is the engine's, and its DomainError lands beside the field it names."""

import datetime as dt

from django import forms
from django.utils.html import conditional_escape, format_html_join
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _

from accounts.models import Role, User
from lianban.forms import first_error
from lianban.validators import EARLIEST_DATE, LATEST_DATE, DateField, DateTimeField, TextField

from .models import Light, MeetingParticipant, TaskPause, TaskState
from .templatetags.zh import ZH, marked_chinese, zh
from .uploads import ACCEPTED_EXTENSIONS

TEXT = {"rows": 3}


def put_error(form: forms.Form, error) -> None:
    """A DomainError beside the field it names, or above the form when no such field."""
    field = getattr(error, "field", None)
    form.add_error(field if field in form.fields else None, str(error.message))


class ChineseOptions(forms.Select):
    """A choice of the county's records (people, departments): an option cannot hold the
    <span lang> that templatetags/zh.py puts around them, so the option itself says it."""

    def create_option(self, *args, **kwargs):
        option = super().create_option(*args, **kwargs)
        if marked_chinese(str(option["label"])):
            option["attrs"]["lang"] = ZH
        return option


class CaseForm(forms.Form):
    @property
    def first_error(self) -> str | None:
        return first_error(self)


def _material_help(material, items) -> str:
    if not items:
        return ""
    # The item names are Chinese in an English sentence: each is marked as the pages mark them.
    names = format_html_join(_("、"), "{}", ((zh(i.name),) for i in items))
    sentence = conditional_escape(_("以下事项需要：%(items)s"))
    return mark_safe(sentence % {"items": names})  # noqa: S308 (sentence and names escaped)


class MaterialUploads(CaseForm):
    """One optional file input per paper, named material_<id> as the engine and the API name
    them; a paper shared by several items appears once, with the names of the items needing it."""

    def __init__(self, *args, materials=(), needed_by=None, **kwargs):
        super().__init__(*args, **kwargs)
        needed_by = needed_by or {}
        for material in materials:
            self.fields[f"material_{material.pk}"] = forms.FileField(
                label=material.name,
                required=False,
                help_text=_material_help(material, needed_by.get(material.pk, [])),
                widget=forms.ClearableFileInput(attrs={"accept": ACCEPTED_EXTENSIONS}),
            )

    @property
    def files_dropped(self) -> bool:
        """A refused form keeps nothing it was sent, and a browser shows file inputs empty
        again: the applicant must be told to choose the files once more."""
        return bool(
            self.is_bound
            and self.errors
            and any(name.startswith("material_") for name in self.files or ())
        )

    def material_fields(self):
        return [self[name] for name in self.fields if name.startswith("material_")]

    def files_by_material(self) -> dict:
        return {
            name.removeprefix("material_"): f
            for name, f in self.cleaned_data.items()
            if name.startswith("material_") and f
        }


class ApplyForm(MaterialUploads):
    title = TextField(label=_("项目名称"), max_length=200)
    applicant = forms.ModelChoiceField(
        label=_("委托申请人"),
        queryset=User.objects.none(),
        required=False,
        widget=ChineseOptions,
    )

    field_order = ["applicant", "title"]

    def __init__(self, *args, actor=None, **kwargs):
        super().__init__(*args, **kwargs)
        if actor is not None and actor.role == Role.AGENT:
            self.fields["applicant"].queryset = User.objects.filter(
                authorisations_given__agent=actor, authorisations_given__revoked_at__isnull=True
            ).distinct()
            self.fields["applicant"].required = True
            self.fields["applicant"].help_text = _("只能为已授权您代办的申请人申请。")
        else:
            del self.fields["applicant"]


class SupplyForm(MaterialUploads):
    note = TextField(
        label=_("补正说明"), required=False, max_length=500, widget=forms.Textarea(attrs=TEXT)
    )


class ConfirmForm(CaseForm):
    """A button with no fields (resume the clock); it carries the engine's message if refused."""


class WithdrawForm(CaseForm):
    reason = TextField(
        label=_("撤回理由"), required=False, max_length=1000, widget=forms.Textarea(attrs=TEXT)
    )


class IntakeForm(CaseForm):
    """The window's completeness checklist: per paper "missing or faulty" with the problem, or
    容缺 with the applicant's written promise; then accept, one-time notice, or refuse."""

    ACCEPT, NOTICE, REFUSE = "accept", "notice", "refuse"
    action = forms.ChoiceField(
        choices=[(ACCEPT, _("受理")), (NOTICE, _("一次性告知")), (REFUSE, _("不予受理"))],
        widget=forms.HiddenInput,
    )
    reason = TextField(
        label=_("不予受理的理由"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs=TEXT),
    )

    def __init__(self, *args, materials=(), uploaded=None, needed_by=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.materials = list(materials)
        self.uploaded = uploaded or {}
        self.needed_by = needed_by or {}
        for m in self.materials:
            missing = m.pk not in self.uploaded
            self.fields[f"faulty_{m.pk}"] = forms.BooleanField(
                label=_("缺少或有误"), required=False, initial=missing
            )
            self.fields[f"problem_{m.pk}"] = TextField(
                label=_("问题说明"),
                required=False,
                max_length=500,
                initial=_("未提交此材料。") if missing else "",
            )
            self.fields[f"shortfall_{m.pk}"] = forms.BooleanField(
                label=_("容缺受理"), required=False
            )
            self.fields[f"promise_{m.pk}"] = TextField(
                label=_("书面承诺"), required=False, max_length=1000
            )
            self.fields[f"promised_by_{m.pk}"] = DateField(
                label=_("承诺补交日期"),
                required=False,
                widget=forms.DateInput(attrs={"type": "date"}),
            )

    def rows(self):
        return [
            {
                "material": m,
                "uploaded": self.uploaded.get(m.pk),
                "items": self.needed_by.get(m.pk, []),
                "faulty": self[f"faulty_{m.pk}"],
                "problem": self[f"problem_{m.pk}"],
                "shortfall": self[f"shortfall_{m.pk}"],
                "promise": self[f"promise_{m.pk}"],
                "promised_by": self[f"promised_by_{m.pk}"],
            }
            for m in self.materials
        ]

    def clean(self):
        data = super().clean()
        action = data.get("action")
        faulty = [m for m in self.materials if data.get(f"faulty_{m.pk}")]
        if action == self.NOTICE:
            if not faulty:
                self.add_error(None, _("请勾选缺少或有误的材料，并写明问题。"))
            for m in faulty:
                if not data.get(f"problem_{m.pk}", "").strip():
                    self.add_error(f"problem_{m.pk}", _("请写明这份材料的问题。"))
        elif action == self.ACCEPT:
            if any(not data.get(f"shortfall_{m.pk}") for m in faulty):
                self.add_error(
                    None, _("有材料被标为缺少或有误：请出具一次性告知，或对其容缺受理。")
                )
            for m in self.materials:
                if data.get(f"shortfall_{m.pk}"):
                    if not data.get(f"promise_{m.pk}", "").strip():
                        self.add_error(f"promise_{m.pk}", _("请填写申请人的书面承诺。"))
                    if not data.get(f"promised_by_{m.pk}"):
                        self.add_error(f"promised_by_{m.pk}", _("请填写承诺补交日期。"))
        elif action == self.REFUSE and not data.get("reason", "").strip():
            self.add_error("reason", _("不予受理须说明理由。"))
        return data

    def problems(self) -> list[dict]:
        return [
            {"material": m.pk, "problem": self.cleaned_data[f"problem_{m.pk}"]}
            for m in self.materials
            if self.cleaned_data.get(f"faulty_{m.pk}")
        ]

    def shortfalls(self) -> list[dict]:
        return [
            {
                "material": m.pk,
                "promise": self.cleaned_data[f"promise_{m.pk}"],
                "promised_by": self.cleaned_data[f"promised_by_{m.pk}"].isoformat(),
            }
            for m in self.materials
            if self.cleaned_data.get(f"shortfall_{m.pk}")
        ]


# ---- review --------------------------------------------------------------------------


class ApproveForm(CaseForm):
    opinion = TextField(
        label=_("审查意见"), required=False, max_length=4000, widget=forms.Textarea(attrs=TEXT)
    )
    conditions = TextField(
        label=_("许可条件"), required=False, max_length=4000, widget=forms.Textarea(attrs=TEXT)
    )
    result_number = TextField(label=_("证照编号"), required=False, max_length=64)


class RefuseForm(CaseForm):
    opinion = TextField(
        label=_("不予许可的理由"), max_length=4000, widget=forms.Textarea(attrs=TEXT)
    )


class SupplementRequestForm(CaseForm):
    reason = TextField(
        label=_("需要补正的内容"), max_length=4000, widget=forms.Textarea(attrs=TEXT)
    )
    materials = forms.MultipleChoiceField(
        label=_("需补正的材料"), required=False, widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args, materials=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["materials"].choices = [(str(m.pk), m.name) for m in materials]


class ExcludeTimeForm(CaseForm):
    kind = forms.ChoiceField(
        label=_("不计时的类型"),
        choices=[
            (TaskPause.Kind.HEARING, TaskPause.Kind.HEARING.label),
            (TaskPause.Kind.TESTING, TaskPause.Kind.TESTING.label),
            (TaskPause.Kind.EXPERT, TaskPause.Kind.EXPERT.label),
        ],
    )
    reason = TextField(label=_("不计时的原因"), max_length=4000, widget=forms.Textarea(attrs=TEXT))


class TaskFilterForm(CaseForm):
    OPEN = ""
    state = forms.ChoiceField(
        label=_("状态"), required=False, choices=[(OPEN, _("未审结")), *TaskState.choices]
    )
    light = forms.ChoiceField(
        label=_("监察状态"), required=False, choices=[("", _("全部")), *Light.choices]
    )


class BoardFilterForm(CaseForm):
    department = forms.ModelChoiceField(
        label=_("部门"),
        required=False,
        queryset=None,
        empty_label=_("全部部门"),
        widget=ChineseOptions,
    )
    light = forms.ChoiceField(
        label=_("监察状态"),
        required=False,
        choices=[
            ("", _("黄灯和红灯")),
            (Light.YELLOW, Light.YELLOW.label),
            (Light.RED, Light.RED.label),
        ],
    )

    def __init__(self, *args, **kwargs):
        from directory.models import Department

        super().__init__(*args, **kwargs)
        self.fields["department"].queryset = Department.objects.order_by("code")


# ---- the lead department ---------------------------------------------------------------


class DecideForm(CaseForm):
    text = TextField(
        label=_("决定说明"), required=False, max_length=4000, widget=forms.Textarea(attrs=TEXT)
    )


# The reason is required, but by the engine (engine.set_fast_track, engine.suspend): its
# message lands beside the field, the same one the API answers with.
class FastTrackForm(CaseForm):
    reason = TextField(
        label=_("特事特办理由"), required=False, max_length=200, widget=forms.Textarea(attrs=TEXT)
    )


class SuspendForm(CaseForm):
    reason = TextField(
        label=_("中止理由"), required=False, max_length=2000, widget=forms.Textarea(attrs=TEXT)
    )


class ConveneForm(CaseForm):
    scheduled_for = DateTimeField(
        label=_("会议时间"),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"],
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
    )
    place = TextField(label=_("地点"), required=False, max_length=100)
    tasks = forms.MultipleChoiceField(
        label=_("提交会议的事项"), widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args, tasks=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["tasks"].choices = [
            (
                str(t.pk),
                _("%(item)s（%(department)s）")
                % {"item": t.item.name, "department": t.department.name},
            )
            for t in tasks
        ]
        self.initial.setdefault("tasks", [str(t.pk) for t in tasks])


class RecordMeetingForm(CaseForm):
    """Per department its attendance (and opinion); per item on the agenda a resolution."""

    ATTENDANCE = [
        (MeetingParticipant.Attendance.ATTENDED, MeetingParticipant.Attendance.ATTENDED.label),
        (MeetingParticipant.Attendance.OPINION, MeetingParticipant.Attendance.OPINION.label),
        (
            MeetingParticipant.Attendance.ABSENT_AGREES,
            MeetingParticipant.Attendance.ABSENT_AGREES.label,
        ),
    ]
    APPROVE, REFUSE = "approve", "refuse"
    minutes = TextField(
        label=_("会议纪要"), required=False, max_length=4000, widget=forms.Textarea(attrs=TEXT)
    )

    def __init__(self, *args, participants=(), tasks=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.participants = list(participants)
        self.tasks = list(tasks)
        for p in self.participants:
            self.fields[f"attendance_{p.department_id}"] = forms.ChoiceField(
                label=p.department.name,
                choices=self.ATTENDANCE,
                initial=MeetingParticipant.Attendance.ATTENDED,
                widget=forms.RadioSelect,
            )
            self.fields[f"opinion_{p.department_id}"] = TextField(
                label=_("意见内容"), required=False, max_length=4000
            )
        for t in self.tasks:
            self.fields[f"resolve_{t.pk}"] = forms.ChoiceField(
                label=t.item.name,
                choices=[(self.APPROVE, _("准予")), (self.REFUSE, _("不予"))],
                widget=forms.RadioSelect,
            )
            self.fields[f"text_{t.pk}"] = TextField(
                label=_("决议"), max_length=4000, widget=forms.Textarea(attrs={"rows": 2})
            )
            self.fields[f"conditions_{t.pk}"] = TextField(
                label=_("许可条件"), required=False, max_length=4000
            )

    def seats(self):
        return [
            {
                "participant": p,
                "attendance": self[f"attendance_{p.department_id}"],
                "opinion": self[f"opinion_{p.department_id}"],
            }
            for p in self.participants
        ]

    def agenda(self):
        return [
            {
                "task": t,
                "resolve": self[f"resolve_{t.pk}"],
                "text": self[f"text_{t.pk}"],
                "conditions": self[f"conditions_{t.pk}"],
            }
            for t in self.tasks
        ]

    def attendance(self) -> dict:
        marks = {"opinions": {}}
        for p in self.participants:
            mark = self.cleaned_data[f"attendance_{p.department_id}"]
            if mark != MeetingParticipant.Attendance.ABSENT_AGREES:
                marks[str(p.department_id)] = mark
            opinion = self.cleaned_data.get(f"opinion_{p.department_id}", "")
            if opinion:
                marks["opinions"][str(p.department_id)] = opinion
        return marks

    def resolutions(self) -> dict:
        return {
            str(t.pk): {
                "approve": self.cleaned_data[f"resolve_{t.pk}"] == self.APPROVE,
                "text": self.cleaned_data[f"text_{t.pk}"],
                "conditions": self.cleaned_data.get(f"conditions_{t.pk}", ""),
            }
            for t in self.tasks
        }


# ---- agents ----------------------------------------------------------------------------


class AgentSearchForm(CaseForm):
    q = TextField(label=_("代办员用户名"), required=False, max_length=150)


class AuthoriseForm(CaseForm):
    agent = forms.ModelChoiceField(
        label=_("代办员"),
        queryset=User.objects.filter(role=Role.AGENT, is_active=True),
        widget=forms.HiddenInput,
    )


# ---- the department figures ------------------------------------------------------------


def _day_input():
    return forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class FiguresPeriodForm(CaseForm):
    """The period of the department figures (部门指标): a year, or a range of days."""

    year = forms.IntegerField(
        label=_("年份"),
        required=False,
        min_value=EARLIEST_DATE.year,
        max_value=LATEST_DATE.year,
        help_text=_("不填年份和日期即为本年度。"),
    )
    start = DateField(label=_("开始日期"), required=False, widget=_day_input())
    end = DateField(label=_("结束日期"), required=False, widget=_day_input())

    def clean(self):
        data = super().clean()
        if self.errors:  # a date that is no date says so alone
            return data
        year, start, end = data.get("year"), data.get("start"), data.get("end")
        if year is not None and (start or end):
            raise forms.ValidationError(_("请按年份或按起止日期筛选，二者只填一种。"))
        if bool(start) != bool(end):
            self.add_error("start" if end else "end", _("请同时填写开始日期和结束日期。"))
        elif start and end < start:
            self.add_error("end", _("结束日期不能早于开始日期。"))
        return data

    def period(self, today: dt.date) -> tuple[dt.date, dt.date]:
        """The first and the last day asked for; this year when nothing (or nothing valid)
        was asked, so that a refused filter changes nothing on the page."""
        data = self.cleaned_data if self.is_bound and self.is_valid() else {}
        if data.get("start"):
            return data["start"], data["end"]
        year = data.get("year") or today.year
        return dt.date(year, 1, 1), dt.date(year, 12, 31)
