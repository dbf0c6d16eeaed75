"""The department figures (部门指标) as tables: one list of columns for the page and the
workbook alike, so the file holds what the page shows (cases/views/board.py serves both)."""

import io
from dataclasses import dataclass
from operator import attrgetter

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from catalog.workbook import column_letter, escape_cell
from lianban.text import display_width
from portal import queries

# The columns of both tables, for the page and the workbook alike: one list, so the file
# holds what the page shows. Each reads a figure of portal.queries.Figures' rows.
_DEPARTMENT_COLUMNS = (
    (gettext_lazy("办结事项"), attrgetter("items_decided")),
    (gettext_lazy("按时办结"), attrgetter("items_on_time")),
    (gettext_lazy("按时办结率（%）"), attrgetter("on_time_percent")),
    (gettext_lazy("逾期未办结"), attrgetter("items_overdue_open")),
    (gettext_lazy("平均用时（工作日）"), attrgetter("average_working_days")),
    (gettext_lazy("中位用时（工作日）"), attrgetter("median_working_days")),
    (gettext_lazy("补正次数"), attrgetter("supplements")),
    (gettext_lazy("提交联席会议"), attrgetter("referred")),
)
_PROJECT_COLUMNS = (
    (gettext_lazy("办件数"), attrgetter("cases")),
    (gettext_lazy("受理至决定（中位，工作日）"), attrgetter("stats.median_working_days")),
    (gettext_lazy("受理至出文（中位，工作日）"), attrgetter("stats.median_document_working_days")),
    (gettext_lazy("承诺时限串联（中位，工作日）"), attrgetter("stats.median_serial_working_days")),
    (
        gettext_lazy("法定时限串联（中位，工作日）"),
        attrgetter("stats.median_legal_serial_working_days"),
    ),
    (gettext_lazy("实际提交材料（份）"), attrgetter("stats.papers_submitted")),
    (gettext_lazy("分别申请需提交（份）"), attrgetter("stats.papers_separately")),
    (gettext_lazy("少交材料（份）"), attrgetter("stats.papers_saved")),
)
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
_MAX_WIDTH = 40


@dataclass(frozen=True)
class Table:
    key: str
    title: str  # the page's heading and the workbook's sheet
    caption: str
    columns: list[str]  # the first names the rows
    rows: list[list]  # each a name, then numbers (None: nothing to count)
    total: list
    empty: str


def tables(numbers: queries.Figures) -> list[Table]:
    period = {"start": numbers.start.isoformat(), "end": numbers.end.isoformat()}
    single = _("单独申请的事项")
    return [
        Table(
            "departments",
            _("按部门"),
            _("各部门事项办理情况，%(start)s 至 %(end)s") % period,
            [_("部门"), *(str(label) for label, _get in _DEPARTMENT_COLUMNS)],
            [
                [row.name, *(get(row.figures) for _label, get in _DEPARTMENT_COLUMNS)]
                for row in numbers.departments
            ],
            [_("合计"), *(get(numbers.all_departments) for _label, get in _DEPARTMENT_COLUMNS)],
            _("这一期间没有办结、逾期、补正或提交联席会议的事项。"),
        ),
        Table(
            "project-types",
            _("按项目类型"),
            _("各项目类型办件情况（按提交日期），%(start)s 至 %(end)s") % period,
            [_("项目类型"), *(str(label) for label, _get in _PROJECT_COLUMNS)],
            [
                [row.name or single, *(get(row) for _label, get in _PROJECT_COLUMNS)]
                for row in numbers.project_types
            ],
            [_("合计"), *(get(numbers.all_project_types) for _label, get in _PROJECT_COLUMNS)],
            _("这一期间没有提交的办件。"),
        ),
    ]


def period_note(numbers: queries.Figures) -> str:
    return _("统计期间：%(start)s 至 %(end)s；逾期未办结截至 %(today)s。") % {
        "start": numbers.start.isoformat(),
        "end": numbers.end.isoformat(),
        "today": numbers.today.isoformat(),
    }


def workbook(tables: list[Table], note: str) -> bytes:
    """One sheet a table, written as catalog/workbook.py writes the catalog: bold headers,
    columns as wide as their text, the header row frozen, text cells escaped against formula
    injection; numbers stay numbers, a figure with nothing to count stays empty."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    wb = Workbook()
    wb.remove(wb.active)
    for table in tables:
        ws = wb.create_sheet(table.title)
        matrix = [table.columns, *table.rows, table.total]
        for row in matrix:
            ws.append([escape_cell(v) if isinstance(v, str) else v for v in row])
        for cell in [*ws[1], *ws[len(matrix)]]:
            cell.font = Font(bold=True)
        for i in range(len(table.columns)):
            widest = max(display_width(row[i]) for row in matrix)
            ws.column_dimensions[column_letter(i)].width = min(max(widest + 2, 8), _MAX_WIDTH)
        ws.freeze_panes = "B2"
        ws.append([])
        ws.append([note])
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()
