"""Project types and stages edited in the admin are held to the workbook's checks, with the
workbook's words, and a refused save changes nothing. The sample catalog (conftest.py):
厂房建设, stage 1 立项用地 (自然资源局 leads: P1 P2 P3), stage 2 工程建设 (住房城乡建设局 leads:
P4 P5 P6)."""

import pytest

from catalog.models import ApprovalItem, ProjectType, Stage
from catalog.store import load_catalog
from directory.models import Department

pytestmark = pytest.mark.django_db


def codes(stage: Stage) -> list[str]:
    return [i.code for i in Stage.objects.filter(pk=stage.pk).with_items().get().items.all()]


def stage_rows(project: ProjectType) -> list[dict]:
    return [
        {
            "id": s.pk,
            "order": s.order,
            "name": s.name,
            "lead_department": s.lead_department_id,
            "item_codes": "、".join(codes(s)),
        }
        for s in project.stages.order_by("order")
    ]


def post_project(client, project: ProjectType | None, stages: list[dict], **changes):
    """The project type's page posted back as the admin shows it, with its stages' rows."""
    data = {
        "name": project.name if project else "",
        "life_event": project.life_event if project else "",
        "description": project.description if project else "",
        "is_active": "on",
        "stages-TOTAL_FORMS": len(stages),
        "stages-INITIAL_FORMS": sum(1 for s in stages if s.get("id")),
        "stages-MIN_NUM_FORMS": 0,
        "stages-MAX_NUM_FORMS": 1000,
    }
    for i, row in enumerate(stages):
        for key, value in row.items():
            data[f"stages-{i}-{key}"] = value
    data.update(changes)
    data = {k: v for k, v in data.items() if v is not None}
    url = f"/admin/catalog/projecttype/{project.pk}/change/" if project else None
    return client.post(url or "/admin/catalog/projecttype/add/", data)


def factory() -> ProjectType:
    return ProjectType.objects.get(name="厂房建设")


def stage_errors(response, index: int) -> dict:
    return response.context["inline_admin_formsets"][0].formset.forms[index].errors


def project_errors(response) -> list[str]:
    return list(response.context["inline_admin_formsets"][0].formset.non_form_errors())


def unchanged(before):
    assert load_catalog() == before


def test_a_lead_department_with_no_item_in_its_stage_is_refused(admin_client):
    before = load_catalog()
    rows = stage_rows(factory())
    rows[0]["lead_department"] = Department.objects.get(code="ZJJ").pk
    response = post_project(admin_client, factory(), rows)
    assert stage_errors(response, 0)["lead_department"] == [
        "“厂房建设”的“立项用地”阶段由“住房城乡建设局”牵头，但该部门在本阶段没有事项。"
    ]
    unchanged(before)


def test_a_stage_without_items_is_refused(admin_client):
    before = load_catalog()
    rows = stage_rows(factory())
    rows[1]["item_codes"] = ""
    response = post_project(admin_client, factory(), rows)
    assert stage_errors(response, 1)["item_codes"] == ["阶段没有列出事项。"]
    unchanged(before)


def test_an_unknown_item_code_is_refused_as_the_workbook_says(admin_client):
    before = load_catalog()
    rows = stage_rows(factory())
    rows[1]["item_codes"] = "P4、P5、P6、Q9"
    response = post_project(admin_client, factory(), rows)
    assert stage_errors(response, 1)["item_codes"] == ["未知事项编码“Q9”：“事项”表中没有该事项。"]
    unchanged(before)


def test_an_item_in_two_stages_of_one_project_type_is_refused(admin_client):
    before = load_catalog()
    rows = stage_rows(factory())
    rows[1]["item_codes"] = "P4、P1、P5、P6"
    response = post_project(admin_client, factory(), rows)
    assert stage_errors(response, 1)["item_codes"] == [
        "事项“P1”已列入本项目类型的“立项用地”阶段，一个事项只能属于一个阶段。"
    ]
    unchanged(before)


def test_two_stages_of_one_name_are_refused(admin_client):
    before = load_catalog()
    rows = stage_rows(factory())
    rows[1]["name"] = "立项用地"
    response = post_project(admin_client, factory(), rows)
    assert stage_errors(response, 1)["name"] == [
        "“厂房建设”的第1阶段和第2阶段都叫“立项用地”：请给各阶段不同的名称。"
    ]
    unchanged(before)


def test_a_stage_order_is_a_positive_number(admin_client):
    rows = stage_rows(factory())
    rows[0]["order"] = 0
    response = post_project(admin_client, factory(), rows)
    assert stage_errors(response, 0)["order"] == ["阶段顺序应为1、2、3等正整数。"]
    assert factory().stages.get(name="立项用地").order == 1


