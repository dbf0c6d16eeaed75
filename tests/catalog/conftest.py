"""A small county catalog that crosses the 2026 Spring Festival, worked out by hand.

2026-02: Fri 13 and Sat 14 (调休) are worked; 15-23 is the holiday; Sat 28 is worked.

P1 项目备案        发展改革局  即办                   papers 申请表、营业执照          issues 项目备案证明
P2 用地预审        自然资源局  5个工作日   needs P1   papers 申请表、项目备案证明、用地红线图  issues 用地预审意见
P3 环评审批        生态环境局  10个自然日  needs P1   papers 环境影响报告书、项目备案证明
P4 建设工程规划许可 自然资源局  3个工作日   needs P2 P3 papers 申请表、用地预审意见、设计方案
P5 施工许可        住房城乡建设局 即办     needs P4   papers 施工图
P6 消防设计审查     消防救援大队 7个自然日            papers 施工图、消防设计文件

Project type 厂房建设: stage 1 立项用地 (自然资源局 leads: P1 P2 P3), stage 2 工程建设
(住房城乡建设局 leads: P4 P5 P6).
"""

import datetime as dt
from pathlib import Path

import openpyxl
import pytest

from catalog.records import (
    CALENDAR,
    Catalog,
    DepartmentRecord,
    ItemRecord,
    Limit,
    ProjectTypeRecord,
    StageRecord,
)
from catalog.workbook import SHEETS
from workdays.calendar import WorkCalendar

D = dt.date
CAL = WorkCalendar()

DEPARTMENTS = [
    ["FGJ", "发展改革局", "139999"],
    ["ZRZY", "自然资源局", "139999"],
    ["STHJ", "生态环境局", "139999"],
    ["ZJJ", "住房城乡建设局", "139999"],
    ["XF", "消防救援大队", "139999"],
]
ITEM_HEADER = [c.zh for c in SHEETS[1].columns]
# 事项编码 事项名称 实施部门 事项类型 法定时限 承诺时限 前置事项 申请材料 办理结果 收费标准 设定依据
# 办理方式 到现场次数 告知承诺 需联席会议 年审年检
# fmt: off
ITEMS = [
    ["P1", "项目备案", "FGJ", "备案", "即办", "当场办结", "", "申请表、营业执照", "项目备案证明",
     "不收费", "《企业投资项目核准和备案管理条例》", "全程网办", "1", "否", "否", "否"],
    ["P2", "用地预审", "自然资源局", "行政许可", "二十个工作日", "5个工作日", "P1",
     "申请表；项目备案证明；用地红线图", "用地预审意见", "不收费", "《土地管理法》", "网上预审", "0",
     "是", "否", "否"],
    ["P3", "环评审批", "STHJ", "行政许可", "30日", "10个自然日", "P1", "环境影响报告书，项目备案证明",
     "环评批复", "不收费", "《环境影响评价法》", "网上预审", "1", "否", "是", "否"],
    ["P4", "建设工程规划许可", "ZRZY", "行政许可", "20个工作日", "3个工作日", "P2、P3",
     "申请表、用地预审意见、设计方案", "建设工程规划许可证", "不收费", "《城乡规划法》第四十条",
     "网上预审", "0", "否", "否", "否"],
    ["P5", "施工许可", "ZJJ", "行政许可", "十五个工作日", "即办", "P4", "施工图", "施工许可证", "不收费",
     "《建筑法》第八条", "窗口办理", "1", "是", "否", "否"],
    ["P6", "消防设计审查", "XF", "行政许可", "15个工作日", "7个自然日", "", "施工图；消防设计文件",
     "消防设计审查意见", "不收费", "《消防法》", "网上预审", "2", "否", "否", "否"],
]
# fmt: on
PROJECT_TYPES = [
    ["厂房建设", "立项用地", "1", "ZRZY", "P1、P2、P3", "工业项目"],
    ["厂房建设", "工程建设", "2", "ZJJ", "P4；P5；P6", ""],
]


def headers(key: str) -> list[str]:
    spec = next(s for s in SHEETS if s.key == key)
    return [c.zh for c in spec.columns]


def write_xlsx(path: Path, departments=None, items=None, project_types=None, *, sheets=None):
    """A workbook with our Chinese headers; `sheets` replaces everything (title -> rows)."""
    if sheets is None:
        sheets = {
            "部门": [
                headers("departments"),
                *(DEPARTMENTS if departments is None else departments),
            ],
            "事项": [ITEM_HEADER, *(ITEMS if items is None else items)],
            "项目类型": [
                headers("project_types")[:6],
                *(PROJECT_TYPES if project_types is None else project_types),
            ],
        }
    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    for title, rows in sheets.items():
        ws = wb.create_sheet(title)
        for row in rows:
            ws.append(row)
    wb.save(path)
    return path


def item_row(**changes) -> list[str]:
    """A copy of P6's row (no prerequisites, no result) with columns changed by header."""
    row = list(ITEMS[5])
    row[ITEM_HEADER.index("办理结果")] = ""  # one item per result
    for header, value in changes.items():
        row[ITEM_HEADER.index(header)] = value
    return row


@pytest.fixture
def book(tmp_path):
    return write_xlsx(tmp_path / "清单.xlsx")


def hand_catalog() -> Catalog:
    """The same catalog as records, for the planner tests."""

    def item(code, name, dept, promised, pre=(), papers=(), result="", visits=0):
        return ItemRecord(
            code,
            name,
            dept,
            "licence",
            Limit(20),
            promised,
            tuple(pre),
            tuple(papers),
            result,
            visits=visits,
        )

    catalog = Catalog()
    for code, name, region in DEPARTMENTS:
        catalog.departments[code] = DepartmentRecord(code, name, region)
    for record in [
        item("P1", "项目备案", "FGJ", Limit(0), (), ("申请表", "营业执照"), "项目备案证明", 1),
        item(
            "P2",
            "用地预审",
            "ZRZY",
            Limit(5),
            ("P1",),
            ("申请表", "项目备案证明", "用地红线图"),
            "用地预审意见",
        ),
        item(
            "P3",
            "环评审批",
            "STHJ",
            Limit(10, CALENDAR),
            ("P1",),
            ("环境影响报告书", "项目备案证明"),
            "环评批复",
            1,
        ),
        item(
            "P4",
            "建设工程规划许可",
            "ZRZY",
            Limit(3),
            ("P2", "P3"),
            ("申请表", "用地预审意见", "设计方案"),
            "建设工程规划许可证",
        ),
        item("P5", "施工许可", "ZJJ", Limit(0), ("P4",), ("施工图",), "施工许可证", 1),
        item(
            "P6",
            "消防设计审查",
            "XF",
            Limit(7, CALENDAR),
            (),
            ("施工图", "消防设计文件"),
            "消防设计审查意见",
            2,
        ),
    ]:
        catalog.items[record.code] = record
    catalog.project_types["厂房建设"] = ProjectTypeRecord(
        "厂房建设",
        [
            StageRecord(1, "立项用地", "ZRZY", ("P1", "P2", "P3")),
            StageRecord(2, "工程建设", "ZJJ", ("P4", "P5", "P6")),
        ],
    )
    return catalog


@pytest.fixture
def admin_client(client, admin_user, book):
    """An administrator signed in to the admin, over the sample catalog imported."""
    from catalog.importer import import_file

    import_file(book, CAL)
    client.force_login(admin_user)
    return client
