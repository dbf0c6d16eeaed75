"""The public guide pages: list and search, an item's guide, a project type's timeline."""

import datetime as dt
import re
from zoneinfo import ZoneInfo

import pytest
import time_machine

from catalog.chart import LEFT, RIGHT, WIDTH, timeline_chart
from catalog.importer import import_file
from catalog.models import ApprovalItem, ProjectType
from catalog.planner import plan

from .conftest import CAL, hand_catalog

pytestmark = pytest.mark.django_db


@pytest.fixture
def catalog(book):
    import_file(book, CAL)


@pytest.fixture
def on_the_11th():
    with time_machine.travel(
        dt.datetime(2026, 2, 11, 9, tzinfo=ZoneInfo("Asia/Shanghai")), tick=False
    ):
        yield


def page(client, url, status=200):
    response = client.get(url)
    assert response.status_code == status
    return response.content.decode()


def test_the_list_shows_project_types_and_items(client, catalog):
    body = page(client, "/catalog/")
    assert "厂房建设" in body
    assert "建设工程规划许可" in body and "/catalog/items/P4/" in body
    assert "共 6 个事项" in body


def test_search_by_name_and_by_department(client, catalog):
    body = page(client, "/catalog/?q=许可")
    assert "建设工程规划许可" in body and "施工许可" in body and "环评审批" not in body
    body = page(client, "/catalog/?department=ZRZY")
    assert "用地预审" in body and "施工许可" not in body


def test_the_list_is_paginated(client, catalog):
    p6 = ApprovalItem.objects.get(code="P6")
    for n in range(25):
        ApprovalItem.objects.create(
            code=f"Z{n:02d}",
            name=f"附加事项{n}",
            department=p6.department,
            legal_limit=1,
            promised_limit=1,
        )
    first = page(client, "/catalog/?q=事项")
    assert "第 1 页，共 2 页" in first and "附加事项0" in first
    second = page(client, "/catalog/?q=事项&page=2")
    assert "附加事项24" in second and "附加事项0<" not in second
    assert 'href="?q=%E4%BA%8B%E9%A1%B9&amp;page=1"' in second


def test_an_items_guide_shows_every_field(client, catalog):
    body = page(client, "/catalog/items/P5/")
    for text in [
        "施工许可",
        "P5",
        "住房城乡建设局",
        "行政许可",
        "15个工作日",
        "即办",
        "当场办结",
        "窗口办理",
        "1 次",
        "不收费",
        "施工许可证",
        "可以告知承诺代替部分材料",
        "《建筑法》第八条",
        "施工图",
        "厂房建设",
        "第 1 版",
    ]:
        assert text in body, text
    assert "/catalog/items/P4/" in body  # its prerequisite


def test_a_paper_issued_by_another_item_says_it_need_not_be_submitted(client, catalog):
    body = page(client, "/catalog/items/P4/")
    assert "用地预审意见" in body
    assert "由“P2 用地预审”出具；与该事项一并办理时免于提交。" in body


def test_unknown_and_switched_off_items_are_not_found(client, catalog):
    page(client, "/catalog/items/NOPE/", 404)
    ApprovalItem.objects.filter(code="P6").update(is_active=False)
    page(client, "/catalog/items/P6/", 404)
    assert "消防设计审查" not in page(client, "/catalog/")


def test_a_project_types_guide_draws_its_timeline(client, catalog, on_the_11th):
    project = ProjectType.objects.get(name="厂房建设")
    body = page(client, f"/catalog/projects/{project.pk}/")
    assert "<svg" in body and 'role="img"' in body
    assert "并联8个工作日，串联21个工作日" in body
    assert "节省13个工作日；材料只交7份，少交6份" in body
    assert "并联办理：2026-02-28 办结，共 8 个工作日" in body
    assert "关键路径：P1 → P2 → P4 → P5" in body
    assert body.count("<rect") >= 1 + 2 + 4  # background, serial and parallel bars, four items
    assert body.count("<polygon") == 2  # P1 and P5 are on the spot


def test_the_timeline_needs_no_script_and_no_inline_style(client, catalog, on_the_11th):
    project = ProjectType.objects.get(name="厂房建设")
    response = client.get(f"/catalog/projects/{project.pk}/")
    body = response.content.decode()
    assert "<script" not in body.split("</head>")[1]
    assert not re.search(r"\sstyle=", body)
    assert "<style" not in body
    assert "style-src 'self'" in response["Content-Security-Policy"]
    assert "/static/catalog/catalog.css" in body


def test_a_project_page_can_start_another_day(client, catalog):
    project = ProjectType.objects.get(name="厂房建设")
    body = page(client, f"/catalog/projects/{project.pk}/?start=2026-03-02")
    assert 'value="2026-03-02"' in body


def test_a_plan_into_an_unscheduled_year_explains_instead_of_failing(client, catalog):
    project = ProjectType.objects.get(name="厂房建设")
    body = page(client, f"/catalog/projects/{project.pk}/?start=2026-12-20")
    assert "2027年的工作日安排尚未录入" in body
    assert "<svg" not in body
    assert "立项用地" in body  # the stages are still listed


def test_switched_off_project_types_are_not_found(client, catalog):
    project = ProjectType.objects.get(name="厂房建设")
    ProjectType.objects.filter(pk=project.pk).update(is_active=False)
    page(client, f"/catalog/projects/{project.pk}/", 404)
    page(client, "/catalog/projects/999999/", 404)


def test_chart_bars_share_one_scale_up_to_the_serial_finish():
    result = plan(hand_catalog(), dt.date(2026, 2, 11), CAL, project_type="厂房建设")
    chart = timeline_chart(result)
    rects = [s for s in chart.shapes if s.kind == "rect"]
    serial, parallel = rects[0], rects[1]
    usable = WIDTH - LEFT - RIGHT
    assert serial.width == usable  # 02-11 to 03-18
    assert parallel.width == round(LEFT + 17 / 35 * usable, 1) - LEFT  # 17 of 35 days
    assert all(LEFT <= s.x and s.x + s.width <= WIDTH - RIGHT + 0.1 for s in rects)
    assert chart.width == 360  # drawn for a phone's width, scaled up on wider screens


def test_long_names_are_shortened_on_the_chart_and_given_whole_in_the_title():
    catalog = hand_catalog()
    catalog.items["P6"].name = "建设工程消防设计审查及特殊建设工程消防验收"
    chart = timeline_chart(plan(catalog, dt.date(2026, 2, 11), CAL, codes=["P6"]))
    label = next(s for s in chart.shapes if s.kind == "text" and s.text.startswith("P6"))
    assert label.text == "P6 建设工程消防设计审查及特殊建…"  # 14 characters and …
    bar = next(s for s in chart.shapes if s.kind == "rect" and "P6" in s.title)
    assert "建设工程消防设计审查及特殊建设工程消防验收" in bar.title
