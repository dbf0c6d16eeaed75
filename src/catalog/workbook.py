"""The file format counties keep their lists in (docs/catalog-format.md): an .xlsx workbook
with the sheets 部门, 事项 and 项目类型, or a directory holding the same three sheets as
部门.csv, 事项.csv and 项目类型.csv. Reading gives plain rows of text keyed by our column
names, with the sheet title, row number and column letter of every cell for messages;
writing takes the same rows. What the text means is checks.py's business.

Formula injection: a cell that starts with = is refused when read (a catalog holds no
formulas, and a formula's cached value is not what the county typed); cells written out
that start with = + - @ or a tab or carriage return get a leading apostrophe, which the
reader takes off again, so an export reads back exactly.
"""

import csv
import datetime as dt
import io
import itertools
import re
import unicodedata
import zlib
from dataclasses import dataclass, field
from pathlib import Path
from xml.etree.ElementTree import ParseError, iterparse
from zipfile import BadZipFile, ZipFile

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from lianban.text import display_width

ERROR = "error"
WARNING = "warning"
# A county's catalog has hundreds of items, not tens of thousands; a bigger file is a mistake
# or an attack, refused before it is read whole. An .xlsx is a zip: its declared unpacked size
# is checked before anything is unpacked (zipfile never unpacks more than an entry declares).
MAX_ROWS = 5_000
MAX_UNPACKED_BYTES = 50 * 1024 * 1024
MAX_CSV_BYTES = 10 * 1024 * 1024
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
ESCAPE = "'"


@dataclass(frozen=True)
class Column:
    key: str
    zh: str
    en: str
    required: bool = True  # the header must be present (its cells may still be blank)


@dataclass(frozen=True)
class SheetSpec:
    key: str
    zh: str
    en: str
    columns: tuple[Column, ...]


SHEETS = (
    SheetSpec(
        "departments",
        "部门",
        "departments",
        (
            Column("code", "部门编码", "code"),
            Column("name", "部门名称", "name"),
            Column("region_code", "行政区划代码", "region_code"),
        ),
    ),
    SheetSpec(
        "items",
        "事项",
        "items",
        (
            Column("code", "事项编码", "code"),
            Column("name", "事项名称", "name"),
            Column("department", "实施部门", "department"),
            Column("kind", "事项类型", "kind"),
            Column("legal_limit", "法定时限", "legal_limit"),
            Column("promised_limit", "承诺时限", "promised_limit"),
            Column("prerequisites", "前置事项", "prerequisites"),
            Column("materials", "申请材料", "materials"),
            Column("result_name", "办理结果", "result"),
            Column("fee", "收费标准", "fee"),
            Column("legal_basis", "设定依据", "legal_basis"),
            Column("handling", "办理方式", "handling"),
            Column("visits", "到现场次数", "visits"),
            Column("notice_commitment", "告知承诺", "notice_commitment"),
            Column("needs_joint_meeting", "需联席会议", "joint_meeting"),
            Column("is_annual_inspection", "年审年检", "annual_inspection", required=False),
        ),
    ),
    SheetSpec(
        "project_types",
        "项目类型",
        "project_types",
        (
            Column("project_type", "项目类型", "project_type"),
            Column("stage", "阶段", "stage"),
            Column("stage_order", "阶段顺序", "stage_order"),
            Column("lead_department", "牵头部门", "lead_department"),
            Column("items", "事项编码", "item_codes"),
            Column("life_event", "主题", "theme", required=False),
            Column("description", "说明", "description", required=False),
        ),
    ),
)
SPECS = {spec.key: spec for spec in SHEETS}
SHEET_LABELS = {
    "file": gettext_lazy("文件"),
    "departments": gettext_lazy("部门"),
    "items": gettext_lazy("事项"),
    "project_types": gettext_lazy("项目类型"),
}


