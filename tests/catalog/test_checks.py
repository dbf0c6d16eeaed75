"""Every check, with the message a county clerk reads (一次性告知: all problems at once)."""

import copy
import datetime as dt

import pytest

from catalog import workbook
from catalog.checks import check, split_list
from catalog.days import DayTable
from workdays.calendar import WorkCalendar

from .conftest import CAL, DEPARTMENTS, ITEMS, PROJECT_TYPES, item_row, write_xlsx


def run(tmp_path, **sheets):
    return check(workbook.read(write_xlsx(tmp_path / "清单.xlsx", **sheets)), CAL)


def messages(checked) -> list[str]:
    return [str(p) for p in checked.problems]


def items_with(*rows):
    return [*copy.deepcopy(ITEMS), *rows]


def test_the_sample_catalog_has_no_problem(tmp_path):
    checked = run(tmp_path)
    assert checked.problems == []
    assert list(checked.catalog.items) == ["P1", "P2", "P3", "P4", "P5", "P6"]


def test_a_department_may_be_named_instead_of_coded(tmp_path):
    # P2's 实施部门 is written 自然资源局 in the sample
    assert run(tmp_path).catalog.items["P2"].department == "ZRZY"


def test_lists_split_on_every_separator_but_not_inside_brackets():
    assert split_list("申请表、营业执照，身份证;委托书；图纸\n附件") == [
        "申请表",
        "营业执照",
        "身份证",
        "委托书",
        "图纸",
        "附件",
    ]
    assert split_list("建设工程规划许可证（附图、附件）、申请表") == [
        "建设工程规划许可证(附图、附件)",
        "申请表",
    ]


def test_materials_are_identified_by_their_normalised_name(tmp_path):
    row = item_row(事项编码="X1", 申请材料="营业执照 (副本)、营业执照（副本）。")
    checked = run(tmp_path, items=items_with(row))
    assert checked.catalog.items["X1"].materials == ("营业执照（副本）",)
    assert "材料“营业执照（副本）”重复列出，按一份计。" in messages(checked)[0]
    assert checked.ok  # a warning only


def test_unknown_department_of_an_item(tmp_path):
    checked = run(tmp_path, items=items_with(item_row(事项编码="X1", 实施部门="气象局")))
    assert messages(checked) == [
        "［事项］第8行 C列“实施部门”：未知部门“气象局”：请先在“部门”表中登记该部门。"
    ]


def test_unknown_lead_department_of_a_stage(tmp_path):
    rows = [*PROJECT_TYPES, ["竣工项目", "竣工验收", "1", "WX", "P6", ""]]
    checked = run(tmp_path, project_types=rows)
    assert messages(checked) == [
        "［项目类型］第4行 D列“牵头部门”：未知部门“WX”：请先在“部门”表中登记该部门。"
    ]


def test_unknown_prerequisite_code(tmp_path):
    checked = run(tmp_path, items=items_with(item_row(事项编码="X1", 前置事项="P9")))
    assert messages(checked) == [
        "［事项］第8行 G列“前置事项”：未知前置事项编码“P9”：“事项”表中没有该事项。"
    ]


def test_unknown_item_code_in_a_stage(tmp_path):
    rows = [*PROJECT_TYPES, ["竣工项目", "竣工验收", "1", "XF", "P6、Q1", ""]]
    checked = run(tmp_path, project_types=rows)
    assert messages(checked) == [
        "［项目类型］第4行 E列“事项编码”：未知事项编码“Q1”：“事项”表中没有该事项。"
    ]


def test_duplicate_item_codes_name_the_first_row(tmp_path):
    checked = run(tmp_path, items=items_with(item_row(事项编码="P1")))
    assert messages(checked) == ["［事项］第8行 A列“事项编码”：事项编码“P1”重复，已在第2行使用。"]


def test_duplicate_department_codes(tmp_path):
    checked = run(tmp_path, departments=[*DEPARTMENTS, ["XF", "消防大队", "139999"]])
    assert messages(checked) == ["［部门］第7行 A列“部门编码”：部门编码“XF”重复，已在第6行使用。"]


def test_region_codes_are_six_digits(tmp_path):
    checked = run(tmp_path, departments=[*DEPARTMENTS, ["QX", "气象局", "13999"]])
    assert "［部门］第7行 C列“行政区划代码”：行政区划代码应为6位数字" in messages(checked)[0]


def test_promised_above_legal_in_the_same_unit(tmp_path):
    checked = run(
        tmp_path,
        items=items_with(item_row(事项编码="X1", 法定时限="20个工作日", 承诺时限="二十五个工作日")),
    )
    assert messages(checked) == [
        "［事项］第8行 F列“承诺时限”：承诺时限“25个工作日”超过法定时限“20个工作日”。"
    ]


def test_promised_calendar_days_above_legal_working_days(tmp_path):
    # 20 working days never take fewer than 24 calendar days or so: 30 calendar days exceed them
    checked = run(
        tmp_path, items=items_with(item_row(事项编码="X1", 法定时限="20个工作日", 承诺时限="30日"))
    )
    shortest = DayTable.of(CAL).working_span(20, longest=False)
    assert shortest < 30
    assert messages(checked) == [
        "［事项］第8行 F列“承诺时限”：承诺时限“30个自然日”超过法定时限“20个工作日”："
        f"20个工作日最短只有{shortest}个自然日。"
    ]


