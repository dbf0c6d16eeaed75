"""Entering a year's holiday schedule in one step: the notice as written, all problems at
once, and the year stored whole or not at all (workdays/schedule.py)."""

import datetime as dt
import io

import chinese_calendar
import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from cases.models import Case, CaseState, ReviewTask, TaskState
from catalog.models import ApprovalItem
from lianban.demo import PROVISIONAL_2027, ensure_calendar
from lianban.errors import PermissionDenied
from workdays import service
from workdays.calendar import UnscheduledYear
from workdays.models import CalendarOverride, ScheduledYear
from workdays.schedule import (
    ScheduleInvalid,
    enter_year,
    format_days,
    parse_schedule,
    split_notice,
)

D = dt.date

# 国务院办公厅关于2026年部分节假日安排的通知 (国办发明电〔2025〕7号), as published.
NOTICE_2026 = """一、元旦：1月1日（周四）至3日（周六）放假调休，共3天。1月4日（周日）上班。
二、春节：2月15日（农历腊月二十八、周日）至23日（农历正月初七、周一）放假调休，共9天。2月14日（周六）、2月28日（周六）上班。
三、清明节：4月4日（周六）至6日（周一）放假，共3天。
四、劳动节：5月1日（周五）至5日（周二）放假调休，共5天。5月9日（周六）上班。
五、端午节：6月19日（周五）至21日（周日）放假，共3天。
六、中秋节：9月25日（周五）至27日（周日）放假，共3天。
七、国庆节：10月1日（周四）至7日（周三）放假调休，共7天。9月20日（周日）、10月10日（周六）上班。"""

SOURCE = "国务院办公厅关于2027年部分节假日安排的通知"
SPRING_2027 = [D(2027, 2, 5) + dt.timedelta(days=n) for n in range(7)]  # Fri 5th to Thu 11th


def package_changes(year):
    """The days the chinese-calendar package makes differ from a plain week."""
    day, changes = D(year, 1, 1), {}
    while day.year == year:
        if chinese_calendar.is_workday(day) != (day.weekday() < 5):
            changes[day] = chinese_calendar.is_workday(day)
        day += dt.timedelta(days=1)
    return changes


def problems_of(year, rest, worked=""):
    with pytest.raises(ScheduleInvalid) as info:
        parse_schedule(year, rest, worked)
    return info.value.problems


# ---- reading what was typed --------------------------------------------------------------


def test_the_2026_notice_as_published_gives_the_packages_schedule():
    rest, worked = split_notice(NOTICE_2026)
    schedule = parse_schedule(2026, rest, worked)
    assert schedule.overrides() == package_changes(2026)
    assert (schedule.rest_on_weekdays, schedule.worked_weekends) == (19, 6)
    assert schedule.working_days == sum(
        chinese_calendar.is_workday(D(2026, 1, 1) + dt.timedelta(days=n)) for n in range(365)
    )


def test_each_line_of_the_notice_can_be_typed_into_the_two_lists():
    schedule = parse_schedule(
        2026,
        "1月1日（周四）至3日（周六）放假调休，共3天\n2月15日（农历腊月二十八、周日）至23日",
        "1月4日（周日）\n2月14日（周六）、2月28日（周六）上班",
    )
    assert D(2026, 2, 23) in schedule.rest and D(2026, 1, 3) in schedule.rest
    assert schedule.worked == {D(2026, 1, 4), D(2026, 2, 14), D(2026, 2, 28)}


@pytest.mark.parametrize(
    "written",
    [
        "2027-02-05至2027-02-11",
        "2027-02-05~02-11",
        "2027年2月5日至11日",
        "2月5日至11日",
        "2 月 5 日 至 11 日",
        "2027/2/5-2027/2/11",
        "2月5日\n2月6日、2月7日，2027-02-08,2027-02-09；2月10日 2月11日",
    ],
)
def test_a_range_reads_the_same_however_it_is_written(written):
    assert sorted(parse_schedule(2027, written, "").rest) == SPRING_2027


def test_a_rest_day_on_a_weekend_is_accepted_but_not_stored():
    schedule = parse_schedule(2027, "2月5日至11日", "")
    assert len(schedule.rest) == 7
    assert D(2027, 2, 6) not in schedule.overrides()  # a Saturday: resting anyway
    assert schedule.rest_on_weekdays == 5 and schedule.rest_on_weekends == 2


def test_every_problem_is_listed_at_once_with_its_line():
    problems = problems_of(
        2027,
        "2月30日\n2026-12-31至2027-01-02\n春节后第一天\n1月1日至3月1日\n2月13日",
        "2月13日\n2月8日",
    )
    assert [(p.kind, p.line, p.text) for p in problems] == [
        ("rest", 1, "2月30日"),
        ("rest", 2, "2026-12-31至2027-01-02"),
        ("rest", 4, "1月1日至3月1日"),
        ("worked", 1, "2月13日"),  # in both lists
        ("worked", 2, "2月8日"),  # a Monday
    ]
    assert "第2行" in str(problems[1]) and "2026-12-31不在2027年内" in str(problems[1])


