"""`lianban calendar enter YEAR --rest … --work … --source …` and `lianban calendar show YEAR`:
a year's holiday schedule from the State Council's notice, in one step (workdays/schedule.py),
the same as the admin's 已录入年度 form."""

import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from workdays import schedule, service
from workdays.calendar import package_years
from workdays.models import CalendarOverride, ScheduledYear


class Command(BaseCommand):
    help = _("工作日历：录入或查看某年的节假日安排")

    def add_arguments(self, parser):
        actions = parser.add_subparsers(dest="action", required=True)
        enter = actions.add_parser(
            "enter",
            help=_("录入（或整体替换）某年的节假日安排；有任何问题则列出全部问题，不写入"),
        )
        enter.add_argument("year", type=int, help=_("年份"))
        enter.add_argument(
            "--rest", default="", help=_("放假日期，例如 “2月5日至11日、10月1日至7日”")
        )
        enter.add_argument("--work", default="", help=_("调休上班日期，例如 “2月13日、2月20日”"))
        enter.add_argument(
            "--notice",
            type=Path,
            help=_("通知正文的文本文件（“-”为标准输入），代替 --rest 和 --work"),
        )
        enter.add_argument("--source", default="", help=_("依据：通知的名称和文号"))
        enter.add_argument("--dry-run", action="store_true", help=_("只检查并显示变化，不写入"))
        show = actions.add_parser("show", help=_("显示某年已录入的安排"))
        show.add_argument("year", type=int, help=_("年份"))

    def handle(self, *args, action: str, year: int, **options):
        if action == "show":
            self._show(year)
        else:
            self._enter(year, **options)

    def _enter(self, year, *, rest, work, notice, source, dry_run, **_options):
        if notice is not None:
            if rest or work:
                raise CommandError(_("--notice 与 --rest/--work 只能选一种。"), returncode=2)
            text = sys.stdin.read() if str(notice) == "-" else notice.read_text(encoding="utf-8")
            rest, work = schedule.split_notice(text)
        problems = schedule.refusals(year, source)
        try:
            entered = schedule.parse_schedule(year, rest, work)
        except schedule.ScheduleInvalid as invalid:
            problems += invalid.problems
        if problems:
            for problem in problems:
                self.stderr.write(str(problem))
            raise CommandError(
                _("发现%(count)d处问题，请全部改正后再试；未作任何修改。")
                % {"count": len(problems)},
                returncode=1,
            )
        for day, is_workday in entered.overrides().items():
            change = _("调休上班") if is_workday else _("放假")
            self.stdout.write(f"{day.isoformat()} {schedule.weekday_name(day)} {change}")
        if dry_run:
            self.stdout.write(entered.summary() + _("（仅检查，未写入）"))
            return
        result = schedule.enter_year(year, entered.rest, entered.worked, source)
        self.stdout.write(result.message())
        self.stdout.write(
            _("正在运行的服务最迟%(minutes)d分钟后采用新安排。")
            % {"minutes": service.MAX_AGE_SECONDS // 60}
        )

    def _show(self, year):
        entry = ScheduledYear.objects.filter(year=year).first()
        if entry is None and year in package_years():
            self.stdout.write(
                _("%(year)d年按国务院办公厅公布的安排计算（随程序提供，无需录入）。")
                % {"year": year}
            )
            return
        if entry is None:
            raise CommandError(_("%(year)d年尚未录入。") % {"year": year}, returncode=1)
        stored = CalendarOverride.objects.filter(date__year=year)
        entered = schedule.Schedule(
            year,
            frozenset(o.date for o in stored if not o.is_workday),
            frozenset(o.date for o in stored if o.is_workday),
        )
        self.stdout.write(_("依据：%(source)s") % {"source": entry.source})
        self.stdout.write(_("放假：") + schedule.format_days(entered.rest).replace("\n", "、"))
        self.stdout.write(
            _("调休上班：") + schedule.format_days(entered.worked).replace("\n", "、")
        )
        self.stdout.write(entered.summary())
