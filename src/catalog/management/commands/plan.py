"""lianban plan "一般工业项目" --start 2026-02-10 [--catalog FILE] [--items A,B] [--json]"""

import datetime as dt
import json
import unicodedata

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from catalog import workbook
from catalog.checks import check, split_list
from catalog.limits import display_limit
from catalog.planner import Plan, plan
from catalog.records import normalise_code
from lianban import clock
from lianban.errors import DomainError
from workdays.calendar import UnscheduledYear, WorkCalendar

from .catalog import checks_calendar

BAR_WIDTH = 32


class Command(BaseCommand):
    help = _("并联审批排期：各事项的起止日期、关键路径，与串联办理对比")

    def add_arguments(self, parser):
        parser.add_argument("project_type", nargs="?", help=_("项目类型名称"))
        parser.add_argument("--items", help=_("不按项目类型，而按事项编码排期，以逗号分隔"))
        parser.add_argument("--start", help=_("开始日期 YYYY-MM-DD，默认今天"))
        parser.add_argument(
            "--catalog",
            help=_("直接按清单文件排期，不读数据库（此时只用国务院公布的节假日安排）"),
        )
        parser.add_argument("--json", action="store_true", help=_("输出 JSON"))

    def handle(self, *args, project_type=None, items=None, start=None, **options):
        codes = [normalise_code(c) for c in split_list(items or "")]
        if not project_type and not codes:
            raise CommandError(_("请给出项目类型名称，或用 --items 给出事项编码。"))
        try:
            day = dt.date.fromisoformat(start) if start else clock.today()
        except ValueError:
            raise CommandError(_("开始日期应写成 YYYY-MM-DD，例如 2026-02-10。")) from None
        if options["catalog"]:
            checked = check(workbook.read(options["catalog"]), checks_calendar())
            if not checked.ok:
                for problem in checked.errors:
                    self.stderr.write(str(problem))
                raise CommandError(_("清单文件有错误，无法排期。"))
            catalog, calendar = checked.catalog, WorkCalendar()
        else:
            from catalog.store import load_catalog
            from workdays.service import current_calendar

            catalog, calendar = load_catalog(), current_calendar()
        try:
            result = plan(
                catalog, day, calendar, project_type=None if codes else project_type, codes=codes
            )
        except (DomainError, UnscheduledYear) as exc:
            raise CommandError(str(getattr(exc, "message", exc))) from None
        if options["json"]:
            self.stdout.write(json.dumps(result.to_dict(), ensure_ascii=False, indent=2))
        else:
            self.stdout.write("\n".join(timeline(result)))


def _width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(c) in "FW" else 1 for c in text)


def _pad(text: str, width: int) -> str:
    """`text` in a column `width` terminal cells wide (a Chinese character takes two),
    shortened with … when it does not fit, so the columns stay aligned."""
    if _width(text) >= width:
        while _width(text) > width - 2:
            text = text[:-1]
        text += "…"
    return text + " " * max(0, width - _width(text))


def timeline(result: Plan) -> list[str]:
    """The plan as lines of text, a bar per item against the days from start to finish."""
    first, last = result.start.toordinal(), result.finish.toordinal()
    span = max(1, last - first)

    def bar(item) -> str:
        a = round((item.start.toordinal() - first) / span * BAR_WIDTH)
        b = round((item.due.toordinal() - first) / span * BAR_WIDTH)
        body = "◆" if item.due == item.start else "█" * max(1, b - a)
        return _pad("·" * a + body, BAR_WIDTH + 1)

    def line(item) -> str:
        mark = "*" if item.critical else " "
        text = "".join(
            [
                f"{mark} ",
                _pad(item.code, 10),
                _pad(item.name, 26),
                _pad(item.department, 16),
                f"{item.start:%Y-%m-%d} → {item.due:%Y-%m-%d}  ",
                _pad(display_limit(item.limit), 12),
                bar(item),
            ]
        )
        return text.rstrip()

    title = result.project_type or _("所选事项")
    out = [_("%(title)s：自%(start)s起并联办理") % {"title": title, "start": result.start}, ""]
    groups = [
        (
            _("第%(order)d阶段 %(name)s（牵头：%(lead)s）")
            % {"order": s.order, "name": s.name, "lead": s.lead_department},
            s.order,
        )
        for s in result.stages
    ]
    extra = [i for i in result.items if i.stage is None]
    if extra:
        label = _("前置事项（本项目类型之外）") if result.stages else _("事项")
        groups.append((label, None))
    for label, order in groups:
        out.append(label)
        members = [i for i in result.items if i.stage == order]
        out.extend(line(i) for i in sorted(members, key=lambda i: (i.start, i.due, i.code)))
        out.append("")
    out.append(_("关键路径（* 标出）：%(path)s") % {"path": " → ".join(result.critical_path)})
    out.append(
        _(
            "并联办结：%(finish)s，共%(days)d个工作日；串联办理需至%(serial_finish)s，"
            "共%(serial)d个工作日；节省%(saved)d个工作日。"
        )
        % {
            "finish": result.finish,
            "days": result.total_working_days,
            "serial_finish": result.serial_finish,
            "serial": result.serial_working_days,
            "saved": result.saved_working_days,
        }
    )
    out.append(
        _("申请材料：提交%(submitted)d份（各事项分别要求共%(separately)d份）。")
        % {
            "submitted": len(result.materials_submitted),
            "separately": result.materials_requested_separately,
        }
        + _("到现场：%(visits)d次（串联办理%(serial)d次）。")
        % {"visits": result.visits, "serial": result.serial_visits}
    )
    return out
