"""A stage's items keep the order the county lists them in: through the import, the export,
the admin, the guide page and the API, and the migration that brought the order in."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from catalog import workbook
from catalog.importer import import_file
from catalog.models import ProjectType, Stage
from catalog.store import load_catalog, workbook_tables

from .conftest import CAL, PROJECT_TYPES, write_xlsx

pytestmark = pytest.mark.django_db

# 工程建设 listed P6 first: 消防设计审查 is the paper the county wants in hand first
REORDERED = [PROJECT_TYPES[0], ["厂房建设", "工程建设", "2", "ZJJ", "P6、P4、P5", ""]]


@pytest.fixture
def reordered(tmp_path):
    checked, _report = import_file(write_xlsx(tmp_path / "重排.xlsx", project_types=REORDERED), CAL)
    assert checked.ok
    return ProjectType.objects.get(name="厂房建设")


def listed(project: ProjectType, order: int) -> list[str]:
    stage = project.stages.filter(order=order).with_items().get()
    return [i.code for i in stage.items.all()]


def test_the_import_keeps_the_files_order(reordered):
    assert listed(reordered, 2) == ["P6", "P4", "P5"]
    assert load_catalog().project_types["厂房建设"].stages[1].items == ("P6", "P4", "P5")


def test_the_export_writes_the_order_back(reordered):
    rows = workbook_tables(load_catalog())["project_types"]
    assert [r["items"] for r in rows] == ["P1、P2、P3", "P6、P4、P5"]


def test_the_same_items_listed_in_another_order_are_an_update(book, reordered):
    _checked, report = import_file(book, CAL)
    assert report.project_types_updated == 1
    assert listed(reordered, 2) == ["P4", "P5", "P6"]
    _checked, report = import_file(book, CAL)
    assert report.project_types_updated == 0


def test_an_exported_workbook_reads_back_in_the_same_order(reordered, tmp_path):
    path = workbook.write(tmp_path / "again.xlsx", workbook_tables(load_catalog()))
    import_file(path, CAL)
    assert listed(reordered, 2) == ["P6", "P4", "P5"]


def test_the_guide_page_and_the_api_list_a_stage_in_its_order(client, reordered):
    page = client.get(f"/catalog/projects/{reordered.pk}/").content.decode()
    stage = page.split("工程建设", 1)[1]
    assert stage.index("消防设计审查") < stage.index("建设工程规划许可") < stage.index("施工许可")
    data = client.get(f"/api/catalog/project-types/{reordered.pk}").json()
    assert data["stages"][1]["items"] == ["P6", "P4", "P5"]


def test_the_admin_keeps_the_order_typed(admin_client):
    stage = Stage.objects.get(project_type__name="厂房建设", order=2)
    form = admin_client.get(f"/admin/catalog/stage/{stage.pk}/change/").content.decode()
    assert 'value="P4、P5、P6"' in form
    response = admin_client.post(
        f"/admin/catalog/stage/{stage.pk}/change/",
        {
            "project_type": stage.project_type_id,
            "order": 2,
            "name": stage.name,
            "lead_department": stage.lead_department_id,
            "item_codes": "P5，P6、P4",
        },
    )
    assert response.status_code == 302
    assert listed(stage.project_type, 2) == ["P5", "P6", "P4"]


@pytest.mark.django_db(transaction=True)
def test_the_migration_numbers_existing_links_in_the_order_shown_until_then():
    executor = MigrationExecutor(connection)
    before, after = (
        [("catalog", "0002_project_type_is_active")],
        [("catalog", "0003_stage_item_order")],
    )
    executor.migrate(before)
    try:
        apps = executor.loader.project_state(before).apps
        department = apps.get_model("directory", "Department").objects.create(
            code="ZJJ", name="住房城乡建设局", region_code="139999"
        )
        Item = apps.get_model("catalog", "ApprovalItem")
        items = {
            code: Item.objects.create(
                code=code, name=code, department=department, legal_limit=1, promised_limit=1
            )
            for code in ("P6", "P4", "P5")  # created out of code order
        }
        project = apps.get_model("catalog", "ProjectType").objects.create(name="厂房建设")
        stage = apps.get_model("catalog", "Stage").objects.create(
            project_type=project, order=1, name="工程建设", lead_department=department
        )
        stage.items.add(items["P6"], items["P4"], items["P5"])
        executor = MigrationExecutor(connection)
        executor.migrate(after)
        apps = executor.loader.project_state(after).apps
        links = apps.get_model("catalog", "StageItem").objects.filter(stage_id=stage.pk)
        assert list(links.order_by("position").values_list("item__code", "position")) == [
            ("P4", 0),
            ("P5", 1),
            ("P6", 2),
        ]
    finally:
        executor = MigrationExecutor(connection)
        executor.migrate(executor.loader.graph.leaf_nodes())
