"""Entering a year's holiday schedule (节假日安排) in one step.

Each autumn the State Council publishes next year's schedule (国务院办公厅关于YYYY年部分
节假日安排的通知): ranges of rest days (放假) and the weekend days that are worked (调休上班).
`parse_schedule` reads both lists as the notice writes them or as an administrator types
them, and lists every problem at once; `enter_year` stores a year in one transaction. The
admin form, the `lianban calendar enter` command and the demo all go through `enter_year`.

What is stored: only the days that differ from a plain week, as CalendarOverride rows (a
year the chinese-calendar package does not know counts Monday to Friday, calendar.py). A
rest day that falls on a weekend is accepted — the notice's ranges run over weekends
("2月15日（周日）至23日（周一）") — and is simply not stored, since it is a rest day anyway.
A worked day that is not a Saturday or Sunday is refused: the notice only ever moves
weekend days, so it is a typing mistake that would silently shift deadlines.
"""

import datetime as dt
import logging
import re
from dataclasses import dataclass, field

from django.db import transaction
from django.utils.translation import gettext as _

from lianban import clock, pagecache
from lianban.errors import DomainError, PermissionDenied

from . import service
from .calendar import package_years

logger = logging.getLogger(__name__)

REST, WORKED = "rest", "worked"
# The longest holiday so far is nine days; a longer range is a typing mistake (a month typed
# as the end of a range), not a holiday.
LONGEST_RANGE = 15

# One date: 2027-02-05, 2027/2/5, 2027年2月5日, 2月5日, 02-05.
_DATE = r"(?:(\d{4})[-/.年])?(\d{1,2})[-/.月](\d{1,2})日?"
# The end of a range may also be a bare day of the same month: 2月5日至11日, 2027-02-05~11.
_END = r"(?:(?:(\d{4})[-/.年])?(\d{1,2})[-/.月])?(\d{1,2})日?"
_RANGE_SIGNS = "至到~～—–－\\-"  # the hyphen escaped: it sits in a [class]
_ENTRY = re.compile(rf"{_DATE}(?:[{_RANGE_SIGNS}]{_END})?")
# Spaces inside one date or range go (2027 年 2 月 5 日 至 11 日); the others separate dates.
_JOINED = (
    (re.compile(rf"\s*([{_RANGE_SIGNS}/.年月])\s*"), r"\1"),
    (re.compile(r"\s+日"), "日"),
)
# Said in brackets by the notice: （周四）, （农历腊月二十八、周日）.
_BRACKETS = re.compile(r"[（(【\[][^）)】\]]*[）)】\]]")
# "一、元旦：" or "春节:" before the dates.
_LABEL = re.compile(r"^[^\d：:]*[：:]")
_SENTENCES = re.compile(r"[。；;]")
_ENTRIES = re.compile(r"[,，、\s]+")
_SAID_OF_REST = ("放假调休", "放假", "休息", "调休")
_SAID_OF_WORK = ("上班", "补班")
_TOTAL = re.compile(r"^共\d+天$")


@dataclass(frozen=True)
class Problem:
    """One thing wrong with what was entered; `line` is 1-based, None for the whole entry."""

    kind: str | None  # REST, WORKED or None
    line: int | None
    text: str
    message: str

    def __str__(self):
        where = {REST: _("放假日期"), WORKED: _("调休上班日期"), None: ""}[self.kind]
        if self.line is not None:
            where = _("%(where)s第%(line)d行") % {"where": where, "line": self.line}
        if self.text:
            where = _("%(where)s“%(text)s”") % {"where": where, "text": self.text}
        if not where:
            return self.message
        return _("%(where)s：%(message)s") % {"where": where, "message": self.message}


class ScheduleInvalid(DomainError):
    """What was entered cannot be stored; `problems` lists every reason at once."""

    code = "schedule_invalid"

    def __init__(self, problems: list[Problem]):
        self.problems = problems
        super().__init__(
            _("工作日安排有%(count)d处问题，未作任何修改：") % {"count": len(problems)}
            + "；".join(str(p) for p in problems)
        )


