"""The demo county's catalog: the shipped workbook matches its data, and the data keeps the
rules a county's list must keep (codes resolve, prerequisites form a DAG, promised ≤ legal,
an issued paper is asked only after the item that issues it …)."""

from collections import Counter

import pytest
from openpyxl import load_workbook

from catalog import workbook
from catalog.checks import check
from catalog.days import DayTable
from catalog.limits import parse_limit
from catalog.records import CALENDAR, WORKING, normalise_name
from lianban.demo_data import catalog_data as data
from lianban.demo_data.workbook import (
    DEPARTMENT_HEADERS,
    ITEM_HEADERS,
    PROJECT_TYPE_HEADERS,
    SEPARATOR,
    WORKBOOK_PATH,
    sheets,
    write_workbook,
)
from workdays.calendar import WorkCalendar

ITEMS = {item["code"]: item for item in data.ITEMS}
DEPARTMENTS = dict(data.DEPARTMENTS)
PROJECT_TYPES = {p["name"]: p["stages"] for p in data.PROJECT_TYPES}


def _values(path) -> dict[str, list[tuple]]:
    workbook = load_workbook(path, read_only=True)
    try:
        return {ws.title: list(ws.iter_rows(values_only=True)) for ws in workbook.worksheets}
    finally:
        workbook.close()


def test_shipped_workbook_matches_the_data(tmp_path):
    fresh = write_workbook(tmp_path / "fresh.xlsx")

    shipped = _values(WORKBOOK_PATH)

    assert shipped == _values(fresh)
    assert shipped == sheets()


def test_the_catalog_importer_accepts_the_shipped_workbook_without_a_remark():
    checked = check(workbook.read(WORKBOOK_PATH), WorkCalendar())

    assert [str(problem) for problem in checked.problems] == []
    assert len(checked.catalog.items) == len(data.ITEMS)
    assert set(checked.catalog.project_types) == set(PROJECT_TYPES)


def test_the_workbook_is_written_identically_every_time(tmp_path):
    first = write_workbook(tmp_path / "a.xlsx").read_bytes()
    second = write_workbook(tmp_path / "b.xlsx").read_bytes()

    assert first == second


def test_sheets_have_the_import_headers_in_order():
    shipped = _values(WORKBOOK_PATH)

    assert list(shipped) == ["部门", "事项", "项目类型"]
    assert shipped["部门"][0] == DEPARTMENT_HEADERS
    assert shipped["事项"][0] == ITEM_HEADERS
    assert shipped["项目类型"][0] == PROJECT_TYPE_HEADERS
    assert ITEM_HEADERS[4:6] == ("法定时限", "承诺时限")


def test_the_county_is_big_enough_to_be_real():
    assert len(data.DEPARTMENTS) >= 15
    assert len(data.ITEMS) >= 60


def test_codes_are_unique():
    department_codes = [code for code, _name in data.DEPARTMENTS]
    item_codes = [item["code"] for item in data.ITEMS]

    assert [c for c, n in Counter(department_codes).items() if n > 1] == []
    assert [c for c, n in Counter(item_codes).items() if n > 1] == []
    assert len(PROJECT_TYPES) == len(data.PROJECT_TYPES)


def test_every_reference_names_an_existing_code():
    dangling = [
        (item["code"], item["department"])
        for item in data.ITEMS
        if item["department"] not in DEPARTMENTS
    ]
    dangling += [
        (item["code"], code)
        for item in data.ITEMS
        for code in item["prerequisites"]
        if code not in ITEMS
    ]
    for name, stages in PROJECT_TYPES.items():
        for stage, lead, codes in stages:
            dangling += [(name, stage, lead)] if lead not in DEPARTMENTS else []
            dangling += [(name, stage, code) for code in codes if code not in ITEMS]

    assert dangling == []


def test_the_service_centre_and_the_later_departments_are_there():
    assert DEPARTMENTS["XZSP"] == "行政审批局"
    assert {"WGLJ", "CGJ", "QXJ"} <= DEPARTMENTS.keys()


