"""Reading a catalog workbook into records, and checking it whole (一次性告知): every problem
is collected, none stops the others from being found. Pure: a Workbook and a WorkCalendar
in, a Catalog and a list of Problems out.

What is an error (the file is refused) and what is only a warning is decided here; the
messages say what is wrong and how to put it right."""

import difflib
import re
import unicodedata
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.utils import translation
from django.utils.translation import gettext as _

from directory.validators import validate_region_code
from workdays.calendar import WorkCalendar

from .days import DayTable
from .graph import closure, cycles
from .limits import LimitError, display_limit, parse_count, parse_limit
from .models import Handling, ItemKind
from .records import (
    CALENDAR,
    Catalog,
    DepartmentRecord,
    ItemRecord,
    Limit,
    ProjectTypeRecord,
    StageRecord,
    normalise_code,
    normalise_name,
)
from .workbook import ERROR, SHEETS, WARNING, Problem, Sheet, Workbook

TRUE_WORDS = frozenset({"是", "可", "需要", "需", "y", "yes", "true", "1", "√", "✓"})
FALSE_WORDS = frozenset(
    {"否", "不可", "不需要", "不需", "无", "n", "no", "false", "0", "×", "✗", ""}
)
_SEPARATORS = set("、,;\n")
_OPEN, _CLOSE = set("（(《【[“‘"), set("）)》】]”’")


@dataclass
class Checked:
    catalog: Catalog
    problems: list[Problem] = field(default_factory=list)
    unparsed_limits: set[str] = field(default_factory=set)  # items whose limits did not read

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.level == ERROR]

    @property
    def ok(self) -> bool:
        return not self.errors


def split_list(text: str) -> list[str]:
    """前置事项, 申请材料, 事项编码: separated by 、 ， , ; ； or new lines, but not inside
    brackets, so "建设工程规划许可证（附图、附件）" stays one paper."""
    text = unicodedata.normalize("NFKC", text or "")
    parts, current, depth = [], [], 0
    for ch in text:
        if ch in _OPEN:
            depth += 1
        elif ch in _CLOSE and depth:
            depth -= 1
        if ch in _SEPARATORS and not depth:
            parts.append("".join(current))
            current = []
        else:
            current.append(ch)
    parts.append("".join(current))
    return [p.strip() for p in parts if p.strip()]


def _labels(choices) -> list[tuple[str, str]]:
    """The values and their Chinese labels, whatever the language of the request: the file
    is written in Chinese."""
    with translation.override(None):
        return [(value, str(label)) for value, label in choices]


def _choice(text: str, choices) -> str | None:
    wanted = re.sub(r"\s+", "", unicodedata.normalize("NFKC", text)).lower()
    for value, label in _labels(choices):
        if wanted in (value, label, value.replace("_", "")):
            return value
    return None


def _flag(text: str) -> bool | None:
    wanted = re.sub(r"\s+", "", unicodedata.normalize("NFKC", text)).lower()
    if wanted in TRUE_WORDS:
        return True
    if wanted in FALSE_WORDS:
        return False
    return None


def check(book: Workbook, calendar: WorkCalendar) -> Checked:
    checked = Checked(Catalog(), list(book.problems))
    _Reader(book, checked).read()
    _cross_checks(book, checked, DayTable.of(calendar))
    _quiet_refused_cells(book, checked)
    # in the order a clerk goes through the file: sheet by sheet, row by row, left to right
    sheets = {book.sheet(spec.key).title: i for i, spec in enumerate(SHEETS)}
    checked.problems.sort(
        key=lambda p: (
            sheets.get(p.sheet, len(sheets)) if p.sheet else -1,
            p.row or 0,
            (len(p.column), p.column),
        )
    )
    return checked


def _quiet_refused_cells(book: Workbook, checked: Checked) -> None:
    """A cell refused when read (a formula, a merged cell) has said what is wrong with it;
    "please fill in" or "not a count" on top would send the clerk after the wrong thing."""
    refused = {
        (sheet.title, row, sheet.columns[key][0])
        for sheet in book.sheets.values()
        for row, key in sheet.refused
        if key in sheet.columns
    }
    if refused:
        own = {id(p) for p in book.problems}
        checked.problems = [
            p for p in checked.problems if id(p) in own or (p.sheet, p.row, p.column) not in refused
        ]


