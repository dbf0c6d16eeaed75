"""A year of a county clerk keeping the catalog: the exported workbook is one a clerk can edit
without a manual, the mistakes clerks make are each reported once, where they are, and the
admin holds an edit to the same rules and versions as the workbook."""

import openpyxl
import pytest

from catalog import workbook
from catalog.checks import check
from catalog.importer import import_file
from catalog.models import ApprovalItem, Material
from catalog.store import load_catalog, workbook_choices, workbook_tables

from .conftest import CAL, ITEM_HEADER, ITEMS, item_row, write_xlsx

pytestmark = pytest.mark.django_db


def problems(path) -> list[str]:
    return [str(p) for p in check(workbook.read(path), CAL).problems]


@pytest.fixture
def exported(book, tmp_path):
    import_file(book, CAL)
    return workbook.write(
        tmp_path / "导出.xlsx", workbook_tables(load_catalog()), workbook_choices()
    )


def validations(ws) -> dict[str, object]:
    return {str(dv.sqref).split(":")[0][0]: dv for dv in ws.data_validations.dataValidation}


def test_the_exported_workbook_fits_its_content_and_offers_the_choices(exported):
    ws = openpyxl.load_workbook(exported)["事项"]
    assert ws.freeze_panes == "A2" and ws.auto_filter.ref == "A1:P7"
    # 事项名称 "建设工程规划许可" is 16 columns wide on screen; the header alone is 8
    assert ws.column_dimensions["B"].width >= 16
    rules = validations(ws)
    assert rules["D"].formula1 == '"行政许可,行政确认,备案,公共服务,其他"'
    assert rules["N"].formula1 == '"是,否"' and rules["N"].showErrorMessage
    assert rules["C"].formula1.startswith("'部门'!$A$2")  # codes to pick, a name may be typed
    assert "工作日" in rules["F"].prompt
    assert ws["M2"].value == 1  # a count is a number, not "number stored as text"


def test_the_exported_workbook_reads_back_unchanged(exported):
    checked, report = import_file(exported, CAL)
    assert checked.problems == []
    assert (report.items_unchanged, report.items_updated) == (6, 0)


def test_a_merged_cell_is_one_problem_at_its_first_cell(tmp_path):
    path = write_xlsx(tmp_path / "x.xlsx")
    wb = openpyxl.load_workbook(path)
    wb["事项"].merge_cells("D5:D6")  # 事项类型 of P4 and P5, both 行政许可, merged
    wb.save(path)
    assert problems(path) == [
        "［事项］第5行 D列“事项类型”：D5:D6 是合并单元格：请取消合并，并把内容填入每一个单元格。"
    ]


def test_a_formula_cell_is_one_problem(tmp_path):
    path = write_xlsx(
        tmp_path / "x.xlsx", items=[*ITEMS, item_row(事项编码="P7", 到现场次数="=1+1")]
    )
    assert problems(path) == [
        "［事项］第8行 M列“到现场次数”：单元格是公式，不予导入；"
        "请改为直接填写内容（需要以等号开头时，前面加英文单引号 '）。"
    ]


def test_a_mistyped_department_name_gets_the_likely_one(tmp_path):
    path = write_xlsx(
        tmp_path / "x.xlsx", items=[*ITEMS, item_row(事项编码="P7", 实施部门="消防救援大对")]
    )
    assert problems(path) == [
        "［事项］第8行 C列“实施部门”：未知部门“消防救援大对”，是否应为“消防救援大队”（XF）？"
        "如确是新部门，请先在“部门”表中登记。"
    ]


def test_every_mistake_of_a_year_at_once_and_nothing_written(tmp_path):
    rows = [
        item_row(事项编码="P7", 承诺时限="20个工作日", 法定时限="15个工作日"),
        item_row(事项编码="P8", 前置事项="P9"),
        item_row(事项编码="P9", 前置事项="P8"),
        item_row(事项编码="P7"),
        item_row(事项编码="P10", 承诺时限="２０"),
        item_row(事项编码="P11", 事项名称=""),
    ]
    path = write_xlsx(tmp_path / "x.xlsx", items=[*ITEMS, *rows])
    wb = openpyxl.load_workbook(path)
    wb.create_sheet("Sheet1")
    wb.save(path)
    checked, report = import_file(path, CAL)
    assert report is None and not ApprovalItem.objects.exists()
    assert [(p.row, p.column) for p in checked.errors] == [
        (8, "F"),
        (9, "G"),
        (11, "A"),
        (12, "F"),
        (13, "B"),
    ]
    assert "循环：P8 → P9 → P8" in checked.errors[1].message


