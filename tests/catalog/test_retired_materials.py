"""A paper renamed or dropped in the workbook is retired, not deleted: the cases that named it
keep it, and nothing offers it any more. Listed again, the same paper comes back."""

import pytest

from catalog.importer import import_file
from catalog.models import ApprovalItem, Material

from .conftest import CAL, ITEMS, write_xlsx
from .test_import import changed_items

pytestmark = pytest.mark.django_db


def reimport(tmp_path, name="v2.xlsx", **changes):
    checked, report = import_file(write_xlsx(tmp_path / name, **changes), CAL)
    assert checked.ok, [str(p) for p in checked.problems]
    return report


def test_a_renamed_paper_is_retired_and_kept(book, tmp_path):
    import_file(book, CAL)
    old = Material.objects.get(name="消防设计文件")  # P6's alone
    report = reimport(tmp_path, items=changed_items(P6={"申请材料": "施工图；消防设计图纸"}))
    assert report.materials_retired == 1
    old.refresh_from_db()
    assert not old.is_active
    assert Material.objects.get(name="消防设计图纸").is_active
    assert "不再使用的材料停用1份" in str(report)


def test_a_paper_another_item_in_use_still_asks_for_stays(book, tmp_path):
    import_file(book, CAL)
    report = reimport(tmp_path, items=changed_items(P6={"申请材料": "消防设计文件"}))
    assert report.materials_retired == 0
    assert Material.objects.get(name="施工图").is_active  # P5 asks for it


def test_the_papers_of_an_item_left_out_are_retired_with_it(book, tmp_path):
    import_file(book, CAL)
    rows = [["厂房建设", "立项用地", "1", "ZRZY", "P1、P2、P3", ""]]
    reimport(tmp_path, items=ITEMS[:5], project_types=rows)  # P6 left out
    assert not Material.objects.get(name="消防设计文件").is_active
    assert Material.objects.get(name="施工图").is_active


def test_a_paper_listed_again_comes_back_as_the_same_row(book, tmp_path):
    import_file(book, CAL)
    old = Material.objects.get(name="消防设计文件")
    reimport(tmp_path, items=changed_items(P6={"申请材料": "施工图"}))
    import_file(book, CAL)
    again = Material.objects.get(name="消防设计文件")
    assert again.pk == old.pk and again.is_active


def test_the_admin_offers_a_retired_paper_only_where_it_already_is(admin_client, tmp_path):
    reimport(tmp_path, items=changed_items(P6={"申请材料": "施工图"}))
    p5 = ApprovalItem.objects.get(code="P5")
    form = admin_client.get(f"/admin/catalog/approvalitem/{p5.pk}/change/").context["adminform"]
    offered = set(form.form.fields["materials"].queryset.values_list("name", flat=True))
    assert "施工图" in offered and "消防设计文件" not in offered