def test_promised_working_days_that_can_outrun_legal_calendar_days(tmp_path):
    # 15 working days take three weeks at least when they start on a Friday: more than 20 days
    checked = run(
        tmp_path, items=items_with(item_row(事项编码="X1", 法定时限="20日", 承诺时限="15个工作日"))
    )
    longest = DayTable.of(CAL).working_span(15, longest=True)
    assert longest > 20
    assert f"15个工作日最长可达{longest}个自然日" in messages(checked)[0]


@pytest.mark.parametrize(
    ("legal", "promised"),
    [("20个工作日", "20日"), ("30日", "10个工作日"), ("20个工作日", "即办"), ("即办", "当场办结")],
)
def test_promises_within_the_legal_limit_across_units_pass(tmp_path, legal, promised):
    checked = run(
        tmp_path, items=items_with(item_row(事项编码="X1", 法定时限=legal, 承诺时限=promised))
    )
    assert checked.problems == []


def test_working_spans_match_counting_every_start_day():
    one_year = WorkCalendar(package_years={2026})
    table = DayTable(one_year)
    for n in (1, 3, 5, 15):
        spans = []
        day = dt.date(2026, 1, 1)
        while day < dt.date(2026, 11, 1):  # ends stay inside 2026
            spans.append((one_year.add_working_days(day, n) - day).days)
            day += dt.timedelta(days=1)
        assert table.working_span(n, longest=True) == max(spans)
        assert table.working_span(n, longest=False) == min(spans)


def test_an_unparseable_limit_is_reported_once(tmp_path):
    checked = run(tmp_path, items=items_with(item_row(事项编码="X1", 法定时限="二十几天")))
    assert messages(checked) == [
        "［事项］第8行 E列“法定时限”：无法识别时限“二十几天”，请写成“20个工作日”“二十个工作日”“30个自然日”“30日”或“即办”。"
    ]


def test_a_prerequisite_cycle_is_named_in_full(tmp_path):
    rows = items_with(
        item_row(事项编码="A", 前置事项="B"),
        item_row(事项编码="B", 前置事项="C"),
        item_row(事项编码="C", 前置事项="A"),
    )
    checked = run(tmp_path, items=rows)
    assert messages(checked) == [
        "［事项］第8行 G列“前置事项”：前置事项形成循环：A → B → C → A（箭头指向前置事项）。"
        "循环中的事项谁也无法先办，请删去其中一个前置关系。"
    ]


def test_an_item_that_needs_itself_is_a_cycle(tmp_path):
    checked = run(tmp_path, items=items_with(item_row(事项编码="A", 前置事项="A")))
    assert "前置事项形成循环：A → A" in messages(checked)[0]


def test_a_material_issued_by_an_undeclared_prerequisite(tmp_path):
    # 用地预审意见 is P2's result; X1 asks for it without needing P2
    checked = run(
        tmp_path, items=items_with(item_row(事项编码="X1", 申请材料="用地预审意见", 前置事项="P1"))
    )
    assert messages(checked) == [
        "［事项］第8行 H列“申请材料”：材料“用地预审意见”由事项“P2 用地预审”出具，但该事项不是本事项的前置事项："
        "请把“P2”加入前置事项，或从申请材料中删去“用地预审意见”。"
    ]


def test_a_material_issued_by_an_indirect_prerequisite_is_fine(tmp_path):
    # X1 needs P4, which needs P2, which issues 用地预审意见
    checked = run(
        tmp_path, items=items_with(item_row(事项编码="X1", 申请材料="用地预审意见", 前置事项="P4"))
    )
    assert checked.problems == []


def test_an_item_cannot_ask_for_its_own_result(tmp_path):
    row = item_row(事项编码="X1", 申请材料="许可证", 办理结果="许可证")
    assert "是本事项自己的办理结果" in messages(run(tmp_path, items=items_with(row)))[0]


def test_two_items_issuing_the_same_result(tmp_path):
    checked = run(tmp_path, items=items_with(item_row(事项编码="X1", 办理结果="施工许可证")))
    assert "办理结果“施工许可证”与事项“P5”相同" in messages(checked)[0]


def test_a_stage_whose_lead_department_has_no_item_in_it(tmp_path):
    rows = [*PROJECT_TYPES, ["竣工项目", "竣工验收", "1", "FGJ", "P6", ""]]
    checked = run(tmp_path, project_types=rows)
    assert messages(checked) == [
        "［项目类型］第4行 D列“牵头部门”：“竣工项目”的“竣工验收”阶段由“发展改革局”牵头，但该部门在本阶段没有事项。"
    ]


def test_an_item_in_two_stages_of_one_project_type(tmp_path):
    rows = [*PROJECT_TYPES, ["厂房建设", "竣工验收", "3", "XF", "P6", ""]]
    assert (
        "事项“P6”已列入本项目类型的“工程建设”阶段" in messages(run(tmp_path, project_types=rows))[0]
    )