def _cycle() -> list[str]:
    """A prerequisite cycle, as codes from start back to start, or [] when there is none."""
    state: dict[str, str] = {}
    path: list[str] = []

    def visit(code: str) -> list[str]:
        state[code] = "open"
        path.append(code)
        for before in ITEMS[code]["prerequisites"]:
            if state.get(before) == "open":
                return [*path[path.index(before) :], before]
            if before not in state and (found := visit(before)):
                return found
        state[code] = "done"
        path.pop()
        return []

    for code in ITEMS:
        if code not in state and (found := visit(code)):
            return found
    return []


def test_prerequisites_form_a_dag():
    assert _cycle() == []


def test_the_cycle_finder_reports_a_cycle(monkeypatch):
    monkeypatch.setitem(ITEMS, "FGJ-001", {**ITEMS["FGJ-001"], "prerequisites": ("ZRZY-002",)})

    found = _cycle()

    assert found[0] == found[-1]
    assert {"FGJ-001", "ZRZY-002"} <= set(found)


def _within(promised, legal) -> bool:
    """Promised never later than legal, whatever day a case starts: across units, the most
    calendar days the promised working days can take in the published schedule (a Spring
    Festival can stretch one working day to eleven), or the fewest the legal ones can."""
    days = DayTable.of(WorkCalendar())
    if promised.days == 0:
        return True
    if promised.unit == legal.unit or legal.days == 0:
        return promised.days <= legal.days
    if promised.unit == WORKING:
        return days.working_span(promised.days, longest=True) <= legal.days
    return promised.days <= days.working_span(legal.days, longest=False)


def test_every_limit_is_written_the_way_the_importer_reads_it():
    units = Counter()
    for item in data.ITEMS:
        for text in (item["legal_limit"], item["promised_limit"]):
            units[parse_limit(text).unit if parse_limit(text).days else "on the spot"] += 1

    assert units[WORKING] and units[CALENDAR] and units["on the spot"]


def test_promised_limit_never_exceeds_the_legal_one():
    late = [
        (item["code"], item["promised_limit"], item["legal_limit"])
        for item in data.ITEMS
        if not _within(parse_limit(item["promised_limit"]), parse_limit(item["legal_limit"]))
    ]

    assert late == []


def test_every_item_promises_less_than_the_law_allows_or_decides_on_the_spot():
    unreformed = [
        item["code"]
        for item in data.ITEMS
        if item["promised_limit"] == item["legal_limit"] and item["legal_limit"] != "即办"
    ]

    assert unreformed == []


def test_a_paper_another_item_issues_is_asked_only_after_that_item():
    issuer = {normalise_name(item["result"]): item["code"] for item in data.ITEMS}
    misplaced = [
        (item["code"], material, issuer[normalise_name(material)])
        for item in data.ITEMS
        for material in item["materials"]
        if normalise_name(material) in issuer
        and issuer[normalise_name(material)] not in item["prerequisites"]
    ]

    assert misplaced == []


def test_each_result_is_issued_by_one_item_only():
    results = Counter(normalise_name(item["result"]) for item in data.ITEMS)

    assert [r for r, n in results.items() if n > 1] == []
    assert all(item["result"] for item in data.ITEMS)


def test_the_same_paper_is_shared_across_items():
    uses = Counter(normalise_name(m) for item in data.ITEMS for m in item["materials"])

    assert uses[normalise_name(data.BUILDING_PERMIT)] >= 8
    assert uses[normalise_name(data.LICENCE)] >= 10
    assert sum(n - 1 for n in uses.values()) >= 60  # papers saved when each is submitted once


def test_no_list_entry_hides_the_separator_or_repeats():
    broken = [
        (item["code"], entry)
        for item in data.ITEMS
        for entry in (*item["materials"], *item["prerequisites"])
        if SEPARATOR in entry or not entry.strip()
    ]
    repeated = [
        item["code"]
        for item in data.ITEMS
        for entries in (item["materials"], item["prerequisites"])
        if len(set(entries)) != len(entries)
    ]

    assert broken == []
    assert repeated == []


def test_values_use_the_import_vocabulary():
    assert {item["kind"] for item in data.ITEMS} == {
        "行政许可",
        "行政确认",
        "备案",
        "公共服务",
        "其他",
    }
    assert {item["handling"] for item in data.ITEMS} == {"全程网办", "网上预审", "窗口办理"}
    assert all(isinstance(item["visits"], int) and item["visits"] >= 0 for item in data.ITEMS)
    online_with_visits = [
        item["code"] for item in data.ITEMS if item["handling"] == "全程网办" and item["visits"]
    ]
    assert online_with_visits == []
    assert all(len(code) == 6 and code.isdigit() for code in [data.REGION_CODE])


