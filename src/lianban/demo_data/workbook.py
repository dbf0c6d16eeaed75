"""The demo county's catalog written in the county import format (`lianban catalog import`).

Three sheets with fixed Chinese headers; lists inside a cell are separated by 、, limits are
written as people write them, yes/no as 是/否. The output is byte-for-byte the same on every
run (fixed document dates, fixed zip timestamps), so regenerating it shows no spurious diff.
"""

import datetime as dt
import io
import zipfile
from pathlib import Path

from openpyxl import Workbook
from openpyxl.packaging.core import DocumentProperties
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter
from openpyxl.xml.functions import tostring

from lianban.text import display_width

from . import catalog_data as data

WORKBOOK_PATH = Path(__file__).with_name("示范县事项清单.xlsx")
SEPARATOR = "、"

DEPARTMENT_HEADERS = ("部门编码", "部门名称", "行政区划代码")
ITEM_HEADERS = (
    "事项编码", "事项名称", "实施部门", "事项类型", "法定时限", "承诺时限", "前置事项",
    "申请材料", "办理结果", "收费标准", "设定依据", "办理方式", "到现场次数", "告知承诺",
    "需联席会议",
)  # fmt: skip
PROJECT_TYPE_HEADERS = ("项目类型", "阶段", "阶段顺序", "牵头部门", "事项编码")

_FIXED_TIME = dt.datetime(2026, 1, 1)
_ZIP_TIME = (2026, 1, 1, 0, 0, 0)
_MAX_WIDTH = 60


def _yes_no(flag: bool) -> str:
    return "是" if flag else "否"


def sheets() -> dict[str, list[tuple]]:
    """Each sheet's rows, header first, exactly as the workbook holds them."""
    departments = [DEPARTMENT_HEADERS]
    departments += [(code, name, data.REGION_CODE) for code, name in data.DEPARTMENTS]
    items = [ITEM_HEADERS]
    items += [
        (
            item["code"],
            item["name"],
            item["department"],
            item["kind"],
            item["legal_limit"],
            item["promised_limit"],
            SEPARATOR.join(item["prerequisites"]) or None,
            SEPARATOR.join(item["materials"]),
            item["result"],
            item["fee"],
            item["legal_basis"],
            item["handling"],
            item["visits"],
            _yes_no(item["notice_commitment"]),
            _yes_no(item["joint_meeting"]),
        )
        for item in data.ITEMS
    ]
    stages = [PROJECT_TYPE_HEADERS]
    for project_type in data.PROJECT_TYPES:
        for order, (stage, lead, codes) in enumerate(project_type["stages"], start=1):
            stages.append((project_type["name"], stage, order, lead, SEPARATOR.join(codes)))
    return {"部门": departments, "事项": items, "项目类型": stages}


def build() -> Workbook:
    workbook = Workbook()
    workbook.remove(workbook.active)
    bold = Font(bold=True)
    for title, rows in sheets().items():
        sheet = workbook.create_sheet(title)
        for row in rows:
            sheet.append(row)
        for cell in sheet[1]:
            cell.font = bold
        sheet.freeze_panes = "A2"
        for index, column in enumerate(zip(*rows, strict=True), start=1):
            width = max(display_width(value) for value in column) + 2
            sheet.column_dimensions[get_column_letter(index)].width = min(width, _MAX_WIDTH)
    workbook.properties = DocumentProperties(
        creator="lianban", title="示范县事项清单", created=_FIXED_TIME, modified=_FIXED_TIME
    )
    return workbook


def write_workbook(path: Path | str = WORKBOOK_PATH) -> Path:
    """Write the workbook to `path` and return it."""
    workbook = build()
    buffer = io.BytesIO()
    workbook.save(buffer)  # stamps "modified" with the current time; put back below
    core = tostring(
        DocumentProperties(
            creator="lianban", title="示范县事项清单", created=_FIXED_TIME, modified=_FIXED_TIME
        ).to_tree()
    )
    out = io.BytesIO()
    with (
        zipfile.ZipFile(buffer) as source,
        zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target,
    ):
        for entry in source.infolist():
            content = core if entry.filename == "docProps/core.xml" else source.read(entry)
            fixed = zipfile.ZipInfo(entry.filename, date_time=_ZIP_TIME)
            fixed.compress_type = zipfile.ZIP_DEFLATED
            fixed.external_attr = 0o600 << 16
            target.writestr(fixed, content)
    path = Path(path)
    path.write_bytes(out.getvalue())
    return path
