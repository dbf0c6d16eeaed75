"""Import writes all or nothing, keeps versions, and export reads back as the same catalog."""

import copy

import openpyxl
import pytest

from catalog import importer, workbook
from catalog.importer import import_file
from catalog.models import ApprovalItem, ItemVersion, Material, ProjectType, Stage
from catalog.store import load_catalog, snapshot, workbook_tables
from directory.models import Department

from .conftest import CAL, ITEMS, PROJECT_TYPES, item_row, write_xlsx

pytestmark = pytest.mark.django_db


def comparable(catalog):
    return (
        {c: (d.name, d.region_code) for c, d in catalog.departments.items()},
        {c: snapshot(i) for c, i in catalog.items.items()},
        {
            n: [(s.order, s.name, s.lead_department, s.items) for s in p.stages]
            for n, p in catalog.project_types.items()
        },
    )


def changed_items(**by_code):
    """ITEMS with some cells changed: changed_items(P2={"承诺时限": "3个工作日"})."""
    from .conftest import ITEM_HEADER

    rows = copy.deepcopy(ITEMS)
    for row in rows:
        for header, value in by_code.get(row[0], {}).items():
            row[ITEM_HEADER.index(header)] = value
    return rows


def test_import_writes_the_whole_catalog(book):
    checked, report = import_file(book, CAL)
    assert checked.ok
    assert (report.items_created, report.departments_created, report.project_types_created) == (
        6,
        5,
        1,
    )
    p2 = ApprovalItem.objects.get(code="P2")
    assert (p2.department.code, p2.legal_limit, p2.promised_limit, p2.promised_unit) == (
        "ZRZY",
        20,
        5,
        "working",
    )
    assert p2.notice_commitment and not p2.needs_joint_meeting
    assert list(p2.prerequisites.values_list("code", flat=True)) == ["P1"]
    assert Material.objects.get(name="项目备案证明").issued_by.code == "P1"
    assert Material.objects.get(name="申请表").issued_by is None
    stages = Stage.objects.filter(project_type__name="厂房建设").order_by("order")
    assert [(s.name, s.lead_department.code) for s in stages] == [
        ("立项用地", "ZRZY"),
        ("工程建设", "ZJJ"),
    ]
    assert ProjectType.objects.get(name="厂房建设").life_event == "工业项目"


def test_each_item_starts_at_version_one_with_what_the_case_engine_reads(book):
    import_file(book, CAL)
    version = ItemVersion.objects.get(item__code="P3")
    assert version.version == 1
    assert {
        k: version.data[k]
        for k in (
            "promised_limit",
            "promised_unit",
            "legal_limit",
            "legal_unit",
            "needs_joint_meeting",
        )
    } == {
        "promised_limit": 10,
        "promised_unit": "calendar",
        "legal_limit": 30,
        "legal_unit": "calendar",
        "needs_joint_meeting": True,
    }


def test_a_bad_file_writes_nothing(tmp_path):
    bad = write_xlsx(
        tmp_path / "bad.xlsx", items=[*ITEMS, item_row(事项编码="X1", 承诺时限="二十几天")]
    )
    checked, report = import_file(bad, CAL)
    assert report is None and not checked.ok
    assert not Department.objects.exists()
    assert not ApprovalItem.objects.exists()
    assert not Material.objects.exists()
    assert not ProjectType.objects.exists()


def test_a_bad_reimport_leaves_the_catalog_as_it_was(book, tmp_path):
    import_file(book, CAL)
    before = comparable(load_catalog())
    bad = write_xlsx(
        tmp_path / "bad.xlsx",
        items=[
            *changed_items(P2={"承诺时限": "3个工作日"}),
            item_row(事项编码="P1"),
        ],  # a duplicate
    )
    assert import_file(bad, CAL)[1] is None
    assert comparable(load_catalog()) == before
    assert ApprovalItem.objects.get(code="P2").version == 1


def test_a_failure_half_way_rolls_everything_back(book, monkeypatch):
    def broken(*args):
        raise RuntimeError("disk full")

    monkeypatch.setattr(importer, "_project_types", broken)
    with pytest.raises(RuntimeError):
        import_file(book, CAL)
    assert not ApprovalItem.objects.exists()
    assert not Department.objects.exists()