class _Reader:
    def __init__(self, book: Workbook, checked: Checked):
        self.book = book
        self.catalog = checked.catalog
        self.problems = checked.problems
        self.unparsed = checked.unparsed_limits
        self.dept_by_name: dict[str, str | None] = {}

    def add(self, sheet: Sheet, row: int | None, key: str | None, message: str, level=ERROR):
        self.problems.append(sheet.problem(row, key, message, level))

    def read(self) -> None:
        self.read_departments(self.book.sheet("departments"))
        self.read_items(self.book.sheet("items"))
        self.read_project_types(self.book.sheet("project_types"))

    def required(self, sheet: Sheet, row, key: str, label: str) -> str:
        value = row.cells.get(key, "")
        if not value and key in sheet.columns:
            self.add(sheet, row.number, key, _("请填写%(label)s。") % {"label": label})
        return value

    def department(self, sheet: Sheet, row, key: str) -> str:
        """A department by its code or, failing that, its unique name; '' when unknown."""
        text = row.cells.get(key, "")
        if not text:
            return ""
        code = normalise_code(text)
        if code in self.catalog.departments:
            return code
        by_name = self.dept_by_name.get(re.sub(r"\s+", "", text))
        if by_name:
            return by_name
        guess = self.department_guess(text)
        if guess is not None:
            message = _(
                "未知部门“%(name)s”，是否应为“%(guess)s”（%(code)s）？"
                "如确是新部门，请先在“部门”表中登记。"
            ) % {"name": text, "guess": guess.name, "code": guess.code}
        else:
            message = _("未知部门“%(name)s”：请先在“部门”表中登记该部门。") % {"name": text}
        self.add(sheet, row.number, key, message)
        return ""

    def department_guess(self, text: str) -> DepartmentRecord | None:
        """The department a mistyped name or code most likely meant (城市管里局 for 城市管理局)."""
        wanted = re.sub(r"\s+", "", unicodedata.normalize("NFKC", text))
        spellings = {}
        for record in self.catalog.departments.values():
            spellings[re.sub(r"\s+", "", record.name)] = record
            spellings[record.code] = record
        close = difflib.get_close_matches(wanted, list(spellings), n=1, cutoff=0.6)
        return spellings[close[0]] if close else None

    def read_departments(self, sheet: Sheet) -> None:
        for row in sheet.rows:
            code = normalise_code(self.required(sheet, row, "code", _("部门编码")))
            name = self.required(sheet, row, "name", _("部门名称"))
            region = normalise_code(row.cells.get("region_code", ""))
            try:
                validate_region_code(region)
            except ValidationError as exc:
                self.add(sheet, row.number, "region_code", exc.messages[0])
            if not code:
                continue
            if code in self.catalog.departments:
                first = self.catalog.departments[code].row
                self.add(
                    sheet,
                    row.number,
                    "code",
                    _("部门编码“%(code)s”重复，已在第%(row)d行使用。")
                    % {"code": code, "row": first},
                )
                continue
            self.catalog.departments[code] = DepartmentRecord(code, name, region, row.number)
            key = re.sub(r"\s+", "", name)
            # a name held by two departments cannot identify either
            self.dept_by_name[key] = None if key in self.dept_by_name else code

    def read_items(self, sheet: Sheet) -> None:
        for row in sheet.rows:
            cells = row.cells
            code = normalise_code(self.required(sheet, row, "code", _("事项编码")))
            name = self.required(sheet, row, "name", _("事项名称"))
            self.required(sheet, row, "department", _("实施部门"))
            department = self.department(sheet, row, "department")
            kind = self.choice(sheet, row, "kind", ItemKind.choices, _("事项类型"))
            handling = self.choice(sheet, row, "handling", Handling.choices, _("办理方式"))
            legal = self.limit(sheet, row, "legal_limit")
            promised = self.limit(sheet, row, "promised_limit")
            prerequisites = self.codes(sheet, row, "prerequisites")
            materials = self.materials(sheet, row)
            visits = self.count(sheet, row, "visits")
            flags = {
                key: self.flag(sheet, row, key)
                for key in ("notice_commitment", "needs_joint_meeting", "is_annual_inspection")
            }
            if not code:
                continue
            if code in self.catalog.items:
                first = self.catalog.items[code].row
                self.add(
                    sheet,
                    row.number,
                    "code",
                    _("事项编码“%(code)s”重复，已在第%(row)d行使用。")
                    % {"code": code, "row": first},
                )
                continue
            self.catalog.items[code] = ItemRecord(
                code=code,
                name=name,
                department=department,
                kind=kind or "",
                legal=legal or Limit(0),
                promised=promised or Limit(0),
                prerequisites=prerequisites,
                materials=materials,
                result_name=cells.get("result_name", ""),
                fee=cells.get("fee", ""),
                legal_basis=cells.get("legal_basis", ""),
                handling=handling or "",
                visits=visits,
                row=row.number,
                **flags,
            )
            # a limit that did not parse must not look like 即办 to the later checks
            if legal is None or promised is None:
                self.unparsed.add(code)

    def choice(self, sheet, row, key, choices, label) -> str | None:
        text = self.required(sheet, row, key, label)
        if not text:
            return None
        value = _choice(text, choices)
        if value is None:
            allowed = "、".join(label for _v, label in _labels(choices))
            self.add(
                sheet,
                row.number,
                key,
                _("“%(text)s”不是有效的%(label)s，应为：%(allowed)s。")
                % {"text": text, "label": label, "allowed": allowed},
            )
        return value

    def limit(self, sheet, row, key) -> Limit | None:
        try:
            return parse_limit(row.cells.get(key, ""))
        except LimitError as exc:
            if key in sheet.columns:
                self.add(sheet, row.number, key, exc.message)
            return None

    def count(self, sheet, row, key) -> int:
        text = row.cells.get(key, "")
        if not text:
            return 0
        try:
            return parse_count(text)
        except ValueError:
            self.add(
                sheet,
                row.number,
                key,
                _("“%(text)s”不是次数，请填写0、1、2等整数。") % {"text": text},
            )
            return 0

    def flag(self, sheet, row, key) -> bool:
        text = row.cells.get(key, "")
        value = _flag(text)
        if value is None:
            self.add(sheet, row.number, key, _("“%(text)s”应填写“是”或“否”。") % {"text": text})
            return False
        return value

    def codes(self, sheet, row, key) -> tuple[str, ...]:
        codes = [normalise_code(c) for c in split_list(row.cells.get(key, ""))]
        for code in {c for c in codes if codes.count(c) > 1}:
            self.add(
                sheet,
                row.number,
                key,
                _("“%(code)s”重复列出，按一次计。") % {"code": code},
                WARNING,
            )
        return tuple(dict.fromkeys(codes))

    def materials(self, sheet, row) -> tuple[str, ...]:
        names = [normalise_name(n) for n in split_list(row.cells.get("materials", ""))]
        names = [n for n in names if n]
        for name in {n for n in names if names.count(n) > 1}:
            self.add(
                sheet,
                row.number,
                "materials",
                _("材料“%(name)s”重复列出，按一份计。") % {"name": name},
                WARNING,
            )
        return tuple(dict.fromkeys(names))

    def read_project_types(self, sheet: Sheet) -> None:
        placed: dict[tuple[str, str], StageRecord] = {}  # (project type, item) -> its stage
        for row in sheet.rows:
            name = self.required(sheet, row, "project_type", _("项目类型"))
            stage_name = self.required(sheet, row, "stage", _("阶段"))
            order_text = self.required(sheet, row, "stage_order", _("阶段顺序"))
            lead = self.department(sheet, row, "lead_department")
            self.required(sheet, row, "lead_department", _("牵头部门"))
            codes = self.codes(sheet, row, "items")
            order = None
            if order_text:
                try:
                    order = parse_count(order_text)
                except ValueError:
                    order = None
                if not order:
                    self.add(sheet, row.number, "stage_order", bad_stage_order())
            if not codes and "items" in sheet.columns:
                self.add(sheet, row.number, "items", _stage_without_items())
            for code in codes:
                if code not in self.catalog.items:
                    self.add(sheet, row.number, "items", unknown_item(code))
            if not (name and stage_name and order):
                continue
            project = self.catalog.project_types.get(name)
            if project is None:
                project = self.catalog.project_types[name] = ProjectTypeRecord(name, row=row.number)
            project.life_event = project.life_event or row.cells.get("life_event", "")
            project.description = project.description or row.cells.get("description", "")
            stage = next((s for s in project.stages if s.order == order), None)
            if stage is None:
                stage = StageRecord(order, stage_name, lead, (), (row.number,))
                project.stages.append(stage)
            else:
                if stage.name != stage_name or (lead and stage.lead_department != lead):
                    self.add(
                        sheet,
                        row.number,
                        "stage",
                        _(
                            "项目类型“%(type)s”的第%(order)d阶段在第%(row)d行是“%(stage)s”，"
                            "此行的阶段名称或牵头部门与之不一致。"
                        )
                        % {"type": name, "order": order, "row": stage.rows[0], "stage": stage.name},
                    )
                    continue
                stage.rows = (*stage.rows, row.number)
            for code in codes:
                earlier = placed.get((name, code))
                if earlier is not None and earlier is not stage:
                    self.add(sheet, row.number, "items", _item_in_two_stages(code, earlier))
                    continue
                placed[(name, code)] = stage
                if code not in stage.items:
                    stage.items = (*stage.items, code)
        for project in self.catalog.project_types.values():
            project.stages.sort(key=lambda s: s.order)


