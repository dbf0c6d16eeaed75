"""Issuing and revoking: one transaction, guarded, recorded in the case's history."""

import hashlib

import pytest
from django.db import transaction

from cases.models import Case, CaseState
from documents import issuing
from documents.issuing import issue_document, next_number, revoke_document
from documents.models import ApprovalDocument, DocumentStatus
from lianban.errors import Conflict, DomainError, NotFound, PermissionDenied


def _stored_files(settings):
    root = settings.MEDIA_ROOT
    return [p for p in root.rglob("*") if p.is_file()] if root.exists() else []


@pytest.mark.django_db
def test_issuing_registers_the_signed_file_and_closes_the_case(
    decided_case, lead, frozen, settings
):
    document = issue_document(decided_case.pk, lead)

    assert document.number == "示审批〔2026〕1号"
    with document.file.open("rb") as f:
        content = f.read()
    assert hashlib.sha256(content).hexdigest() == document.sha256
    assert document.signer == "示范县行政审批局（电子印章）"
    assert document.status == DocumentStatus.VALID
    decided_case.refresh_from_db()
    assert decided_case.state == CaseState.CLOSED
    event = decided_case.events.get(kind="document_issued")
    assert event.payload == {"document": document.number, "sha256": document.sha256}
    assert len(_stored_files(settings)) == 1


@pytest.mark.django_db
def test_numbers_run_on_per_year_under_the_prefix(settings):
    assert [next_number(2026), next_number(2026), next_number(2027)] == [
        "示审批〔2026〕1号",
        "示审批〔2026〕2号",
        "示审批〔2027〕1号",
    ]
    settings.LIANBAN_DOCUMENT_PREFIX = "示政审"
    assert next_number(2026) == "示政审〔2026〕1号"


@pytest.mark.django_db
def test_a_case_not_yet_decided_gets_no_document(decided_case, lead, frozen, settings):
    Case.objects.filter(pk=decided_case.pk).update(state=CaseState.IN_REVIEW)
    with pytest.raises(Conflict, match="不能出具批复文件"):
        issue_document(decided_case.pk, lead)
    assert not ApprovalDocument.objects.exists()
    assert _stored_files(settings) == []


@pytest.mark.django_db
def test_reviewer_cannot_issue(decided_case, reviewer_a, frozen):
    with pytest.raises(PermissionDenied):
        issue_document(decided_case.pk, reviewer_a)
    assert not ApprovalDocument.objects.exists()


@pytest.mark.django_db
def test_outsider_is_told_the_case_does_not_exist(decided_case, charlie, frozen):
    with pytest.raises(NotFound):
        issue_document(decided_case.pk, charlie)


@pytest.mark.django_db(transaction=True)
def test_a_failure_after_storing_leaves_no_file_no_row_and_no_number(
    decided_case, lead, frozen, settings, monkeypatch
):
    def fail(*args, **kwargs):
        raise RuntimeError("engine refused")

    monkeypatch.setattr(issuing, "record_document_issued", fail)
    with pytest.raises(RuntimeError):
        issue_document(decided_case.pk, lead)
    assert _stored_files(settings) == []
    assert not ApprovalDocument.objects.exists()
    assert Case.objects.get(pk=decided_case.pk).state == CaseState.DECIDED
    with transaction.atomic():  # next_number locks its sequence row
        assert next_number(2026) == "示审批〔2026〕1号"  # the number was not used up


@pytest.mark.django_db
def test_without_a_seal_key_nothing_is_issued(decided_case, lead, frozen, settings, tmp_path):
    settings.KEYS_DIR = tmp_path / "no-keys"
    with pytest.raises(issuing.SealNotConfigured, match="请联系系统管理员") as refused:
        issue_document(decided_case.pk, lead)
    assert "lianban keys init" in refused.value.detail  # for the administrator, in the log
    assert str(tmp_path) not in refused.value.message  # no server path shown to a lead
    assert not ApprovalDocument.objects.exists()
    assert Case.objects.get(pk=decided_case.pk).state == CaseState.DECIDED


@pytest.mark.django_db
def test_reissue_revokes_under_a_reason_and_names_the_successor(issued, lead, settings):
    old = revoke_document(issued.pk, lead, "许可证编号有误", reissue=True)

    assert old.status == DocumentStatus.REVOKED
    assert old.revoke_reason == "许可证编号有误"
    assert old.successor.number == "示审批〔2026〕2号"
    assert old.successor.status == DocumentStatus.VALID
    assert old.successor.sha256 != old.sha256
    event = old.case.events.get(kind="document_revoked")
    assert event.payload == {
        "document": "示审批〔2026〕1号",
        "reason": "许可证编号有误",
        "successor": "示审批〔2026〕2号",
        "successor_sha256": old.successor.sha256,
    }
    assert len(_stored_files(settings)) == 2  # the old file is kept as issued


@pytest.mark.django_db
@pytest.mark.parametrize("reason", ["编号\u202e有误", "编号\x00有误", "   ", "理" * 1001])
def test_a_revocation_with_a_hidden_character_blank_or_overlong_reason_changes_nothing(
    issued, lead, reason
):
    events = issued.case.events.count()
    with pytest.raises(DomainError) as refused:
        revoke_document(issued.pk, lead, reason)
    assert refused.value.field == "reason"
    issued.refresh_from_db()
    assert issued.status == DocumentStatus.VALID
    assert issued.case.events.count() == events


@pytest.mark.django_db
def test_revoking_without_reissue_leaves_no_valid_document(issued, lead):
    revoke_document(issued.pk, lead, "申请人撤回", reissue=False)
    issued.refresh_from_db()
    assert issued.status == DocumentStatus.REVOKED
    assert issued.successor is None
    assert not ApprovalDocument.objects.filter(status=DocumentStatus.VALID).exists()


@pytest.mark.django_db
def test_revoking_needs_a_reason_and_happens_once(issued, lead):
    with pytest.raises(DomainError, match="理由"):
        revoke_document(issued.pk, lead, "   ", reissue=True)
    issued.refresh_from_db()
    assert issued.status == DocumentStatus.VALID
    revoke_document(issued.pk, lead, "有误", reissue=False)
    with pytest.raises(Conflict):
        revoke_document(issued.pk, lead, "再次", reissue=False)


@pytest.mark.django_db
def test_only_the_lead_department_revokes(issued, reviewer_a, charlie):
    with pytest.raises(PermissionDenied):
        revoke_document(issued.pk, reviewer_a, "有误")
    with pytest.raises(NotFound):
        revoke_document(issued.pk, charlie, "有误")
    with pytest.raises(NotFound):
        revoke_document(999999, reviewer_a, "有误")
