"""容缺受理: the document (the licence) is issued only once the papers accepted as missing
are supplied; the worker takes that refusal as an answer, not a failure to retry."""

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from cases import intake
from cases.models import CaseEvent, CaseState, Decision, Shortfall
from catalog.models import Material
from documents.issuing import issue_document
from documents.models import ApprovalDocument
from documents.tasks import issue_document_later
from lianban.errors import Conflict

from .conftest import build_case

OWED = "申请人尚未补交容缺受理的材料：项目备案证明、环境影响登记表。材料补齐后才能出具批复文件。"
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def _owe(case, *names):
    return [
        Shortfall.objects.create(
            case=case,
            material=Material.objects.create(name=name),
            promise="十日内补交",
            promised_by=dt.date(2026, 11, 30),
        )
        for name in names
    ]


def _supply(case, applicant, shortfall):
    upload = SimpleUploadedFile("paper.pdf", PDF, content_type="application/pdf")
    return intake.supply_shortfall(
        case.pk, applicant, shortfall.pk, {str(shortfall.material_id): upload}
    )


def _stored_files(settings):
    root = settings.MEDIA_ROOT / "documents"
    return sorted(p.name for p in root.rglob("*.pdf")) if root.exists() else []


@pytest.mark.django_db
def test_the_document_is_refused_while_papers_are_owed(decided_case, lead, frozen, settings):
    _owe(decided_case, "项目备案证明", "环境影响登记表")
    events = CaseEvent.objects.filter(case=decided_case).count()

    with pytest.raises(Conflict) as refused:
        issue_document(decided_case.pk, lead)

    assert refused.value.message == OWED
    assert refused.value.code == "shortfalls_outstanding"
    decided_case.refresh_from_db()
    assert decided_case.state == CaseState.DECIDED
    assert not ApprovalDocument.objects.exists()
    assert CaseEvent.objects.filter(case=decided_case).count() == events
    assert _stored_files(settings) == []


@pytest.mark.django_db
def test_the_document_is_issued_once_every_paper_is_supplied(decided_case, lead, applicant, frozen):
    first, second = _owe(decided_case, "项目备案证明", "环境影响登记表")
    _supply(decided_case, applicant, first)
    with pytest.raises(Conflict, match="环境影响登记表"):
        issue_document(decided_case.pk, lead)

    _supply(decided_case, applicant, second)
    document = issue_document(decided_case.pk, lead)

    assert document.number == "示审批〔2026〕1号"  # the refusals took no number
    decided_case.refresh_from_db()
    assert decided_case.state == CaseState.CLOSED


@pytest.mark.django_db
def test_a_refusal_is_issued_without_the_papers_owed_which_are_then_no_longer_taken(
    applicant, centre, land_item, lead, frozen
):
    refused = build_case(
        applicant,
        centre,
        [(land_item, False, {"opinion": "不符合规划"})],
        decision=Decision.REFUSED,
    )
    (owed,) = _owe(refused, "项目备案证明")

    issue_document(refused.pk, lead)

    with pytest.raises(Conflict) as late:
        _supply(refused, applicant, owed)
    assert late.value.message == "办件当前状态为“已办结”，不再接收容缺材料。"
    owed.refresh_from_db()
    assert owed.supplied_at is None


@pytest.mark.django_db
def test_the_worker_takes_the_refusal_as_an_answer_and_does_not_fail(
    decided_case, lead, applicant, frozen, caplog
):
    (owed,) = _owe(decided_case, "项目备案证明")

    assert issue_document_later.call(decided_case.pk, lead.pk) == ""
    assert "shortfalls_outstanding" in caplog.text
    decided_case.refresh_from_db()
    assert decided_case.state == CaseState.DECIDED

    _supply(decided_case, applicant, owed)
    assert issue_document_later.call(decided_case.pk, lead.pk) == "示审批〔2026〕1号"
    # Run again (a duplicate in the queue): the case has moved on, nothing is issued twice.
    assert issue_document_later.call(decided_case.pk, lead.pk) == ""
    assert ApprovalDocument.objects.count() == 1


@pytest.mark.django_db
def test_the_issue_button_answers_with_the_papers_owed(client, decided_case, lead, frozen):
    _owe(decided_case, "项目备案证明", "环境影响登记表")
    client.force_login(lead)

    response = client.post(f"/documents/case/{decided_case.pk}/issue/", follow=True)

    assert OWED in response.content.decode()
    assert not ApprovalDocument.objects.exists()


@pytest.mark.django_db
def test_the_documents_page_names_the_papers_owed_instead_of_offering_the_button(
    client, decided_case, lead, applicant, frozen
):
    (owed,) = _owe(decided_case, "项目备案证明")
    client.force_login(lead)
    page = client.get(f"/documents/case/{decided_case.pk}/").content.decode()
    assert "申请人尚未补交容缺受理的材料：项目备案证明。" in page
    assert "出具批复文件并加盖电子印章" not in page
    _supply(decided_case, applicant, owed)
    page = client.get(f"/documents/case/{decided_case.pk}/").content.decode()
    assert "出具批复文件并加盖电子印章" in page and "尚未补交" not in page


@pytest.mark.django_db
def test_a_backlog_document_leaves_the_lock_free_a_moment_after_it(
    decided_case, lead, frozen, monkeypatch
):
    from documents import tasks

    pauses = []
    monkeypatch.setattr(tasks.time, "sleep", pauses.append)
    assert issue_document_later.call(decided_case.pk, lead.pk) == "示审批〔2026〕1号"
    assert pauses == []  # a document issued as it falls due: no pause
    issue_document_later.call(decided_case.pk, lead.pk, "2026-11-20T10:00:00+08:00")
    assert pauses == [tasks.BACKLOG_PAUSE_SECONDS]  # the backlog's, even when refused
