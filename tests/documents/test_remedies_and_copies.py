"""What the document tells a refused applicant about challenging it (告知救济途径), and which
departments receive a copy (抄送)."""

import datetime as dt

import pytest
from django.utils.html import strip_tags

from cases.models import Decision
from documents import checks, issuing
from documents.render import ItemDecision, html

from .conftest import build_case, partial_data, pdf_text

NUMBER = "示审批〔2026〕1号"
DAY = dt.date(2026, 11, 20)
DEMO_REMEDY = (
    "可以自收到本批复之日起六十日内向示范县人民政府申请行政复议，"
    "也可以在六个月内向示范县人民法院提起行政诉讼。"
)


def _text(data) -> str:
    return "".join(strip_tags(html(data).split("<body>", 1)[1]).split())


@pytest.fixture
def own_bodies(settings):
    settings.RECONSIDERATION_BODY = "东山县人民政府"
    settings.COURT_NAME = "西岭区人民法院"


@pytest.mark.django_db
def test_a_refusal_names_the_reconsideration_body_and_the_court(decided_case):
    text = _text(issuing.document_data(decided_case, NUMBER, DAY))
    assert f"如对本批复中不予许可的决定不服，{DEMO_REMEDY}" in text


@pytest.mark.django_db
def test_a_county_that_configures_its_own_bodies_gets_them_in_the_sealed_file(
    decided_case, lead, frozen, own_bodies, tmp_path
):
    document = issuing.issue_document(decided_case.pk, lead)

    with document.file.open("rb") as f:
        text = "".join(pdf_text(f.read(), tmp_path).split())
    assert (
        "可以自收到本批复之日起六十日内向东山县人民政府申请行政复议，"
        "也可以在六个月内向西岭区人民法院提起行政诉讼。"
    ) in text
    assert "示范县人民政府" not in text and "示范县人民法院" not in text


@pytest.mark.django_db
def test_items_stopped_by_a_refusal_are_named_among_what_may_be_challenged(stopped_case):
    text = _text(issuing.document_data(stopped_case, NUMBER, DAY))
    assert f"如对本批复中不予许可和终止办理的决定不服，{DEMO_REMEDY}" in text


def test_a_full_approval_gives_no_notice_of_remedies():
    data = partial_data(
        decision="approved",
        items=(ItemDecision("用地许可", "自然资源局", True, conditions="限高"),),
    )
    text = _text(data)
    assert "行政复议" not in text and "行政诉讼" not in text


@pytest.mark.django_db
def test_departments_whose_items_were_stopped_are_copied(stopped_case):
    data = issuing.document_data(stopped_case, NUMBER, DAY)
    # In the county's order of departments (their codes ZJJ, ZRZY); the issuing centre never.
    assert data.copy_to == ("住房城乡建设局", "自然资源局")
    assert "抄送：住房城乡建设局，自然资源局。" in _text(data)


@pytest.mark.django_db
def test_a_lead_department_other_than_the_service_centre_is_copied(applicant, dept_a, land_item):
    case = build_case(
        applicant, dept_a, [(land_item, True, {"result_number": "地字第1号"})], decision="approved"
    )
    data = issuing.document_data(case, NUMBER, DAY)
    assert data.copy_to == ("自然资源局",)


@pytest.mark.django_db
def test_the_service_centre_is_not_copied_on_its_own_document(applicant, centre, lead):
    from catalog.models import ApprovalItem

    own = ApprovalItem.objects.create(
        code="X", name="企业投资项目备案", department=centre, legal_limit=5, promised_limit=1
    )
    case = build_case(applicant, centre, [(own, True, {})], decision=Decision.APPROVED)
    data = issuing.document_data(case, NUMBER, DAY)
    assert data.copy_to == ()
    assert "抄送" not in _text(data)


def test_a_county_with_its_own_centre_is_warned_while_the_bodies_are_the_demos(settings):
    assert checks.remedy_bodies_are_the_countys() == []  # the demo county itself

    settings.SERVICE_CENTRE_NAME = "东山县行政审批局"
    warned = checks.remedy_bodies_are_the_countys()
    assert [w.id for w in warned] == ["documents.W001", "documents.W001"]
    assert "LIANBAN_RECONSIDERATION_BODY" in warned[0].msg
    assert "LIANBAN_COURT" in warned[1].msg

    settings.RECONSIDERATION_BODY = "东山县人民政府"
    settings.COURT_NAME = "东山县人民法院"
    assert checks.remedy_bodies_are_the_countys() == []