def test_two_stages_of_one_name(tmp_path):
    rows = [PROJECT_TYPES[0], ["厂房建设", "立项用地", "2", "ZJJ", "P4；P5；P6", ""]]
    assert messages(run(tmp_path, project_types=rows)) == [
        "［项目类型］第3行 B列“阶段”：“厂房建设”的第1阶段和第2阶段都叫“立项用地”：请给各阶段不同的名称。"
    ]


def test_rows_of_one_stage_must_agree(tmp_path):
    rows = [*PROJECT_TYPES, ["厂房建设", "别的名字", "2", "ZJJ", "P5", ""]]
    assert "此行的阶段名称或牵头部门与之不一致" in messages(run(tmp_path, project_types=rows))[0]


@pytest.mark.parametrize(
    ("header", "value", "says"),
    [
        (
            "事项类型",
            "审批",
            "“审批”不是有效的事项类型，应为：行政许可、行政确认、备案、公共服务、其他。",
        ),
        ("办理方式", "邮寄", "“邮寄”不是有效的办理方式，应为：全程网办、网上预审、窗口办理。"),
        ("到现场次数", "多次", "“多次”不是次数，请填写0、1、2等整数。"),
        ("告知承诺", "也许", "“也许”应填写“是”或“否”。"),
        ("事项名称", "", "请填写事项名称。"),
    ],
)
def test_bad_values_say_what_is_allowed(tmp_path, header, value, says):
    checked = run(tmp_path, items=items_with(item_row(事项编码="X1", **{header: value})))
    assert [p.message for p in checked.problems] == [says]


def test_every_problem_is_reported_at_once(tmp_path):
    rows = items_with(
        item_row(事项编码="X1", 实施部门="气象局"),
        item_row(事项编码="X2", 承诺时限="二十几天"),
        item_row(事项编码="X3", 前置事项="X4"),
        item_row(事项编码="X4", 前置事项="X3"),
        item_row(事项编码="X1"),
    )
    checked = run(tmp_path, items=rows)
    assert len(checked.errors) == 4
    # in the file's order, though the cycle is found after the rest
    assert [p.row for p in checked.errors] == [8, 9, 10, 12]


def test_a_missing_sheet_and_a_missing_column(tmp_path):
    path = write_xlsx(
        tmp_path / "x.xlsx",
        sheets={"部门": [["部门编码", "部门名称"], ["FGJ", "发展改革局"]], "事项": [["事项编码"]]},
    )
    found = messages(check(workbook.read(path), CAL))
    assert "［部门］第1行：缺少列“行政区划代码”（或“region_code”）。" in found
    assert "［事项］第1行：缺少列“法定时限”（或“legal_limit”）。" in found
    assert "［项目类型］：缺少工作表“项目类型”（或“project_types”）。" in found


def test_unknown_columns_are_ignored_with_a_warning(tmp_path):
    rows = [["部门编码", "部门名称", "行政区划代码", "备注"], ["FGJ", "发展改革局", "139999", "x"]]
    path = write_xlsx(tmp_path / "x.xlsx", sheets={"部门": rows})
    checked = check(workbook.read(path), CAL)
    warning = next(p for p in checked.problems if p.level == workbook.WARNING)
    assert str(warning) == "（提醒）［部门］第1行 D列“备注”：未识别的列“备注”，已忽略。"


def test_english_sheet_and_column_names_are_accepted(tmp_path):
    item = next(s for s in workbook.SHEETS if s.key == "items")
    sheets = {
        "departments": [["code", "name", "region_code"], ["FGJ", "发展改革局", "139999"]],
        "Items": [
            [c.en for c in item.columns],
            [
                "E1",
                "备案",
                "FGJ",
                "filing",
                "on the spot",
                "0",
                "",
                "申请表",
                "",
                "",
                "",
                "online",
                "0",
                "no",
                "no",
                "yes",
            ],
        ],
        "project_types": [
            ["Project Type", "Stage", "Stage Order", "Lead Department", "Item Codes"],
            ["测试", "一", "1", "FGJ", "E1"],
        ],
    }
    checked = check(workbook.read(write_xlsx(tmp_path / "en.xlsx", sheets=sheets)), CAL)
    assert checked.problems == []
    assert checked.catalog.items["E1"].kind == "filing"
    assert checked.catalog.items["E1"].is_annual_inspection


def test_headers_may_carry_a_note_in_brackets(tmp_path):
    rows = [["部门编码*", "部门名称（全称）", "行政区划代码(6位)"], ["FGJ", "发展改革局", "139999"]]
    path = write_xlsx(tmp_path / "x.xlsx", sheets={"部门": rows})
    assert "FGJ" in check(workbook.read(path), CAL).catalog.departments


def test_a_file_reads_the_same_whatever_the_language_of_the_reader(tmp_path):
    from django.utils import translation

    with translation.override("en"):
        checked = run(tmp_path)
    assert checked.problems == []
    assert checked.catalog.items["P1"].kind == "filing"