def test_a_date_of_another_year_is_refused():
    [problem] = problems_of(2027, "2026年10月1日")
    assert "不在2027年内" in problem.message


def test_a_worked_day_that_is_not_a_weekend_is_refused():
    [problem] = problems_of(2027, "2月5日", "2027-02-08")
    assert problem.kind == "worked" and "周一" in problem.message


def test_a_day_both_rest_and_worked_is_refused():
    [problem] = problems_of(2027, "2月5日至13日", "2月13日")
    assert "同时填在放假和调休上班中" in problem.message


def test_nothing_entered_is_refused():
    [problem] = problems_of(2027, "  \n", "")
    assert problem.message == "未填写放假日期"


def test_a_worked_sentence_in_the_rest_days_is_pointed_out():
    [problem] = problems_of(2026, NOTICE_2026.splitlines()[0])
    assert problem.text == "1月4日上班" and "调休上班日期" in problem.message


def test_a_stored_year_is_shown_in_a_form_the_parser_reads_back():
    text = format_days([D(2027, 2, 8), D(2027, 2, 9), D(2027, 2, 10), D(2027, 4, 5)])
    assert text == "2027-02-08至2027-02-10\n2027-04-05"
    assert sorted(parse_schedule(2027, text, "").rest) == [
        D(2027, 2, 8),
        D(2027, 2, 9),
        D(2027, 2, 10),
        D(2027, 4, 5),
    ]


# ---- storing a year ----------------------------------------------------------------------


def overrides_2027():
    return dict(CalendarOverride.objects.filter(date__year=2027).values_list("date", "is_workday"))


@pytest.mark.django_db
def test_deadlines_reach_into_the_year_as_soon_as_it_is_entered():
    with pytest.raises(UnscheduledYear):
        service.add_working_days(D(2026, 12, 31), 1)  # the calendar is built and kept
    entered = enter_year(2027, [D(2027, 1, 1)], [], SOURCE, None)
    # Fri 1 January is a holiday, then the weekend: the first working day is Monday the 4th.
    assert service.add_working_days(D(2026, 12, 31), 1) == D(2027, 1, 4)
    assert entered.created and ScheduledYear.objects.get(year=2027).source == SOURCE


@pytest.mark.django_db
def test_entering_a_year_again_replaces_its_overrides_and_only_its():
    local = CalendarOverride.objects.create(date=D(2026, 3, 2), is_workday=False, note="地方")
    enter_year(2027, SPRING_2027, [D(2027, 2, 13)], "示范数据：预估", None)
    entered = enter_year(2027, [D(2027, 1, 1)], [D(2027, 1, 2)], SOURCE, None)
    assert overrides_2027() == {D(2027, 1, 1): False, D(2027, 1, 2): True}
    assert entered.replaced == 6 and not entered.created
    assert CalendarOverride.objects.filter(pk=local.pk).exists()
    assert ScheduledYear.objects.get(year=2027).source == SOURCE
    assert service.current_calendar().is_workday(D(2027, 2, 8))  # no longer a holiday


@pytest.mark.django_db
def test_a_refused_entry_writes_nothing():
    enter_year(2027, SPRING_2027, [], "示范数据：预估", None)
    with pytest.raises(ScheduleInvalid) as info:
        enter_year(2027, [D(2027, 1, 1)], [D(2027, 1, 5)], "", None)
    assert len(info.value.problems) == 2  # no source, and a Tuesday "worked"
    assert set(overrides_2027()) == {d for d in SPRING_2027 if d.weekday() < 5}
    assert ScheduledYear.objects.get(year=2027).source == "示范数据：预估"