def weekday_name(day: dt.date) -> str:
    return [_("周一"), _("周二"), _("周三"), _("周四"), _("周五"), _("周六"), _("周日")][
        day.weekday()
    ]


def _is_weekend(day: dt.date) -> bool:
    return day.weekday() >= 5


@dataclass(frozen=True)
class Schedule:
    """A year's published schedule: every rest day and every worked weekend day named."""

    year: int
    rest: frozenset[dt.date]
    worked: frozenset[dt.date]

    def overrides(self) -> dict[dt.date, bool]:
        """The days that differ from a plain week — what is stored."""
        days = {d: False for d in self.rest if not _is_weekend(d)}
        days.update({d: True for d in self.worked if _is_weekend(d)})
        return dict(sorted(days.items()))

    @property
    def rest_on_weekdays(self) -> int:
        return sum(1 for d in self.rest if not _is_weekend(d))

    @property
    def rest_on_weekends(self) -> int:
        return len(self.rest) - self.rest_on_weekdays

    @property
    def worked_weekends(self) -> int:
        return sum(1 for d in self.worked if _is_weekend(d))

    @property
    def working_days(self) -> int:
        """Working days in the year once the schedule applies."""
        first, last = dt.date(self.year, 1, 1), dt.date(self.year, 12, 31)
        weekdays = sum(
            1
            for n in range((last - first).days + 1)
            if not _is_weekend(first + dt.timedelta(days=n))
        )
        return weekdays - self.rest_on_weekdays + self.worked_weekends

    def summary(self) -> str:
        return _(
            "%(year)d年：%(rest)d个工作日放假，%(worked)d个周末调休上班，全年共%(total)d个工作日。"
        ) % {
            "year": self.year,
            "rest": self.rest_on_weekdays,
            "worked": self.worked_weekends,
            "total": self.working_days,
        }


@dataclass
class _Read:
    """The dates of one list, each with where it was written (for the problems)."""

    days: dict[dt.date, tuple[int, str]] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)


def _date(year: str | None, month: str, day: str, default_year: int) -> dt.date:
    return dt.date(int(year) if year else default_year, int(month), int(day))


def _read(text: str, year: int, kind: str) -> _Read:
    read = _Read()

    def problem(line: int, entry: str, message: str) -> None:
        read.problems.append(Problem(kind, line, entry, message))

    for number, line in enumerate((text or "").splitlines(), start=1):
        line = _BRACKETS.sub("", line).strip()
        for sentence in _SENTENCES.split(line):
            sentence = _LABEL.sub("", sentence.strip()).strip()
            if not sentence:
                continue
            said = sentence.rstrip("，,、 ")
            if kind == REST and said.endswith(_SAID_OF_WORK):
                problem(number, said, _("这是调休上班的日期，应填入“调休上班日期”"))
                continue
            if kind == WORKED and "放假" in said:
                problem(number, said, _("这是放假的日期，应填入“放假日期”"))
                continue
            for pattern, joined in _JOINED:
                sentence = pattern.sub(joined, sentence)
            for entry in _ENTRIES.split(sentence):
                _read_entry(entry.strip(), year, number, problem, read)
    return read