def test_an_unchanged_reimport_bumps_nothing(book):
    import_file(book, CAL)
    _checked, report = import_file(book, CAL)
    assert (report.items_created, report.items_updated, report.items_unchanged) == (0, 0, 6)
    assert report.project_types_updated == 0
    assert set(ApprovalItem.objects.values_list("version", flat=True)) == {1}
    assert ItemVersion.objects.count() == 6


def test_a_changed_item_gets_a_new_version_and_the_old_one_is_kept(book, tmp_path):
    import_file(book, CAL)
    changed = write_xlsx(tmp_path / "v2.xlsx", items=changed_items(P2={"承诺时限": "3个工作日"}))
    _checked, report = import_file(changed, CAL)
    assert (report.items_updated, report.items_unchanged) == (1, 5)
    p2 = ApprovalItem.objects.get(code="P2")
    assert (p2.version, p2.promised_limit) == (2, 3)
    kept = dict(ItemVersion.objects.filter(item=p2).values_list("version", "data__promised_limit"))
    assert kept == {1: 5, 2: 3}
    assert ApprovalItem.objects.get(code="P1").version == 1


def test_a_changed_list_of_papers_is_a_change_too(book, tmp_path):
    import_file(book, CAL)
    changed = write_xlsx(tmp_path / "v2.xlsx", items=changed_items(P6={"申请材料": "施工图"}))
    import_file(changed, CAL)
    p6 = ApprovalItem.objects.get(code="P6")
    assert p6.version == 2
    assert list(p6.materials.values_list("name", flat=True)) == ["施工图"]


def test_items_and_project_types_left_out_are_switched_off_not_deleted(book, tmp_path):
    import_file(book, CAL)
    smaller = write_xlsx(
        tmp_path / "v2.xlsx",
        items=ITEMS[:5],
        project_types=[["立项", "立项用地", "1", "ZRZY", "P1、P2、P3", ""]],
    )
    _checked, report = import_file(smaller, CAL)
    assert (
        report.items_deactivated,
        report.project_types_deactivated,
        report.project_types_created,
    ) == (1, 1, 1)
    assert not ApprovalItem.objects.get(code="P6").is_active
    assert not ProjectType.objects.get(name="厂房建设").is_active
    _checked, report = import_file(book, CAL)  # back again
    p6 = ApprovalItem.objects.get(code="P6")
    assert p6.is_active and p6.version == 1
    assert ProjectType.objects.get(name="厂房建设").is_active


def test_a_stage_change_updates_the_project_type(book, tmp_path):
    import_file(book, CAL)
    rows = [PROJECT_TYPES[0], ["厂房建设", "工程建设", "2", "ZJJ", "P4；P5", ""]]
    _checked, report = import_file(write_xlsx(tmp_path / "v2.xlsx", project_types=rows), CAL)
    assert report.project_types_updated == 1
    stage = Stage.objects.get(project_type__name="厂房建设", order=2)
    assert sorted(stage.items.values_list("code", flat=True)) == ["P4", "P5"]


@pytest.mark.parametrize("target", ["again.xlsx", "again-csv"])
def test_export_then_import_gives_the_same_catalog(book, tmp_path, target):
    import_file(book, CAL)
    before = comparable(load_catalog())
    path = workbook.write(tmp_path / target, workbook_tables(load_catalog()))
    checked = importer.check(workbook.read(path), CAL)
    assert checked.problems == []
    assert comparable(checked.catalog) == before
    _checked, report = import_file(path, CAL)
    assert (report.items_unchanged, report.items_updated, report.departments_updated) == (6, 0, 0)
    assert comparable(load_catalog()) == before


def test_export_escapes_what_a_spreadsheet_would_run(book, tmp_path):
    import_file(book, CAL)
    ApprovalItem.objects.filter(code="P6").update(name='=HYPERLINK("http://evil")', fee="-50元")
    path = workbook.write(tmp_path / "out.xlsx", workbook_tables(load_catalog()))
    ws = openpyxl.load_workbook(path)["事项"]
    row = next(r for r in ws.iter_rows(min_row=2) if r[0].value == "P6")
    assert row[1].value == '\'=HYPERLINK("http://evil")' and row[1].data_type == "s"
    assert row[9].value == "'-50元"
    checked = importer.check(workbook.read(path), CAL)
    assert checked.catalog.items["P6"].name == '=HYPERLINK("http://evil")'
    assert checked.catalog.items["P6"].fee == "-50元"