# What is said of a project type's stages, by the workbook's reader row by row
# (read_project_types) and of records by stage_problems (the admin): the same words.
def bad_stage_order() -> str:
    return _("阶段顺序应为1、2、3等正整数。")


def unknown_item(code: str) -> str:
    return _("未知事项编码“%(code)s”：“事项”表中没有该事项。") % {"code": code}


def _stage_without_items() -> str:
    return _("阶段没有列出事项。")


def _item_in_two_stages(code: str, earlier: StageRecord) -> str:
    return _("事项“%(code)s”已列入本项目类型的“%(stage)s”阶段，一个事项只能属于一个阶段。") % {
        "code": code,
        "stage": earlier.name,
    }


def stage_problems(catalog: Catalog):
    """What the reader finds in the 项目类型 sheet row by row (read_project_types), found
    in the records of a catalog that did not come from a file: the database with an edit
    made in the admin (admin.py). Yields what catalog_problems yields."""
    for project in catalog.project_types.values():
        if not project.stages:  # a sheet gives a project type only with a stage
            yield (
                "project_types",
                project,
                "stage",
                _("项目类型“%(type)s”没有阶段：请至少设置一个阶段，并列出其事项。")
                % {"type": project.name},
            )
        placed: dict[str, StageRecord] = {}
        for stage in project.stages:
            if not stage.items:
                yield ("project_types", stage, "items", _stage_without_items())
            for code in stage.items:
                earlier = placed.setdefault(code, stage)
                if earlier is not stage:
                    yield ("project_types", stage, "items", _item_in_two_stages(code, earlier))