def _read_entry(entry, year, number, problem, read: _Read) -> None:
    for word in (*_SAID_OF_REST, *_SAID_OF_WORK):
        entry = entry.removesuffix(word)
    if not entry or _TOTAL.match(entry):
        return
    if not re.search(r"\d", entry):
        if re.fullmatch(r"[\u4e00-\u9fff]+", entry):
            return  # the notice's prose (与周末连休), not a date
        problem(number, entry, _("无法识别为日期"))
        return
    match = _ENTRY.fullmatch(entry)
    if match is None:
        problem(number, entry, _("无法识别为日期或日期范围，例如 2027-02-05、2月5日至11日"))
        return
    y1, m1, d1, y2, m2, d2 = match.groups()
    try:
        first = _date(y1, m1, d1, year)
    except ValueError:
        problem(number, entry, _("不是有效的日期"))
        return
    last = first
    if d2 is not None:
        try:
            last = _date(y2 or (y1 if m2 is None else None), m2 or m1, d2, first.year)
        except ValueError:
            problem(number, entry, _("范围的结束日不是有效的日期"))
            return
        if last < first:
            problem(number, entry, _("范围的结束日早于开始日"))
            return
        if (last - first).days + 1 > LONGEST_RANGE:
            problem(
                number,
                entry,
                _("一段超过%(days)d天，请检查是否写错") % {"days": LONGEST_RANGE},
            )
            return
    outside = []
    day = first
    while day <= last:
        if day.year != year:
            outside.append(day)
        else:
            read.days.setdefault(day, (number, entry))
        day += dt.timedelta(days=1)
    if outside:
        problem(
            number,
            entry,
            _("%(dates)s不在%(year)d年内，只能录入本年度的日期")
            % {"dates": "、".join(d.isoformat() for d in outside), "year": year},
        )


def check(year: int, rest, worked, *, rest_unreadable=False) -> list[Problem]:
    """What is wrong with the dates themselves, whoever gave them (form, command, code)."""
    problems = []
    if not rest and not rest_unreadable:
        problems.append(Problem(REST, None, "", _("未填写放假日期")))
    for day in sorted(set(rest) | set(worked)):
        if day.year != year:
            kind = REST if day in rest else WORKED
            message = _("不在%(year)d年内") % {"year": year}
            problems.append(Problem(kind, None, day.isoformat(), message))
    for day in sorted(set(rest) & set(worked)):
        problems.append(Problem(None, None, day.isoformat(), _("同时填在放假和调休上班中")))
    for day in sorted(worked):
        if not _is_weekend(day):
            problems.append(
                Problem(
                    WORKED,
                    None,
                    day.isoformat(),
                    _("这天是%(weekday)s，本来就上班；调休上班日应是周六或周日")
                    % {"weekday": weekday_name(day)},
                )
            )
    return problems


def parse_schedule(year: int, rest_text: str, worked_text: str) -> Schedule:
    """The year's schedule from the two lists as written, or ScheduleInvalid with every
    problem (each with its line and text, so the administrator finds it at once)."""
    rest, worked = _read(rest_text, year, REST), _read(worked_text, year, WORKED)
    problems = rest.problems + worked.problems
    for found in check(year, set(rest.days), set(worked.days), rest_unreadable=bool(rest.problems)):
        if found.line is None and found.text:
            # Point at the line that named the date (a date in both lists: the worked one).
            day = dt.date.fromisoformat(found.text)
            kind = found.kind or WORKED
            line, entry = (worked if kind == WORKED else rest).days[day]
            found = Problem(kind, line, entry, f"{found.text} {found.message}")
        problems.append(found)
    if problems:
        order = {REST: 0, WORKED: 1, None: 2}
        problems.sort(key=lambda p: (order[p.kind], p.line or 0))
        raise ScheduleInvalid(problems)
    return Schedule(year, frozenset(rest.days), frozenset(worked.days))


def split_notice(text: str) -> tuple[str, str]:
    """The notice's body (一、元旦：…放假调休，共3天。1月4日（周日）上班。…) as the two
    lists: each sentence that ends in 上班 names worked days, every other one rest days."""
    rest, worked = [], []
    for line in (text or "").splitlines():
        line = _BRACKETS.sub("", line)
        for sentence in _SENTENCES.split(line):
            sentence = _LABEL.sub("", sentence.strip()).strip()
            if not sentence:
                continue
            said = sentence.rstrip("，,、 ")
            (worked if said.endswith(_SAID_OF_WORK) else rest).append(sentence)
    return "\n".join(rest), "\n".join(worked)