def test_an_xlsx_saved_under_another_extension_is_read(tmp_path, book):
    renamed = tmp_path / "清单.et"
    renamed.write_bytes(book.read_bytes())
    assert check(workbook.read(renamed), CAL).ok


def test_an_old_binary_workbook_says_to_save_as_xlsx(tmp_path):
    old = tmp_path / "清单.xls"
    old.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(500))
    (problem,) = workbook.read(old).problems
    assert "另存为”Excel 工作簿（*.xlsx）" in problem.message


def test_one_csv_file_asks_for_the_directory(tmp_path):
    one = tmp_path / "事项.csv"
    one.write_text(",".join(ITEM_HEADER), encoding="utf-8")
    (problem,) = workbook.read(one).problems
    assert "请提供存放“部门.csv”“事项.csv”“项目类型.csv”的目录" in problem.message


def item_form(item: ApprovalItem, **changes) -> dict:
    data = {
        "code": item.code,
        "name": item.name,
        "department": item.department_id,
        "kind": item.kind,
        "legal_limit": item.legal_limit,
        "legal_unit": item.legal_unit,
        "promised_limit": item.promised_limit,
        "promised_unit": item.promised_unit,
        "fee": item.fee,
        "legal_basis": item.legal_basis,
        "result_name": item.result_name,
        "handling": item.handling,
        "visits": item.visits,
        "materials": [m.pk for m in item.materials.all()],
        "prerequisites": [p.pk for p in item.prerequisites.all()],
        "is_active": "on",
        "versions-TOTAL_FORMS": 0,
        "versions-INITIAL_FORMS": 0,
    }
    data.update(changes)
    return {k: v for k, v in data.items() if v is not None}


def change(client, item, **changes):
    return client.post(f"/admin/catalog/approvalitem/{item.pk}/change/", item_form(item, **changes))


def test_the_admin_refuses_a_promise_past_the_legal_limit(admin_client):
    p2 = ApprovalItem.objects.get(code="P2")
    response = change(admin_client, p2, promised_limit=25)
    assert response.context["adminform"].form.errors["promised_limit"] == [
        "承诺时限“25个工作日”超过法定时限“20个工作日”。"
    ]
    p2.refresh_from_db()
    assert (p2.promised_limit, p2.version) == (5, 1)


def test_the_same_problem_elsewhere_does_not_hide_this_items(admin_client):
    # P4 promises past its limit already, set behind the admin's back: in the same words
    ApprovalItem.objects.filter(code="P4").update(promised_limit=25)
    p2 = ApprovalItem.objects.get(code="P2")
    response = change(admin_client, p2, promised_limit=25)
    assert response.context["adminform"].form.errors["promised_limit"] == [
        "承诺时限“25个工作日”超过法定时限“20个工作日”。"
    ]


def test_the_admin_refuses_a_prerequisite_cycle(admin_client):
    p1 = ApprovalItem.objects.get(code="P1")
    p2 = ApprovalItem.objects.get(code="P2")  # P2 needs P1 already
    response = change(admin_client, p1, prerequisites=[p2.pk])
    assert response.context["adminform"].form.errors["prerequisites"] == [
        "前置事项形成循环：P1 → P2 → P1（箭头指向前置事项）。循环中的事项谁也无法先办，请删去其中一个前置关系。"
    ]
    assert not p1.prerequisites.exists()


def test_an_admin_edit_is_versioned_like_an_import(admin_client):
    p2 = ApprovalItem.objects.get(code="P2")
    assert change(admin_client, p2, promised_limit=3).status_code == 302
    p2.refresh_from_db()
    assert p2.version == 2
    assert [(v.version, v.data["promised_limit"]) for v in p2.versions.all()] == [(2, 3), (1, 5)]


def test_the_admin_will_not_retire_an_item_others_need(admin_client):
    p1 = ApprovalItem.objects.get(code="P1")
    response = change(admin_client, p1, is_active=None)
    assert response.context["adminform"].form.errors["is_active"] == [
        "以下在用事项以本事项为前置事项，请先修改它们再停用本事项：P2、P3。"
    ]


def test_a_material_renamed_in_the_admin_is_named_as_an_import_would_and_versions_its_items(
    admin_client,
):
    paper = Material.objects.get(name="申请表")
    response = admin_client.post(
        f"/admin/catalog/material/{paper.pk}/change/", {"name": "申请表 (原件)"}
    )
    assert response.status_code == 302
    paper.refresh_from_db()
    assert paper.name == "申请表（原件）"
    for code in ("P1", "P2", "P4"):  # every item asking for it
        item = ApprovalItem.objects.get(code=code)
        assert item.version == 2
        assert "申请表（原件）" in item.versions.first().data["materials"]