@dataclass(frozen=True)
class Problem:
    """One thing wrong with the file, located as precisely as we can: sheet (as titled in
    the file), row number as the spreadsheet shows it, column letter and header."""

    message: str
    sheet: str = ""
    row: int | None = None
    column: str = ""  # the column letter
    header: str = ""  # the header as written in the file
    level: str = ERROR

    def __str__(self) -> str:
        place = _("［%(sheet)s］") % {"sheet": self.sheet} if self.sheet else ""
        if self.row:
            place += _("第%(row)d行") % {"row": self.row}
        if self.column:
            cell = _("%(letter)s列“%(header)s”") % {"letter": self.column, "header": self.header}
            place = f"{place} {cell}" if place else cell
        prefix = "" if self.level == ERROR else _("（提醒）")
        if not place:
            return f"{prefix}{self.message}"
        # the colon is the reader's: full-width in Chinese, ": " in English
        return prefix + _("%(place)s：%(message)s") % {
            "place": place.strip(),
            "message": self.message,
        }


@dataclass
class Row:
    number: int
    cells: dict[str, str]


@dataclass
class Sheet:
    key: str
    title: str
    columns: dict[str, tuple[str, str]] = field(default_factory=dict)  # key -> (letter, header)
    rows: list[Row] = field(default_factory=list)
    # cells already refused when read (a formula, a merged cell): (row, key). What the checks
    # would say of their content on top is noise, and check() leaves it out.
    refused: set[tuple[int, str]] = field(default_factory=set)

    def problem(self, row: int | None, key: str | None, message: str, level=ERROR) -> Problem:
        letter, header = self.columns.get(key, ("", "")) if key else ("", "")
        return Problem(message, self.title, row, letter, header, level)


@dataclass
class Workbook:
    sheets: dict[str, Sheet] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)

    def sheet(self, key: str) -> Sheet:
        """A missing sheet reads as an empty one titled as we would title it."""
        return self.sheets.get(key) or Sheet(key, str(SHEET_LABELS[key]))


def _canonical(text: str) -> str:
    text = unicodedata.normalize("NFKC", str(text or "")).strip().lower()
    text = re.sub(r"[\s\-]+", "_", text).strip("*_")
    return re.sub(r"（.*?）|\(.*?\)", "", text).strip("*_")  # 法定时限（工作日）-> 法定时限


_SHEET_NAMES = {_canonical(name): spec.key for spec in SHEETS for name in (spec.zh, spec.en)}
_COLUMN_NAMES = {
    spec.key: {_canonical(name): col.key for col in spec.columns for name in (col.zh, col.en)}
    for spec in SHEETS
}