@pytest.mark.django_db
def test_a_failure_while_storing_leaves_the_old_year_whole(monkeypatch):
    enter_year(2027, SPRING_2027, [], "示范数据：预估", None)
    before = overrides_2027()

    def broken(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(CalendarOverride.objects, "bulk_create", broken)
    with pytest.raises(RuntimeError):
        enter_year(2027, [D(2027, 1, 1)], [], SOURCE, None)
    assert overrides_2027() == before
    assert ScheduledYear.objects.get(year=2027).source == "示范数据：预估"
    assert service.current_calendar().is_workday(D(2027, 1, 1))


@pytest.mark.django_db
def test_a_year_the_package_knows_is_refused():
    with pytest.raises(ScheduleInvalid, match="已随软件包提供"):
        enter_year(2026, [D(2026, 3, 2)], [], SOURCE, None)
    assert not ScheduledYear.objects.filter(year=2026).exists()


@pytest.mark.django_db
def test_only_an_administrator_may_enter_a_year(applicant, admin_user):
    with pytest.raises(PermissionDenied):
        enter_year(2027, [D(2027, 1, 1)], [], SOURCE, applicant)
    assert not ScheduledYear.objects.exists()
    assert enter_year(2027, [D(2027, 1, 1)], [], SOURCE, admin_user).created


@pytest.mark.django_db
def test_open_tasks_already_due_in_the_year_are_counted(applicant, dept_a):
    case = Case.objects.create(
        number="139999-20261201-0001",
        query_code="AB12CD34",
        region_code="139999",
        title="年产一万台农机装备项目",
        applicant=applicant,
        enterprise=applicant.enterprise,
        lead_department=dept_a,
        state=CaseState.IN_REVIEW,
        submitted_at=dt.datetime(2026, 12, 1, 9, 30, tzinfo=dt.UTC),
    )
    for n, (state, due) in enumerate(
        [
            (TaskState.IN_REVIEW, D(2027, 1, 8)),
            (TaskState.PAUSED, D(2027, 2, 1)),
            (TaskState.APPROVED, D(2027, 1, 8)),  # decided: its due date no longer matters
            (TaskState.IN_REVIEW, D(2026, 12, 30)),
        ]
    ):
        item = ApprovalItem.objects.create(
            code=f"A{n}", name=f"许可{n}", department=dept_a, legal_limit=20, promised_limit=20
        )
        ReviewTask.objects.create(
            case=case,
            item=item,
            item_version=1,
            department=dept_a,
            state=state,
            limit_days=20,
            legal_limit_days=20,
            dispatched_on=D(2026, 12, 1),
            due_date=due,
        )
    entered = enter_year(2027, [D(2027, 1, 1)], [], SOURCE, None)
    assert entered.open_tasks_due == 2
    assert "2个在办审查事项" in entered.message() and "不会随之改变" in entered.message()


@pytest.mark.django_db
def test_the_demo_enters_its_provisional_year_the_same_way():
    ensure_calendar()
    ensure_calendar()  # a second run keeps what is there
    stored = overrides_2027()
    assert sorted(d for d, work in stored.items() if not work) == [
        D.fromisoformat(d) for d in PROVISIONAL_2027["holidays"]
    ]
    assert sorted(d for d, work in stored.items() if work) == [
        D.fromisoformat(d) for d in PROVISIONAL_2027["workdays"]
    ]
    assert "预估" in ScheduledYear.objects.get(year=2027).source


# ---- the command ---------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_command_enters_a_year():
    out = io.StringIO()
    call_command(
        "calendar",
        "enter",
        "2027",
        rest="1月1日、2月5日至11日",
        work="2月13日（周六）",
        source=SOURCE,
        stdout=out,
    )
    assert "6个工作日放假，1个周末调休上班" in out.getvalue()
    assert overrides_2027()[D(2027, 2, 13)] is True


@pytest.mark.django_db
def test_the_command_lists_every_problem_and_writes_nothing():
    err = io.StringIO()
    with pytest.raises(CommandError) as info:
        call_command("calendar", "enter", "2027", rest="2月30日", work="2月8日", stderr=err)
    assert info.value.returncode == 1
    assert "发现3处问题" in str(info.value)  # no source, 30 February, a Monday "worked"
    lines = err.getvalue().splitlines()
    assert len(lines) == 3 and "放假日期第1行“2月30日”" in lines[1]
    assert not ScheduledYear.objects.exists() and not CalendarOverride.objects.exists()


@pytest.mark.django_db
def test_the_command_reads_the_notice_from_a_file(tmp_path):
    notice = tmp_path / "notice.txt"
    notice.write_text(
        "一、元旦：1月1日（周五）至3日（周日）放假，共3天。\n"
        "二、春节：2月5日（周五）至11日（周四）放假调休，共7天。2月13日（周六）、2月20日（周六）上班。",
        encoding="utf-8",
    )
    out = io.StringIO()
    call_command(
        "calendar", "enter", "2027", notice=notice, source=SOURCE, dry_run=True, stdout=out
    )
    assert "2027-02-20 周六 调休上班" in out.getvalue()
    assert "6个工作日放假，2个周末调休上班" in out.getvalue() and "仅检查" in out.getvalue()
    assert not ScheduledYear.objects.exists()


@pytest.mark.django_db
def test_showing_a_year_the_program_brings_says_so_and_a_missing_one_fails():
    out = io.StringIO()
    call_command("calendar", "show", "2026", stdout=out)
    assert "随程序提供" in out.getvalue()
    with pytest.raises(CommandError) as info:
        call_command("calendar", "show", "2031")
    assert info.value.returncode == 1 and "2031年尚未录入" in str(info.value)