def test_a_project_type_in_use_needs_a_stage(admin_client):
    response = post_project(admin_client, None, [], name="竣工验收")
    assert project_errors(response) == [
        "项目类型“竣工验收”没有阶段：请至少设置一个阶段，并列出其事项。"
    ]
    assert not ProjectType.objects.filter(name="竣工验收").exists()
    # retired, it may wait for its stages
    response = post_project(admin_client, None, [], name="竣工验收", is_active=None)
    assert response.status_code == 302
    assert not ProjectType.objects.get(name="竣工验收").is_active


def test_a_project_type_with_its_stages_is_added_in_one_save(admin_client):
    xf = Department.objects.get(code="XF")
    row = {"order": 1, "name": "消防审查", "lead_department": xf.pk, "item_codes": "P6"}
    response = post_project(admin_client, None, [row], name="消防改造")
    assert response.status_code == 302
    assert load_catalog().project_types["消防改造"].stages[0].items == ("P6",)


def test_the_checks_answer_in_the_clerks_language(admin_client):
    admin_client.cookies["django_language"] = "en"
    rows = stage_rows(factory())
    rows[0]["lead_department"] = Department.objects.get(code="ZJJ").pk
    rows[1]["item_codes"] = ""
    response = post_project(admin_client, factory(), rows)
    assert stage_errors(response, 0)["lead_department"] == [
        'Stage "立项用地" of "厂房建设" is led by "住房城乡建设局", but that department has no '
        "item in the stage."
    ]
    assert stage_errors(response, 1)["item_codes"] == ["The stage lists no items."]


def test_a_problem_the_catalog_had_before_is_not_the_clerks(admin_client):
    # 立项用地 lost its 自然资源局 item behind the admin's back: not this edit's doing
    ApprovalItem.objects.filter(code="P2").update(is_active=False)
    factory().stages.get(order=1).items.remove(ApprovalItem.objects.get(code="P2"))
    rows = stage_rows(factory())
    response = post_project(admin_client, factory(), rows, life_event="投资建厂")
    assert response.status_code == 302
    assert factory().life_event == "投资建厂"


# ---- a stage on its own page --------------------------------------------------------------


def post_stage(client, stage: Stage, **changes):
    data = {
        "project_type": stage.project_type_id,
        "order": stage.order,
        "name": stage.name,
        "lead_department": stage.lead_department_id,
        "item_codes": "、".join(codes(stage)),
        **changes,
    }
    return client.post(f"/admin/catalog/stage/{stage.pk}/change/", data)


def test_a_stage_on_its_own_page_is_checked_with_its_project_type(admin_client):
    stage = factory().stages.get(order=2)
    response = post_stage(admin_client, stage, item_codes="P6、P3")
    assert response.context["adminform"].form.errors["item_codes"] == [
        "事项“P3”已列入本项目类型的“立项用地”阶段，一个事项只能属于一个阶段。"
    ]
    assert codes(stage) == ["P4", "P5", "P6"]


def test_a_stage_moved_away_leaves_its_project_type_checked_too(admin_client):
    stage = factory().stages.get(order=2)
    other = ProjectType.objects.create(name="消防改造", is_active=False)
    response = post_stage(admin_client, factory().stages.get(order=1), project_type=other.pk)
    assert response.status_code == 302  # the retired one is not checked; 厂房建设 keeps one
    response = post_stage(admin_client, stage, project_type=other.pk)
    assert response.context["adminform"].form.non_field_errors() == [
        "项目类型“厂房建设”没有阶段：请至少设置一个阶段，并列出其事项。"
    ]
    assert Stage.objects.get(pk=stage.pk).project_type == factory()


def test_a_retired_item_cannot_join_a_stage_but_one_listed_may_stay(admin_client):
    ApprovalItem.objects.filter(code="P5").update(is_active=False)
    stage = factory().stages.get(order=2)
    response = post_stage(admin_client, stage, order=3)
    assert response.status_code == 302, response.context["adminform"].form.errors
    first = factory().stages.get(order=1)
    response = post_stage(admin_client, first, item_codes="P1、P2、P3、P5")
    assert response.context["adminform"].form.errors["item_codes"] == [
        "事项“P5”已停用，不能列入阶段。"
    ]


def test_an_item_a_stage_lists_is_not_retired_behind_it(admin_client):
    from .test_clerk_year import change

    p6 = ApprovalItem.objects.get(code="P6")
    response = change(admin_client, p6, is_active=None)
    assert response.context["adminform"].form.errors["is_active"] == [
        "以下项目类型的阶段列有本事项，请先从中删去本事项再停用：厂房建设 · 工程建设。"
    ]
    assert ApprovalItem.objects.get(code="P6").is_active