_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def column_letter(index: int) -> str:
    """0 -> A, 25 -> Z, 26 -> AA."""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def cell_text(value) -> str:
    """A cell as the text the county sees: whole numbers without .0, dates as YYYY-MM-DD."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dt.datetime | dt.date):
        return value.strftime("%Y-%m-%d")
    return str(value)


def escape_cell(text: str) -> str:
    """Against formula injection when the file is opened in a spreadsheet (OWASP)."""
    return ESCAPE + text if text.startswith(FORMULA_STARTS) else text


def unescape_cell(text: str) -> str:
    if text.startswith(ESCAPE) and text[1:].startswith(FORMULA_STARTS):
        return text[1:]
    return text


def read(path) -> Workbook:
    """An .xlsx file, or a directory of .csv files. Never raises for bad content: every
    problem found is in `problems`."""
    path = Path(path)
    book = Workbook()
    if path.is_dir():
        tables = _read_csv_dir(path, book)
    elif path.is_file() and (path.suffix.lower() == ".xlsx" or _magic(path) == _ZIP_MAGIC):
        # an .xlsx renamed .xls or .et (WPS does it) is read for what it is
        tables = _read_xlsx(path, book)
        if tables is None:
            return book
    elif not path.exists():
        book.problems.append(Problem(_("找不到文件“%(path)s”。") % {"path": path}))
        return book
    else:
        book.problems.append(Problem(_unreadable(path)))
        return book
    for title, key, raw_rows, merged in tables:
        book.sheets[key] = _sheet(title, key, raw_rows, book.problems, merged)
    for spec in SHEETS:
        if spec.key not in book.sheets:
            book.problems.append(
                Problem(
                    _("缺少工作表“%(zh)s”（或“%(en)s”）。") % {"zh": spec.zh, "en": spec.en},
                    sheet=spec.zh,
                )
            )
    return book


_ZIP_MAGIC = b"PK\x03\x04"
_OLE_MAGIC = b"\xd0\xcf\x11\xe0"  # the binary .xls of Excel 97-2003, and WPS's .et


def _magic(path: Path) -> bytes:
    try:
        with path.open("rb") as f:
            return f.read(4)
    except OSError:
        return b""


def _unreadable(path: Path) -> str:
    """What to do with a file we cannot read, said for the file the clerk gave."""
    if _magic(path) == _OLE_MAGIC or path.suffix.lower() in (".xls", ".et", ".ett", ".wps"):
        return _(
            "“%(path)s”是旧版 Excel（.xls）或 WPS 表格（.et）格式，无法读取；"
            "请在 Excel 或 WPS 中“另存为”Excel 工作簿（*.xlsx）后重试。"
        ) % {"path": path.name}
    if path.suffix.lower() == ".csv":
        return _(
            "“%(path)s”是单个 CSV 文件；请提供存放“部门.csv”“事项.csv”“项目类型.csv”的目录，"
            "或一个 .xlsx 工作簿。"
        ) % {"path": path.name}
    return _("无法读取“%(path)s”：请提供 .xlsx 工作簿，或存放 CSV 文件的目录。") % {"path": path}


def _read_xlsx(path: Path, book: Workbook) -> list | None:
    """The sheets' rows, or None when the file cannot be read at all (the problem says why)."""
    from openpyxl import load_workbook
    from openpyxl.utils.exceptions import InvalidFileException

    try:
        with ZipFile(path) as package:
            unpacked = sum(info.file_size for info in package.infolist())
            if unpacked > MAX_UNPACKED_BYTES:
                book.problems.append(
                    Problem(
                        _("工作簿“%(path)s”解压后超过 %(mb)d MB，不是一份事项清单，未读取。")
                        % {"path": path.name, "mb": MAX_UNPACKED_BYTES // (1024 * 1024)}
                    )
                )
                return None
            crowded, merges = _scan_sheets(package)
            if crowded:
                book.problems.append(_too_many_rows(""))
                return None
    except (BadZipFile, OSError, ValueError, EOFError, zlib.error, ParseError):
        book.problems.append(Problem(_broken(path)))
        return None
    tables = []
    try:
        # a file object, since openpyxl refuses a name not ending in .xlsx
        with path.open("rb") as handle:
            wb = load_workbook(handle, read_only=True, data_only=False)
            try:
                for ws in wb.worksheets:
                    key = _SHEET_NAMES.get(_canonical(ws.title))
                    if key is None:
                        book.problems.append(
                            Problem(_("未识别的工作表，已忽略。"), sheet=ws.title, level=WARNING)
                        )
                        continue
                    rows = []
                    for row in ws.iter_rows(values_only=True):
                        if len(rows) > MAX_ROWS:  # the header and MAX_ROWS rows are allowed
                            book.problems.append(_too_many_rows(ws.title))
                            return None
                        rows.append([cell_text(v) for v in row])
                    part = str(getattr(ws, "_worksheet_path", "")).lstrip("/")
                    tables.append((ws.title, key, rows, merges.get(part, [])))
            finally:
                wb.close()
    except (
        InvalidFileException,
        BadZipFile,
        OSError,
        KeyError,
        ValueError,
        EOFError,
        zlib.error,
        ParseError,
        TypeError,
    ):  # a broken package, whatever openpyxl raises
        book.problems.append(Problem(_broken(path)))
        return None
    return tables


def _scan_sheets(package: ZipFile) -> tuple[bool, dict[str, list[str]]]:
    """Whether a worksheet has more than MAX_ROWS rows, counted by streaming its
    XML up to the limit (openpyxl would parse a sheet whole to learn its size); and each
    worksheet part's merged ranges ("D12:D13"), which openpyxl's read-only mode does not give."""
    merges: dict[str, list[str]] = {}
    for name in package.namelist():
        if not (name.startswith("xl/worksheets/") and name.endswith(".xml")):
            continue
        rows = 0
        with package.open(name) as part:
            # expat (2.4+) refuses entity amplification ("billion laughs"); no DTD is loaded.
            for _event, element in iterparse(part, events=("end",)):  # noqa: S314
                if element.tag.endswith("}row") or element.tag == "row":
                    rows += 1
                    element.clear()
                    if rows > MAX_ROWS + 1:  # the header and MAX_ROWS rows are allowed
                        return True, merges
                elif element.tag.endswith("}mergeCell") or element.tag == "mergeCell":
                    if len(merges.setdefault(name, [])) < MAX_ROWS:
                        merges[name].append(element.get("ref", ""))
    return False, merges


def _broken(path: Path) -> str:
    return _(
        "无法打开工作簿“%(path)s”：文件已损坏或不是 .xlsx 工作簿，请在 Excel 中另存为 .xlsx 后重试。"
    ) % {"path": path.name}


def _too_many_rows(sheet: str) -> Problem:
    return Problem(
        _("有工作表超过 %(limit)d 行，不是一份事项清单，未导入；请检查是否选错了文件。")
        % {"limit": MAX_ROWS},
        sheet=sheet,
    )


def _read_csv_dir(path: Path, book: Workbook) -> list:
    tables = []
    for file in sorted(path.glob("*.csv")):
        key = _SHEET_NAMES.get(_canonical(file.stem))
        if key is None:
            book.problems.append(
                Problem(_("未识别的文件，已忽略。"), sheet=file.name, level=WARNING)
            )
            continue
        if file.stat().st_size > MAX_CSV_BYTES:
            book.problems.append(
                Problem(
                    _("文件超过 %(mb)d MB，不是一份事项清单，未读取。")
                    % {"mb": MAX_CSV_BYTES // (1024 * 1024)},
                    sheet=file.name,
                )
            )
            continue
        data = file.read_bytes()
        if b"\x00" in data:
            book.problems.append(
                Problem(
                    _(
                        "文件含有空字节（NUL），不是文本格式的 CSV；请在 Excel 中另存为“CSV UTF-8”。"
                    ),
                    sheet=file.name,
                )
            )
            continue
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError:
            try:
                text = data.decode("gb18030")  # what Excel saves in Chinese Windows
            except UnicodeDecodeError:
                book.problems.append(
                    Problem(
                        _(
                            "无法识别文件的编码（既不是 UTF-8 也不是 GB18030）；请另存为“CSV UTF-8”。"
                        ),
                        sheet=file.name,
                    )
                )
                continue
        rows = list(itertools.islice(csv.reader(io.StringIO(text, newline="")), MAX_ROWS + 2))
        if len(rows) > MAX_ROWS + 1:
            book.problems.append(_too_many_rows(file.name))
            continue
        tables.append((file.stem, key, rows, []))
    return tables


def _sheet(title: str, key: str, raw_rows: list[list[str]], problems: list, merged=()) -> Sheet:
    sheet = Sheet(key, title)
    if not raw_rows:
        problems.append(sheet.problem(1, None, _("工作表是空的，缺少表头行。")))
        return sheet
    names = _COLUMN_NAMES[key]
    positions: dict[str, int] = {}
    for i, header in enumerate(raw_rows[0]):
        if not header.strip():
            continue
        field_key = names.get(_canonical(header))
        if field_key is None:
            problems.append(
                Problem(
                    _("未识别的列“%(header)s”，已忽略。") % {"header": header},
                    title,
                    1,
                    column_letter(i),
                    header,
                    WARNING,
                )
            )
        elif field_key in positions:
            problems.append(Problem(_("列重复。"), title, 1, column_letter(i), header))
        else:
            positions[field_key] = i
            sheet.columns[field_key] = (column_letter(i), header.strip())
    for col in SPECS[key].columns:
        if col.required and col.key not in positions:
            problems.append(
                sheet.problem(1, None, _("缺少列“%(zh)s”（或“%(en)s”）。") % col.__dict__)
            )
    for number, raw in enumerate(raw_rows[1:], start=2):
        cells = {}
        for field_key, i in positions.items():
            text = raw[i].strip() if i < len(raw) else ""
            if _CONTROL.search(text):
                problems.append(
                    sheet.problem(
                        number, field_key, _("单元格含有不可见的控制字符，请删除后重试。")
                    )
                )
                text = _CONTROL.sub("", text)
            if text.startswith("="):
                sheet.refused.add((number, field_key))
                problems.append(
                    sheet.problem(
                        number,
                        field_key,
                        _(
                            "单元格是公式，不予导入；请改为直接填写内容（需要以等号开头时，前面加英文单引号 '）。"
                        ),
                    )
                )
            cells[field_key] = unescape_cell(text)
        if any(cells.values()):
            sheet.rows.append(Row(number, cells))
    _merged_cells(sheet, positions, merged, problems)
    return sheet


def _merged_cells(sheet: Sheet, positions: dict[str, int], merged, problems: list) -> None:
    """A merged cell shows its text on every row it spans, but only its first cell holds it:
    the rows below would read as blank. Clerks merge a department down its items; each
    merge is one problem, said once at its first cell, and the blanks it hides say nothing."""
    from openpyxl.utils.cell import range_boundaries

    for ref in merged:
        try:
            min_col, min_row, max_col, max_row = range_boundaries(ref)
        except (ValueError, TypeError):
            continue
        keys = [k for k, i in positions.items() if min_col <= i + 1 <= max_col]
        if not keys or None in (min_row, max_row):
            continue
        keys.sort(key=positions.get)
        problems.append(
            sheet.problem(
                min_row,
                keys[0],
                _("%(range)s 是合并单元格：请取消合并，并把内容填入每一个单元格。")
                % {"range": ref},
            )
        )
        for number in range(max(min_row, 2), min(max_row, MAX_ROWS + 1) + 1):
            sheet.refused.update((number, k) for k in keys)


def write(path, tables: dict[str, list[dict[str, str]]], choices: dict | None = None) -> Path:
    """`tables` maps a sheet key to its rows (dicts keyed by our column names). A path ending
    in .xlsx gets a workbook; any other path a directory of CSV files (UTF-8 with BOM, so
    Excel opens them right). Headers are the Chinese ones. `choices` maps (sheet key, column
    key) to the values a workbook offers in a drop-down list (store.workbook_choices)."""
    path = Path(path)
    if path.suffix.lower() == ".xlsx":
        _write_xlsx(path, tables, choices or {})
    else:
        path.mkdir(parents=True, exist_ok=True)
        for spec in SHEETS:
            with (path / f"{spec.zh}.csv").open("w", encoding="utf-8-sig", newline="") as f:
                out = csv.writer(f)
                for row in _matrix(spec, tables.get(spec.key, [])):
                    out.writerow(row)
    return path


def _matrix(spec: SheetSpec, rows: list[dict[str, str]]) -> list[list[str]]:
    header = [col.zh for col in spec.columns]
    body = [[escape_cell(str(r.get(col.key, "") or "")) for col in spec.columns] for r in rows]
    return [header, *body]


# Columns a spreadsheet should hold as numbers (else Excel and WPS flag "number stored as text").
_NUMBERS = {("items", "visits"), ("project_types", "stage_order")}
# Columns that take a department code from the 部门 sheet (a unique name is read too).
_DEPARTMENT_COLUMNS = {("items", "department"), ("project_types", "lead_department")}
_MAX_WIDTH = 60


def _hints() -> dict[tuple[str, str], str]:
    """What a clerk sees on selecting a cell of the column (the file needs no manual)."""
    limit = _("填写如“20个工作日”“30个自然日”或“即办”；只写“日”或“天”按自然日计。")
    codes = _("填写事项编码，多个用“、”分隔；没有则留空。")
    return {
        ("departments", "region_code"): _("6位行政区划代码，如 139999。"),
        ("items", "code"): _("每个事项一个编码，不可重复；删去一行即停用该事项。"),
        ("items", "department"): _("填写“部门”表中的部门编码（或部门全称）。"),
        ("items", "legal_limit"): limit,
        ("items", "promised_limit"): limit + _("不得超过法定时限。"),
        ("items", "prerequisites"): codes,
        ("items", "materials"): _("多份材料用“；”或“、”分隔；名称相同即为同一份材料。"),
        ("items", "visits"): _("申请人需到现场的次数，填写0、1、2等整数。"),
        ("project_types", "stage_order"): _("填写1、2、3等正整数。"),
        ("project_types", "lead_department"): _("填写“部门”表中的部门编码（或部门全称）。"),
        ("project_types", "items"): codes,
    }


def _write_xlsx(path: Path, tables: dict, choices: dict) -> None:
    from openpyxl import Workbook as XlsxWorkbook
    from openpyxl.styles import Font
    from openpyxl.worksheet.datavalidation import DataValidation

    hints = _hints()
    last = MAX_ROWS + 1
    departments = len(tables.get("departments", [])) + 1 + 50  # room for new departments
    wb = XlsxWorkbook()
    wb.remove(wb.active)
    for spec in SHEETS:
        ws = wb.create_sheet(spec.zh)
        matrix = _matrix(spec, tables.get(spec.key, []))
        ws.append(matrix[0])
        for row in matrix[1:]:
            ws.append(
                [
                    int(text) if (spec.key, col.key) in _NUMBERS and text.isdigit() else text
                    for col, text in zip(spec.columns, row, strict=True)
                ]
            )
        for cell in ws[1]:
            cell.font = Font(bold=True)
        for i, col in enumerate(spec.columns):
            letter = column_letter(i)
            widest = max(display_width(row[i]) for row in matrix)
            ws.column_dimensions[letter].width = min(max(widest + 2, 8), _MAX_WIDTH)
            cells = f"{letter}2:{letter}{last}"
            values = choices.get((spec.key, col.key))
            if values:
                allowed = "、".join(values)
                rule = DataValidation(type="list", formula1=f'"{",".join(values)}"')
                rule.error = _("请从下拉列表中选择：%(allowed)s。") % {"allowed": allowed}
            elif (spec.key, col.key) in _DEPARTMENT_COLUMNS:
                # a drop-down of the codes, but a department's full name may be typed too
                rule = DataValidation(
                    type="list", formula1=f"'{SPECS['departments'].zh}'!$A$2:$A${departments}"
                )
                rule.showErrorMessage = False
            elif (spec.key, col.key) in _NUMBERS:
                minimum = 1 if col.key == "stage_order" else 0
                rule = DataValidation(type="whole", operator="between", formula1=str(minimum))
                rule.formula2 = "99"
                rule.error = hints[(spec.key, col.key)]
            elif (spec.key, col.key) in hints:
                rule = DataValidation()  # any value: only the hint
            else:
                continue
            rule.showErrorMessage = bool(rule.error)
            rule.allow_blank = True
            if (spec.key, col.key) in hints:
                rule.prompt = hints[(spec.key, col.key)]
                rule.showInputMessage = True
            ws.add_data_validation(rule)
            rule.add(cells)
        ws.freeze_panes = "A2"
        ws.auto_filter.ref = f"A1:{column_letter(len(spec.columns) - 1)}{max(len(matrix), 2)}"
    path.parent.mkdir(parents=True, exist_ok=True)
    wb.save(path)
