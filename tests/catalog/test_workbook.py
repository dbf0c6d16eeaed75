"""The file format: xlsx and CSV directories, formulas refused on the way in and escaped on
the way out."""

import openpyxl
import pytest

from catalog import workbook
from catalog.checks import check

from .conftest import CAL, write_xlsx


def test_a_formula_cell_is_refused(tmp_path):
    path = write_xlsx(
        tmp_path / "x.xlsx",
        sheets={
            "部门": [
                ["部门编码", "部门名称", "行政区划代码"],
                ["FGJ", '=HYPERLINK("http://x")', "139999"],
            ]
        },
    )
    book = workbook.read(path)
    assert [str(p) for p in book.problems if p.sheet == "部门"] == [
        "［部门］第2行 B列“部门名称”：单元格是公式，不予导入；请改为直接填写内容（需要以等号开头时，前面加英文单引号 '）。"
    ]


def test_a_formula_in_a_csv_file_is_refused_too(tmp_path):
    (tmp_path / "部门.csv").write_text(
        "部门编码,部门名称,行政区划代码\nFGJ,=1+1,139999\n", encoding="utf-8"
    )
    book = workbook.read(tmp_path)
    assert any("单元格是公式" in p.message for p in book.problems)


@pytest.mark.parametrize("text", ["=SUM(A1:A2)", "+86 123", "-5", "@cmd", "\tx"])
def test_cells_that_could_run_as_formulas_are_escaped_and_read_back(text):
    escaped = workbook.escape_cell(text)
    assert escaped == "'" + text
    assert workbook.unescape_cell(escaped) == text


def test_harmless_cells_are_not_escaped():
    assert workbook.escape_cell("申请表") == "申请表"
    assert workbook.unescape_cell("'申请表") == "'申请表"


def test_an_exported_workbook_holds_no_formula(tmp_path):
    tables = {
        "departments": [{"code": "FGJ", "name": "=cmd|' /C calc'!A0", "region_code": "139999"}]
    }
    path = workbook.write(tmp_path / "out.xlsx", tables)
    ws = openpyxl.load_workbook(path)["部门"]
    assert ws["B2"].data_type == "s"
    assert ws["B2"].value == "'=cmd|' /C calc'!A0"
    assert workbook.read(path).sheets["departments"].rows[0].cells["name"] == "=cmd|' /C calc'!A0"


def test_csv_directory_round_trip(tmp_path):
    tables = {
        "departments": [{"code": "FGJ", "name": "发展改革局", "region_code": "139999"}],
        "items": [{"code": "A", "name": "备案，含“引号”", "materials": "申请表；-附件"}],
    }
    workbook.write(tmp_path / "csv", tables)
    assert sorted(p.name for p in (tmp_path / "csv").iterdir()) == [
        "事项.csv",
        "部门.csv",
        "项目类型.csv",
    ]
    assert (tmp_path / "csv" / "部门.csv").read_bytes().startswith(b"\xef\xbb\xbf")  # BOM for Excel
    book = workbook.read(tmp_path / "csv")
    row = book.sheets["items"].rows[0].cells
    assert (row["name"], row["materials"]) == ("备案，含“引号”", "申请表；-附件")


def test_csv_saved_by_chinese_excel_is_read(tmp_path):
    text = "部门编码,部门名称,行政区划代码\nFGJ,发展改革局,139999\n"
    (tmp_path / "部门.csv").write_bytes(text.encode("gb18030"))
    book = workbook.read(tmp_path)
    assert book.sheets["departments"].rows[0].cells["name"] == "发展改革局"


def test_a_multi_line_cell_in_csv_stays_one_row(tmp_path):
    text = '部门编码,部门名称,行政区划代码\nFGJ,"发展\n改革局",139999\nZJJ,住建局,139999\n'
    (tmp_path / "部门.csv").write_text(text, encoding="utf-8")
    rows = workbook.read(tmp_path).sheets["departments"].rows
    assert [r.number for r in rows] == [2, 3]


def test_numbers_in_cells_read_as_the_county_typed_them(tmp_path):
    path = write_xlsx(
        tmp_path / "x.xlsx",
        sheets={"部门": [["部门编码", "部门名称", "行政区划代码"], [101, "局", 139999.0]]},
    )
    cells = workbook.read(path).sheets["departments"].rows[0].cells
    assert (cells["code"], cells["region_code"]) == ("101", "139999")


def test_blank_rows_are_skipped_and_rows_keep_their_spreadsheet_numbers(tmp_path):
    rows = [
        ["部门编码", "部门名称", "行政区划代码"],
        ["FGJ", "发展改革局", "139999"],
        [None, None, None],
        ["X", "", "139999"],
    ]
    checked = check(workbook.read(write_xlsx(tmp_path / "x.xlsx", sheets={"部门": rows})), CAL)
    assert "［部门］第4行 B列“部门名称”：请填写部门名称。" in [str(p) for p in checked.problems]


def test_a_file_that_is_not_a_workbook(tmp_path):
    (tmp_path / "清单.txt").write_text("x", encoding="utf-8")
    (tmp_path / "坏.xlsx").write_bytes(b"not a zip")
    assert "请提供 .xlsx 工作簿" in workbook.read(tmp_path / "清单.txt").problems[0].message
    assert "无法打开工作簿" in workbook.read(tmp_path / "坏.xlsx").problems[0].message
    assert "找不到文件" in workbook.read(tmp_path / "无.xlsx").problems[0].message


def test_column_letters():
    assert [workbook.column_letter(i) for i in (0, 25, 26, 27, 701)] == ["A", "Z", "AA", "AB", "ZZ"]