def test_notice_commitment_items_decide_on_the_spot():
    slow = [
        item["code"]
        for item in data.ITEMS
        if item["notice_commitment"] and parse_limit(item["promised_limit"]).days
    ]

    assert slow == []


@pytest.mark.parametrize(
    ("name", "stages"),
    [
        ("一般社会投资工业项目", ["立项用地规划许可", "工程建设许可", "施工许可", "竣工验收"]),
        (
            "小型社会投资简易低风险项目",
            ["立项用地规划许可", "工程建设许可和施工许可", "竣工验收和不动产登记"],
        ),
        (
            "房地产开发项目",
            ["立项用地规划许可", "工程建设许可", "施工许可", "商品房预售", "竣工验收"],
        ),
        ("开餐馆", ["开办企业", "经营许可"]),
    ],
)
def test_project_type_has_its_stages_in_order(name, stages):
    assert [stage for stage, _lead, _codes in PROJECT_TYPES[name]] == stages


def test_industrial_project_follows_the_four_stage_reform():
    leads = [lead for _stage, lead, _codes in PROJECT_TYPES["一般社会投资工业项目"]]

    assert leads == ["ZRZY", "ZRZY", "ZJJ", "ZJJ"]


def test_every_stage_lead_grants_an_item_in_that_stage():
    idle = [
        (name, stage, lead)
        for name, stages in PROJECT_TYPES.items()
        for stage, lead, codes in stages
        if lead not in {ITEMS[code]["department"] for code in codes}
    ]

    assert idle == []


def test_a_project_type_holds_each_prerequisite_in_the_same_or_an_earlier_stage():
    problems = []
    for name, stages in PROJECT_TYPES.items():
        stage_of = {code: order for order, (_s, _l, codes) in enumerate(stages) for code in codes}
        for code, order in stage_of.items():
            for before in ITEMS[code]["prerequisites"]:
                if stage_of.get(before, order + 1) > order:
                    problems.append((name, code, before))

    assert problems == []


def test_an_item_appears_once_per_project_type():
    repeated = [
        name
        for name, stages in PROJECT_TYPES.items()
        if max(Counter(code for _s, _l, codes in stages for code in codes).values()) > 1
    ]

    assert repeated == []


def test_construction_bundles_follow_the_law():
    industrial = {c for _s, _l, codes in PROJECT_TYPES["一般社会投资工业项目"] for c in codes}
    housing = {c for _s, _l, codes in PROJECT_TYPES["房地产开发项目"] for c in codes}
    restaurant = {c for _s, _l, codes in PROJECT_TYPES["开餐馆"] for c in codes}

    # 人防 applies to 民用建筑 only; a restaurant needs no 公共场所卫生许可 (国发〔2016〕12号).
    assert not {"RF-001", "RF-003"} & industrial
    assert {"RF-001", "RF-003"} <= housing
    assert "WJJ-001" not in restaurant
    assert {"SCJG-001", "SCJG-002", "XF-001", "CGJ-005", "GAJ-001", "SWJ-001"} <= restaurant
    assert ITEMS["ZJJ-003"]["prerequisites"] == ("ZRZY-004", "ZJJ-001")
    assert "ZRZY-002" in ITEMS["ZRZY-004"]["prerequisites"]


@pytest.mark.django_db
def test_importing_the_workbook_loads_the_county_with_its_shared_papers():
    from catalog.importer import import_file
    from catalog.models import ApprovalItem, Material, ProjectType

    checked, report = import_file(WORKBOOK_PATH, WorkCalendar())

    assert checked.ok and report is not None
    assert ApprovalItem.objects.count() == len(data.ITEMS)
    assert ProjectType.objects.get(name="一般社会投资工业项目").stages.count() == 4
    permit = Material.objects.get(name=data.BUILDING_PERMIT)
    assert permit.issued_by.code == "ZRZY-004"
    assert permit.items.count() >= 8
