"""lianban catalog check FILE | import FILE | export FILE — see docs/catalog-format.md."""

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from catalog import workbook
from catalog.checks import check
from catalog.importer import import_catalog
from catalog.store import load_catalog, workbook_choices, workbook_tables
from workdays.calendar import WorkCalendar


def checks_calendar() -> WorkCalendar:
    """The published schedule only, so that checking a file needs no database and gives
    the same answer on a laptop as on the server (it decides only how working and calendar
    days compare, over every year the schedule holds)."""
    return WorkCalendar()


class Command(BaseCommand):
    help = _("事项清单：检查、导入、导出（.xlsx 工作簿或 CSV 目录）")

    def add_arguments(self, parser):
        actions = parser.add_subparsers(dest="action", required=True)
        for name, text in (
            ("check", _("检查清单文件，一次列出全部问题；有错误时以非零状态退出")),
            ("import", _("检查并导入清单文件；有任何错误则不写入任何内容")),
            ("export", _("把当前清单导出为文件（.xlsx，或其他路径作为 CSV 目录）")),
        ):
            sub = actions.add_parser(name, help=text)
            sub.add_argument("file", help=_("清单文件或 CSV 目录"))

    def handle(self, *args, action: str, file: str, **options):
        if action == "export":
            path = workbook.write(file, workbook_tables(load_catalog()), workbook_choices())
            self.stdout.write(_("已导出到 %(path)s。") % {"path": path})
            return
        checked = check(workbook.read(file), checks_calendar())
        for problem in checked.problems:
            (self.stderr if problem.level == workbook.ERROR else self.stdout).write(str(problem))
        errors = len(checked.errors)
        if errors:
            warnings = len(checked.problems) - errors
            raise CommandError(
                _("发现%(errors)d处错误、%(warnings)d处提醒，请全部改正后再试；未作任何修改。")
                % {"errors": errors, "warnings": warnings},
                returncode=1,
            )
        catalog = checked.catalog
        counts = {
            "departments": len(catalog.departments),
            "items": len(catalog.items),
            "types": len(catalog.project_types),
        }
        if action == "check":
            self.stdout.write(
                _("检查通过：%(departments)d个部门、%(items)d个事项、%(types)d个项目类型。")
                % counts
            )
            return
        report = import_catalog(catalog)
        self.stdout.write(_("导入完成。") + str(report))