def _cross_checks(book: Workbook, checked: Checked, table: DayTable) -> None:
    sheets = {key: book.sheet(key) for key in ("items", "project_types")}
    for key, record, column, message in catalog_problems(
        checked.catalog, table, checked.unparsed_limits
    ):
        row = record.row if isinstance(record, ItemRecord) else record.rows[0]
        checked.problems.append(sheets[key].problem(row, column, message))


def catalog_problems(catalog: Catalog, table: DayTable, unparsed=frozenset()):
    """What is wrong between the rows of a catalog, wherever it comes from (a workbook, or
    the database with an edit made in the admin, admin.py): yields (sheet key, the item or
    stage record, column key, message)."""
    items = catalog.items

    def code_unparsed(item):
        return item.code in unparsed

    for item in items.values():
        for code in item.prerequisites:
            if code not in items:
                yield (
                    "items",
                    item,
                    "prerequisites",
                    _("未知前置事项编码“%(code)s”：“事项”表中没有该事项。") % {"code": code},
                )
        message = None if code_unparsed(item) else _limit_problem(item, table)
        if message:
            yield ("items", item, "promised_limit", message)

    graph = {code: item.prerequisites for code, item in items.items()}
    for cycle in cycles(graph):
        names = " → ".join(cycle)
        yield (
            "items",
            items[cycle[0]],
            "prerequisites",
            _(
                "前置事项形成循环：%(cycle)s（箭头指向前置事项）。循环中的事项谁也无法先办，请删去其中一个前置关系。"
            )
            % {"cycle": names},
        )

    issuer: dict[str, str] = {}
    for item in items.values():
        result = normalise_name(item.result_name)
        if not result:
            continue
        if result in issuer:
            yield (
                "items",
                item,
                "result_name",
                _(
                    "办理结果“%(result)s”与事项“%(code)s”相同：同一证照只能由一个事项出具，否则无法判断材料由谁出具。"
                )
                % {"result": item.result_name, "code": issuer[result]},
            )
            continue
        issuer[result] = item.code
    for item in items.values():
        needed = None
        for material in item.materials:
            source = issuer.get(material)
            if source is None:
                continue
            if source == item.code:
                yield (
                    "items",
                    item,
                    "materials",
                    _("材料“%(name)s”是本事项自己的办理结果，不能作为申请材料。")
                    % {"name": material},
                )
                continue
            if needed is None:
                needed = set(closure(graph, item.prerequisites))
            if source not in needed:
                yield (
                    "items",
                    item,
                    "materials",
                    _(
                        "材料“%(name)s”由事项“%(code)s %(item)s”出具，但该事项不是本事项的前置事项："
                        "请把“%(code)s”加入前置事项，或从申请材料中删去“%(name)s”。"
                    )
                    % {"name": material, "code": source, "item": items[source].name},
                )

    for project in catalog.project_types.values():
        named: dict[str, StageRecord] = {}
        for stage in project.stages:
            first = named.setdefault(stage.name, stage)
            if first is not stage:
                # the progress page tells an applicant the stage by its name
                yield (
                    "project_types",
                    stage,
                    "stage",
                    _(
                        "“%(type)s”的第%(first)d阶段和第%(order)d阶段都叫“%(stage)s”："
                        "请给各阶段不同的名称。"
                    )
                    % {
                        "type": project.name,
                        "first": first.order,
                        "order": stage.order,
                        "stage": stage.name,
                    },
                )
            if not stage.lead_department:
                continue
            departments = {items[c].department for c in stage.items if c in items}
            if stage.items and stage.lead_department not in departments:
                yield (
                    "project_types",
                    stage,
                    "lead_department",
                    _("“%(type)s”的“%(stage)s”阶段由“%(lead)s”牵头，但该部门在本阶段没有事项。")
                    % {
                        "type": project.name,
                        "stage": stage.name,
                        "lead": catalog.department_name(stage.lead_department),
                    },
                )


def _limit_problem(item: ItemRecord, table: DayTable) -> str | None:
    """The promise must never run past the legal limit, whatever day a case starts. With
    different units that depends on the calendar: n working days last between the fewest
    and the most calendar days they take anywhere in the scheduled years (days.py)."""
    promised, legal = item.promised, item.legal
    params = {"promised": display_limit(promised), "legal": display_limit(legal)}
    if promised.days == 0:
        return None
    if promised.unit == legal.unit or legal.days == 0:
        if promised.days > legal.days:
            return _("承诺时限“%(promised)s”超过法定时限“%(legal)s”。") % params
        return None
    if promised.unit == CALENDAR:
        shortest = table.working_span(legal.days, longest=False)
        if shortest is not None and promised.days > shortest:
            return _(
                "承诺时限“%(promised)s”超过法定时限“%(legal)s”：%(legal)s最短只有%(span)d个自然日。"
            ) % {**params, "span": shortest}
        return None
    longest = table.working_span(promised.days, longest=True)
    if longest is not None and longest > legal.days:
        return _(
            "承诺时限“%(promised)s”超过法定时限“%(legal)s”：%(promised)s最长可达%(span)d个自然日。"
        ) % {**params, "span": longest}
    return None