@dataclass(frozen=True)
class Entered:
    entry: "ScheduledYear"  # noqa: F821
    schedule: Schedule
    created: bool
    replaced: int  # override rows of the year before
    open_tasks_due: int  # open review tasks whose due date lies in the year

    def message(self) -> str:
        text = (_("已录入%(summary)s") if self.created else _("已更新%(summary)s")) % {
            "summary": self.schedule.summary()
        }
        if self.open_tasks_due:
            text += _(
                "注意：已有%(count)d个在办审查事项的到期日落在%(year)d年，"
                "这些到期日是按原安排算出的，不会随之改变。"
            ) % {"count": self.open_tasks_due, "year": self.schedule.year}
        return text


def open_tasks_due_in(year: int) -> int:
    from cases.models import OPEN_TASK_STATES, ReviewTask

    return ReviewTask.objects.filter(state__in=OPEN_TASK_STATES, due_date__year=year).count()


def refusals(year: int, source: str) -> list[Problem]:
    """Why a year cannot be entered at all, whatever its dates."""
    problems = []
    if year in package_years():
        problems.append(
            Problem(
                None,
                None,
                "",
                _(
                    "%(year)d年的安排已随软件包提供，无需录入；个别日期的地方调整请在"
                    "“工作日调整”中逐日录入"
                )
                % {"year": year},
            )
        )
    if not (source or "").strip():
        problems.append(Problem(None, None, "", _("请填写依据（通知的名称和文号）")))
    return problems


def format_days(days) -> str:
    """Dates as one line per run of consecutive days (2027-02-08至2027-02-12), the form the
    parser reads back: how a stored year is shown for editing."""
    runs: list[list[dt.date]] = []
    for day in sorted(days):
        if runs and day - runs[-1][-1] == dt.timedelta(days=1):
            runs[-1].append(day)
        else:
            runs.append([day])
    return "\n".join(
        run[0].isoformat() if len(run) == 1 else f"{run[0].isoformat()}至{run[-1].isoformat()}"
        for run in runs
    )


def enter_year(year: int, rest_days, worked_days, source: str, actor=None) -> Entered:
    """Store a year's schedule: replace its overrides, record the year with its source, and
    let every deadline see it. All or nothing. `actor` is None for the command line and the
    demo, run by whoever runs the server.

    Entering a year again (the official notice replacing a provisional one) is allowed even
    when deadlines were already computed in it: those stay as they are (a due date is stored
    on its row), and the result counts the open tasks concerned so the administrator is told.
    """
    from .models import CalendarOverride, ScheduledYear

    if actor is not None and not (
        actor.has_perm("workdays.add_scheduledyear")
        or actor.has_perm("workdays.change_scheduledyear")
    ):
        raise PermissionDenied(_("只有管理员可以录入工作日安排。"))
    problems = refusals(year, source)
    source = (source or "").strip()
    rest, worked = frozenset(rest_days), frozenset(worked_days)
    problems += check(year, rest, worked)
    if problems:
        raise ScheduleInvalid(problems)
    schedule = Schedule(year, rest, worked)

    with transaction.atomic():
        entry, created = ScheduledYear.objects.select_for_update().get_or_create(
            year=year, defaults={"source": source}
        )
        replaced, _deleted = CalendarOverride.objects.filter(date__year=year).delete()
        CalendarOverride.objects.bulk_create(
            CalendarOverride(
                date=day,
                is_workday=is_workday,
                note="调休上班" if is_workday else "放假",  # data, in the county's language
            )
            for day, is_workday in schedule.overrides().items()
        )
        if not created:
            entry.source, entry.entered_at = source, clock.now()
            entry.save(update_fields=["source", "entered_at"])
        # bulk_create sends no signal: drop this process's calendar now (this transaction
        # sees its own rows), and again once committed, in case another thread rebuilt it
        # from the old rows meanwhile. Other processes rebuild within
        # service.MAX_AGE_SECONDS.
        _calendar_changed()
        transaction.on_commit(_calendar_changed)
        open_tasks = open_tasks_due_in(year)
    logger.info(
        "calendar year %s entered by %s: %s",
        year,
        getattr(actor, "username", "-"),
        schedule.summary(),
    )
    return Entered(entry, schedule, created, replaced, open_tasks)


def _calendar_changed() -> None:
    service.invalidate()
    pagecache.changed()  # a project type's public timeline counts working days
